"""Who sees what of the chain's digital brain.

- Everyone, logged in or not, sees a chain's public summary: its map, its published challenges,
  and the funding awarded and disbursed along it.
- Officers and admins see everything, and record assessments and supply relations.
- Third-party evaluators (第三方评估机构) read the KPIs, the map, the assessments and the figures
  of funded projects, and change nothing. They never see proposal text or reviews: those modules
  answer them 404 (portal/access.py, and each module's own visibility rules).
A chain, link, assessment or relation the user may not reach as asked is answered 404.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy.orm import selectinload
from sqlmodel import select
from sqlmodel.sql.expression import Select

from portal.accounts.models import User
from portal.chains.models import LinkAssessment, LinkRelation
from portal.challenges.models import Chain, ChainLink
from portal.db import db
from portal.vocabulary import Role


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_read_brain(user: User | None) -> bool:
    """The KPIs, the assessments and the project figures: officers, admins and evaluators."""
    return _signed_in(user) and (user.is_staff or user.role is Role.evaluator)


def can_record(user: User | None) -> bool:
    """Assessments, their corrections and the supply relations: the programme office."""
    return _signed_in(user) and user.is_staff


def can_read(user: User | None) -> bool:
    """A chain's public summary: anyone."""
    return True


NEEDS = {"read": can_read, "brain": can_read_brain, "record": can_record}


def visible_chains(user: User | None) -> Select:
    """Every chain, with its links: chains and links are public labels of the challenges."""
    return select(Chain).options(selectinload(Chain.links)).order_by(Chain.name, Chain.id)


def _allowed(user: User | None, need: str) -> None:
    if not NEEDS[need](user):
        abort(404)


def get_chain_or_404(chain_id: int, user: User | None, need: str = "read") -> Chain:
    """The chain with its links, if `user` may do `need` with it; otherwise 404."""
    _allowed(user, need)
    return _one_or_404(visible_chains(user).where(Chain.id == chain_id))


def _one_or_404(statement):
    found = db.session.exec(statement).first()
    if found is None:
        abort(404)
    return found


def _load_or_404(model, object_id: int, *path):
    """The row of `model` with this id, with the relations along `path` loaded; else 404."""
    loader = selectinload(path[0])
    for relation in path[1:]:
        loader = loader.selectinload(relation)
    return _one_or_404(select(model).where(model.id == object_id).options(loader))


def get_link_or_404(link_id: int, user: User | None, need: str = "brain") -> ChainLink:
    """A link with its chain (and the chain's links)."""
    _allowed(user, need)
    return _load_or_404(ChainLink, link_id, ChainLink.chain, Chain.links)


def get_assessment_or_404(
    assessment_id: int, user: User | None, need: str = "record"
) -> LinkAssessment:
    """An assessment with its link and chain."""
    _allowed(user, need)
    return _load_or_404(LinkAssessment, assessment_id, LinkAssessment.link, ChainLink.chain)


def get_relation_or_404(
    chain: Chain, relation_id: int, user: User | None, need: str = "record"
) -> LinkRelation:
    """A supply relation of `chain` (loaded through get_chain_or_404)."""
    _allowed(user, need)
    relation = db.session.get(LinkRelation, relation_id)
    if relation is None or relation.chain_id != chain.id:
        abort(404)
    return relation
