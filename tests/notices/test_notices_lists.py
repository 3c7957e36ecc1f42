"""The notices' list pages load their rows in bulk: the query count does not grow with rows."""

from __future__ import annotations

from datetime import date

from portal import clock
from portal.db import db
from portal.notices.models import Notice


def _notices(app, awards, start: int = 0) -> None:
    """Notice rows without rendering (the list pages read only the rows)."""
    with app.app_context():
        for i, award in enumerate(awards, start=start):
            db.session.add(
                Notice(
                    award_id=award.id,
                    number=f"深科技〔2026〕{i + 1}号",
                    code=f"TEST{i:08d}",
                    amount=award.amount,
                    content={"project": f"项目 {i}", "lead_org": "x", "issued_on": "2026年1月1日"},
                    issued_on=date(2026, 1, 1),
                    issued_at=clock.now(),
                    stored_name=f"notices/none/{i}.pdf",
                    size=1,
                    sha256="0" * 64,
                )
            )
        db.session.commit()


def test_the_notices_list_runs_as_many_queries_for_3_rows_as_for_12(
    app, client, login, make_award, make_org, officer, count_queries
):
    awards = [make_award(lead=make_org(f"Org {i}")) for i in range(12)]
    login(officer.email)
    _notices(app, awards[:3])
    with count_queries() as few:
        assert client.get("/notices/").status_code == 200
    _notices(app, awards[3:], start=3)
    with count_queries() as many:
        page = client.get("/notices/")
    assert page.status_code == 200
    assert "Org 11" in page.get_data(as_text=True)
    assert len(many) == len(few)
