"""What the calendars do when a visit changes under them.

The visits domain sits below the calendars: removing a participant there knows nothing of
e-mail. The pages and the API remove a participant through here instead, so that whoever
was sent invitations is written a cancellation first, while there is still someone to
write to. The letters are queued, not sent: they go out once the removal is committed.
"""

from datetime import datetime

from planner.accounts.models import User
from planner.calendars.mail import letters, outbox, plans
from planner.calendars.models import MailMessage
from planner.visits import operations as visit_operations
from planner.visits.models import Participant


def remove_participant(
    session,
    participant: Participant,
    settings: letters.MailSettings,
    *,
    acting: User,
    now: datetime,
) -> list[MailMessage]:
    """Queue the participant's cancellations, then take them out of the visit and its stops.

    Returns the queued messages, for the caller to send after the commit."""
    farewell = plans.plan_farewell(session, participant.visit, participant)
    queued = outbox.queue_messages(session, farewell, settings, acting=acting, now=now)
    visit_operations.remove_participant(session, participant, acting=acting)
    return queued
