"""Benchmark of award notices: `make bench` (or `python bench/notices.py`).

1. Renders 100 different notices through render_pdf() and, interleaved in the same run, has
   WeasyPrint alone render the very same HTML; prints the median milliseconds of each, their
   ratio (goal: at most 1.2), the median PDF size and the font subsetter WeasyPrint used.
2. Issues the same 100 awards as a batch (numbers, files, rows, audit, inbox), once rendering in
   this process and once with a pool of two rendering processes; prints notices per second and
   the ratio (goal: at least 1.6 on two cores).

Everything runs on a throw-away SQLite database and storage folder.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COUNT = 100


def build(app, count: int) -> int:
    """A challenge with `count` confirmed awards; returns the challenge's id."""
    from portal.accounts.models import OrgType, Role
    from portal.db import db
    from portal.demo import build as demo_build
    from portal.demo import notices as demo

    officer = demo_build.account("officer@bench.example", "Bench officer", Role.officer)
    challenge = demo.make_challenge("28纳米ArF光刻胶国产化", by=officer)
    partner = demo_build.organisation(
        "华南理工科技大学", OrgType.university, "12440000455416503", "广东省广州市"
    )
    for i in range(count):
        lead = demo_build.organisation(
            f"深芯微电子第{i + 1}有限公司",
            OrgType.enterprise,
            f"91440300MA{i + 1:07d}",
            "广东省深圳市",
        )
        db.session.flush()
        demo.make_confirmed_award(
            challenge,
            lead,
            [partner],
            f"国产28纳米ArF光刻胶研发与产业化（第{i + 1}课题）",
            Decimal(10_000_000 + 12_345 * i).quantize(Decimal("0.01")),
            by=officer,
        )
    db.session.commit()
    return challenge.id


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def render_comparison(app, challenge_id: int) -> None:
    import weasyprint
    from sqlmodel import select

    from portal.awards.models import Award
    from portal.awards.queries import local_today
    from portal.db import db
    from portal.notices import content, services
    from portal.notices.health import subsetter
    from portal.notices.rendering import BASE_URL, render_html, render_pdf

    ids = db.session.exec(
        select(Award.id).where(Award.challenge_id == challenge_id).order_by(Award.id)
    ).all()
    from portal.notices.queries import awards_for_notices

    today = local_today()
    values = [
        content.notice_values(
            award,
            number=f"深科技〔{today.year}〕{i + 1}号",
            version=1,
            code=services.new_code(),
            issued_on=today,
            language="zh",
        )
        for i, award in enumerate(awards_for_notices(ids))
    ]
    template = content.TEMPLATES["zh"]
    for v in values[:3]:  # warm both paths: fonts, caches
        render_pdf(template, v)
        weasyprint.HTML(string=render_html(template, v), base_url=BASE_URL).write_pdf()

    ours, alone, sizes = [], [], []
    for i, v in enumerate(values):
        html = render_html(template, v)

        def portal_render(v=v):
            start = time.perf_counter()
            pdf = render_pdf(template, v)
            ours.append(time.perf_counter() - start)
            sizes.append(len(pdf))

        def weasyprint_alone(html=html):
            start = time.perf_counter()
            weasyprint.HTML(string=html, base_url=BASE_URL).write_pdf()
            alone.append(time.perf_counter() - start)

        first, second = (
            (portal_render, weasyprint_alone) if i % 2 else (weasyprint_alone, portal_render)
        )
        first()
        second()

    print(f"notices rendered:             {len(values)}")
    print(f"median per notice (portal):   {median_ms(ours):.1f} ms")
    print(f"median, WeasyPrint alone:     {median_ms(alone):.1f} ms (same HTML, same run)")
    ratio = statistics.median(ours) / statistics.median(alone)
    print(f"ratio portal / WeasyPrint:    {ratio:.2f}  (goal <= 1.2)")
    print(f"median PDF size:              {statistics.median(sizes) / 1024:.0f} KiB")
    print(f"font subsetter:               {subsetter()}")


def reset_notices() -> None:
    from sqlmodel import delete

    from portal.audit import AuditEvent
    from portal.db import db
    from portal.notices.models import Notice, NoticeBatch
    from portal.notifications.models import Notification

    for model in (Notice, NoticeBatch, AuditEvent, Notification):
        db.session.exec(delete(model))
    db.session.commit()


def batch_rate(app, challenge_id: int, workers: int) -> float:
    """Notices per second of `flask notices issue` (without copying the files out)."""
    from portal.challenges.models import Challenge
    from portal.db import db
    from portal.notices import services
    from portal.notices.cli import run_batch

    reset_notices()
    challenge = db.session.get(Challenge, challenge_id)
    start = time.perf_counter()
    batch = services.start_batch(challenge, by=None)
    db.session.commit()
    run_batch(batch, None, workers, echo=lambda _line: None)
    elapsed = time.perf_counter() - start
    assert batch.done == COUNT, (batch.done, batch.failures)
    return batch.done / elapsed


def main() -> None:
    from portal import create_app
    from portal.db import db
    from portal.demo import notices as demo
    from portal.models import import_all_models
    from portal.schema import upgrade_database

    with tempfile.TemporaryDirectory(prefix="bench-notices-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        import_all_models()
        upgrade_database(url)
        app = create_app({"DATABASE_URL": url, "STORAGE_ROOT": folder, "SECRET_KEY": "bench"})
        with app.app_context():
            demo.write_seal()
            challenge_id = build(app, COUNT)
            render_comparison(app, challenge_id)
            single = batch_rate(app, challenge_id, workers=1)
            pooled = batch_rate(app, challenge_id, workers=2)
            db.remove()
        load = os.getloadavg()[0]
        print(f"cores available:              {os.cpu_count()} (load average {load:.1f})")
        print(f"batch of {COUNT}, one process:    {single:.1f} notices/s")
        print(f"batch of {COUNT}, two workers:    {pooled:.1f} notices/s")
        print(f"ratio two workers / one:      {pooled / single:.2f}  (goal >= 1.6)")


if __name__ == "__main__":
    main()
