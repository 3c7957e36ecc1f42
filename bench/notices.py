"""Benchmark of award notices: `make bench` (or `python bench/notices.py`).

1. Renders 100 different notices through render_pdf() and, interleaved in the same run, has
   WeasyPrint alone render a baseline: a one-page Chinese letter (LETTER, below) in the notice's
   font. Prints the median milliseconds of each and their ratio (goal: at most 1.5), the pages,
   the fonts each PDF embeds, the font file and face, and the subsetter WeasyPrint used.
2. Issues the same 100 awards as a batch (numbers, files, rows, audit, inbox), once rendering in
   this process and once with two worker processes; prints notices per second and the ratio
   (goal: at least 1.8 on two cores).

Everything runs on a throw-away SQLite database and storage folder. The machine's load average
is printed too: on a busy machine the figures are noise.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COUNT = 100
RENDER_GOAL = 1.5  # a notice / the baseline letter, at most
BATCH_GOAL = 1.8  # two workers / one, at least

LETTER = """<!doctype html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<title>关于组织申报产业链关键核心技术攻关项目的函</title>
<style>
@page { size: A4; margin: 25mm; }
html { font-family: "Noto Serif CJK SC", serif; font-size: 12pt; line-height: 1.6; }
h1 { font-size: 16pt; font-weight: normal; text-align: center; }
p { margin: 0 0 2mm; text-indent: 2em; }
p.to, p.from { text-indent: 0; }
p.from { text-align: right; }
</style>
</head>
<body>
<h1>关于组织申报产业链关键核心技术攻关项目的函</h1>
<p class="to">各有关单位：</p>
<p>为贯彻落实创新驱动发展战略，聚焦重点产业链的薄弱环节和“卡脖子”问题，加快突破一批关键核心技术，
提升产业链供应链韧性和安全水平，经研究，决定组织开展二〇二六年度产业链关键核心技术攻关项目申报工作。
现将有关事项函告如下。</p>
<p>一、本年度攻关项目采取“揭榜挂帅”方式组织实施，面向集成电路、新型显示、智能网联汽车、生物医药和
高端装备等重点产业链发布榜单，不论资历、不设门槛，鼓励企业、高校、科研院所组成联合体揭榜攻关。</p>
<p>二、申报单位应当在本市依法注册，具有独立法人资格，财务管理制度健全，近三年内无严重失信行为。
牵头单位须具备较强的研发能力和成果转化能力，联合体成员之间应签订合作协议，明确任务分工和知识产权归属。</p>
<p>三、项目负责人即挂帅人，须对照榜单列明的技术指标作出书面承诺，签署军令状，并全职投入项目实施。
同一负责人本年度限报一项，正在承担市级同类项目且尚未结题的，不得再次申报。</p>
<p>四、财政资助经费按里程碑分期拨付。项目通过形式审查、专家评审和社会公示后立项，由主管部门与牵头单位
签订任务书，逐项约定考核指标、进度安排和验收方式。未按期完成阶段目标的，暂停后续拨付。</p>
<p>五、请各单位于本函印发之日起三十日内，通过门户网站在线填报申报材料，并按要求上传盖章扫描件。
逾期不予受理。申报过程中如有疑问，请与科技创新局产业链处联系，联系电话：零七五五－八八一二三四五六。</p>
<p>特此函告。</p>
<p class="from">深圳市科技创新局</p>
<p class="from">二〇二六年十二月二日</p>
</body>
</html>
""".replace("\n", "")  # a line break between two Chinese characters would print as a space


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


class Timings:
    """Wall-clock and CPU seconds of each run: on a machine others share, the CPU time of this
    process is the steadier measure of a single-threaded rendering."""

    def __init__(self) -> None:
        self.samples = {"wall": [], "cpu": []}

    @contextmanager
    def timed(self):
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.samples["wall"].append(time.perf_counter() - wall)
        self.samples["cpu"].append(time.process_time() - cpu)

    def median(self, kind: str) -> float:
        return statistics.median(self.samples[kind])

    def ratio(self, other: Timings, kind: str) -> str:
        return f"{self.median(kind) / other.median(kind):.2f}"

    def __str__(self) -> str:
        return f"{self.median('wall') * 1000:.1f} ms wall, {self.median('cpu') * 1000:.1f} ms CPU"


def pdf_facts(pdf: bytes) -> tuple[int, list[str]]:
    """The pages of a PDF and the fonts it embeds, as poppler's pdfinfo and pdffonts say."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True).stdout
        fonts = subprocess.run(["pdffonts", file.name], capture_output=True, text=True).stdout
    pages = next(int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:"))
    return pages, [line.split()[0] for line in fonts.splitlines()[2:]]


def render_comparison(app, challenge_id: int) -> None:
    import weasyprint
    from sqlmodel import select

    from portal.awards.models import Award
    from portal.awards.queries import local_today
    from portal.db import db
    from portal.notices import content, health, services
    from portal.notices.queries import awards_for_notices
    from portal.notices.rendering import render_pdf

    ids = db.session.exec(
        select(Award.id).where(Award.challenge_id == challenge_id).order_by(Award.id)
    ).all()
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
        weasyprint.HTML(string=LETTER).write_pdf()

    ours, alone, sizes = Timings(), Timings(), []
    for i, v in enumerate(values):

        def portal_render(v=v):
            with ours.timed():
                pdf = render_pdf(template, v)
            sizes.append(len(pdf))

        def weasyprint_alone():
            with alone.timed():
                weasyprint.HTML(string=LETTER).write_pdf()

        first, second = (
            (portal_render, weasyprint_alone) if i % 2 else (weasyprint_alone, portal_render)
        )
        first()
        second()

    notice_pages, notice_fonts = pdf_facts(render_pdf(template, values[0]))
    letter_pages, letter_fonts = pdf_facts(weasyprint.HTML(string=LETTER).write_pdf())
    print(f"notices rendered:             {len(values)}")
    print(f"median per notice (portal):   {ours}")
    print(f"median, baseline letter:      {alone} (WeasyPrint alone, same run)")
    print(
        f"ratio notice / letter:        {ours.ratio(alone, 'wall')} wall, "
        f"{ours.ratio(alone, 'cpu')} CPU  (goal <= {RENDER_GOAL})"
    )
    print(f"pages, notice / letter:       {notice_pages} / {letter_pages}")
    print(f"fonts embedded, notice:       {', '.join(notice_fonts)}")
    print(f"fonts embedded, letter:       {', '.join(letter_fonts)}")
    print(f"median PDF size:              {statistics.median(sizes) / 1024:.0f} KiB")
    print(f"font:                         {health.resolve_font()}")
    print(f"font subsetter:               {health.subsetter_name()}")


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
        print(f"ratio two workers / one:      {pooled / single:.2f}  (goal >= {BATCH_GOAL})")


if __name__ == "__main__":
    main()
