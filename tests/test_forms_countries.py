"""Countries and languages are chosen by name, never typed as codes.

A two-letter text box kept "Ch" of "China" and saved Switzerland. Now the pages offer every
country and language by its name in the reader's language; the pages and the API both refuse
a code that is not on the list, by the one rule in planner/rules.py; and a code stored before
the list changed still shows, as its code, without breaking a page.
"""

import re

import pytest
import sqlalchemy as sa

from planner.accounts.models import Role
from planner.extensions import db
from planner.names import country_names, language_names, sort_key
from planner.organizations.models import Organization, OrganizationKind
from planner.partnerships.models import Partnership, PartnershipKind
from planner.people.models import Person
from planner.rules import COUNTRY_CODES
from planner.visits.models import Participant, ParticipantRole, Side, Visit
from tests.conftest import chosen, count, reasons

# What a planner used to type into the two-letter box, and what a crafted POST may carry.
NOT_COUNTRIES = ["China", "Ch", "XX", "QQ"]

ORGANIZATION = {"name": "Bank of China", "kind": "company", "country": "CN"}
VISIT = {
    "title": "Visit of the Consul General of China",
    "visiting_country": "CN",
    "start_date": "2027-04-12",
    "end_date": "2027-04-13",
    "timezone": "Asia/Tehran",
    "status": "draft",
}
PERSON = {"full_name_latin": "Li Wei", "nationality": "CN", "languages": ["zh", "en"]}
# Each page form, the field that holds a country, and where the created row shows it.
COUNTRY_FORMS = [
    ("/organizations/new", ORGANIZATION, "country", Organization),
    ("/visits/new", VISIT, "visiting_country", Visit),
    ("/people/new", PERSON, "nationality", Person),
]


def options(html: str, name: str) -> list[tuple[str, str]]:
    """(value, label) of each option of the select or checkbox list called `name`."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        return re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    boxes = re.findall(
        rf'<input[^>]*id="([^"]+)"[^>]*name="{name}"[^>]*value="([^"]*)"[^>]*>', html
    )
    labels = dict(re.findall(r'<label for="([^"]+)">([^<]*)</label>', html))
    return [(value, labels[box_id]) for box_id, value in boxes]


def read_in_persian(user) -> None:
    user.locale = "fa"
    db.session.commit()


# --- The lists the pages offer ----------------------------------------------------------


def test_countries_are_offered_by_name_with_an_empty_first_choice(client, signed_in):
    signed_in(Role.PLANNER)
    organization = options(client.get("/organizations/new").text, "country")
    assert organization[0] == ("", "— Choose a country —")
    assert ("CN", "China (CN)") in organization
    assert ("CH", "Switzerland (CH)") in organization
    assert len(organization) == len(COUNTRY_CODES) + 1
    assert 'maxlength="2"' not in client.get("/organizations/new").text
    person = options(client.get("/people/new").text, "nationality")
    assert person[0] == ("", "— None —")  # nationality may be left unknown
    names = [label for _value, label in organization[1:]]
    assert names.index("Afghanistan (AF)") < names.index("Åland Islands (AX)")
    assert names.index("Åland Islands (AX)") < names.index("Albania (AL)")


def test_persian_pages_name_and_sort_countries_and_languages_in_persian(client, signed_in):
    read_in_persian(signed_in(Role.PLANNER))
    countries = [
        label for _code, label in options(client.get("/visits/new").text, "visiting_country")
    ]
    assert "چین (CN)" in countries and "China (CN)" not in countries
    # In the alphabet's order, which is not the code points': پ, ک and گ come before ل.
    order = [countries.index(f"{name} ({code})") for name, code in (
        ("آلمان", "DE"), ("ایران", "IR"), ("پاکستان", "PK"), ("تاجیکستان", "TJ"),
        ("قزاقستان", "KZ"), ("کانادا", "CA"), ("گرجستان", "GE"), ("لبنان", "LB"), ("یمن", "YE"),
    )]  # fmt: skip
    assert order == sorted(order)
    languages = [label for _code, label in options(client.get("/people/new").text, "languages")]
    assert "قزاقی (kk)" in languages and "فارسی (fa)" in languages


def test_sort_key_ignores_case_and_accents_and_follows_the_persian_alphabet():
    assert sorted(["Albania", "Åland Islands", "afghanistan"], key=sort_key) == [
        "afghanistan",
        "Åland Islands",
        "Albania",
    ]
    assert sorted(["یمن", "پاکستان", "آلمان", "ایران"], key=sort_key) == [
        "آلمان",
        "ایران",
        "پاکستان",
        "یمن",
    ]
    # Arabic letter forms count as the Persian letter; a zero-width non-joiner changes nothing.
    assert sort_key("كانادا")[0] == sort_key("کانادا")[0]
    assert sort_key("هنگ\u200cکنگ")[0] == sort_key("هنگکنگ")[0]


def test_every_listed_code_has_a_name_in_both_languages():
    for language in ("en", "fa"):
        assert all(name != code for code, name in country_names(language)), language
        assert all(name != code for code, name in language_names(language)), language
    # Pseudo-regions and groupings are no countries to choose.
    assert not {"XA", "XB", "EU", "UN", "ZZ"} & COUNTRY_CODES


# --- The pages: a country chosen, a country refused --------------------------------------


@pytest.mark.parametrize(("url", "data", "field", "model"), COUNTRY_FORMS)
def test_china_chosen_from_the_list_is_saved_as_cn(client, signed_in, url, data, field, model):
    signed_in(Role.PLANNER)
    response = client.post(url, data=data)
    assert response.status_code == 302, response.text
    assert getattr(db.session.scalars(sa.select(model)).one(), field) == "CN"


@pytest.mark.parametrize(("url", "data", "field", "model"), COUNTRY_FORMS)
@pytest.mark.parametrize("typed", NOT_COUNTRIES)
def test_a_country_not_on_the_list_is_refused_by_the_form(
    client, signed_in, url, data, field, model, typed
):
    signed_in(Role.PLANNER)
    response = client.post(url, data={**data, field: typed})
    assert response.status_code == 400
    assert f'<ul class="field-error" id="{field}-error"><li>Choose a country from the list.' in (
        response.text
    )
    # What was sent is shown, marked, rather than replaced by the first country of the list.
    assert chosen(response.text, field) == [typed]
    assert f"{typed} (not on the list)" in response.text
    assert count(model) == 0


def test_china_is_shown_by_name_in_english_and_in_persian(client, signed_in):
    planner = signed_in(Role.PLANNER)
    for url, data, _field, _model in COUNTRY_FORMS:
        assert client.post(url, data=data).status_code == 302
    visit = db.session.scalars(sa.select(Visit)).one()
    person = db.session.scalars(sa.select(Person)).one()
    pages = ["/organizations", "/", f"/visits/{visit.id}", "/people", f"/people/{person.id}"]
    for url in pages:
        assert "<bdi>China</bdi>" in client.get(url).text, url
    read_in_persian(planner)
    for url in pages:
        page = client.get(url).text
        assert "<bdi>چین</bdi>" in page and "China" not in page.replace("of China", ""), url


# --- The pages: languages ---------------------------------------------------------------


def test_languages_are_ticked_by_name_saved_as_codes_and_shown_by_name(client, signed_in):
    planner = signed_in(Role.PLANNER)
    response = client.post("/people/new", data={**PERSON, "languages": ["zh", "kk", "ru"]})
    assert response.status_code == 302, response.text
    person = db.session.scalars(sa.select(Person)).one()
    assert person.languages == ["kk", "ru", "zh"]
    page = client.get(f"/people/{person.id}").text
    assert "Chinese" in page and "Kazakh" in page and "Russian" in page
    edit = client.get(f"/people/{person.id}/edit").text
    assert chosen(edit, "languages") == ["zh", "kk", "ru"]  # Chinese, Kazakh, Russian
    assert "Chosen:" in edit
    read_in_persian(planner)
    page = client.get(f"/people/{person.id}").text
    assert "قزاقی" in page and "روسی" in page


@pytest.mark.parametrize("sent", [["kk", "xx"], ["kazakh"], ["kk, ru"]])
def test_a_language_not_on_the_list_is_refused_by_the_form(client, signed_in, sent):
    signed_in(Role.PLANNER)
    response = client.post("/people/new", data={**PERSON, "languages": sent})
    assert response.status_code == 400
    assert "Choose the languages from the list." in response.text
    assert count(Person) == 0


def test_an_interpreter_s_languages_keep_their_order_whatever_the_page_s_language(
    client, signed_in, ambassador_visit, person
):
    interpreter = person("Dana Sarsenbayeva")
    participant = Participant(
        visit=ambassador_visit,
        person=interpreter,
        side=Side.SUPPORT,
        role=ParticipantRole.INTERPRETER,
        precedence=3,
        interpreting_languages=["kk", "ru", "fa"],  # as the API was given them
    )
    db.session.add(participant)
    db.session.commit()
    read_in_persian(signed_in(Role.PLANNER))
    url = f"/visits/{ambassador_visit.id}/participants/{participant.id}"
    # The page lists them by Persian name (روسی, فارسی, قزاقی), which is not how they are kept.
    assert chosen(client.get(url).text, "interpreting_languages") == ["ru", "fa", "kk"]
    # Ticking English keeps the three where they were and adds it after them.
    data = {"side": "support", "role": "interpreter", "precedence": "3"}
    response = client.post(url, data={**data, "interpreting_languages": ["fa", "en", "kk", "ru"]})
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert participant.interpreting_languages == ["kk", "ru", "fa", "en"]
    refused = client.post(url, data={**data, "interpreting_languages": ["kk", "xx"]})
    assert refused.status_code == 400
    assert "زبان‌ها را از فهرست انتخاب کنید." in refused.text  # Choose the languages from the list.


# --- The API ----------------------------------------------------------------------------

API_COUNTRIES = [
    ("/api/v1/organizations", ORGANIZATION, "country"),
    ("/api/v1/visits", VISIT, "visiting_country"),
    ("/api/v1/people", PERSON, "nationality"),
    (
        "/api/v1/partnerships",
        {
            "title": "Khorramabad – Chengdu",
            "kind": "sister_city",
            "stage": "idea",
            "reason": "Raised at the consul's visit.",
            "our_city": "Khorramabad",
            "our_country": "IR",
            "partner_city": "Chengdu",
            "partner_country": "CN",
        },
        "partner_country",
    ),
]


@pytest.mark.parametrize(("url", "body", "field"), API_COUNTRIES)
@pytest.mark.parametrize("sent", NOT_COUNTRIES)
def test_the_api_refuses_a_country_not_on_the_list(api_as, url, body, field, sent):
    api = api_as(Role.PLANNER)
    response = api.post(url, json={**body, field: sent})
    assert reasons(response) == {field: "Enter a two-letter ISO country code, e.g. IR or KZ."}


@pytest.mark.parametrize(("url", "body", "field"), API_COUNTRIES)
def test_the_api_saves_cn_and_reads_lower_case_as_upper_case(api_as, url, body, field):
    api = api_as(Role.PLANNER)
    created = api.post(url, json={**body, field: "cn"})
    assert created.status_code == 201, created.json
    assert created.json[field] == "CN"
    # A change is checked the same way.
    changed = api.patch(f"{url}/{created.json['id']}", json={field: "Ch"})
    assert reasons(changed) == {field: "Enter a two-letter ISO country code, e.g. IR or KZ."}


def test_the_api_refuses_a_language_not_on_the_list(api_as, ambassador_visit, person):
    api = api_as(Role.PLANNER)
    response = api.post("/api/v1/people", json={**PERSON, "languages": ["zh", "xx"]})
    assert reasons(response) == {
        "languages": "Not a two-letter ISO 639-1 language code: xx. For example kk, ru, fa, en."
    }
    interpreter = person("Dana Sarsenbayeva")
    response = api.post(
        f"/api/v1/visits/{ambassador_visit.id}/participants",
        json={
            "person_id": interpreter.id,
            "side": "support",
            "role": "interpreter",
            "interpreting_languages": ["kk", "kazakh"],
        },
    )
    assert set(reasons(response)) == {"interpreting_languages"}


def test_the_openapi_document_lists_the_codes(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    organization = next(s for name, s in schemas.items() if name.startswith("Organization"))
    assert "CN" in organization["properties"]["country"]["enum"]
    assert "XX" not in organization["properties"]["country"]["enum"]
    person = next(s for name, s in schemas.items() if name.startswith("Person"))
    assert "kk" in person["properties"]["languages"]["items"]["enum"]


# --- Codes stored before the list changed -----------------------------------------------


@pytest.fixture
def stale_rows(app, create_visit):
    """Rows whose codes are not on today's list: QQ names nothing, EU is no country."""
    organization = Organization(
        name="Old Trading House", kind=OrganizationKind.COMPANY, country="QQ"
    )
    person = Person(
        full_name_latin="Old Contact", full_name_native="Old Contact", nationality="EU",
        languages=["kk", "xx"],
    )  # fmt: skip
    partnership = Partnership(
        title="An old exchange", kind=PartnershipKind.TRADE, our_city="Khorramabad",
        our_country="IR", partner_city="Nowhere", partner_country="QQ",
    )  # fmt: skip
    db.session.add_all([organization, person, partnership])
    db.session.commit()
    visit = create_visit(visiting_country="QQ")
    return organization, person, partnership, visit


def test_rows_with_a_code_no_longer_on_the_list_still_show(client, signed_in, stale_rows):
    organization, person, partnership, visit = stale_rows
    signed_in(Role.PLANNER)
    pages = {
        "/organizations": "QQ",
        f"/organizations/{organization.id}/edit": "QQ (not on the list)",
        "/": "QQ",
        f"/visits/{visit.id}": "QQ",
        f"/visits/{visit.id}/edit": "QQ (not on the list)",
        "/people": "European Union",
        f"/people/{person.id}": "European Union",
        f"/people/{person.id}/edit": "xx (not on the list)",
        "/partnerships": "QQ",
        f"/partnerships/{partnership.id}": "QQ",
        f"/partnerships/{partnership.id}/edit": "QQ (not on the list)",
        "/dashboard": "QQ",
    }
    for url, shown in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert shown in response.text, url
    # The edit form shows the stored code as chosen, and saving it is refused, not guessed.
    edit = client.get(f"/people/{person.id}/edit").text
    assert chosen(edit, "nationality") == ["EU"]
    assert chosen(edit, "languages") == ["xx", "kk"]
    response = client.post(
        f"/people/{person.id}/edit",
        data={"full_name_latin": "Old Contact", "nationality": "EU", "languages": ["kk"]},
    )
    assert response.status_code == 400
    assert "Choose a country from the list." in response.text
    db.session.expire_all()
    assert (person.nationality, person.languages) == ("EU", ["kk", "xx"])
