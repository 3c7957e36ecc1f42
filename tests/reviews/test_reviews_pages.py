"""The review desk's smaller forms: panel, avoidance requests, conflict declarations, exports."""

import io

from flask import url_for
from openpyxl import load_workbook
from sqlmodel import select

from portal.db import db
from portal.reviews import links
from portal.reviews.models import AvoidanceRequest, ConflictDeclaration, PanelMember


def test_an_officer_forms_the_panel(app, client, login, officer, closed_challenge, make_expert):
    challenge = closed_challenge()
    expert = make_expert("panel@x.example", name="Panel Expert")
    login("officer@gov.example")
    page = client.get(f"/reviews/challenges/{challenge.id}").get_data(as_text=True)
    assert "The panel has no experts yet." in page and "Panel Expert" in page  # a choice
    response = client.post(f"/reviews/challenges/{challenge.id}/panel", data={"expert": expert.id})
    assert response.status_code == 302
    with app.app_context():
        member = db.session.exec(select(PanelMember)).one()
    again = client.post(
        f"/reviews/challenges/{challenge.id}/panel",
        data={"expert": expert.id},
        follow_redirects=True,
    )
    assert "This expert is already on the panel." in again.get_data(as_text=True)
    assert client.post(f"/reviews/panel/{member.id}/remove").status_code == 302
    with app.app_context():
        assert db.session.exec(select(PanelMember)).all() == []


def test_an_applicant_asks_to_avoid_an_organisation(
    app, client, login, closed_challenge, make_proposal, make_org, make_user
):
    alpha = make_org("Alpha Tech")
    rival = make_org("Rival Labs")
    proposal = make_proposal(lead=alpha, challenge=closed_challenge())
    make_user("alice@alpha.example", org=alpha)
    make_user("eve@other.example")
    login("eve@other.example")
    assert client.get(f"/reviews/proposals/{proposal.id}/avoid").status_code == 404
    login("alice@alpha.example")
    url = f"/reviews/proposals/{proposal.id}/avoid"
    empty = client.post(url, data={"expert_email": "", "credit_code": "", "reason": "Rivals"})
    assert empty.status_code == 422
    assert "e-mail or one organisation." in empty.get_data(as_text=True)
    mistyped = rival.credit_code[:17] + ("0" if rival.credit_code[17] != "0" else "1")
    unknown = client.post(url, data={"credit_code": mistyped, "reason": "Rivals"})
    assert unknown.status_code == 422
    assert "The check character does not match" in unknown.get_data(as_text=True)
    assert 'value="Rivals"' not in unknown.get_data(as_text=True)  # a textarea keeps it instead
    assert "Rivals</textarea>" in unknown.get_data(as_text=True)
    done = client.post(url, data={"credit_code": rival.credit_code, "reason": "Direct rival."})
    assert done.status_code == 302
    with app.app_context():
        request = db.session.exec(select(AvoidanceRequest)).one()
        assert (request.organisation_id, request.status.value) == (rival.id, "pending")


def test_an_expert_declares_a_conflict_with_an_organisation(
    app, client, login, make_expert, make_org
):
    firm = make_org("Old Employer Ltd")
    make_expert("e@x.example")
    login("e@x.example")
    missing = client.post("/reviews/conflicts", data={"proposal": "0", "reason": "Worked there."})
    assert missing.status_code == 422
    assert "Name either one proposal or one organisation." in missing.get_data(as_text=True)
    response = client.post(
        "/reviews/conflicts",
        data={"proposal": "0", "credit_code": firm.credit_code, "reason": "Worked there."},
    )
    assert response.status_code == 302
    declarations = client.get("/reviews/conflicts").get_data(as_text=True)
    assert f"The organisation with credit code {firm.credit_code}" in declarations
    with app.app_context():
        assert db.session.exec(select(ConflictDeclaration)).one().organisation_id == firm.id


def test_the_ranking_exports_carry_every_row(
    client, login, officer, closed_challenge, make_proposal, make_expert, write_reviews
):
    challenge = closed_challenge(status="reviewing")
    first = make_proposal(lead="First Ltd", challenge=challenge, status="in_review")
    second = make_proposal(lead="Second Ltd", challenge=challenge, status="in_review")
    x, y = make_expert("x@x.example"), make_expert("y@x.example")
    write_reviews(challenge, {first.id: {x.id: 90, y.id: 80}, second.id: {x.id: 70, y.id: 60}})
    login("officer@gov.example")
    text = client.get(f"/reviews/challenges/{challenge.id}/ranking.csv").data.decode("utf-8")
    assert text.startswith("\ufeffRank,")
    lines = text.strip().splitlines()
    assert (
        lines[1].startswith(f"1,{first.id},") and "First Ltd" in lines[1] and ",85.0," in lines[1]
    )
    assert lines[2].startswith(f"2,{second.id},")
    assert ",In review," in lines[1] and "in_review" not in text  # states by name, not code
    book = load_workbook(
        io.BytesIO(client.get(f"/reviews/challenges/{challenge.id}/scores.xlsx").data)
    )
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Proposal" and len(rows) == 1  # reviews written without scores
    client.get("/language/zh")
    chinese = client.get(f"/reviews/challenges/{challenge.id}/ranking.csv").data.decode("utf-8")
    assert ",评审中," in chinese.splitlines()[1]


def test_the_links_in_review_messages_lead_to_the_pages_they_name(app):
    with app.test_request_context():
        assert url_for("reviews.my_assignments") == links.MY_REVIEWS_PATH
        assert links.challenge_path(7) == url_for("reviews.challenge", challenge_id=7)
        assert links.score_path(8) == url_for("reviews.score", proposal_id=8)
        assert links.feedback_path(9) == url_for("reviews.feedback", proposal_id=9)
