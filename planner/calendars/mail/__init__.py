"""iTIP e-mail (RFC 5546): each participant's programme as invitations, then only what changed.

Each letter carries one METHOD:REQUEST or METHOD:CANCEL for one stop (one UID): Outlook
and Gmail act on the first event of a letter only, so a programme of 16 stops is 16
invitations. The mail log shows them grouped by person.

Three parts, each below the next:

- plans.py: who gets what. Which stops each participant is invited to, at what SEQUENCE,
  and which left their programme and why; plain values, nothing written.
- letters.py: what each letter says, in its reader's language, and the MIME message with
  its calendar; nothing stored.
- outbox.py: the mail log and SMTP. Messages are queued whole (MailMessage), then sent;
  SentEvent remembers what each calendar was last sent, and moves only when a message
  actually went out, so a failed update is offered again.

The pages and the API queue letters in the request and, once it has committed, hand them
to the background worker (web.send_after_commit, tasks.py). The names below are the
package's public face.
"""

from planner.calendars.mail.letters import (
    POLICY,
    Letter,
    MailSettings,
    build_message,
    describe_change,
    letter_locale,
)
from planner.calendars.mail.outbox import (
    PersonLetters,
    SendReport,
    letters_by_person,
    mail_log,
    queue_messages,
    record_sent,
    send_pending,
    unsent_messages,
)
from planner.calendars.mail.plans import (
    MailPlan,
    message_calendar,
    plan_farewell,
    plan_programme,
    plan_updates,
)

__all__ = [
    "POLICY",
    "Letter",
    "MailPlan",
    "MailSettings",
    "PersonLetters",
    "SendReport",
    "build_message",
    "describe_change",
    "letter_locale",
    "letters_by_person",
    "mail_log",
    "message_calendar",
    "plan_farewell",
    "plan_programme",
    "plan_updates",
    "queue_messages",
    "record_sent",
    "send_pending",
    "unsent_messages",
]
