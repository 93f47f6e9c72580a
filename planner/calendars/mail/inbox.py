"""The office's mailbox, read for iTIP replies: `flask mail fetch-replies`.

A calendar app that accepts or declines one of our invitations mails back a METHOD:REPLY
(RFC 5546 3.2.3) to the ORGANIZER, the office's address. Each unseen message there is
read over IMAP4 (imaplib, TLS when IMAP_SSL), the answers of its text/calendar parts are
stored (calendars/replies.py), and it is marked seen, answered or not: a letter that is
not a reply stays in the mailbox for a person, but is not read again.
"""

import email
import email.policy
import imaplib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage

from planner.calendars.replies import ItipAnswer, apply_itip_answers, read_itip_reply

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    ssl: bool = True
    timeout: float = 20

    @classmethod
    def from_config(cls, config) -> "ImapSettings | None":
        """None when no mailbox is configured (IMAP_HOST empty)."""
        if not config.get("IMAP_HOST"):
            return None
        return cls(
            host=config["IMAP_HOST"],
            port=int(config["IMAP_PORT"]),
            user=config.get("IMAP_USER") or "",
            password=config.get("IMAP_PASSWORD") or "",
            folder=config.get("IMAP_FOLDER") or "INBOX",
            ssl=bool(config["IMAP_SSL"]),
        )


@dataclass(frozen=True)
class FetchReport:
    messages: int = 0  # unseen messages read
    stored: int = 0  # answers stored
    ignored: int = 0  # answers that matched no stop and attendee


def message_answers(raw: bytes) -> list[ItipAnswer]:
    """The iTIP REPLY answers in every text/calendar part of a message."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    answers: list[ItipAnswer] = []
    assert isinstance(message, EmailMessage)  # noqa: S101 - policy.default makes one
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                answers += read_itip_reply(payload)
    return answers


def connect(settings: ImapSettings) -> imaplib.IMAP4:
    kind = imaplib.IMAP4_SSL if settings.ssl else imaplib.IMAP4
    client = kind(settings.host, settings.port, timeout=settings.timeout)
    client.login(settings.user, settings.password)
    return client


def fetch_replies(session, settings: ImapSettings, *, now: datetime) -> FetchReport:
    """Read every unseen message of the folder, store the answers it carries, mark it seen.
    Flushes; the caller commits."""
    client = connect(settings)
    messages = stored = ignored = 0
    try:
        client.select(settings.folder)
        _status, data = client.uid("SEARCH", "UNSEEN")
        for uid in data[0].split() if data and data[0] else []:
            # BODY.PEEK: the message is marked seen below, once its answers are stored.
            _status, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
            messages += 1
            if raw is not None:
                answers = message_answers(raw)
                if not answers:
                    log.info("Mailbox message %s has no iTIP reply; left for a person", uid)
                count = apply_itip_answers(session, answers, now=now)
                stored += count
                ignored += len(answers) - count
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return FetchReport(messages=messages, stored=stored, ignored=ignored)
