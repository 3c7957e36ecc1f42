"""The public challenge page invites applicants to unveil it, while it is open."""

from datetime import timedelta

from portal import clock


def test_an_open_challenge_offers_the_unveil_button_and_a_closed_one_does_not(
    client, make_challenge, make_user, login
):
    challenge = make_challenge(title="车规级 IGBT 模块")
    page = client.get(f"/challenges/{challenge.number}").get_data(as_text=True)
    assert f"/challenges/{challenge.number}/propose" in page

    make_user("alice@alpha.example")
    login("alice@alpha.example")
    response = client.get(f"/challenges/{challenge.number}/propose")
    assert response.status_code == 200

    clock.set_now(challenge.deadline + timedelta(minutes=1))
    page = client.get(f"/challenges/{challenge.number}").get_data(as_text=True)
    assert f"/challenges/{challenge.number}/propose" not in page
    assert "no longer accepts proposals" in page


def test_officers_and_experts_are_not_offered_the_button(client, make_challenge, make_user, login):
    challenge = make_challenge()
    for role in ("officer", "expert"):
        make_user(f"{role}@example.com", role=role)
        login(f"{role}@example.com")
        page = client.get(f"/challenges/{challenge.number}").get_data(as_text=True)
        assert f"/challenges/{challenge.number}/propose" not in page
