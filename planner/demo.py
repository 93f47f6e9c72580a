"""The reference visit: the Kazakh ambassador's two days in Khorramabad, loaded as demo data."""

from calendar import MONDAY, SATURDAY, SUNDAY, THURSDAY, TUESDAY, WEDNESDAY
from datetime import date, time
from typing import Any

import sqlalchemy as sa

from planner.demo_outcomes import load_outcomes
from planner.itinerary.models import Stop, StopKind, StopStatus
from planner.organizations.models import Organization, OrganizationKind
from planner.people.models import Person
from planner.timefmt import local_to_utc
from planner.venues.models import OpeningHours, Venue, VenueClosure, VenueKind
from planner.visits.models import Participant, ParticipantRole, Side, Visit, VisitStatus

ZONE = "Asia/Tehran"
DELEGATION_ZONE = "Asia/Almaty"
# Fixed dates keep tests deterministic: Tuesday and Wednesday, 24-25 Azar 1405.
DAY_1 = date(2026, 12, 15)
DAY_2 = date(2026, 12, 16)


class DemoRefused(Exception):
    """The demo goes only into an empty database; it never mixes with real visits."""


# Organizations in Khorramabad, Iran, unless they say otherwise.
ORGANIZATIONS = {
    "embassy": dict(
        name="Embassy of the Republic of Kazakhstan in Tehran",
        name_native="Қазақстан Республикасының Тегерандағы елшілігі",
        kind=OrganizationKind.EMBASSY,
        country="KZ",
        city="Tehran",
    ),
    "chamber": dict(
        name="Lorestan Chamber of Commerce, Industries, Mines and Agriculture",
        name_native="اتاق بازرگانی، صنایع، معادن و کشاورزی لرستان",
        kind=OrganizationKind.CHAMBER_OF_COMMERCE,
        website="https://lorestan-chamber.example",
    ),
    "economic_affairs": dict(
        name="General Directorate of Economic Affairs and Finance of Lorestan Province",
        name_native="اداره کل امور اقتصادی و دارایی استان لرستان",
        kind=OrganizationKind.GOVERNMENT_OFFICE,
    ),
    "governorate": dict(
        name="Governorate of Lorestan",
        name_native="استانداری لرستان",
        kind=OrganizationKind.GOVERNMENT_OFFICE,
    ),
    "municipality": dict(
        name="Municipality of Khorramabad",
        name_native="شهرداری خرم‌آباد",
        kind=OrganizationKind.GOVERNMENT_OFFICE,
    ),
    "heritage": dict(
        name="Lorestan Directorate-General of Cultural Heritage, Tourism and Handicrafts",
        name_native="اداره کل میراث فرهنگی، گردشگری و صنایع دستی لرستان",
        kind=OrganizationKind.CULTURAL_INSTITUTION,
    ),
    "flour_company": dict(
        name="Kiyo Flour and Pasta Company",
        name_native="شرکت آرد و ماکارونی کیو",
        kind=OrganizationKind.COMPANY,
        sector="Food industry: milling and pasta",
        products="Bread and pastry flour, durum pasta, plain biscuits; buys milling wheat.",
        website="https://kiyo-food.example",
    ),
    "stone_company": dict(
        name="Sefidkuh Stone Industries",
        name_native="صنایع سنگ سفیدکوه",
        kind=OrganizationKind.COMPANY,
        sector="Building materials: dimension stone",
        products="Travertine and marble slabs and tiles, cut-to-size facade stone.",
        website="https://sefidkuh-stone.example",
    ),
    "casting_company": dict(
        name="Shapurkhast Alloy Casting Company",
        name_native="شرکت ریخته‌گری آلیاژی شاپورخواست",
        kind=OrganizationKind.COMPANY,
        sector="Metal works: alloy steel casting",
        products="High-chrome grinding balls, mill liners and crusher wear parts for mining.",
        website="https://shapurkhast-casting.example",
    ),
    "hotel": dict(
        name="Zagros Hotel Khorramabad",
        name_native="هتل زاگرس خرم‌آباد",
        kind=OrganizationKind.COMPANY,
        sector="Hospitality",
    ),
    "grain_company": dict(
        name="Saryarka Grain Trading LLP",
        name_native="«Сарыарқа Астық» ЖШС",
        kind=OrganizationKind.COMPANY,
        country="KZ",
        city="Kostanay",
        sector="Grain trading",
        products="Milling wheat, barley and flax seed for export.",
        website="https://saryarka-grain.example",
    ),
}

# Coordinates are real places in and around Khorramabad; the factories stand in the
# industrial estates on the roads out of the city. Street addresses are illustrative.
VENUES = {
    "airport": dict(
        name="Khorramabad Airport",
        name_native="فرودگاه خرم‌آباد",
        kind=VenueKind.AIRPORT,
        address="Airport Road, south-west of Khorramabad",
        latitude=33.4354,
        longitude=48.2829,
        access_notes="CIP lounge at the west end of the terminal; official cars park at its door.",
    ),
    "chamber": dict(
        name="Lorestan Chamber of Commerce",
        name_native="ساختمان اتاق بازرگانی لرستان",
        kind=VenueKind.OFFICE,
        organization="chamber",
        address="Shariati Street, Khorramabad",
        latitude=33.4830,
        longitude=48.3490,
        capacity=120,
        access_notes="Lift to the conference hall on the second floor; courtyard parks four cars.",
    ),
    "castle": dict(
        name="Falak-ol-Aflak Castle",
        name_native="قلعه فلک‌الافلاک",
        kind=VenueKind.CULTURAL_SITE,
        organization="heritage",
        address="Falak-ol-Aflak Hill, city centre, Khorramabad",
        latitude=33.4876,
        longitude=48.3551,
        capacity=300,
        access_notes="Steep ramp from the car park to the gate; an electric cart on request.",
    ),
    "flour_factory": dict(
        name="Kiyo Flour and Pasta factory",
        name_native="کارخانه آرد و ماکارونی کیو",
        kind=VenueKind.FACTORY,
        organization="flour_company",
        address="Khorramabad Industrial Estate, Khorramabad–Andimeshk road",
        latitude=33.4400,
        longitude=48.3000,
        capacity=40,
        access_notes="Hairnets and coats are handed out at the production hall door.",
    ),
    "casting_factory": dict(
        name="Shapurkhast Alloy Casting foundry",
        name_native="کارخانه ریخته‌گری شاپورخواست",
        kind=VenueKind.FACTORY,
        organization="casting_company",
        address="Khorramabad Industrial Estate, Khorramabad–Kuhdasht road",
        latitude=33.4950,
        longitude=48.3000,
        capacity=30,
        access_notes="Helmets and safety glasses at the gate; no photographs in the melt shop.",
    ),
    "stone_factory": dict(
        name="Sefidkuh Stone Industries works",
        name_native="کارخانه سنگ سفیدکوه",
        kind=VenueKind.FACTORY,
        organization="stone_company",
        address="Khorramabad Industrial Estate, Khorramabad–Borujerd road",
        latitude=33.5150,
        longitude=48.4050,
        capacity=30,
        access_notes="Uneven ground in the block yard: sturdy shoes.",
    ),
    "restaurant": dict(
        name="Golestan Garden Restaurant",
        name_native="رستوران باغ گلستان",
        kind=VenueKind.RESTAURANT,
        address="Kiyo Lake, Khorramabad",
        latitude=33.4706,
        longitude=48.3385,
        capacity=80,
        access_notes="Private room for 14 on the ground floor.",
    ),
    "hotel": dict(
        name="Zagros Hotel",
        name_native="هتل زاگرس",
        kind=VenueKind.HOTEL,
        organization="hotel",
        address="Kiyo Boulevard, Khorramabad",
        latitude=33.4780,
        longitude=48.3440,
        capacity=150,
    ),
}

IRANIAN_WORKING_WEEK = (SATURDAY, SUNDAY, MONDAY, TUESDAY, WEDNESDAY)
EVERY_DAY = tuple(range(7))


def weekly(weekdays, opens: str, closes: str) -> list[tuple[int, str, str]]:
    return [(weekday, opens, closes) for weekday in weekdays]


def working_week(opens: str, closes: str, thursday_closes: str) -> list[tuple[int, str, str]]:
    """Saturday to Wednesday, a half day on Thursday; Friday is the Iranian weekend."""
    return weekly(IRANIAN_WORKING_WEEK, opens, closes) + weekly((THURSDAY,), opens, thursday_closes)


OPENING_HOURS = {
    "airport": weekly(EVERY_DAY, "06:00", "22:00"),
    "chamber": working_week("07:30", "16:30", "13:00"),
    "castle": weekly(EVERY_DAY, "08:00", "19:00"),
    "restaurant": weekly(EVERY_DAY, "12:00", "16:00") + weekly(EVERY_DAY, "19:00", "23:00"),
    "hotel": weekly(EVERY_DAY, "00:00", "23:59"),  # round the clock
    "flour_factory": working_week("07:00", "18:00", "13:00"),
    "casting_factory": working_week("07:00", "18:00", "13:00"),
    "stone_factory": working_week("07:00", "18:00", "13:00"),
}

CLOSURES = (
    ("castle", date(2026, 12, 17), "Museum halls closed for lighting work"),
    ("chamber", date(2027, 2, 11), "Public holiday: anniversary of the Islamic Revolution"),
)

PEOPLE: dict[str, dict[str, Any]] = {
    # The delegation
    "ambassador": dict(
        full_name_native="Нұрлан Жақсылықов",
        full_name_latin="Nurlan Zhaksylykov",
        honorific="H.E.",
        position="Ambassador of the Republic of Kazakhstan to the Islamic Republic of Iran",
        organization="embassy",
        nationality="KZ",
        languages=["kk", "ru", "en"],
        email="n.zhaksylykov@embassy-kz.example",
        phone="+7 701 555 0101",
    ),
    "counsellor": dict(
        full_name_native="Данияр Омаров",
        full_name_latin="Daniyar Omarov",
        honorific="Mr.",
        position="Counsellor for Trade and Economic Affairs",
        organization="embassy",
        nationality="KZ",
        languages=["kk", "ru", "en"],
        email="d.omarov@embassy-kz.example",
        phone="+7 701 555 0102",
    ),
    "first_secretary": dict(
        full_name_native="Әлия Темірбекова",
        full_name_latin="Aliya Temirbekova",
        honorific="Ms.",
        position="First Secretary",
        organization="embassy",
        nationality="KZ",
        languages=["kk", "ru", "en", "fa"],
        email="a.temirbekova@embassy-kz.example",
        phone="+7 701 555 0103",
        dietary_needs="Vegetarian",
    ),
    "businessman": dict(
        full_name_native="Серік Әбенов",
        full_name_latin="Serik Abenov",
        honorific="Mr.",
        position="Chairman, Saryarka Grain Trading",
        organization="grain_company",
        nationality="KZ",
        languages=["kk", "ru"],
        email="s.abenov@saryarka-grain.example",
        phone="+7 714 555 0104",
        access_needs="Recovering from knee surgery: avoid long stairs; a cart at the castle.",
    ),
    # The hosts
    "deputy_governor": dict(
        full_name_native="فرهاد بیرانوند",
        full_name_latin="Farhad Beiranvand",
        honorific="Dr.",
        position="Deputy Governor-General for Economic Affairs",
        organization="governorate",
        nationality="IR",
        languages=["fa", "en"],
        email="f.beiranvand@lorestan-gov.example",
        phone="+98 916 555 0201",
    ),
    "chamber_president": dict(
        full_name_native="بهرام سپهوند",
        full_name_latin="Bahram Sepahvand",
        honorific="Mr.",
        position="President, Lorestan Chamber of Commerce",
        organization="chamber",
        nationality="IR",
        languages=["fa", "en"],
        email="b.sepahvand@lorestan-chamber.example",
        phone="+98 916 555 0202",
    ),
    "economic_director": dict(
        full_name_native="کوروش میرزاوند",
        full_name_latin="Kourosh Mirzavand",
        honorific="Dr.",
        position="Director-General of Economic Affairs and Finance",
        organization="economic_affairs",
        nationality="IR",
        languages=["fa", "en"],
        email="k.mirzavand@lorestan-eaf.example",
        phone="+98 916 555 0203",
    ),
    "mayor": dict(
        full_name_native="رضا حسنوند",
        full_name_latin="Reza Hassanvand",
        honorific="Mr.",
        position="Mayor of Khorramabad",
        organization="municipality",
        nationality="IR",
        languages=["fa"],
        email="r.hassanvand@khorramabad-city.example",
        phone="+98 916 555 0204",
    ),
    "secretary_general": dict(
        full_name_native="لیلا امیری",
        full_name_latin="Leila Amiri",
        honorific="Ms.",
        position="Secretary General, Lorestan Chamber of Commerce",
        organization="chamber",
        nationality="IR",
        languages=["fa", "en"],
        email="l.amiri@lorestan-chamber.example",
        phone="+98 916 555 0205",
    ),
    "castle_director": dict(
        full_name_native="نسرین غلامی",
        full_name_latin="Nasrin Gholami",
        honorific="Dr.",
        position="Director, Falak-ol-Aflak Castle Museum Complex",
        organization="heritage",
        nationality="IR",
        languages=["fa", "en"],
        email="n.gholami@lorestan-heritage.example",
        phone="+98 916 555 0206",
    ),
    "flour_director": dict(
        full_name_native="مهدی دالوند",
        full_name_latin="Mehdi Dalvand",
        honorific="Eng.",
        position="Managing Director, Kiyo Flour and Pasta Company",
        organization="flour_company",
        nationality="IR",
        languages=["fa"],
        email="m.dalvand@kiyo-food.example",
        phone="+98 916 555 0207",
    ),
    "casting_director": dict(
        full_name_native="سعید کاکاوند",
        full_name_latin="Saeed Kakavand",
        honorific="Dr.",
        position="Managing Director, Shapurkhast Alloy Casting Company",
        organization="casting_company",
        nationality="IR",
        languages=["fa", "en"],
        email="s.kakavand@shapurkhast-casting.example",
        phone="+98 916 555 0208",
    ),
    "stone_director": dict(
        full_name_native="مریم پاپی",
        full_name_latin="Maryam Papi",
        honorific="Ms.",
        position="Managing Director, Sefidkuh Stone Industries",
        organization="stone_company",
        nationality="IR",
        languages=["fa", "en"],
        email="m.papi@sefidkuh-stone.example",
        phone="+98 916 555 0209",
    ),
    # Support staff
    "liaison": dict(
        full_name_native="سارا طراحی",
        full_name_latin="Sara Tarahi",
        honorific="Ms.",
        position="International Affairs Officer, Lorestan Chamber of Commerce",
        organization="chamber",
        nationality="IR",
        languages=["fa", "en", "ru"],
        email="s.tarahi@lorestan-chamber.example",
        phone="+98 916 555 0301",
    ),
    "interpreter_kk": dict(
        full_name_native="Дана Сәрсенбаева",
        full_name_latin="Dana Sarsenbayeva",
        honorific="Ms.",
        position="Conference interpreter, Kazakh and Russian into Persian",
        nationality="KZ",
        languages=["kk", "ru", "fa"],
        email="d.sarsenbayeva@interpreters.example",
        phone="+98 912 555 0302",
    ),
    "interpreter_en": dict(
        full_name_native="آرش کریمی",
        full_name_latin="Arash Karimi",
        honorific="Mr.",
        position="Interpreter, Russian and English into Persian",
        organization="chamber",
        nationality="IR",
        languages=["fa", "ru", "en"],
        email="a.karimi@lorestan-chamber.example",
        phone="+98 916 555 0303",
    ),
    "press_officer": dict(
        full_name_native="امیر حیدری",
        full_name_latin="Amir Heydari",
        honorific="Mr.",
        position="Head of Public Relations, Lorestan Chamber of Commerce",
        organization="chamber",
        nationality="IR",
        languages=["fa"],
        email="a.heydari@lorestan-chamber.example",
        phone="+98 916 555 0304",
    ),
    "photographer": dict(
        full_name_native="بابک رشیدی",
        full_name_latin="Babak Rashidi",
        honorific="Mr.",
        position="Photographer, Lorestan Chamber of Commerce",
        organization="chamber",
        nationality="IR",
        languages=["fa"],
        email="b.rashidi@lorestan-chamber.example",
        phone="+98 916 555 0305",
    ),
    "driver_1": dict(
        full_name_native="حسین یوسفوند",
        full_name_latin="Hossein Yousefvand",
        honorific="Mr.",
        position="Driver, Governorate motor pool",
        organization="governorate",
        nationality="IR",
        languages=["fa"],
        email="h.yousefvand@lorestan-gov.example",
        phone="+98 916 555 0306",
    ),
    "driver_2": dict(
        full_name_native="مرتضی شهبازی",
        full_name_latin="Morteza Shahbazi",
        honorific="Mr.",
        position="Driver, Governorate motor pool",
        organization="governorate",
        nationality="IR",
        languages=["fa"],
        email="m.shahbazi@lorestan-gov.example",
        phone="+98 916 555 0307",
    ),
}

# (person, side, role, precedence within the side)
PARTICIPANTS = (
    ("ambassador", Side.DELEGATION, ParticipantRole.HEAD_OF_DELEGATION, 1),
    ("counsellor", Side.DELEGATION, ParticipantRole.DELEGATE, 2),
    ("first_secretary", Side.DELEGATION, ParticipantRole.DELEGATE, 3),
    ("businessman", Side.DELEGATION, ParticipantRole.DELEGATE, 4),
    ("deputy_governor", Side.HOST, ParticipantRole.OFFICIAL, 1),
    ("chamber_president", Side.HOST, ParticipantRole.HOST, 2),
    ("economic_director", Side.HOST, ParticipantRole.OFFICIAL, 3),
    ("mayor", Side.HOST, ParticipantRole.OFFICIAL, 4),
    ("secretary_general", Side.HOST, ParticipantRole.HOST, 5),
    ("castle_director", Side.HOST, ParticipantRole.OFFICIAL, 6),
    ("flour_director", Side.HOST, ParticipantRole.HOST, 7),
    ("casting_director", Side.HOST, ParticipantRole.HOST, 8),
    ("stone_director", Side.HOST, ParticipantRole.HOST, 9),
    ("liaison", Side.SUPPORT, ParticipantRole.LIAISON, 1),
    ("interpreter_kk", Side.SUPPORT, ParticipantRole.INTERPRETER, 2),
    ("interpreter_en", Side.SUPPORT, ParticipantRole.INTERPRETER, 3),
    ("press_officer", Side.SUPPORT, ParticipantRole.PRESS, 4),
    ("photographer", Side.SUPPORT, ParticipantRole.PHOTOGRAPHER, 5),
    ("driver_1", Side.SUPPORT, ParticipantRole.DRIVER, 6),
    ("driver_2", Side.SUPPORT, ParticipantRole.DRIVER, 7),
)

INTERPRETING_LANGUAGES = {
    "interpreter_kk": ["kk", "ru", "fa"],
    "interpreter_en": ["ru", "en", "fa"],
}

# Who goes where: groups that recur in the programme.
DELEGATION = ("ambassador", "counsellor", "first_secretary", "businessman")
ESCORT = ("secretary_general", "liaison")  # with the delegation from arrival to departure
INTERPRETERS = ("interpreter_kk", "interpreter_en")
DRIVERS = ("driver_1", "driver_2")
ON_THE_ROAD = DELEGATION + ESCORT + ("interpreter_kk",)
AT_THE_TABLE = DELEGATION + ESCORT + INTERPRETERS

STOPS = (
    dict(
        day=DAY_1,
        starts="08:30",
        ends="09:00",
        kind=StopKind.ARRIVAL,
        title="Arrival at Khorramabad Airport",
        venue="airport",
        attendees=ON_THE_ROAD,
        public_description="Arrival on the morning flight from Tehran; welcome in the CIP lounge.",
        staff_notes="Flight lands 08:35: confirm with the airport duty officer at 07:30. "
        "The secretary general greets H.E. at the aircraft steps with flowers. "
        "Luggage goes straight to the Zagros Hotel in car 2.",
    ),
    dict(
        day=DAY_1,
        starts="09:00",
        ends="09:30",
        kind=StopKind.TRANSFER,
        title="Transfer to the Chamber of Commerce",
        attendees=ON_THE_ROAD + DRIVERS,
        public_description="By car from the airport to the city centre (about 25 minutes).",
        staff_notes="Car 1 (Mr. Yousefvand): H.E., Ms. Amiri, Ms. Sarsenbayeva; Kazakh flag on "
        "the pennant staff. Car 2 (Mr. Shahbazi): the other delegates and the liaison officer.",
    ),
    dict(
        day=DAY_1,
        starts="09:45",
        ends="10:15",
        kind=StopKind.COURTESY_CALL,
        title="Courtesy call on the President of the Chamber of Commerce",
        venue="chamber",
        attendees=DELEGATION + ESCORT + ("chamber_president", "interpreter_kk", "photographer"),
        public_description="Welcome by the President of the Lorestan Chamber of Commerce.",
        staff_notes="The chamber president greets H.E. at the front door. Reception room: H.E. "
        "on the president's right, table flags of Kazakhstan and Iran. Gift at the end: a "
        "replica Luristan bronze; the embassy brings a miniature dombra.",
    ),
    dict(
        day=DAY_1,
        starts="10:20",
        ends="11:20",
        kind=StopKind.OFFICIAL_MEETING,
        title="Meeting on trade between Lorestan and Kazakhstan",
        venue="chamber",
        attendees=AT_THE_TABLE + ("deputy_governor", "chamber_president", "economic_director"),
        public_description="The chamber and the General Directorate of Economic Affairs and "
        "Finance present their study of Kazakhstan's five main import groups and the "
        "province's matching production; grain imports, mining technology and joint "
        "mining investment.",
        staff_notes="Board room, 20 seats; Kazakh side facing the windows, H.E. opposite the "
        "deputy governor. Ms. Sarsenbayeva interprets for H.E., Mr. Karimi for the counsellor. "
        "Printed slides in Russian and English, ten copies.",
    ),
    dict(
        day=DAY_1,
        starts="11:30",
        ends="12:45",
        kind=StopKind.ROUND_TABLE,
        title="Round-table: export opportunities for Lorestan producers",
        venue="chamber",
        attendees=AT_THE_TABLE + ("chamber_president", "economic_director"),
        public_description="Exporters of the province present food, building materials and "
        "metal castings; working to Kazakh and Eurasian Economic Union standards; "
        "logistics through the Caspian ports.",
        staff_notes="Conference hall as a hollow square, 40 seats; name cards in Latin and "
        "Persian script. The list of 22 invited firms is in the shared folder.",
    ),
    dict(
        day=DAY_1,
        starts="13:05",
        ends="14:20",
        kind=StopKind.MEAL,
        title="Lunch hosted by the Chamber of Commerce",
        venue="restaurant",
        attendees=AT_THE_TABLE + ("chamber_president", "economic_director"),
        public_description="Lori dishes at the Golestan Garden Restaurant by Kiyo Lake.",
        staff_notes="Private room for 14. Halal throughout; one vegetarian menu for "
        "Ms. Temirbekova. The president hosts, H.E. on his right.",
    ),
    dict(
        day=DAY_1,
        starts="14:45",
        # Planted for the checker: the company asked for a longer tour, and nobody moved the
        # next one; 5 minutes do not cover the drive to the casting plant.
        ends="16:10",
        kind=StopKind.FACTORY_TOUR,
        title="Tour of Kiyo Flour and Pasta Company",
        venue="flour_factory",
        attendees=AT_THE_TABLE + ("flour_director",),
        public_description="Flour, pasta and biscuit lines; the company's interest in Kazakh "
        "milling wheat and its export range.",
        staff_notes="The managing director receives the delegation at the gate. A box of "
        "product samples for the embassy goes to the hotel.",
    ),
    dict(
        day=DAY_1,
        starts="16:15",
        ends="17:15",
        kind=StopKind.FACTORY_TOUR,
        title="Tour of Shapurkhast Alloy Casting Company",
        venue="casting_factory",
        attendees=AT_THE_TABLE + ("casting_director",),
        public_description="Grinding balls and mill liners for the mining industry; "
        "cooperation with Kazakh mines.",
        staff_notes="Helmets and glasses at the gate; no photographs in the melt shop. The "
        "counsellor has asked for the grinding-ball price list in Russian.",
    ),
    dict(
        day=DAY_1,
        starts="19:30",
        ends="21:30",
        kind=StopKind.MEAL,
        title="Dinner hosted by the Deputy Governor-General for Economic Affairs",
        venue="hotel",
        attendees=AT_THE_TABLE + ("deputy_governor", "chamber_president", "economic_director"),
        public_description="Official dinner at the Zagros Hotel.",
        staff_notes="Golestan hall, one round table for 14; H.E. on the host's right. A Lori "
        "music ensemble plays during the meal. Kilims for the delegates are handed over here.",
    ),
    dict(
        day=DAY_2,
        starts="09:00",
        ends="10:15",
        kind=StopKind.FACTORY_TOUR,
        title="Tour of Sefidkuh Stone Industries",
        venue="stone_factory",
        attendees=AT_THE_TABLE + ("stone_director",),
        public_description="Travertine and marble from quarry block to polished slab.",
        staff_notes="Cars leave the hotel at 08:35. Sturdy shoes: a note went to the embassy. "
        "Mr. Abenov stays on the paved path.",
    ),
    dict(
        day=DAY_2,
        starts="10:45",
        ends="12:05",
        kind=StopKind.CULTURAL_VISIT,
        title="Visit to Falak-ol-Aflak Castle",
        venue="castle",
        attendees=AT_THE_TABLE + ("castle_director", "photographer"),
        public_description="The Sasanian fortress above Khorramabad and its museums, with "
        "the Luristan bronzes.",
        staff_notes="The museum director guides. Electric cart booked for Mr. Abenov from the "
        "car park. H.E. signs the visitors' book at the end.",
    ),
    dict(
        day=DAY_2,
        starts="12:30",
        ends="13:45",
        kind=StopKind.MEAL,
        title="Lunch hosted by the Mayor of Khorramabad",
        venue="restaurant",
        attendees=AT_THE_TABLE + ("mayor",),
        status=StopStatus.PLANNED,
        public_description="Lunch with the Mayor of Khorramabad.",
        staff_notes="Awaiting the mayor's office to confirm. Same private room as on day 1.",
    ),
    dict(
        day=DAY_2,
        starts="14:15",
        ends="15:15",
        kind=StopKind.SISTER_CITY_MEETING,
        title="Sister-city meeting: Khorramabad and Turkistan",
        venue="chamber",
        attendees=AT_THE_TABLE + ("mayor", "chamber_president", "photographer"),
        public_description="A proposed twinning of Khorramabad with Turkistan, joint cultural "
        "events, and a letter of intent signed by the mayor and H.E.",
        staff_notes="Signing table with both flags. Two originals in Kazakh, Persian and "
        "English, checked by the first secretary the evening before; pens from the chamber.",
    ),
    dict(
        day=DAY_2,
        starts="15:20",
        ends="15:50",
        kind=StopKind.PRESS,
        title="Press statement",
        venue="chamber",
        # Planted for the checker: the interpreter went to the cars early, and the mayor, who
        # speaks only Persian, shares no language with H.E.
        attendees=(
            "ambassador",
            "first_secretary",
            "chamber_president",
            "mayor",
            "liaison",
            "press_officer",
            "photographer",
        ),
        status=StopStatus.PLANNED,
        public_description="Statements by H.E., the chamber president and the mayor.",
        staff_notes="Provincial television and news agencies invited; five minutes each, no "
        "questions. Flags of Kazakhstan and Iran behind the lectern.",
    ),
    dict(
        day=DAY_2,
        starts="16:00",
        ends="16:30",
        kind=StopKind.TRANSFER,
        title="Transfer to Khorramabad Airport",
        attendees=ON_THE_ROAD + DRIVERS,
        public_description="By car from the Chamber of Commerce to the airport.",
        staff_notes="Same cars as on arrival; luggage was loaded at the hotel at 08:30.",
    ),
    dict(
        day=DAY_2,
        starts="16:30",
        ends="17:15",
        kind=StopKind.DEPARTURE,
        title="Departure from Khorramabad Airport",
        venue="airport",
        attendees=ON_THE_ROAD,
        public_description="Farewell in the CIP lounge; evening flight to Tehran.",
        staff_notes="The secretary general sees H.E. off at the aircraft steps.",
    ),
)

# Mistakes a busy office makes, planted so that the demo shows the checker at work.
PLANTED_STOPS = (
    dict(
        day=DAY_1,
        starts="12:45",
        ends="13:00",
        kind=StopKind.PRESS,
        title="Photo with the chamber's board",
        venue="chamber",
        attendees=(),  # nobody added yet
        status=StopStatus.PLANNED,
        public_description="Group photograph on the chamber's front steps.",
        staff_notes="Board members to be confirmed by the secretary general.",
    ),
    dict(
        day=DAY_2,
        starts="07:45",
        ends="08:30",
        kind=StopKind.OFFICIAL_MEETING,
        title="Working breakfast on grain imports",
        venue="hotel",
        # An official meeting without the head of delegation: a warning, maybe intended.
        attendees=("counsellor", "businessman", "economic_director", "interpreter_kk"),
        status=StopStatus.PLANNED,
        public_description="Kazakh grain for Lorestan's mills: volumes, rail and Caspian routes.",
        staff_notes="Breakfast room reserved from 07:30.",
    ),
    dict(
        # The day after the visit, on a Thursday when the chamber closes at 13:00.
        day=date(2026, 12, 17),
        starts="14:00",
        ends="15:00",
        kind=StopKind.OFFICIAL_MEETING,
        title="Debrief with the embassy",
        venue="chamber",
        attendees=("first_secretary", "secretary_general", "interpreter_kk"),
        status=StopStatus.PLANNED,
        public_description="What the two days agreed, and who follows up on what.",
        staff_notes="Could be a video call instead.",
    ),
)

# A second visit at the same time, sharing the chamber and its president.
OTHER_VISIT = dict(
    title="Basra Chamber of Commerce delegation",
    visiting_country="IQ",
    host_region="Lorestan",
    host_city="Khorramabad",
    start_date=DAY_2,
    end_date=DAY_2,
    timezone=ZONE,
    delegation_timezone="Asia/Baghdad",
    status=VisitStatus.PROPOSED,
    purpose="Dates, cement and building stone between Basra and Lorestan.",
)
OTHER_VISIT_HEAD = dict(
    full_name_native="حيدر عبد الكريم",
    full_name_latin="Haider Abdulkarim",
    honorific="Mr.",
    position="Vice-President, Basra Chamber of Commerce",
    nationality="IQ",
    languages=["ar", "en"],
    email="h.abdulkarim@basra-chamber.example",
)
OTHER_VISIT_STOP = dict(
    day=DAY_2,
    starts="15:00",
    ends="16:00",
    kind=StopKind.OFFICIAL_MEETING,
    title="Meeting with the Basra Chamber of Commerce",
    venue="chamber",
    attendees=("head", "chamber_president"),
    status=StopStatus.PLANNED,
    public_description="Trade in dates, cement and building stone.",
    staff_notes="Booked by the chamber's trade desk, not by protocol.",
)

VISIT = dict(
    title="Visit of the Ambassador of Kazakhstan to Lorestan",
    visiting_country="KZ",
    host_region="Lorestan",
    host_city="Khorramabad",
    start_date=DAY_1,
    end_date=DAY_2,
    timezone=ZONE,
    delegation_timezone=DELEGATION_ZONE,
    status=VisitStatus.CONFIRMED,
    purpose="Trade between Lorestan and Kazakhstan: of the five main commodity groups "
    "Kazakhstan imports, the province produces a large share. Exports of the province's "
    "food, building materials and metal castings; imports of Kazakh grain; mining "
    "technology and joint mining investment; and cultural ties: a sister-city "
    "relationship and joint cultural events.",
    notes="Hosted by the Lorestan Chamber of Commerce. Table flags at every meeting. Gifts "
    "are held by the chamber's protocol desk. All meals halal, one vegetarian. Almaty is "
    "90 minutes ahead of Tehran.",
)


def build_venue(key: str, fields: dict, organizations: dict) -> Venue:
    venue = Venue(
        **{**fields, "organization": organizations.get(fields.get("organization"))},
        city="Khorramabad",
        timezone=ZONE,
    )
    venue.opening_hours = [
        OpeningHours(
            weekday=weekday, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes)
        )
        for weekday, opens, closes in OPENING_HOURS[key]
    ]
    venue.closures = [
        VenueClosure(day=day, reason=reason) for at, day, reason in CLOSURES if at == key
    ]
    return venue


def build_stop(fields: dict, venues: dict, participants: dict) -> Stop:
    day = fields["day"]
    return Stop(
        kind=fields["kind"],
        title=fields["title"],
        starts_at=local_to_utc(day, time.fromisoformat(fields["starts"]), ZONE),
        ends_at=local_to_utc(day, time.fromisoformat(fields["ends"]), ZONE),
        venue=venues.get(fields.get("venue")),
        public_description=fields["public_description"],
        staff_notes=fields["staff_notes"],
        status=fields.get("status", StopStatus.CONFIRMED),
        attendees=[participants[key] for key in fields["attendees"]],
    )


def load_demo(session) -> Visit:
    """Add the reference visit to an empty database and flush; the caller commits."""
    visits = session.scalar(sa.select(sa.func.count()).select_from(Visit))
    if visits:
        noun = "visit" if visits == 1 else "visits"
        raise DemoRefused(
            f"the database already holds {visits} {noun}; "
            "the demo is loaded only into an empty database"
        )
    # Looked up by keys that may be None: a person of no organization.
    organizations: dict[str | None, Organization] = {
        key: Organization(**{"country": "IR", "city": "Khorramabad", **fields})
        for key, fields in ORGANIZATIONS.items()
    }
    venues = {key: build_venue(key, fields, organizations) for key, fields in VENUES.items()}
    people = {
        key: Person(**{**fields, "organization": organizations.get(fields.get("organization"))})
        for key, fields in PEOPLE.items()
    }
    participants = {
        key: Participant(
            person=people[key],
            side=side,
            role=role,
            precedence=precedence,
            interpreting_languages=INTERPRETING_LANGUAGES.get(key, []),
        )
        for key, side, role, precedence in PARTICIPANTS
    }
    visit = Visit(
        **VISIT,
        visiting_organization=organizations["embassy"],
        host_organization=organizations["chamber"],
        participants=list(participants.values()),
    )
    visit.stops = [build_stop(fields, venues, participants) for fields in STOPS + PLANTED_STOPS]
    session.add_all([*organizations.values(), *venues.values(), *people.values(), visit])
    session.add(build_other_visit(venues, participants["chamber_president"].person))
    load_outcomes(session, visit, organizations)
    session.flush()
    return visit


def build_other_visit(venues: dict, chamber_president: Person) -> Visit:
    """The Basra delegation, booked by the chamber's trade desk into the same afternoon."""
    participants = {
        "head": Participant(
            person=Person(**OTHER_VISIT_HEAD),
            side=Side.DELEGATION,
            role=ParticipantRole.HEAD_OF_DELEGATION,
            precedence=1,
        ),
        "chamber_president": Participant(
            person=chamber_president, side=Side.HOST, role=ParticipantRole.HOST, precedence=1
        ),
    }
    other = Visit(**OTHER_VISIT, participants=list(participants.values()))
    other.stops = [build_stop(OTHER_VISIT_STOP, venues, participants)]
    return other
