"""A real SMTP server on loopback for the tests that send mail: the inbox it fills, and the
app's SMTP settings pointed at it. The `smtp_server` fixture (tests/conftest.py) is the usual
way in; `listening` serves a handler of a test's own (one that stalls, say)."""

import contextlib
import email
import email.message
import email.policy
import html
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import icalendar
from aiosmtpd.controller import Controller

SENDER = "protocol@lorestan-chamber.example"


@dataclass
class Received:
    """One message as the SMTP server got it, taken apart as a mail client would."""

    envelope_to: list[str]
    raw: bytes
    message: email.message.EmailMessage
    calendar_part: email.message.EmailMessage
    calendar_bytes: bytes
    calendar: icalendar.Calendar

    def part(self, content_type: str) -> email.message.EmailMessage:
        return next(p for p in self.message.walk() if p.get_content_type() == content_type)

    @property
    def text(self) -> str:
        return self.part("text/plain").get_content()

    @property
    def html(self) -> str:
        return html.unescape(self.part("text/html").get_content())

    @property
    def events(self) -> dict[str, icalendar.Event]:
        return {str(event["UID"]): event for event in self.calendar.walk("VEVENT")}

    @property
    def method(self) -> str:
        return str(self.calendar["METHOD"])

    @property
    def event(self) -> icalendar.Event:
        """The letter's one event: a letter is about one stop."""
        [event] = self.calendar.walk("VEVENT")
        return event

    @property
    def uid(self) -> str:
        return str(self.event["UID"])


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    port: int

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        self.envelopes.clear()

    def messages(self) -> list[email.message.EmailMessage]:
        """Every message, parsed (a digest, which has no calendar, too)."""
        return [
            email.message_from_bytes(envelope.content, policy=email.policy.default)
            for envelope in self.envelopes
        ]

    def received(self) -> list[Received]:
        """Every message with its calendar part (an invitation, an update)."""
        messages = []
        for envelope, message in zip(self.envelopes, self.messages(), strict=True):
            part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
            data = part.get_payload(decode=True)
            messages.append(
                Received(
                    envelope_to=list(envelope.rcpt_tos),
                    raw=envelope.content,
                    message=message,
                    calendar_part=part,
                    calendar_bytes=data,
                    calendar=icalendar.Calendar.from_ical(data),
                )
            )
        return messages

    def by_recipient(self) -> dict[str, Received]:
        """Each recipient's one letter, when each got one."""
        messages = self.received()
        recipients = [m.envelope_to[0] for m in messages]
        assert len(recipients) == len(set(recipients)), "someone got two messages"
        return dict(zip(recipients, messages, strict=True))

    def letters_by_recipient(self) -> dict[str, list[Received]]:
        """Each recipient's letters, in the order they came: one for each stop."""
        letters: dict[str, list[Received]] = {}
        for message in self.received():
            [address] = message.envelope_to
            letters.setdefault(address, []).append(message)
        return letters


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def listening(inbox: Inbox, app=None, sender: str = SENDER) -> Iterator[Inbox]:
    """Serve `inbox` on a free loopback port while the block lasts; `app`'s SMTP settings
    (when given) point at it. The port is `inbox.port`."""
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    if app is not None:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, MAIL_SENDER=sender)
    try:
        yield inbox
    finally:
        controller.stop()
