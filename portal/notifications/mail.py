"""E-mail through an outbox: `queue` writes the message as a row in the caller's transaction and
asks for the job that sends it, so a message exists exactly when the change it tells of was
committed, and a rolled-back change sends nothing.

The job (`mail.send`) sends one message over SMTP and marks it sent. When the server cannot be
reached the message stays, the attempt and its error are kept on the row for the administrators,
and the job is tried again after 1, 2, 4 … × JOB_RETRY_SECONDS (at most JOB_RETRY_MAX_SECONDS),
for as long as it takes. A message already sent is never sent again.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import get_locale
from sqlalchemy.orm import Session

from portal import clock, jobs
from portal.db import db
from portal.notifications.models import OutboxMessage

SEND = "mail.send"


def public_link(path: str) -> str:
    """`path` on the portal's public address (PUBLIC_URL), for links that leave in e-mail."""
    if not path or "://" in path:
        return path
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/{path.lstrip('/')}"


def queue(session: Session, to: str, subject: str, body: str) -> OutboxMessage | None:
    """An e-mail to `to`, already written in its recipient's language (the locale it was
    rendered under), leaving once `session`'s transaction commits. Nothing is queued while no
    SMTP server is configured: notifications then reach the in-app inbox only."""
    if not current_app.config["MAIL_SERVER"]:
        return None
    locale = get_locale()
    message = OutboxMessage(
        to=to,
        subject=str(subject),
        body=str(body),
        language=str(locale) if locale else "",
        created_at=clock.now(),
    )
    session.add(message)
    session.flush()
    jobs.enqueue(SEND, group="mail", message_id=message.id)
    return message


@jobs.job(SEND, max_attempts=None)
def send(message_id: int) -> None:
    """Send one outbox message (once: a message already sent is left alone)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.sent_at is not None:
        return
    now = clock.now()
    message.attempts += 1
    message.last_attempt_at = now
    try:
        deliver(current_app.config, message)
    except (OSError, smtplib.SMTPException) as exc:
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        db.session.commit()  # the attempt is recorded; the job waits and tries again
        raise jobs.Retry(message.last_error) from exc
    message.sent_at = now
    message.last_error = ""


def deliver(config, message: OutboxMessage) -> None:
    """One message over SMTP (raises OSError or SMTPException when it cannot)."""
    if not config["MAIL_SERVER"]:
        raise smtplib.SMTPException("no SMTP server is configured (MAIL_SERVER)")
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        email = EmailMessage()
        email["From"] = config["MAIL_SENDER"]
        email["To"] = message.to
        email["Subject"] = message.subject
        email.set_content(message.body)
        smtp.send_message(email)
