"""Every model, imported in dependency order so that mappers and migrations see all tables."""

from planner.accounts.models import User  # noqa: F401
from planner.audit import trail  # noqa: F401 - records every change of an audited table
from planner.audit.models import AuditEntry, SecurityEvent  # noqa: F401
from planner.calendars.models import CalendarVersion, Departure, MailMessage, SentEvent  # noqa: F401
from planner.itinerary.models import Stop, stop_attendees  # noqa: F401
from planner.organizations.models import Organization  # noqa: F401
from planner.outcomes.models import DocumentBlob, FollowUp, Outcome, OutcomeDocument  # noqa: F401
from planner.partnerships.models import Partnership, StageChange  # noqa: F401
from planner.people.models import Person  # noqa: F401
from planner.reports import figures  # noqa: F401 - a new figures token on every change
from planner.reports.models import FiguresVersion  # noqa: F401
from planner.venues.models import OpeningHours, TravelTime, Venue, VenueClosure  # noqa: F401
from planner.visits.models import Participant, Visit  # noqa: F401
