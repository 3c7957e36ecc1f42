"""Notice numbers are never handed out twice, even when officers issue at the same moment."""

from __future__ import annotations

import re
import threading

import pytest
from sqlmodel import select

from portal.accounts.models import User
from portal.db import db
from portal.notices import queries, services
from portal.notices.models import Notice

pytestmark = pytest.mark.slow


def test_twenty_notices_issued_concurrently_get_twenty_distinct_numbers(
    app, make_award, make_org, officer
):
    awards = [make_award(lead=make_org(f"Lab {i:02d}")) for i in range(20)]
    start = threading.Barrier(len(awards))
    numbers: list[str] = []
    errors: list[BaseException] = []

    def issue(award_id: int) -> None:
        try:
            start.wait(timeout=30)
            with app.app_context():
                (award,) = queries.awards_for_notices([award_id])
                by = db.session.get(User, officer.id)
                notice = services.issue_notice(award, by=by)
                db.session.commit()
                numbers.append(notice.number)
        except BaseException as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=issue, args=(a.id,)) for a in awards]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert len(numbers) == 20 and len(set(numbers)) == 20
    sequence = sorted(int(re.search(r"〕(\d+)号", n).group(1)) for n in numbers)
    assert sequence == list(range(1, 21))
    with app.app_context():
        stored = db.session.exec(select(Notice.number)).all()
    assert sorted(stored) == sorted(numbers)
