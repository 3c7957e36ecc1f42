"""Industrial chains (产业链) and their links (环节), kept by the programme office: every challenge
sits on a link."""

from __future__ import annotations

from sqlmodel import func, select

from portal import audit
from portal.accounts.models import User
from portal.challenges import signals
from portal.challenges.models import Chain, ChainLink, Challenge
from portal.challenges.permissions import can_manage
from portal.db import db
from portal.errors import DomainError, ValidationFailed, given_text, require
from portal.i18n import gettext as _
from portal.vocabulary import Stage


def _record_saved(by: User, kind: str, obj: Chain | ChainLink, before: dict | None) -> None:
    """ "<kind>.created" (nothing before) or "<kind>.edited", with the row before and after."""
    action = f"{kind}.created" if before is None else f"{kind}.edited"
    audit.record(by, action, obj, before=before, after=audit.snapshot(obj))


def save_chain(
    chain: Chain | None, *, name: str, leader_title: str, description: str, by: User
) -> Chain:
    """Create a chain (`chain` None) or change one."""
    require(can_manage(by))
    name = given_text(name, "name", _("Name the chain."))
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
    _record_saved(by, "chain", chain, before)
    return chain


def save_link(
    chain: Chain, link: ChainLink | None, *, name: str, stage: Stage, by: User
) -> ChainLink:
    """Add a link to `chain` (`link` None) or change one of its links."""
    require(can_manage(by))
    name = given_text(name, "name", _("Name the link."))
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
    _record_saved(by, "chain_link", link, before)
    return link


def delete_link(link: ChainLink, *, by: User) -> None:
    """Remove a link no challenge sits on."""
    require(can_manage(by))
    used = db.session.exec(select(func.count()).where(Challenge.chain_link_id == link.id)).one()
    if used:
        raise DomainError(_("Challenges sit on this link; it cannot be removed."))
    signals.link_removing.send(link, by=by)  # the chain map's records of it go, or refuse
    audit.record(by, "chain_link.deleted", link, before=audit.snapshot(link))
    db.session.delete(link)
