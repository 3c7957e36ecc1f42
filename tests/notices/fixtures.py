"""Fixtures of the notices' tests: confirmed awards with milestones, and the authority's seal."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from portal import clock
from portal.awards.models import Award, Milestone
from portal.db import db
from portal.notices.seal import seal_svg
from portal.vocabulary import AwardStatus
from tests.factories import committing


@pytest.fixture(autouse=True)
def seal(app) -> Path:
    """The seal image where NOTICE_SEAL_PATH points (under the tests' storage root)."""
    path = Path(app.config["STORAGE_ROOT"]) / app.config["NOTICE_SEAL_PATH"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(seal_svg(app.config["NOTICE_AUTHORITY"]), encoding="utf-8")
    return path


@pytest.fixture
def make_award(app, make_proposal) -> Callable[..., Award]:
    """A confirmed award of an awarded proposal, with three milestones and their tranches; or,
    with `status`, an award in publicity or a running project (its task book signed)."""

    def make(
        amount: Decimal = Decimal("30000000.00"),
        status: str = "confirmed",
        tranches: tuple[str, ...] = ("30", "30", "40"),
        **proposal_fields,
    ) -> Award:
        proposal_fields.setdefault("status", "awarded")
        proposal = make_proposal(**proposal_fields)
        now = clock.now()
        state = AwardStatus(status)
        decided = state.is_project
        with committing(app):
            award = Award(
                proposal_id=proposal.id,
                challenge_id=proposal.challenge_id,
                status=state,
                amount=amount,
                publicity_starts_at=now - timedelta(days=10),
                publicity_ends_at=now - timedelta(days=3),
                confirmed_at=now - timedelta(days=2) if decided else None,
                starts_on=date(now.year + 1, 1, 1),
                ends_on=date(now.year + 3, 12, 31),
                task_book_signed_on=(now - timedelta(days=1)).date()
                if state is AwardStatus.active
                else None,
                created_at=now - timedelta(days=10),
            )
            award.milestones = [
                Milestone(
                    position=i,
                    title=f"第{i + 1}阶段 Stage {i + 1}",
                    due_date=date(now.year + 1 + i, 12, 31),
                    deliverable="中试线 Pilot line",
                    verification="现场验收 Site visit",
                    tranche=(amount * Decimal(pct) / 100).quantize(Decimal("0.01")),
                )
                for i, pct in enumerate(tranches)
            ]
            db.session.add(award)
        return award

    return make


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text of a PDF as pdftotext extracts it, with all white space removed."""
    source = tmp_path / "extract.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(source), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "".join(text.split())


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[dict[str, str]]:
    """The fonts pdffonts lists: name, emb and sub columns."""
    source = tmp_path / "fonts.pdf"
    source.write_bytes(pdf)
    lines = subprocess.run(
        ["pdffonts", str(source)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    fonts = []
    for line in lines:
        cells = line.split()
        # name, type words…, encoding, emb, sub, uni, object id, generation
        fonts.append({"name": cells[0], "emb": cells[-5], "sub": cells[-4]})
    return fonts


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    """The number of pages of a PDF, as pdfinfo says."""
    source = tmp_path / "pages.pdf"
    source.write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(source)], capture_output=True, text=True, check=True
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.fixture
def officer(make_user):
    return make_user("officer@bureau.example", role="officer")


def issue(app, award: Award, by, language: str = "zh"):
    """Issue the notice of `award` through the service, committed; returns the notice."""
    from portal.accounts.models import User
    from portal.notices import queries, services

    with app.test_request_context():
        (loaded,) = queries.awards_for_notices([award.id])
        notice = services.issue_notice(loaded, by=db.session.get(User, by.id), language=language)
        db.session.commit()
        return notice
