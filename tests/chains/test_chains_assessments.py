"""Officers record a link's figures once per quarter and correct them only with a reason; the
database refuses what the rules refuse."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from portal.audit import AuditEvent
from portal.chains.models import LinkAssessment
from portal.db import db

GOOD = {
    "period": "2026Q2",
    "external_dependence": "62.5",
    "local_supporting_rate": "18",
    "local_firms": "7",
    "chokepoint_level": "4",
    "source": "链长办调研",
    "note": "",
}


@pytest.fixture
def link(chain_of):
    return next(iter(chain_of(2, name="Assessed", assessed=False).links.values()))


def record(client, link, **changes):
    return client.post(f"/chains/links/{link.id}/assessments/new", data={**GOOD, **changes})


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"external_dependence": "101"}, "external_dependence", "between 0 and 100"),
        ({"local_supporting_rate": "-1"}, "local_supporting_rate", "between 0 and 100"),
        (
            {"external_dependence": "70", "local_supporting_rate": "40"},
            "local_supporting_rate",
            "together they cannot exceed 100",
        ),
        ({"period": "2099Q1"}, "period", "2099Q1 has not begun"),
        ({"period": "soon"}, "period", "written like 2026Q1"),
        ({"local_firms": "many"}, "local_firms", "Enter a whole number"),
        ({"source": ""}, "source", "This field is required"),
    ],
)
def test_bad_figures_are_refused_next_to_their_field_and_kept(
    app, client, login, officer, link, changes, field, message
):
    login(officer.email)
    response = record(client, link, **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    assert 'value="链长办调研"' in html or field == "source"  # what was typed is still there
    with app.app_context():
        assert db.session.exec(select(LinkAssessment)).all() == []


def test_a_quarter_is_recorded_once_and_corrected_with_a_reason(app, client, login, officer, link):
    """Given a link's figures for a quarter, when the officer records the same quarter again,
    then it is refused; when they correct it without a reason, it is refused; with a reason,
    the earlier figures stay, marked as corrected, and the audit trail has both."""
    login(officer.email)
    assert record(client, link).status_code == 302
    again = record(client, link, external_dependence="50")
    assert again.status_code == 422
    assert "already has an assessment for 2026Q2" in again.get_data(as_text=True)
    with app.app_context():
        first = db.session.exec(select(LinkAssessment)).one()
    form = client.get(f"/chains/assessments/{first.id}/correct").get_data(as_text=True)
    assert 'value="62.50"' in form  # the form starts from the recorded figures
    correction = {k: v for k, v in GOOD.items() if k != "period"}
    no_reason = client.post(f"/chains/assessments/{first.id}/correct", data=correction)
    assert no_reason.status_code == 422
    unchanged = client.post(
        f"/chains/assessments/{first.id}/correct", data={**correction, "reason": "Checked."}
    )
    assert "Nothing was changed." in unchanged.get_data(as_text=True)
    done = client.post(
        f"/chains/assessments/{first.id}/correct",
        data={**correction, "local_supporting_rate": "21", "reason": "海关数据更新"},
    )
    assert done.status_code == 302
    with app.app_context():
        rows = db.session.exec(select(LinkAssessment).order_by(LinkAssessment.id)).all()
        actions = db.session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [(r.local_supporting_rate, r.superseded_at is not None) for r in rows] == [
        (18, True),
        (21, False),
    ]
    assert rows[1].corrects_id == rows[0].id and rows[1].correction_reason == "海关数据更新"
    assert "link_assessment.recorded" in actions and "link_assessment.corrected" in actions
    page = client.get(f"/chains/links/{link.id}?period=2026Q2").get_data(as_text=True)
    assert "corrected since" in page and "Correction: 海关数据更新" in page
    stale = client.post(
        f"/chains/assessments/{first.id}/correct",
        data={**correction, "local_supporting_rate": "22", "reason": "Again"},
    )
    assert "has been corrected since" in stale.get_data(as_text=True)


BAD_ROWS = [
    {"external_dependence": 101},
    {"local_supporting_rate": -1},
    {"external_dependence": 60, "local_supporting_rate": 50},
    {"chokepoint_level": 6},
    {"local_firms": -1},
    {"period": "2026Q5"},
    {"correction_reason": "A reason without a corrected row"},
]


def raw_row(link, **changes) -> dict:
    """A row as SQL written around the services would insert it."""
    return {
        "link_id": link.id,
        "period": "2026Q1",
        "external_dependence": 10,
        "local_supporting_rate": 10,
        "local_firms": 1,
        "chokepoint_level": 1,
        "note": "",
        "source": "S",
        "recorded_at": sa.func.current_timestamp(),
        "correction_reason": "",
        **changes,
    }


@pytest.mark.parametrize("changes", BAD_ROWS, ids=[next(iter(c)) for c in BAD_ROWS])
def test_the_database_refuses_a_bad_row_written_around_the_services(app, link, changes):
    with app.app_context(), pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.insert(LinkAssessment.__table__).values(**raw_row(link, **changes)))
        db.session.commit()


def test_the_database_keeps_one_current_row_per_link_and_quarter(app, link):
    row = raw_row(link)
    with app.app_context():
        db.session.execute(sa.insert(LinkAssessment.__table__).values(**row))
        db.session.commit()
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.insert(LinkAssessment.__table__).values(**row))
            db.session.commit()
