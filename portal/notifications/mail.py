"""E-mail that leaves only after the database commit, so that nobody is told of a change that
was rolled back."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("portal.mail")
OUTBOX = "portal.outbox"


def public_link(path: str) -> str:
    """`path` on the portal's public address (PUBLIC_URL), for links that leave in e-mail."""
    if not path or "://" in path:
        return path
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/{path.lstrip('/')}"


def queue(session: Session, to: str, subject: str, body: str) -> None:
    session.info.setdefault(OUTBOX, []).append((to, subject, body))


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    outbox = session.info.pop(OUTBOX, [])
    if outbox and has_app_context():
        deliver(current_app.config, outbox)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, previous_transaction) -> None:
    # As portal.db does for work waiting for the commit: the whole transaction's rollback only.
    if previous_transaction.parent is None:
        session.info.pop(OUTBOX, None)


def deliver(config, outbox: list[tuple[str, str, str]]) -> None:
    """Send through SMTP when a server is configured; failures are logged, never raised."""
    if not config["MAIL_SERVER"]:
        return
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            for to, subject, body in outbox:
                message = EmailMessage()
                message["From"] = config["MAIL_SENDER"]
                message["To"] = to
                message["Subject"] = subject
                message.set_content(body)
                smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send %d e-mail(s)", len(outbox))
