"""Anyone can check a notice by its code, and whether a file is exactly the issued one."""

from __future__ import annotations

import io

from sqlmodel import select

from portal.accounts.models import User
from portal.awards.models import Award
from portal.db import db
from portal.notices import services
from portal.notices.models import Notice
from portal.storage import path_of
from portal.vocabulary import AwardStatus, NoticeStatus
from tests.notices.fixtures import issue

PROJECT = "高纯电子特气国产化"


def _pdf(app, notice: Notice) -> bytes:
    with app.app_context():
        return path_of(notice.stored_name).read_bytes()


def _correct(app, notice: Notice, by: User) -> Notice:
    with app.test_request_context():
        corrected = services.correct_notice(
            db.session.get(Notice, notice.id),
            by=db.session.get(User, by.id),
            reason="项目负责人姓名有误 The team leader's name was wrong",
        )
        db.session.commit()
        return corrected


def test_a_valid_code_shows_the_notice_to_anyone(app, client, make_award, officer):
    notice = issue(app, make_award(title=PROJECT, lead="中科先进材料研究院"), officer)

    page = client.get(f"/verify/{notice.code}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "This notice is valid" in html
    for expected in (
        notice.number,
        PROJECT,
        "中科先进材料研究院",
        "人民币叁仟万元整",
        notice.sha256,
    ):
        assert expected in html


def test_the_typed_code_may_have_dashes_spaces_and_small_letters(app, client, make_award, officer):
    notice = issue(app, make_award(), officer)
    typed = notice.content["code"].lower().replace("-", " - ")

    response = client.get("/verify", query_string={"code": typed}, follow_redirects=True)

    assert response.status_code == 200
    assert notice.number in response.get_data(as_text=True)


def test_a_superseded_code_says_so_and_names_the_current_version(app, client, make_award, officer):
    first = issue(app, make_award(title=PROJECT), officer)
    second = _correct(app, first, officer)

    old = client.get(f"/verify/{first.code}").get_data(as_text=True)
    new = client.get(f"/verify/{second.code}").get_data(as_text=True)

    assert second.number == first.number and second.version == 2
    assert "superseded by a correction" in old
    assert "The current version is version 2" in old
    assert "This notice is valid" in new
    with app.app_context():
        assert db.session.get(Notice, first.id).status is NoticeStatus.superseded


def test_an_unknown_code_is_not_found(client):
    response = client.get("/verify/ZZZZ2222ZZZZ")

    assert response.status_code == 404
    assert "No notice has the verification code ZZZZ2222ZZZZ" in response.get_data(as_text=True)


def test_the_issued_file_matches_and_a_tampered_one_does_not(app, client, make_award, officer):
    notice = issue(app, make_award(), officer)
    original = _pdf(app, notice)
    tampered = bytearray(original)
    tampered[len(tampered) // 2] ^= 0x01  # one bit changed in the middle of the file
    tampered = bytes(tampered)

    same = client.post(
        f"/verify/{notice.code}",
        data={"file": (io.BytesIO(original), "notice.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    changed = client.post(
        f"/verify/{notice.code}",
        data={"file": (io.BytesIO(tampered), "notice.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)

    assert "The file matches" in same
    assert "The file does not match" in changed


def test_the_file_of_a_superseded_version_does_not_match_the_new_code(
    app, client, make_award, officer
):
    first = issue(app, make_award(), officer)
    second = _correct(app, first, officer)

    html = client.post(
        f"/verify/{second.code}",
        data={"file": (io.BytesIO(_pdf(app, first)), "old.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)

    assert "The file does not match" in html


def test_an_officer_revoking_the_award_revokes_its_notices(app, client, login, make_award, officer):
    first = issue(app, make_award(status="active"), officer)
    second = _correct(app, first, officer)
    login("officer@bureau.example")
    response = client.post(
        f"/projects/{first.award_id}/terminate",
        data={"reason": "虚假申报 False statements in the proposal", "revoke": "y"},
        follow_redirects=True,
    )
    assert "The award has been revoked, and its award notices with it." in response.get_data(
        as_text=True
    )
    client.post("/logout")

    html = client.get(f"/verify/{second.code}").get_data(as_text=True)
    assert "This notice has been revoked" in html
    with app.app_context():
        assert {n.status for n in db.session.exec(select(Notice))} == {NoticeStatus.revoked}
        award = db.session.get(Award, first.award_id)
        assert award.status is AwardStatus.revoked
        assert {m.status.value for m in award.milestones} == {"cancelled"}


def test_terminating_a_project_leaves_its_notice_valid(app, client, login, make_award, officer):
    notice = issue(app, make_award(status="active"), officer)
    login("officer@bureau.example")
    client.post(f"/projects/{notice.award_id}/terminate", data={"reason": "Technical failure"})
    with app.app_context():
        assert db.session.get(Notice, notice.id).status is NoticeStatus.valid
        assert db.session.get(Award, notice.award_id).status is AwardStatus.terminated


def test_notices_of_an_award_that_stands_cannot_be_revoked(app, make_award, officer):
    import pytest

    from portal.errors import DomainError

    notice = issue(app, make_award(), officer)
    with app.test_request_context(), pytest.raises(DomainError):
        services.revoke_notices_for(
            db.session.get(Award, notice.award_id), by=db.session.get(User, officer.id)
        )


def test_an_officer_corrects_a_notice_through_the_page(app, client, login, make_award, officer):
    notice = issue(app, make_award(), officer)
    login(officer.email)

    empty = client.post(f"/notices/{notice.id}/correct", data={"reason": "", "language": "zh"})
    done = client.post(
        f"/notices/{notice.id}/correct", data={"reason": "Amount corrected", "language": "en"}
    )

    assert empty.status_code == 422
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Amount corrected" in page and "version 2" in page
