"""Challenges: drafting, publishing, amending and cancelling; chains; clarifications; guides.

Every change of state is one function here: it checks who may do it and in which state, changes
the rows, records an audit event and notifies whoever must know. Views commit once afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import func, select
from werkzeug.datastructures import FileStorage

from portal import audit, clock, sequences, storage
from portal.accounts.models import OrgType, Role, User
from portal.challenges import signals
from portal.challenges.models import (
    Aggregation,
    Chain,
    ChainLink,
    Challenge,
    ChallengeAttachment,
    ChallengeStatus,
    ChallengeVersion,
    Clarification,
    Comparison,
    Criterion,
    FundingMode,
    Indicator,
    Stage,
)
from portal.db import db
from portal.errors import DomainError, NotAllowed, ValidationFailed
from portal.i18n import gettext as _
from portal.notifications.services import notify

TITLE_MAX = 200
TEXT_MAX = 20000
REASON_MAX = 2000
QUESTION_MAX = 4000
MONEY_MAX = Decimal("999999999999.99")

DEFAULT_RUBRIC = (
    ("技术方案 Technical approach", 30),
    ("团队能力 Team capability", 20),
    ("指标先进性 Ambition of the indicators", 20),
    ("实施计划 Implementation plan", 15),
    ("经费合理性 Soundness of the budget", 15),
)


@dataclass
class IndicatorRow:
    name: str
    comparison: Comparison
    target: Decimal | None
    unit: str = ""
    test_method: str = ""


@dataclass
class CriterionRow:
    name: str
    weight: int | None
    description: str = ""


@dataclass
class ChallengeData:
    """What an officer typed, already parsed: the editable content of a challenge."""

    title: str
    chain_link_id: int | None = None
    statement: str = ""
    background: str = ""
    deliverable: str = ""
    funding_cap: Decimal | None = None
    cofunding: Decimal | None = None
    duration_months: int | None = None
    deadline: datetime | None = None  # aware
    funding_mode: FundingMode = FundingMode.single
    horse_race_teams: int = 1
    allowed_org_types: list[str] = field(default_factory=lambda: [t.value for t in OrgType])
    region: str = ""
    max_members: int = 4
    aggregation: Aggregation = Aggregation.mean
    reviewers_per_proposal: int = 3
    pass_mark: int = 60
    publicity_days: int = 7
    indicators: list[IndicatorRow] = field(default_factory=list)
    criteria: list[CriterionRow] = field(default_factory=list)

    @classmethod
    def of(cls, challenge: Challenge) -> ChallengeData:
        return cls(
            title=challenge.title,
            chain_link_id=challenge.chain_link_id,
            statement=challenge.statement,
            background=challenge.background,
            deliverable=challenge.deliverable,
            funding_cap=challenge.funding_cap,
            cofunding=challenge.cofunding,
            duration_months=challenge.duration_months,
            deadline=challenge.deadline,
            funding_mode=challenge.funding_mode,
            horse_race_teams=challenge.horse_race_teams,
            allowed_org_types=list(challenge.allowed_org_types or []),
            region=challenge.region,
            max_members=challenge.max_members,
            aggregation=challenge.aggregation,
            reviewers_per_proposal=challenge.reviewers_per_proposal,
            pass_mark=challenge.pass_mark,
            publicity_days=challenge.publicity_days,
            indicators=[
                IndicatorRow(i.name, i.comparison, i.target, i.unit, i.test_method)
                for i in challenge.indicators
            ],
            criteria=[CriterionRow(c.name, c.weight, c.description) for c in challenge.criteria],
        )


def _require_staff(user: User) -> None:
    if user is None or not user.is_staff:
        raise NotAllowed()


# ---- checking content ------------------------------------------------------------------------


def content_problems(
    data: ChallengeData, *, complete: bool, now: datetime
) -> dict[str | None, str]:
    """What is wrong with `data`, by field. A draft may be incomplete (`complete=False`), but
    whatever it holds must already be valid; publishing and amending need everything."""
    problems: dict[str | None, str] = {}
    title = (data.title or "").strip()
    if not title:
        problems["title"] = _("Give the challenge a title.")
    elif len(title) > TITLE_MAX:
        problems["title"] = _("The title is too long (at most %(n)s characters).", n=TITLE_MAX)
    for name in ("statement", "background"):
        if len(getattr(data, name) or "") > TEXT_MAX:
            problems[name] = _("This text is too long (at most %(n)s characters).", n=TEXT_MAX)
    if data.chain_link_id is not None and db.session.get(ChainLink, data.chain_link_id) is None:
        problems["chain_link_id"] = _("Choose a chain link from the list.")
    if data.funding_cap is not None and data.funding_cap <= 0:
        problems["funding_cap"] = _("The funding cap must be more than zero.")
    elif data.funding_cap is not None and data.funding_cap > MONEY_MAX:
        problems["funding_cap"] = _("This amount is too large.")
    if data.cofunding is not None and data.cofunding < 0:
        problems["cofunding"] = _("Co-funding cannot be negative.")
    elif data.cofunding is not None and data.cofunding > MONEY_MAX:
        problems["cofunding"] = _("This amount is too large.")
    if data.duration_months is not None and not 1 <= data.duration_months <= 120:
        problems["duration_months"] = _("The duration must be between 1 and 120 months.")
    if data.deadline is not None and data.deadline <= now:
        problems["deadline"] = _("The deadline must be in the future.")
    if data.funding_mode is FundingMode.horse_race and not 2 <= data.horse_race_teams <= 10:
        problems["horse_race_teams"] = _("A horse race funds between 2 and 10 teams.")
    unknown = set(data.allowed_org_types) - {t.value for t in OrgType}
    if unknown or (complete and not data.allowed_org_types):
        problems["allowed_org_types"] = _("Allow at least one type of organisation.")
    if not 0 <= data.max_members <= 20:
        problems["max_members"] = _("Between 0 and 20 members besides the lead.")
    if not 1 <= data.reviewers_per_proposal <= 15:
        problems["reviewers_per_proposal"] = _("Between 1 and 15 reviewers per proposal.")
    if not 0 <= data.pass_mark <= 100:
        problems["pass_mark"] = _("The pass mark is a score between 0 and 100.")
    if not 1 <= data.publicity_days <= 60:
        problems["publicity_days"] = _("The publicity period is between 1 and 60 days.")
    for i, row in enumerate(data.indicators):
        if not row.name.strip():
            problems[f"indicators-{i}-name"] = _("Name the indicator.")
        if row.target is None:
            problems[f"indicators-{i}-target"] = _("Give the target value.")
    for i, row in enumerate(data.criteria):
        if not row.name.strip():
            problems[f"criteria-{i}-name"] = _("Name the criterion.")
        if row.weight is None or not 1 <= row.weight <= 100:
            problems[f"criteria-{i}-weight"] = _("A weight is a whole number from 1 to 100.")
    weights = [row.weight or 0 for row in data.criteria]
    if (data.criteria or complete) and sum(weights) != 100:
        problems["criteria"] = _(
            "The weights of the criteria must sum to 100 (now %(total)s).", total=sum(weights)
        )
    if complete:
        required = {
            "chain_link_id": data.chain_link_id,
            "statement": (data.statement or "").strip(),
            "deliverable": (data.deliverable or "").strip(),
            "funding_cap": data.funding_cap,
            "duration_months": data.duration_months,
            "deadline": data.deadline,
        }
        for name, value in required.items():
            if name not in problems and value in (None, ""):
                problems[name] = _("This is required before publishing.")
        if not data.indicators:
            problems["indicators"] = _("Add at least one technical indicator.")
    return problems


def _check(data: ChallengeData, *, complete: bool, now: datetime) -> None:
    problems = content_problems(data, complete=complete, now=now)
    if problems:
        raise ValidationFailed(problems)


def _apply(challenge: Challenge, data: ChallengeData) -> None:
    challenge.title = data.title.strip()
    challenge.chain_link_id = data.chain_link_id
    for name in ("statement", "background", "deliverable", "region"):
        setattr(challenge, name, (getattr(data, name) or "").strip())
    for name in (
        "funding_cap",
        "cofunding",
        "duration_months",
        "deadline",
        "funding_mode",
        "max_members",
        "aggregation",
        "reviewers_per_proposal",
        "pass_mark",
        "publicity_days",
    ):
        setattr(challenge, name, getattr(data, name))
    challenge.horse_race_teams = (
        data.horse_race_teams if data.funding_mode is FundingMode.horse_race else 1
    )
    challenge.allowed_org_types = [t.value for t in OrgType if t.value in data.allowed_org_types]
    _apply_rows(challenge, data)


def _apply_rows(challenge: Challenge, data: ChallengeData) -> None:
    """Update indicator and criterion rows in place by position, so that rows other modules
    point to (a proposal's commitment to an indicator) keep their identity; rows beyond the new
    count are removed, with the commitments made to them."""
    indicators = list(challenge.indicators)
    for i, row in enumerate(data.indicators):
        if i >= len(indicators):
            indicators.append(Indicator(position=i, name="", target=Decimal(0)))
        ind = indicators[i]
        ind.position, ind.name, ind.comparison = i, row.name.strip(), row.comparison
        ind.target, ind.unit, ind.test_method = (
            row.target,
            row.unit.strip(),
            row.test_method.strip(),
        )
    removed = [ind.id for ind in indicators[len(data.indicators) :] if ind.id is not None]
    if removed:
        from portal.proposals.models import Commitment

        db.session.execute(sa.delete(Commitment).where(Commitment.indicator_id.in_(removed)))
    challenge.indicators = indicators[: len(data.indicators)]
    criteria = list(challenge.criteria)
    for i, row in enumerate(data.criteria):
        if i >= len(criteria):
            criteria.append(Criterion(position=i, name="", weight=0))
        crit = criteria[i]
        crit.position, crit.name, crit.weight = i, row.name.strip(), row.weight
        crit.description = (row.description or "").strip()
    challenge.criteria = criteria[: len(data.criteria)]


def content_of(challenge: Challenge) -> dict[str, Any]:
    """The full public text of a challenge as plain JSON values: what a version freezes."""
    link = challenge.chain_link
    return {
        "number": challenge.number,
        "title": challenge.title,
        "chain": link.chain.name if link else "",
        "chain_id": link.chain_id if link else None,
        "link": link.name if link else "",
        "link_id": link.id if link else None,
        "stage": link.stage.value if link else "",
        "statement": challenge.statement,
        "background": challenge.background,
        "deliverable": challenge.deliverable,
        "funding_cap": str(challenge.funding_cap) if challenge.funding_cap is not None else None,
        "cofunding": str(challenge.cofunding) if challenge.cofunding is not None else None,
        "duration_months": challenge.duration_months,
        "deadline": challenge.deadline.isoformat() if challenge.deadline else None,
        "funding_mode": challenge.funding_mode.value,
        "horse_race_teams": challenge.horse_race_teams,
        "allowed_org_types": list(challenge.allowed_org_types or []),
        "region": challenge.region,
        "max_members": challenge.max_members,
        "aggregation": challenge.aggregation.value,
        "reviewers_per_proposal": challenge.reviewers_per_proposal,
        "pass_mark": challenge.pass_mark,
        "publicity_days": challenge.publicity_days,
        "indicators": [
            {
                "name": i.name,
                "comparison": i.comparison.value,
                "target": _plain_number(i.target),
                "unit": i.unit,
                "test_method": i.test_method,
            }
            for i in challenge.indicators
        ],
        "criteria": [
            {"name": c.name, "weight": c.weight, "description": c.description}
            for c in challenge.criteria
        ],
    }


def _plain_number(value: Decimal | None) -> str | None:
    """A target as typed: 28, 0.5, 175 (not 28.000000)."""
    if value is None:
        return None
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---- the life of a challenge ----------------------------------------------------------------


def create_draft(data: ChallengeData, *, by: User) -> Challenge:
    """A new draft with its number (JB-2026-001), taken now and never given to another."""
    _require_staff(by)
    now = clock.now()
    _check(data, complete=False, now=now)
    year = now.year
    number = f"JB-{year}-{sequences.next_value(f'challenge-{year}'):03d}"
    challenge = Challenge(
        number=number, title="", created_by_id=by.id, created_at=now, updated_at=now
    )
    _apply(challenge, data)
    db.session.add(challenge)
    audit.record(by, "challenge.created", challenge, after=content_of_flat(challenge))
    return challenge


def content_of_flat(challenge: Challenge) -> dict[str, Any]:
    """The columns and rows of a challenge for the audit trail."""
    db.session.flush()
    snap = audit.snapshot(challenge)
    snap["indicators"] = [audit.snapshot(i) for i in challenge.indicators]
    snap["criteria"] = [audit.snapshot(c) for c in challenge.criteria]
    return snap


def update_draft(challenge: Challenge, data: ChallengeData, *, by: User) -> Challenge:
    _require_staff(by)
    if challenge.status is not ChallengeStatus.draft:
        raise DomainError(
            _("Only a draft can be edited; amend a published challenge with a reason.")
        )
    now = clock.now()
    _check(data, complete=False, now=now)
    before = content_of_flat(challenge)
    _apply(challenge, data)
    challenge.updated_at = now
    audit.record(by, "challenge.edited", challenge, before=before, after=content_of_flat(challenge))
    return challenge


def publication_problems(challenge: Challenge, now: datetime | None = None) -> dict:
    """What stops this draft from being published (the same list the preview shows)."""
    return content_problems(ChallengeData.of(challenge), complete=True, now=now or clock.now())


def _freeze(challenge: Challenge, *, reason: str, by: User, now: datetime) -> ChallengeVersion:
    db.session.flush()
    db.session.refresh(challenge, ["chain_link"])  # the link's names as they are now
    challenge.version += 1
    version = ChallengeVersion(
        challenge_id=challenge.id,
        version=challenge.version,
        content=content_of(challenge),
        reason=reason,
        published_at=now,
        published_by_id=by.id,
    )
    db.session.add(version)
    return version


def publish(challenge: Challenge, *, by: User) -> ChallengeVersion:
    """Make a complete draft public as version 1."""
    _require_staff(by)
    if challenge.status is not ChallengeStatus.draft:
        raise DomainError(_("Only a draft can be published."))
    now = clock.now()
    problems = publication_problems(challenge, now)
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(challenge, "status", "version")
    challenge.status = ChallengeStatus.published
    challenge.published_at = now
    challenge.updated_at = now
    version = _freeze(challenge, reason="", by=by, now=now)
    audit.record(
        by,
        "challenge.published",
        challenge,
        before=before,
        after=audit.snapshot(challenge, "status", "version", "published_at"),
    )
    return version


def amend(challenge: Challenge, data: ChallengeData, *, reason: str, by: User) -> ChallengeVersion:
    """Change a published challenge: a new version with the reason, every earlier one kept.
    Applicants whose proposal is in progress are told. On a refusal the caller rolls back."""
    _require_staff(by)
    now = clock.now()
    if not challenge.accepts_proposals(now):
        raise DomainError(_("Only a published challenge open for proposals can be amended."))
    reason = (reason or "").strip()
    problems = content_problems(data, complete=True, now=now)
    if not reason:
        problems["reason"] = _("Say why the challenge is amended; applicants will read it.")
    elif len(reason) > REASON_MAX:
        problems["reason"] = _("The reason is too long (at most %(n)s characters).", n=REASON_MAX)
    if problems:
        raise ValidationFailed(problems)
    before = content_of_flat(challenge)
    published = content_of(challenge)
    _apply(challenge, data)
    db.session.flush()
    db.session.refresh(challenge, ["chain_link"])
    if content_of(challenge) == published:
        raise DomainError(_("Nothing has changed: an amendment must change the challenge."))
    challenge.updated_at = now
    version = _freeze(challenge, reason=reason, by=by, now=now)
    audit.record(
        by,
        "challenge.amended",
        challenge,
        before=before,
        after={**content_of_flat(challenge), "reason": reason},
    )
    number, title, n = challenge.number, challenge.title, challenge.version
    notify(
        applicants_in_progress(challenge),
        "challenge_amended",
        lambda: _("Challenge %(number)s was amended (version %(n)s)", number=number, n=n),
        lambda: _(
            "“%(title)s” has changed. Reason: %(reason)s. Check your proposal against the new "
            "version.",
            title=title,
            reason=reason,
        ),
        link=f"/challenges/{number}",
    )
    return version


def applicants_in_progress(challenge: Challenge) -> list[User]:
    """The users of every lead organisation with a draft or submitted proposal on `challenge`."""
    from portal.proposals.models import Proposal, ProposalStatus

    return list(
        db.session.exec(
            select(User)
            .join(Proposal, Proposal.lead_org_id == User.organisation_id)
            .where(
                Proposal.challenge_id == challenge.id,
                Proposal.status.in_([ProposalStatus.draft, ProposalStatus.submitted]),
                User.role == Role.applicant,
            )
            .order_by(User.id)
        ).all()
    )


def cancel(challenge: Challenge, *, reason: str, by: User) -> Challenge:
    """Withdraw a draft or a published challenge, with a reason that the public page shows."""
    _require_staff(by)
    if challenge.status not in (ChallengeStatus.draft, ChallengeStatus.published):
        raise DomainError(_("Only a draft or a published challenge can be cancelled."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give the reason for cancelling.")})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            {"reason": _("The reason is too long (at most %(n)s characters).", n=REASON_MAX)}
        )
    now = clock.now()
    before = audit.snapshot(challenge, "status")
    challenge.status = ChallengeStatus.cancelled
    challenge.cancelled_at = now
    challenge.cancel_reason = reason
    challenge.updated_at = now
    audit.record(
        by,
        "challenge.cancelled",
        challenge,
        before=before,
        after=audit.snapshot(challenge, "status", "cancel_reason"),
    )
    if challenge.published_at is not None:
        number = challenge.number
        notify(
            applicants_in_progress(challenge),
            "challenge_cancelled",
            lambda: _("Challenge %(number)s was cancelled", number=number),
            lambda: _("Reason: %(reason)s", reason=reason),
            link=f"/challenges/{number}",
        )
    return challenge


# ---- chains and links -----------------------------------------------------------------------


def save_chain(
    chain: Chain | None, *, name: str, leader_title: str, description: str, by: User
) -> Chain:
    _require_staff(by)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": _("Name the chain.")})
    clash = db.session.exec(select(Chain).where(Chain.name == name)).first()
    if clash is not None and clash is not chain:
        raise ValidationFailed({"name": _("A chain with this name exists already.")})
    before = audit.snapshot(chain) if chain else None
    if chain is None:
        chain = Chain(name=name)
        db.session.add(chain)
    chain.name = name
    chain.leader_title = (leader_title or "").strip()
    chain.description = (description or "").strip()
    audit.record(
        by,
        "chain.created" if before is None else "chain.edited",
        chain,
        before=before,
        after=audit.snapshot(chain),
    )
    return chain


def save_link(
    chain: Chain, link: ChainLink | None, *, name: str, stage: Stage, by: User
) -> ChainLink:
    _require_staff(by)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": _("Name the link.")})
    clash = db.session.exec(
        select(ChainLink).where(ChainLink.chain_id == chain.id, ChainLink.name == name)
    ).first()
    if clash is not None and clash is not link:
        raise ValidationFailed({"name": _("This chain has a link with this name already.")})
    before = audit.snapshot(link) if link else None
    if link is None:
        position = db.session.exec(select(func.count()).where(ChainLink.chain_id == chain.id)).one()
        link = ChainLink(chain_id=chain.id, position=position, name=name, stage=stage)
        db.session.add(link)
    link.name = name
    link.stage = stage
    audit.record(
        by,
        "chain_link.created" if before is None else "chain_link.edited",
        link,
        before=before,
        after=audit.snapshot(link),
    )
    return link


def delete_link(link: ChainLink, *, by: User) -> None:
    _require_staff(by)
    used = db.session.exec(select(func.count()).where(Challenge.chain_link_id == link.id)).one()
    if used:
        raise DomainError(_("Challenges sit on this link; it cannot be removed."))
    signals.link_removing.send(link, by=by)
    audit.record(by, "chain_link.deleted", link, before=audit.snapshot(link))
    db.session.delete(link)


# ---- clarifications -------------------------------------------------------------------------


def ask(challenge: Challenge, question: str, *, by: User) -> Clarification:
    """An applicant asks a question about a challenge that is open for proposals."""
    if by is None or by.role is not Role.applicant:
        raise NotAllowed(_("Only applicants can ask questions about a challenge."))
    now = clock.now()
    if not challenge.accepts_proposals(now):
        raise DomainError(_("Questions can be asked only while the challenge is open."))
    question = (question or "").strip()
    if not question:
        raise ValidationFailed({"question": _("Write your question.")})
    if len(question) > QUESTION_MAX:
        raise ValidationFailed(
            {"question": _("The question is too long (at most %(n)s characters).", n=QUESTION_MAX)}
        )
    clarification = Clarification(
        challenge_id=challenge.id, asked_by_id=by.id, question=question, asked_at=now
    )
    db.session.add(clarification)
    audit.record(by, "clarification.asked", clarification, after=audit.snapshot(clarification))
    return clarification


def answer(clarification: Clarification, text: str, *, by: User) -> Clarification:
    """An officer answers; the question and answer become public, the asker is told."""
    _require_staff(by)
    if clarification.answered_at is not None:
        raise DomainError(_("This question has been answered already."))
    text = (text or "").strip()
    if not text:
        raise ValidationFailed({"answer": _("Write the answer.")})
    if len(text) > QUESTION_MAX:
        raise ValidationFailed(
            {"answer": _("The answer is too long (at most %(n)s characters).", n=QUESTION_MAX)}
        )
    clarification.answer = text
    clarification.answered_by_id = by.id
    clarification.answered_at = clock.now()
    audit.record(by, "clarification.answered", clarification, after=audit.snapshot(clarification))
    challenge = db.session.get(Challenge, clarification.challenge_id)
    asker = db.session.get(User, clarification.asked_by_id)
    number = challenge.number
    notify(
        [asker],
        "clarification_answered",
        lambda: _("Your question on %(number)s has been answered", number=number),
        link=f"/challenges/{number}#clarifications",
    )
    return clarification


# ---- guide attachments ----------------------------------------------------------------------


def add_attachment(challenge: Challenge, upload: FileStorage, *, by: User) -> ChallengeAttachment:
    """A PDF guide, published with the challenge (added to a draft or a challenge still open)."""
    _require_staff(by)
    if challenge.status not in (ChallengeStatus.draft, ChallengeStatus.published):
        raise DomainError(_("Guides can be added to a draft or a published challenge only."))
    stored = storage.store_pdf(upload, field="file", folder="challenges")
    attachment = ChallengeAttachment(
        challenge_id=challenge.id,
        filename=stored.filename,
        stored_name=stored.stored_name,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_at=clock.now(),
    )
    db.session.add(attachment)
    audit.record(by, "challenge.guide_added", attachment, after=audit.snapshot(attachment))
    return attachment


def remove_attachment(attachment: ChallengeAttachment, challenge: Challenge, *, by: User) -> None:
    """Only a draft's guides can be removed: what was published stays published."""
    _require_staff(by)
    if challenge.status is not ChallengeStatus.draft:
        raise DomainError(_("A published guide cannot be removed."))
    audit.record(by, "challenge.guide_removed", attachment, before=audit.snapshot(attachment))
    db.session.delete(attachment)
