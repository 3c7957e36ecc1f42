"""Recording what officers know about a chain: link assessments by quarter, their corrections,
and the supply relations between links. Each function checks who acts, locks what it changes,
writes the audit trail, and raises a translated error when refused; the unit of work commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlmodel import select

from portal import audit, clock
from portal.accounts.models import User
from portal.chains.models import LinkAssessment, LinkRelation
from portal.chains.periods import Quarter
from portal.chains.permissions import can_record
from portal.challenges.models import Chain, ChainLink
from portal.db import db
from portal.errors import DomainError, ValidationFailed, require
from portal.i18n import gettext as _

HUNDRED = Decimal(100)
MAX_LOCAL_FIRMS = 10**6
NOTE_MAX, SOURCE_MAX, REASON_MAX, RELATION_NOTE_MAX = 2000, 500, 1000, 200


@dataclass
class AssessmentInput:
    """One link's figures for one quarter, as typed in the form or read from a workbook row."""

    period: str
    external_dependence: Decimal | None
    local_supporting_rate: Decimal | None
    local_firms: int | None
    chokepoint_level: int | None
    source: str = ""
    note: str = ""


FIGURES = ("external_dependence", "local_supporting_rate", "local_firms", "chokepoint_level")


def _percent_problem(value) -> str | None:
    if value is None:
        return _("Enter a percentage between 0 and 100.")
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return _("Enter a percentage between 0 and 100.")
    if not value.is_finite() or not 0 <= value <= HUNDRED:
        return _("Enter a percentage between 0 and 100.")
    if value != value.quantize(Decimal("0.01")):
        return _("Use at most two decimal places.")
    return None


def _whole_problem(value, high: int, message: str) -> str | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        return message
    return None if 0 <= value <= high else message


def assessment_problems(data: AssessmentInput, *, period_taken: bool) -> dict[str, str]:
    """What is wrong with `data`, by field; `period_taken` says that the link already has an
    assessment for that quarter. The form and the workbook import share these messages."""
    problems: dict[str, str] = {}
    quarter = Quarter.parse(data.period)
    if quarter is None:
        problems["period"] = _("Choose a quarter, written like 2026Q1.")
    elif quarter.is_future():
        problems["period"] = _(
            "%(quarter)s has not begun: it cannot be assessed yet.", quarter=quarter
        )
    elif period_taken:
        problems["period"] = _(
            "This link already has an assessment for %(quarter)s. Correct it instead, with a "
            "reason.",
            quarter=quarter,
        )
    for name in ("external_dependence", "local_supporting_rate"):
        problem = _percent_problem(getattr(data, name))
        if problem:
            problems[name] = problem
    if not problems.keys() & {"external_dependence", "local_supporting_rate"} and (
        Decimal(data.external_dependence) + Decimal(data.local_supporting_rate) > HUNDRED
    ):
        problems["local_supporting_rate"] = _(
            "External dependence and the local supporting rate are shares of the same inputs: "
            "together they cannot exceed 100 %."
        )
    problem = _whole_problem(
        data.local_firms, MAX_LOCAL_FIRMS, _("Enter the number of local firms (0 or more).")
    )
    if problem:
        problems["local_firms"] = problem
    problem = _whole_problem(
        data.chokepoint_level, 5, _("Choose a chokepoint level from 0 (none) to 5 (severe).")
    )
    if problem:
        problems["chokepoint_level"] = problem
    if not (data.source or "").strip():
        problems["source"] = _("Name the source of these figures.")
    elif len(data.source.strip()) > SOURCE_MAX:
        problems["source"] = _("At most %(n)s characters.", n=SOURCE_MAX)
    if len((data.note or "").strip()) > NOTE_MAX:
        problems["note"] = _("At most %(n)s characters.", n=NOTE_MAX)
    return problems


def current_assessment(link_id: int, period: str) -> LinkAssessment | None:
    return db.session.exec(
        select(LinkAssessment).where(
            LinkAssessment.link_id == link_id,
            LinkAssessment.period == period,
            LinkAssessment.superseded_at.is_(None),
        )
    ).first()


def _row(link: ChainLink, data: AssessmentInput, by: User) -> LinkAssessment:
    return LinkAssessment(
        link_id=link.id,
        period=str(Quarter.parse(data.period)),
        external_dependence=Decimal(data.external_dependence),
        local_supporting_rate=Decimal(data.local_supporting_rate),
        local_firms=data.local_firms,
        chokepoint_level=data.chokepoint_level,
        source=data.source.strip(),
        note=(data.note or "").strip(),
        recorded_at=clock.now(),
        recorded_by_id=by.id,
    )


def record_assessment(
    link: ChainLink, data: AssessmentInput, *, by: User, action: str = "link_assessment.recorded"
) -> LinkAssessment:
    """Record a link's figures for a quarter it has none for."""
    require(can_record(by))
    link = db.lock(link)  # two officers recording the same quarter at once: one of them waits
    quarter = Quarter.parse(data.period)
    taken = quarter is not None and current_assessment(link.id, str(quarter)) is not None
    problems = assessment_problems(data, period_taken=taken)
    if problems:
        raise ValidationFailed(problems)
    assessment = _row(link, data, by)
    db.session.add(assessment)
    audit.created(by, action, assessment)
    return assessment


def correct_assessment(
    assessment: LinkAssessment, data: AssessmentInput, *, reason: str, by: User
) -> LinkAssessment:
    """Correct a quarter's figures: the corrected row is kept (superseded) and the new one says
    why. The link and the quarter stay as they were."""
    require(can_record(by))
    assessment = db.lock(assessment, LinkAssessment.link)
    if assessment.superseded_at is not None:
        raise DomainError(
            _("This assessment has been corrected since. Correct the current one instead.")
        )
    data.period = assessment.period
    problems = assessment_problems(data, period_taken=False)
    reason = (reason or "").strip()
    if not reason:
        problems["reason"] = _("Say why the figures are corrected.")
    elif len(reason) > REASON_MAX:
        problems["reason"] = _("At most %(n)s characters.", n=REASON_MAX)
    if (
        not problems
        and all(getattr(data, name) == getattr(assessment, name) for name in FIGURES)
        and (data.source.strip(), (data.note or "").strip())
        == (
            assessment.source,
            assessment.note,
        )
    ):
        problems[None] = _("Nothing was changed.")
    if problems:
        raise ValidationFailed(problems)
    before = audit.snapshot(assessment)
    assessment.superseded_at = clock.now()
    db.session.flush()  # the corrected row leaves the current ones before its successor arrives
    correction = _row(assessment.link, data, by)
    correction.corrects_id = assessment.id
    correction.correction_reason = reason
    db.session.add(correction)
    audit.record(
        by, "link_assessment.corrected", correction, before=before, after=audit.snapshot(correction)
    )
    return correction


def add_relation(
    chain: Chain, *, supplier_id: int | None, customer_id: int | None, note: str, by: User
) -> LinkRelation:
    """A supply arrow of the chain map: the supplier link feeds the customer link."""
    require(can_record(by))
    chain = db.lock(chain, Chain.links)
    links = {link.id for link in chain.links}
    problems: dict[str | None, str] = {}
    if supplier_id not in links:
        problems["supplier_id"] = _("Choose a link of this chain.")
    if customer_id not in links:
        problems["customer_id"] = _("Choose a link of this chain.")
    if not problems and supplier_id == customer_id:
        problems["customer_id"] = _("A link cannot supply itself.")
    note = (note or "").strip()
    if len(note) > RELATION_NOTE_MAX:
        problems["note"] = _("At most %(n)s characters.", n=RELATION_NOTE_MAX)
    if (
        not problems
        and db.session.exec(
            select(LinkRelation).where(
                LinkRelation.supplier_id == supplier_id, LinkRelation.customer_id == customer_id
            )
        ).first()
    ):
        problems["customer_id"] = _("This supply relation is on the map already.")
    if problems:
        raise ValidationFailed(problems)
    relation = LinkRelation(
        chain_id=chain.id,
        supplier_id=supplier_id,
        customer_id=customer_id,
        note=note,
        created_at=clock.now(),
        created_by_id=by.id,
    )
    db.session.add(relation)
    audit.created(by, "link_relation.added", relation)
    return relation


def remove_relation(relation: LinkRelation, *, by: User) -> None:
    require(can_record(by))
    relation = db.lock(relation)
    audit.record(by, "link_relation.removed", relation, before=audit.snapshot(relation))
    db.session.delete(relation)


def release_link(link: ChainLink, *, by: User) -> None:
    """Before a link is removed from its chain: its supply arrows go with it (audited), but a
    link with assessments is kept, since they are part of the chain's record."""
    assessed = db.session.exec(
        select(LinkAssessment.id).where(LinkAssessment.link_id == link.id).limit(1)
    ).first()
    if assessed is not None:
        raise DomainError(_("This link has assessments; it cannot be removed."))
    for relation in db.all(
        select(LinkRelation).where(
            (LinkRelation.supplier_id == link.id) | (LinkRelation.customer_id == link.id)
        )
    ):
        remove_relation(relation, by=by)
