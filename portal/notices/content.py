"""What a notice says: plain values built from an award, ready for the PDF template."""

from __future__ import annotations

import mimetypes
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app

from portal.awards.models import Award
from portal.errors import DomainError
from portal.i18n import gettext as _
from portal.notices.rendering import data_url, qr_data_url
from portal.numerals import amount_in_capitals
from portal.vocabulary import MemberRole

LANGUAGES = ("zh", "en")
TEMPLATES = {"zh": "notices/pdf/notice_zh.html", "en": "notices/pdf/notice_en.html"}
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L or U to misread
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def display_code(code: str) -> str:
    """ABCD2345EFGH → ABCD-2345-EFGH, as printed."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str) -> str:
    """What someone typed, as stored: capitals, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())[:16]


def format_date(day: date, language: str) -> str:
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_wan(amount: Decimal) -> str:
    """Yuan as 万元 with two places: 30000000 → 3,000.00."""
    return f"{(Decimal(amount) / 10000).quantize(Decimal('0.01')):,.2f}"


def format_yuan(amount: Decimal) -> str:
    return f"{Decimal(amount):,.2f}"


def plain_number(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value).normalize():f}"


def seal_path() -> Path:
    configured = Path(current_app.config["NOTICE_SEAL_PATH"])
    if configured.is_absolute():
        return configured
    return Path(current_app.config["STORAGE_ROOT"]) / configured


@lru_cache(maxsize=4)
def _seal_data_url(path: str, _mtime: float) -> str:
    kind = mimetypes.guess_type(path)[0]
    if kind not in ("image/svg+xml", "image/png"):
        raise DomainError(_("The seal image must be an SVG or PNG file."))
    return data_url(Path(path).read_bytes(), kind)


def seal_data_url() -> str:
    path = seal_path()
    if not path.is_file():
        raise DomainError(
            _(
                "The authority's seal image is missing (%(path)s). Set NOTICE_SEAL_PATH to an "
                "SVG or PNG file.",
                path=path.name,
            )
        )
    return _seal_data_url(str(path), path.stat().st_mtime)


def verification_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/verify/{code}"


def check_complete(award: Award) -> None:
    """Refuse to print a notice that would have gaps."""
    proposal = award.proposal
    if not proposal.title:
        raise DomainError(_("The proposal has no project name."))
    if not award.milestones:
        raise DomainError(_("The award has no milestones, so there is no tranche schedule."))


def notice_values(
    award: Award,
    *,
    number: str,
    version: int,
    code: str,
    issued_on: date,
    language: str,
) -> dict[str, Any]:
    """Every value printed on the notice, as strings, lists and dicts (no ORM objects).

    Expects the award loaded with its proposal (members, commitments, lead organisation),
    challenge (indicators) and milestones; see queries.awards_for_notices.
    """
    check_complete(award)
    config = current_app.config
    proposal = award.proposal
    challenge = award.challenge
    members = sorted(proposal.members, key=lambda m: m.position)
    committed = {c.indicator_id: c for c in proposal.commitments}
    indicators = []
    for indicator in sorted(challenge.indicators, key=lambda i: i.position):
        commitment = committed.get(indicator.id)
        indicators.append(
            {
                "name": indicator.name,
                "target": f"{indicator.comparison.symbol} {plain_number(indicator.target)}",
                "committed": plain_number(commitment.value if commitment else None),
                "unit": indicator.unit,
                "test_method": indicator.test_method,
            }
        )
    milestones = [
        {
            "position": str(m.position + 1),
            "title": m.title,
            "due": format_date(m.due_date, language),
            "deliverable": m.deliverable,
            "tranche_wan": format_wan(m.tranche),
            "share": f"{(Decimal(m.tranche) * 100 / award.amount).quantize(Decimal('0.1'))}"
            if award.amount
            else "—",
        }
        for m in sorted(award.milestones, key=lambda m: m.position)
    ]
    leader_org = proposal.leader_org or proposal.lead_org
    url = verification_url(code)
    return {
        "language": language,
        "authority": config["NOTICE_AUTHORITY"]
        if language == "zh"
        else config["NOTICE_AUTHORITY_EN"],
        "authority_zh": config["NOTICE_AUTHORITY"],
        "number": number,
        "version": version,
        "issued_on": format_date(issued_on, language),
        "addressee": proposal.lead_org.name,
        "project": proposal.title,
        "challenge_number": challenge.number,
        "challenge_title": challenge.title,
        "lead_org": proposal.lead_org.name,
        "member_orgs": [m.organisation.name for m in members if m.role is MemberRole.member],
        "leader": proposal.leader_name,
        "leader_title": proposal.leader_title,
        "leader_org": leader_org.name,
        "amount": str(award.amount),
        "amount_wan": format_wan(award.amount),
        "amount_yuan": format_yuan(award.amount),
        "amount_capitals": amount_in_capitals(award.amount),
        "starts_on": format_date(award.starts_on, language),
        "ends_on": format_date(award.ends_on, language),
        "indicators": indicators,
        "milestones": milestones,
        "tranche_total_wan": format_wan(sum((m.tranche for m in award.milestones), Decimal(0))),
        "task_book_days": str(config["NOTICE_TASK_BOOK_DAYS"]),
        "code": display_code(code),
        "verify_url": url,
        "qr": qr_data_url(url),
        "seal": seal_data_url(),
    }


PRINTED_ONLY = ("qr", "seal")  # images: in the PDF, not in the stored record of its content


def stored_content(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in PRINTED_ONLY}
