"""What the ambassador's visit produced, for the demo: partnerships, outcomes, follow-ups.

Kept apart from planner/demo.py, which builds the visit itself; load_demo calls it.
"""

import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from planner.accounts.models import Role, User
from planner.clock import utc_now
from planner.outcomes.models import FollowUp, Outcome, OutcomeKind, OutcomeStatus
from planner.partnerships.models import Partnership, PartnershipKind, Stage, StageChange
from planner.timefmt import to_local
from planner.visits.models import Visit

# Protocol and trade staff who own the follow-ups. They get random passwords: an
# administrator sets real ones on the Users page before they sign in.
STAFF = {
    "protocol": dict(email="m.rostami@lorestan-chamber.example", name="Maryam Rostami"),
    "trade": dict(email="k.nazari@lorestan-chamber.example", name="Kaveh Nazari"),
    "culture": dict(email="s.bahrami@lorestan-chamber.example", name="Shirin Bahrami"),
}

# Each a partnership's columns, plus its two organizations' keys and its stage history.
PARTNERSHIPS: dict[str, dict[str, Any]] = {
    "twinning": dict(
        title="Khorramabad – Turkistan sister cities",
        kind=PartnershipKind.SISTER_CITY,
        our_city="Khorramabad",
        our_country="IR",
        partner_city="Turkistan",
        partner_country="KZ",
        organizations=("municipality", None),
        description="Twinning of two historic cities: culture, tourism and municipal exchange.",
        history=(
            (None, Stage.IDEA, "Raised by the embassy after the October 2025 interview."),
            (
                Stage.IDEA,
                Stage.EXPLORING,
                "Both mayors agreed to study it; the ambassador's visit carries the proposal.",
            ),
        ),
    ),
    "grain": dict(
        title="Kazakh grain for Lorestan's mills",
        kind=PartnershipKind.TRADE,
        our_city="Khorramabad",
        our_country="IR",
        partner_city="Astana",
        partner_country="KZ",
        organizations=("chamber", "grain_company"),
        description="Milling wheat by rail and the Caspian ports against the province's exports.",
        history=((None, Stage.EXPLORING, "Chamber study of Kazakhstan's five import groups."),),
    ),
    "mining": dict(
        title="Mining technology and joint investment",
        kind=PartnershipKind.MINING_TECHNOLOGY,
        our_city="Khorramabad",
        our_country="IR",
        partner_city=None,
        partner_country="KZ",
        organizations=("chamber", None),
        description="Kazakh mining equipment and know-how; grinding media from Lorestan.",
        history=((None, Stage.IDEA, "Interest voiced by the embassy's trade counsellor."),),
    ),
}

OUTCOMES: tuple[dict[str, Any], ...] = (
    dict(
        key="memorandum",
        kind=OutcomeKind.AGREEMENT,
        summary="Memorandum of understanding on trade cooperation between the Lorestan "
        "Chamber of Commerce and the Embassy of Kazakhstan's trade section.",
        stop="Meeting on trade between Lorestan and Kazakhstan",
        partnership="grain",
        organizations=("chamber", "embassy"),
        status=OutcomeStatus.AGREED,
    ),
    dict(
        key="pasta",
        kind=OutcomeKind.EXPORT_LEAD,
        summary="Kazakh importers asked for offers on pasta and biscuits.",
        stop="Tour of Kiyo Flour and Pasta Company",
        organizations=("flour_company", "grain_company"),
        product="Pasta and biscuits",
        hs_code="1902",
        value=Decimal("450000"),
        currency="USD",
    ),
    dict(
        key="stone",
        kind=OutcomeKind.EXPORT_LEAD,
        summary="Travertine slabs for public buildings in Astana.",
        stop="Tour of Sefidkuh Stone Industries",
        organizations=("stone_company", None),
        product="Travertine and marble slabs",
        hs_code="6802",
        value=Decimal("1200000"),
        currency="USD",
    ),
    dict(
        key="grinding_balls",
        kind=OutcomeKind.EXPORT_LEAD,
        summary="Grinding balls and mill liners for Kazakh copper mines.",
        stop="Tour of Shapurkhast Alloy Casting Company",
        partnership="mining",
        organizations=("casting_company", None),
        product="Grinding balls and mill liners",
        hs_code="7325",
        value=Decimal("800000"),
        currency="USD",
    ),
    dict(
        key="wheat",
        kind=OutcomeKind.IMPORT_NEED,
        summary="Milling wheat for the province's flour mills.",
        stop="Round-table: export opportunities for Lorestan producers",
        partnership="grain",
        organizations=("chamber", "grain_company"),
        product="Milling wheat",
        hs_code="1001",
        value=Decimal("2000000"),
        currency="USD",
    ),
    dict(
        key="mining_technology",
        kind=OutcomeKind.INVESTMENT_INTEREST,
        summary="Interest in Kazakh mining technology and a joint mining investment.",
        stop="Meeting on trade between Lorestan and Kazakhstan",
        partnership="mining",
        organizations=("chamber", "embassy"),
    ),
    dict(
        key="twinning",
        kind=OutcomeKind.SISTER_CITY_STEP,
        summary="Proposal to twin Khorramabad with Turkistan; letter of intent to follow.",
        stop="Sister-city meeting: Khorramabad and Turkistan",
        partnership="twinning",
        organizations=("municipality", None),
    ),
    dict(
        key="culture_week",
        kind=OutcomeKind.CULTURAL_EVENT,
        summary="A joint Kazakh–Lori culture week in Khorramabad around Nowruz 2027.",
        stop="Visit to Falak-ol-Aflak Castle",
        partnership="twinning",
        organizations=("heritage", "embassy"),
    ),
)

# (title, owner, due date, tied to outcome key)
FOLLOW_UPS = (
    (
        "Send the memorandum's Persian and Kazakh texts to the embassy",
        "protocol",
        date(2027, 1, 10),
        "memorandum",
    ),
    (
        "Samples and price list of pasta to the Kazakh importers",
        "trade",
        date(2027, 1, 20),
        "pasta",
    ),
    ("Travertine catalogue and prices for Astana", "trade", date(2027, 1, 25), "stone"),
    (
        "Grinding-ball price list in Russian to the counsellor",
        "trade",
        date(2026, 12, 30),
        "grinding_balls",
    ),
    ("Meeting with the Kazakh grain exporters' association", "trade", date(2027, 2, 15), "wheat"),
    (
        "Mining technology: list of Kazakh firms and their needs",
        "trade",
        date(2027, 2, 1),
        "mining_technology",
    ),
    (
        "Draft the twinning letter of intent for the city council",
        "protocol",
        date(2027, 1, 31),
        "twinning",
    ),
    ("Programme for the Kazakh–Lori culture week", "culture", date(2027, 2, 28), "culture_week"),
)


def load_outcomes(session, visit: Visit, organizations: dict) -> None:
    """Add partnerships, outcomes and follow-ups of the demo visit; flush only."""
    staff = {}
    for key, person in STAFF.items():
        user = User(role=Role.PLANNER, **person)
        user.set_password(secrets.token_urlsafe(24))
        staff[key] = user
    partnerships: dict[str | None, Partnership] = {}  # looked up by None too: no partnership
    for key, fields in PARTNERSHIPS.items():
        fields = dict(fields)
        ours, theirs = fields.pop("organizations")
        history = fields.pop("history")
        partnership = Partnership(
            **fields,
            stage=history[-1][1],
            our_organization=organizations.get(ours),
            partner_organization=organizations.get(theirs),
        )
        partnership.history = [
            StageChange(
                from_stage=before,
                to_stage=after,
                reason=reason,
                changed_by=staff["protocol"],
                changed_at=utc_now(),
            )
            for before, after, reason in history
        ]
        partnerships[key] = partnership
    stops = {stop.title: stop for stop in visit.stops}
    outcomes = {}
    for fields in OUTCOMES:
        ours, theirs = fields["organizations"]
        stop = stops[fields["stop"]]
        outcomes[fields["key"]] = Outcome(
            visit=visit,
            stop=stop,
            partnership=partnerships.get(fields.get("partnership")),
            kind=fields["kind"],
            summary=fields["summary"],
            our_organization=organizations.get(ours),
            partner_organization=organizations.get(theirs),
            product=fields.get("product"),
            hs_code=fields.get("hs_code"),
            estimated_value=fields.get("value"),
            currency=fields.get("currency"),
            day=to_local(stop.starts_at, visit.timezone).date(),
            status=fields.get("status", OutcomeStatus.PROPOSED),
        )
    follow_ups = [
        FollowUp(
            title=title,
            owner=staff[owner],
            due_date=due,
            outcome=outcomes[outcome],
            visit=visit,
            partnership=outcomes[outcome].partnership,
        )
        for title, owner, due, outcome in FOLLOW_UPS
    ]
    session.add_all([*staff.values(), *partnerships.values(), *outcomes.values(), *follow_ups])
