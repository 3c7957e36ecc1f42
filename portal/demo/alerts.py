"""Demo data of alerts: Alice follows the whole 集成电路 chain and hears of answered questions on
the challenges her organisation drafts for, Expert Liu follows one of its links, and both have a
calendar address. Everything goes through the services, as the people would choose it."""

from __future__ import annotations

from sqlmodel import select

from portal.alerts import subscriptions
from portal.challenges.models import Chain, ChainLink
from portal.db import db


def load(base: dict) -> dict:
    users = base["users"]
    chain = db.session.exec(select(Chain).where(Chain.name == "集成电路")).first()
    if chain is None:
        return base
    link = db.session.exec(select(ChainLink).where(ChainLink.chain_id == chain.id)).first()
    alice, liu = users["alice"], users["expert1"]
    subscriptions.subscribe(by=alice, chain_id=chain.id)
    subscriptions.hear_answered_questions(by=alice, wanted=True)
    if link is not None:
        subscriptions.subscribe(by=liu, chain_id=None, link_id=link.id)
    for person in (alice, liu):
        subscriptions.reset_feed(by=person)
    db.session.flush()
    return base
