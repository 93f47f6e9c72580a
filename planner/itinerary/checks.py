"""The itinerary checker: plain functions from a visit's plan to findings a person understands.

No request and no database here (kinds are the shared StopKind enum of kinds.py).
`snapshot.py` turns models into the plain records below;
each check sorts and sweeps, so a visit of 1,000 stops is checked in well under a second
(see bench/bench_checks.py).
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from planner.itinerary.findings import ERROR, WARNING, Code, Finding
from planner.itinerary.kinds import StopKind
from planner.itinerary.messages import N_, Country, Day, Holiday, Name, Names, Weekday
from planner.visit_days import holiday_days, holiday_names
from planner.visits.models import ParticipantRole, Side

# The sides and roles the checks look at, as the visit's model names them: their values,
# as an AttendeeInfo holds them (plain strings compare faster than the enum's members).
DELEGATION: str = Side.DELEGATION.value
HOST: str = Side.HOST.value
INTERPRETER: str = ParticipantRole.INTERPRETER.value
HEAD_OF_DELEGATION: str = ParticipantRole.HEAD_OF_DELEGATION.value


@dataclass(frozen=True)
class KindRules:
    """What the checks need to know of a kind of stop."""

    meeting: bool  # people talk there: the languages check looks for a way to understand
    working: bool  # a public holiday gets in its way: offices and factories are shut,
    # officials and the press away; travelling, eating, sightseeing and free time go on


# Every kind of stop, classified once (tests/test_itinerary_checks.py refuses a StopKind
# that is not here, so a new or renamed kind cannot silently drop out of a check).
KIND_RULES = {
    StopKind.ARRIVAL: KindRules(meeting=False, working=False),
    StopKind.DEPARTURE: KindRules(meeting=False, working=False),
    StopKind.COURTESY_CALL: KindRules(meeting=True, working=True),
    StopKind.OFFICIAL_MEETING: KindRules(meeting=True, working=True),
    StopKind.ROUND_TABLE: KindRules(meeting=True, working=True),
    StopKind.FACTORY_TOUR: KindRules(meeting=False, working=True),
    StopKind.CULTURAL_VISIT: KindRules(meeting=False, working=False),
    StopKind.SISTER_CITY_MEETING: KindRules(meeting=True, working=True),
    StopKind.SIGNING_CEREMONY: KindRules(meeting=True, working=True),
    StopKind.MEAL: KindRules(meeting=False, working=False),
    StopKind.PRESS: KindRules(meeting=True, working=True),
    StopKind.TRANSFER: KindRules(meeting=False, working=False),
    StopKind.FREE_TIME: KindRules(meeting=False, working=False),
}
MEETING_KINDS = frozenset(kind for kind, rules in KIND_RULES.items() if rules.meeting)
WORKING_KINDS = frozenset(kind for kind, rules in KIND_RULES.items() if rules.working)


@dataclass(frozen=True)
class VenueInfo:
    id: int
    name: str
    timezone: str
    latitude: float | None = None
    longitude: float | None = None
    # weekday (0 = Monday) -> [(opens, closes)]; empty mapping: no hours known, always open.
    opening_hours: dict[int, list[tuple[time, time]]] = field(default_factory=dict)
    closed_dates: frozenset[date] = frozenset()
    country: str | None = None  # ISO 3166-1 alpha-2; None: in the host country
    persian_name: str | None = None  # shown to Persian readers of its findings

    @property
    def named(self) -> Name:
        return Name(self.name, self.persian_name)


@dataclass(frozen=True)
class AttendeeInfo:
    person_id: int
    name: str
    side: str  # a Side value: delegation | host | support
    role: str  # a ParticipantRole value
    languages: frozenset[str] = frozenset()
    interpreting: frozenset[str] = frozenset()  # empty unless an interpreter
    persian_name: str | None = None  # shown to Persian readers of its findings

    @property
    def named(self) -> Name:
        return Name(self.name, self.persian_name)

    @property
    def is_interpreter(self) -> bool:
        return self.role == INTERPRETER


@dataclass(frozen=True)
class StopInfo:
    id: int
    visit_id: int
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    venue_id: int | None = None
    attendees: tuple[AttendeeInfo, ...] = ()
    # Attendees who declined their invitation to the stop (person ids).
    declined: frozenset[int] = frozenset()


@dataclass(frozen=True)
class TravelSettings:
    """Drive time = great-circle distance x road factor / average speed, plus a buffer."""

    road_factor: float = 1.3
    average_speed_kmh: float = 50.0
    buffer_minutes: float = 10.0
    # (venue id, venue id) -> minutes of driving, both directions; beats the estimate.
    overrides: dict[tuple[int, int], float] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """What the checker needs to know about one visit."""

    visit_id: int
    timezone: str
    start_date: date
    end_date: date
    stops: tuple[StopInfo, ...]
    venues: dict[int, VenueInfo]
    # Only stops that take place: cancelled ones are left out by whoever builds the plan.
    # Stops of other visits in the same period, for people and venues shared across visits.
    other_stops: tuple[StopInfo, ...] = ()
    # Whose public holidays count (ISO 3166-1 alpha-2): the host country's, where a venue
    # names no country of its own, and the delegation's.
    host_country: str | None = None
    visiting_country: str | None = None


def _local(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone_name))


@lru_cache(maxsize=4096)
def _hhmm(instant: datetime, zone_name: str) -> str:
    """A clock time in a zone; cached, as the same stop is named in many findings."""
    return _local(instant, zone_name).strftime("%H:%M")


def _by_time(stops: Iterable[StopInfo]) -> list[StopInfo]:
    """Stops by start, end and id: sorted once, so that every per-person list built from it
    in this order is sorted too."""
    return sorted(stops, key=lambda s: (s.starts_at, s.ends_at, s.id))


def check_dates(plan: Plan) -> list[Finding]:
    findings = []
    for stop in plan.stops:
        first = _local(stop.starts_at, plan.timezone).date()
        last = _local(stop.ends_at, plan.timezone).date()
        if first < plan.start_date or last > plan.end_date:
            findings.append(
                Finding(
                    ERROR,
                    Code.OUTSIDE_VISIT_DATES,
                    N_("“%(title)s” is on %(day)s, outside the visit (%(first)s – %(last)s)."),
                    {
                        "title": stop.title,
                        "day": Day(first),
                        "first": Day(plan.start_date),
                        "last": Day(plan.end_date),
                    },
                    (stop.id,),
                )
            )
    return findings


def _overlapping_pairs(stops: list[StopInfo]) -> Iterable[tuple[StopInfo, StopInfo]]:
    """Pairs of stops whose times overlap (touching ends do not), by sweep over stops
    already in `_by_time` order."""
    active: list[StopInfo] = []
    for stop in stops:
        starts_at = stop.starts_at
        if active:
            active = [other for other in active if other.ends_at > starts_at]
            for other in active:
                yield other, stop
        active.append(stop)


def _when(stop: StopInfo, zone_name: str) -> str:
    return f"{_hhmm(stop.starts_at, zone_name)}–{_hhmm(stop.ends_at, zone_name)}"


def check_people(plan: Plan) -> list[Finding]:
    """Nobody is in two places at once, in this visit or across visits."""
    # In the order the plan first names them (a person has one name in a visit).
    names = {a.person_id: a.named for stop in plan.stops for a in stop.attendees}
    # Only people of this visit's stops can clash with them; two other visits' stops
    # clashing with each other are those visits' business. One sweep over all stops finds
    # the overlapping pairs; the people a pair shares are the clash.
    rank = {person_id: n for n, person_id in enumerate(names)}
    ordered = _by_time((*plan.stops, *plan.other_stops))
    ours = plan.visit_id
    people_of = [{a.person_id for a in stop.attendees if a.person_id in rank} for stop in ordered]
    # (first, second) -> the people both hold, in the order a sweep person by person
    # would meet them: by the first person's place, then by the later stop, then the earlier.
    clashes: dict[tuple[int, int], list[int]] = {}
    pair_stops: dict[tuple[int, int], tuple[StopInfo, StopInfo]] = {}
    order: dict[tuple[int, int], tuple[int, int, int]] = {}
    active: list[int] = []
    for position, stop in enumerate(ordered):
        starts_at = stop.starts_at
        active = [n for n in active if ordered[n].ends_at > starts_at]
        here = people_of[position]
        if here:
            for n in active:
                first = ordered[n]
                if first.visit_id != ours and stop.visit_id != ours:
                    continue
                shared = here & people_of[n]
                if not shared:
                    continue
                person_ids = sorted(shared, key=rank.__getitem__)
                key = (first.id, stop.id)
                clashes[key] = person_ids
                pair_stops[key] = (first, stop)
                order[key] = (rank[person_ids[0]], position, n)
        active.append(position)
    clashes = {key: clashes[key] for key in sorted(clashes, key=order.__getitem__)}
    findings = []
    for key, person_ids in clashes.items():
        people = [names[person_id] for person_id in person_ids]
        first, second = pair_stops[key]
        if first.visit_id != plan.visit_id:
            first, second = second, first  # ours first, the other visit's second
        if second.visit_id == plan.visit_id:
            text = N_(
                "%(people)s cannot be at “%(first)s” (%(first_time)s) and “%(second)s” "
                "(%(second_time)s) at once."
            )
        else:
            text = N_(
                "%(people)s cannot be at “%(first)s” (%(first_time)s) and, for another "
                "visit, at “%(second)s” (%(second_time)s) at once."
            )
        findings.append(
            Finding(
                ERROR,
                Code.PERSON_DOUBLE_BOOKED,
                text,
                {
                    "people": _names(people),
                    "first": first.title,
                    "first_time": _when(first, plan.timezone),
                    "second": second.title,
                    "second_time": _when(second, plan.timezone),
                },
                tuple(s.id for s in (first, second) if s.visit_id == plan.visit_id),
                person_ids=tuple(sorted(person_ids)),
            )
        )
    return findings


def _names(people: list[Name]) -> Names:
    return Names(tuple(sorted(set(people))))


def check_venues(plan: Plan) -> list[Finding]:
    """A venue is not booked by two visits at once."""
    by_venue: dict[int, list[StopInfo]] = defaultdict(list)
    for stop in _by_time((*plan.stops, *plan.other_stops)):
        if stop.venue_id is not None:
            by_venue[stop.venue_id].append(stop)
    findings = []
    for venue_id, stops in by_venue.items():
        if not any(stop.visit_id == plan.visit_id for stop in stops):
            continue
        for first, second in _overlapping_pairs(stops):
            if first.visit_id == second.visit_id or plan.visit_id not in (
                first.visit_id,
                second.visit_id,
            ):
                continue
            ours, theirs = (first, second) if first.visit_id == plan.visit_id else (second, first)
            venue = plan.venues.get(venue_id)
            findings.append(
                Finding(
                    ERROR,
                    Code.VENUE_DOUBLE_BOOKED,
                    N_(
                        "%(venue)s is booked by another visit for “%(other)s” (%(other_time)s) "
                        "during “%(title)s”."
                    ),
                    {
                        "venue": venue.named if venue else "?",
                        "other": theirs.title,
                        "other_time": _when(theirs, plan.timezone),
                        "title": ours.title,
                    },
                    (ours.id,),
                    venue_ids=(venue_id,),
                )
            )
    return findings


def distance_km(a: VenueInfo, b: VenueInfo) -> float:
    """Great-circle (haversine) distance between two venues."""
    if a.latitude is None or b.latitude is None or a.longitude is None or b.longitude is None:
        raise ValueError("a venue without coordinates is no distance from anywhere")
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def drive_minutes(a: VenueInfo, b: VenueInfo, settings: TravelSettings) -> float | None:
    """Estimated driving time, or None when a venue has no coordinates and no override."""
    for key in ((a.id, b.id), (b.id, a.id)):
        if key in settings.overrides:
            return settings.overrides[key]
    if a.latitude is None or b.latitude is None or a.longitude is None or b.longitude is None:
        return None
    road_km = distance_km(a, b) * settings.road_factor
    return road_km / settings.average_speed_kmh * 60


def check_travel(plan: Plan, settings: TravelSettings) -> list[Finding]:
    """Each person has time to drive from one stop's venue to their next stop's venue."""
    # People in the order the plan first names them, which is the order of the findings
    # (a person has one name in a visit: the comprehension's last is also its first).
    names = {a.person_id: a.named for stop in plan.stops for a in stop.attendees}
    # Each person's stops in time order: one sort for all (stable, so stops that start and
    # end together keep the plan's order), then each person's stops picked from it, each
    # as (venue, start and end in seconds, stop), worked out once per stop.
    by_person: dict[int, list[tuple[int | None, float, float, StopInfo]]] = {
        person_id: [] for person_id in names
    }
    add = {person_id: stops.append for person_id, stops in by_person.items()}
    for stop in sorted(plan.stops, key=lambda s: (s.starts_at, s.ends_at)):
        entry = (stop.venue_id, stop.starts_at.timestamp(), stop.ends_at.timestamp(), stop)
        for attendee in stop.attendees:
            add[attendee.person_id](entry)
    cache: dict[tuple[int, int], float | None] = {}
    short: dict[tuple[int, int], list[int]] = defaultdict(list)
    # (drive, available, before, after, the two venues' ids)
    needed: dict[tuple[int, int], tuple[float, float, StopInfo, StopInfo, tuple[int, int]]] = {}
    buffer = settings.buffer_minutes
    for person_id, ordered in by_person.items():
        for (from_id, _, left, before), (to_id, arrive, _, after) in zip(
            ordered, ordered[1:], strict=False
        ):
            if from_id is None or to_id is None or from_id == to_id:
                continue  # no venue to drive from or to, or the same place
            if arrive < left:
                continue  # an overlap that check_people reports
            pair = (from_id, to_id)
            if pair in cache:
                drive = cache[pair]
            else:
                drive = cache[pair] = drive_minutes(
                    plan.venues[from_id], plan.venues[to_id], settings
                )
            if drive is None:
                continue
            available = (arrive - left) / 60
            if available < drive + buffer:
                key = (before.id, after.id)
                short[key].append(person_id)
                needed[key] = (drive, available, before, after, pair)
    findings = []
    for key, person_ids in short.items():
        people = [names[person_id] for person_id in person_ids]
        drive, available, before, after, venue_ids = needed[key]
        severity = ERROR if available < drive else WARNING
        findings.append(
            Finding(
                severity,
                Code.NOT_ENOUGH_TRAVEL_TIME,
                N_(
                    "%(people)s: %(available)s min from “%(from)s” to “%(to)s”, but the drive "
                    "takes about %(drive)s min plus %(buffer)s min to get in and out."
                ),
                {
                    "people": _names(people),
                    "available": round(available),
                    "from": before.title,
                    "to": after.title,
                    "drive": round(drive),
                    "buffer": round(settings.buffer_minutes),
                },
                (before.id, after.id),
                person_ids=tuple(sorted(person_ids)),
                venue_ids=venue_ids,
            )
        )
    return findings


def _closed_reason(venue: VenueInfo, start: datetime, end: datetime) -> tuple[str, dict] | None:
    """None when the venue is open for the whole stop, else why not (message and params)."""
    local_start, local_end = _local(start, venue.timezone), _local(end, venue.timezone)
    for day in sorted({local_start.date(), local_end.date()}):
        if day in venue.closed_dates:
            return N_("%(venue)s is closed on %(day)s; “%(title)s” is at %(time)s local time."), {
                "day": Day(day)
            }
    if not venue.opening_hours:
        return None
    if local_start.date() != local_end.date():
        return N_("%(venue)s is not open overnight; “%(title)s” is at %(time)s local time."), {}
    weekday = local_start.weekday()
    intervals = venue.opening_hours.get(weekday, [])
    if not intervals:
        return N_("%(venue)s is closed on %(weekday)s; “%(title)s” is at %(time)s local time."), {
            "weekday": Weekday(weekday)
        }
    for opens, closes in intervals:
        if opens <= local_start.time() and local_end.time() <= closes:
            return None
    hours = Names(tuple(f"{o:%H:%M}–{c:%H:%M}" for o, c in intervals))
    return N_(
        "%(venue)s is open %(hours)s on %(weekday)s; “%(title)s” is at %(time)s local time."
    ), {"hours": hours, "weekday": Weekday(weekday)}


def check_opening_hours(plan: Plan) -> list[Finding]:
    findings = []
    for stop in plan.stops:
        venue = plan.venues.get(stop.venue_id) if stop.venue_id is not None else None
        if venue is None:
            continue
        if closed := _closed_reason(venue, stop.starts_at, stop.ends_at):
            text, params = closed
            params = {
                **params,
                "venue": venue.named,
                "title": stop.title,
                "time": _when(stop, venue.timezone),
            }
            findings.append(
                Finding(ERROR, Code.VENUE_CLOSED, text, params, (stop.id,), venue_ids=(venue.id,))
            )
    return findings


@lru_cache(maxsize=1024)
def _language_groups(interpreting: tuple[frozenset[str], ...]) -> dict[str, str]:
    """Languages joined by the interpreters present (each interpreter's languages; relay
    included), as union-find roots. Cached: the same interpreters meet again and again."""
    parent: dict[str, str] = {}

    def root(language: str) -> str:
        parent.setdefault(language, language)
        while parent[language] != language:
            parent[language] = parent[parent[language]]
            language = parent[language]
        return language

    for covered in interpreting:
        languages = sorted(covered)
        for language in languages[1:]:
            parent[root(language)] = root(languages[0])
    return {language: root(language) for language in parent}


def check_languages(plan: Plan) -> list[Finding]:
    """Delegation and hosts at a meeting can understand each other, directly or interpreted."""
    findings = []
    for stop in plan.stops:
        if stop.kind not in MEETING_KINDS:
            continue
        interpreting: list[frozenset[str]] = []
        speakers: list[AttendeeInfo] = []
        guests: set[frozenset[str]] = set()
        hosts: set[frozenset[str]] = set()
        for a in stop.attendees:
            if a.role == INTERPRETER:
                interpreting.append(a.interpreting)
            elif a.languages:
                speakers.append(a)
                if a.side == DELEGATION:
                    guests.add(a.languages)
                elif a.side == HOST:
                    hosts.add(a.languages)
        if not guests or not hosts:
            continue
        if interpreting:
            groups = _language_groups(tuple(interpreting))
            # Who each set of languages reaches through the interpreters, worked out once.
            reach: dict[frozenset[str], frozenset[str]] = {
                languages: frozenset(groups.get(language, language) for language in languages)
                for languages in guests | hosts
            }
        else:
            reach = {languages: languages for languages in guests | hosts}
        # In a fixed order: a set's order follows the process's string hashing, and every
        # worker must name the same pair (the findings are kept and compared).
        gap = next(
            (
                (g, h)
                for g in sorted(guests, key=sorted)
                for h in sorted(hosts, key=sorted)
                if reach[g].isdisjoint(reach[h])
            ),
            None,
        )
        if gap is None:
            continue
        stranded = [a for a in speakers if a.languages in gap]
        who = [a.named for a in stranded]
        findings.append(
            Finding(
                ERROR,
                Code.NO_SHARED_LANGUAGE,
                N_(
                    "At “%(title)s”, %(people)s share no language (%(guests)s; %(hosts)s) and "
                    "no interpreter present bridges them."
                ),
                {
                    "title": stop.title,
                    "people": _names(who),
                    "guests": Names(tuple(sorted(gap[0])), languages=True),
                    "hosts": Names(tuple(sorted(gap[1])), languages=True),
                },
                (stop.id,),
                person_ids=tuple(sorted({a.person_id for a in stranded})),
            )
        )
    return findings


def check_attendance(plan: Plan) -> list[Finding]:
    findings = []
    for stop in plan.stops:
        if not stop.attendees:
            findings.append(
                Finding(
                    WARNING,
                    Code.NO_ATTENDEES,
                    N_("Nobody attends “%(title)s”."),
                    {"title": stop.title},
                    (stop.id,),
                )
            )
        elif stop.kind == StopKind.OFFICIAL_MEETING and not any(
            a.role == HEAD_OF_DELEGATION for a in stop.attendees
        ):
            findings.append(
                Finding(
                    WARNING,
                    Code.HEAD_OF_DELEGATION_ABSENT,
                    N_("The head of delegation is not at the official meeting “%(title)s”."),
                    {"title": stop.title},
                    (stop.id,),
                )
            )
    return findings


def check_declines(plan: Plan) -> list[Finding]:
    """A stop the head of delegation declined, or its only interpreter: the stop loses the
    person it cannot do without."""
    findings = []
    for stop in plan.stops:
        if not stop.declined:
            continue
        interpreters = [a for a in stop.attendees if a.is_interpreter]
        for a in stop.attendees:
            if a.person_id not in stop.declined:
                continue
            if a.role == HEAD_OF_DELEGATION:
                code = Code.HEAD_OF_DELEGATION_DECLINED
                text = N_("The head of delegation, %(person)s, declined “%(title)s”.")
            elif a.is_interpreter and len(interpreters) == 1:
                code = Code.ONLY_INTERPRETER_DECLINED
                text = N_("%(person)s, the only interpreter at “%(title)s”, declined it.")
            else:
                continue
            findings.append(
                Finding(
                    WARNING,
                    code,
                    text,
                    {"person": a.named, "title": stop.title},
                    (stop.id,),
                    person_ids=(a.person_id,),
                )
            )
    return findings


def check_holidays(plan: Plan) -> list[Finding]:
    """A working stop (KIND_RULES) is not on a public holiday of the country it takes
    place in, nor of the delegation's country; its day is its local day in the visit's zone.
    The holiday calendars are read once per check, for the countries and years involved."""
    stops = [stop for stop in plan.stops if stop.kind in WORKING_KINDS]
    days = {
        stop.id: sorted(
            {
                _local(stop.starts_at, plan.timezone).date(),
                _local(stop.ends_at, plan.timezone).date(),
            }
        )
        for stop in stops
    }
    years = {day.year for stop_days in days.values() for day in stop_days}
    holidays: dict[str, frozenset[date]] = {}
    findings = []
    for stop in stops:
        venue = plan.venues.get(stop.venue_id) if stop.venue_id is not None else None
        place = (venue.country if venue else None) or plan.host_country
        for country in dict.fromkeys(filter(None, (place, plan.visiting_country))):
            if country not in holidays:
                holidays[country] = holiday_days(country, years)
            day = next((day for day in days[stop.id] if day in holidays[country]), None)
            if day is None:
                continue
            findings.append(
                Finding(
                    WARNING,
                    Code.PUBLIC_HOLIDAY,
                    N_("“%(title)s” is on %(day)s, a public holiday in %(country)s: %(holiday)s."),
                    {
                        "title": stop.title,
                        "day": Day(day),
                        "country": Country(country),
                        "holiday": Holiday(country, day, tuple(holiday_names(country, day))),
                    },
                    (stop.id,),
                    venue_ids=(venue.id,) if venue else (),
                )
            )
    return findings


def check_plan(plan: Plan, settings: TravelSettings | None = None) -> list[Finding]:
    """Every finding for a visit's plan, errors first, then in the order of the stops."""
    settings = settings or TravelSettings()
    findings = [
        *check_dates(plan),
        *check_people(plan),
        *check_venues(plan),
        *check_travel(plan, settings),
        *check_opening_hours(plan),
        *check_languages(plan),
        *check_attendance(plan),
        *check_declines(plan),
        *check_holidays(plan),
    ]
    order = {stop.id: (stop.starts_at, stop.id) for stop in plan.stops}
    last = (datetime.max.replace(tzinfo=ZoneInfo("UTC")), 0)

    def position(finding: Finding):
        first_stop = min((order.get(i, last) for i in finding.stop_ids), default=last)
        return (finding.severity != ERROR, first_stop)

    return sorted(findings, key=position)


@dataclass(frozen=True)
class FindingCounts:
    """How many problems (errors) and warnings some findings hold, as pages badge them."""

    errors: int = 0
    warnings: int = 0

    def __bool__(self) -> bool:
        return bool(self.errors or self.warnings)

    @property
    def worst(self) -> str | None:
        """The severity to flag a stop with: an error outweighs warnings; None when clean."""
        if self.errors:
            return ERROR
        return WARNING if self.warnings else None


def count_findings(findings: Iterable[Finding]) -> FindingCounts:
    """The errors and warnings among findings: one count for the pages and checks.json."""
    severities = [finding.severity for finding in findings]
    return FindingCounts(errors=severities.count(ERROR), warnings=severities.count(WARNING))
