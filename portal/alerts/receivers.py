"""How alerts follow the challenges module: the receivers of its signals
(portal/challenges/signals.py), connected when this module is imported (create_app does), and
run inside the transaction of the change that sent them."""

from __future__ import annotations

from portal.alerts import subscriptions
from portal.challenges import signals
from portal.challenges.models import Challenge, Clarification


@signals.published.connect
def _published(challenge: Challenge, **_kw) -> None:
    subscriptions.tell_followers(challenge)  # whoever follows its chain or link


@signals.question_answered.connect
def _question_answered(clarification: Clarification, **_kw) -> None:
    subscriptions.tell_drafters(clarification)  # applicants drafting, who asked to hear
