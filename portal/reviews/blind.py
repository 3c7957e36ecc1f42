"""What an expert reads of a proposal: the frozen submitted version, and in blind review
nothing that names an organisation or a person (pages, attachment names and exports alike)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import selectinload
from sqlmodel import select

from portal import storage
from portal.accounts.models import User
from portal.accounts.names import identifying_names, name_pattern
from portal.db import db
from portal.i18n import gettext as _
from portal.pdfs import without_metadata
from portal.proposals.models import Attachment, ConsortiumMember, Proposal, SubmittedVersion
from portal.proposals.snapshot import SubmittedContent

# Keys of the frozen content that name people or organisations: dropped in blind review.
# (Names inside any other text are replaced by `redact_text`.)
NAMING_KEYS = re.compile(
    r"(org|leader|pledge|email|phone|contact|filename|_by|person|applicant|user|code)",
    re.IGNORECASE,
)
KEEP_KEYS = {"title"}


@dataclass
class ShownAttachment:
    number: int
    attachment: Attachment
    name: str  # what the reader sees: "Attachment 1.pdf" in blind review


@dataclass
class ProposalView:
    proposal: Proposal
    blind: bool
    title: str
    content: SubmittedContent
    attachments: list[ShownAttachment]
    version: SubmittedVersion | None


def current_version(proposal: Proposal) -> SubmittedVersion | None:
    return db.session.exec(
        select(SubmittedVersion)
        .where(SubmittedVersion.proposal_id == proposal.id, SubmittedVersion.withdrawn_at.is_(None))
        .order_by(SubmittedVersion.number.desc())
    ).first()


def names_of(proposal: Proposal) -> list[str]:
    """Every name that would identify the consortium or its people: each organisation's name,
    short name and English name (with and without the legal form), its people's names, the
    team leader's contacts and the attachments' file names."""
    members = db.all(
        select(ConsortiumMember)
        .where(ConsortiumMember.proposal_id == proposal.id)
        .options(selectinload(ConsortiumMember.organisation))
    )
    orgs = [m.organisation for m in members] + [proposal.lead_org, proposal.leader_org]
    names = set().union(*(identifying_names(org) for org in orgs if org is not None))
    org_ids = [m.organisation_id for m in members] + [proposal.lead_org_id]
    names |= set(db.session.exec(select(User.name).where(User.organisation_id.in_(org_ids))))
    names |= {proposal.leader_name, proposal.leader_email, proposal.leader_phone}
    if proposal.leader_user is not None:
        names |= {proposal.leader_user.name, proposal.leader_user.email}
    names |= {s.signer_name for s in proposal.signatures}
    names |= {a.filename for a in proposal.attachments}
    return sorted((n.strip() for n in names if n and n.strip()), key=len, reverse=True)


def redact_text(text: str, names: list[str]) -> str:
    """`text` with every one of `names` replaced by "[withheld]" (see `name_pattern` for how
    names are found: Latin script on word boundaries, Chinese as substrings)."""
    pattern = _pattern(tuple(names))
    withheld = _("[withheld]")
    return pattern.sub(lambda _match: withheld, text) if pattern else text


@lru_cache(maxsize=64)
def _pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    return name_pattern(names)  # built once for all the texts of a page or an export


def redact(value: Any, names: list[str]) -> Any:
    if isinstance(value, dict):
        return {
            k: redact(v, names)
            for k, v in value.items()
            if k in KEEP_KEYS or not NAMING_KEYS.search(str(k))
        }
    if isinstance(value, list):
        return [redact(v, names) for v in value]
    if isinstance(value, str):
        return redact_text(value, names)
    return value


def anonymous_copy(attachment: Attachment) -> bytes:
    """The attachment as an expert in blind review downloads it: without the document's
    metadata (author, creator, producer, title, XMP), which often names the applicant.

    Made for each download rather than stored: the original stays intact for officers and the
    applicant (a signed PDF keeps its signature), files stored before this rule need no
    conversion, and only blind reviewers' downloads pay for it. Raises UnreadablePdf for a file
    that cannot be parsed (and so cannot be cleaned).
    """
    return without_metadata(storage.read_stored(attachment.stored_name))


def version_attachments(proposal: Proposal, content: SubmittedContent) -> list[Attachment]:
    """The attachments the submitted version froze, in its order (a file a version holds is
    never deleted)."""
    stored = {a.id: a for a in proposal.attachments}
    return [stored[frozen.id] for frozen in content.attachments if frozen.id in stored]


def proposal_view(proposal: Proposal, *, blind: bool) -> ProposalView:
    version = current_version(proposal)
    content = SubmittedContent.from_json(version.content if version else None)
    attachments = version_attachments(proposal, content)
    if blind:
        names = names_of(proposal)
        return ProposalView(
            proposal=proposal,
            blind=True,
            title=redact_text(proposal.title, names),
            content=SubmittedContent.from_json(redact(content.to_json(), names)),
            attachments=[
                ShownAttachment(i, a, _("Attachment %(n)s.pdf", n=i))
                for i, a in enumerate(attachments, start=1)
            ],
            version=version,
        )
    return ProposalView(
        proposal=proposal,
        blind=False,
        title=proposal.title,
        content=content,
        attachments=[ShownAttachment(i, a, a.filename) for i, a in enumerate(attachments, start=1)],
        version=version,
    )
