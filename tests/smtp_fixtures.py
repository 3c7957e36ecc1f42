"""A real SMTP server on 127.0.0.1 for tests whose story goes through e-mail.

`smtp` starts an aiosmtpd server on a free port, points the portal's mail settings at it and
hands the test a `Mailbox` of what it received (and the means to stop and restart the server).
Mail leaves through the outbox once the change commits (portal/notifications/mail.py): in tests
its job runs right after the commit, so a test reads the mailbox after the request that sent it.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Received:
    to: list[str]
    subject: str
    body: str

    def link(self, pattern: str = r"https?://\S+") -> str:
        """The first link in the body matching `pattern` (a regular expression)."""
        found = re.search(pattern, self.body)
        assert found, f"no link matching {pattern!r} in: {self.body}"
        return found.group(0)

    def path(self, pattern: str = r"https?://\S+") -> str:
        """The first matching link without its scheme and host, for the test client."""
        return re.sub(r"^https?://[^/]+", "", self.link(pattern))


class Mailbox:
    def __init__(self, port: int = 0) -> None:
        self.messages: list[Received] = []
        self.port = port
        self.controller: Controller | None = None

    def start_server(self) -> None:
        """Serve (again) on the same port."""
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop_server(self) -> None:
        """The server goes away: connections to its port are refused until it starts again."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        message: EmailMessage = message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(("plain",))
        self.messages.append(
            Received(
                to=[address.lower() for address in envelope.rcpt_tos],
                subject=str(message["Subject"]),
                body=body.get_content() if body is not None else "",
            )
        )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address.lower() in m.to]

    def wait_for(self, address: str, count: int = 1, timeout: float = 5.0) -> list[Received]:
        """The messages to `address` once there are `count` of them (fails after `timeout`)."""
        deadline = time.monotonic() + timeout
        while len(self.to(address)) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        received = self.to(address)
        assert len(received) >= count, f"{len(received)} message(s) to {address}, not {count}"
        return received

    def last(self, address: str) -> Received:
        return self.wait_for(address)[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch) -> Mailbox:
    """A running SMTP server that the portal sends to; the test reads what it received."""
    port = _free_port()
    mailbox = Mailbox(port)
    mailbox.start_server()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "")
    try:
        yield mailbox
    finally:
        mailbox.stop_server()
