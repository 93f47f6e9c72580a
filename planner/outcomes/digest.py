"""The morning digest: each follow-up owner's overdue and due-today follow-ups, by e-mail.

Judged by the office's calendar day (`today` comes from clock.office_today), written in
the owner's language, sent by the worker once a morning (planner/worker.py).
"""

import email.utils
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage

import sqlalchemy as sa
from flask_babel import force_locale

from planner.accounts.models import User
from planner.calendars.mail.letters import POLICY, MailSettings
from planner.calendars.mail.outbox import connect
from planner.i18n import text_gettext
from planner.outcomes.models import FollowUp, FollowUpStatus
from planner.rules import single_line
from planner.timefmt import format_date, format_short_date


@dataclass(frozen=True)
class Digest:
    owner: User
    overdue: tuple[FollowUp, ...]
    due_today: tuple[FollowUp, ...]


def digests(session, today: date) -> list[Digest]:
    """One digest per active owner with anything overdue or due today, oldest due first."""
    follow_ups = session.scalars(
        sa.select(FollowUp)
        .join(User, FollowUp.owner_id == User.id)
        .where(FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_date <= today)
        .order_by(FollowUp.owner_id, FollowUp.due_date, FollowUp.id)
    )
    by_owner: dict[int, list[FollowUp]] = {}
    for follow_up in follow_ups:
        by_owner.setdefault(follow_up.owner_id, []).append(follow_up)
    found = []
    for items in by_owner.values():
        owner = items[0].owner
        if not owner.is_active or not owner.email:
            continue
        found.append(
            Digest(
                owner,
                tuple(f for f in items if f.due_date < today),
                tuple(f for f in items if f.due_date == today),
            )
        )
    return found


def digest_message(digest: Digest, settings: MailSettings, today: date, now: datetime):
    """The digest as a plain-text message, in the owner's language."""
    locale = digest.owner.locale or settings.locale
    with force_locale(locale):
        lines = [text_gettext("Good morning %(name)s,", name=digest.owner.name), ""]
        for heading, items in (
            (text_gettext("Overdue"), digest.overdue),
            (text_gettext("Due today"), digest.due_today),
        ):
            if not items:
                continue
            lines += [heading, "=" * len(heading)]
            for follow_up in items:
                due = format_short_date(follow_up.due_date, locale)
                lines.append(
                    text_gettext("- %(title)s (due %(date)s)", title=follow_up.title, date=due)
                )
            lines.append("")
        lines.append(settings.office_name)
        subject = text_gettext("Your follow-ups for %(date)s", date=format_date(today, locale))
    message = EmailMessage(policy=POLICY)
    message["Subject"] = single_line(subject)
    message["From"] = email.utils.formataddr((single_line(settings.office_name), settings.sender))
    message["To"] = email.utils.formataddr((single_line(digest.owner.name), digest.owner.email))
    message["Date"] = email.utils.format_datetime(now.astimezone(UTC))
    message["Message-ID"] = email.utils.make_msgid(
        domain=settings.sender.rpartition("@")[2] or None
    )
    message.set_content("\n".join(lines))
    return message


def send_digests(session, settings: MailSettings, today: date, now: datetime) -> int:
    """Send every owner their digest over one SMTP connection; how many were sent."""
    found = digests(session, today)
    if not found:
        return 0
    with connect(settings) as smtp:
        for digest in found:
            message = digest_message(digest, settings, today, now)
            smtp.send_message(message, settings.sender, [digest.owner.email])
    return len(found)
