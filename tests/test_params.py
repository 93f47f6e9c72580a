"""Whatever a page's address carries (ids out of range, NUL bytes, pages of text) is a 400
or a 404 that says so, never a 500; and no form stores a NUL byte."""

import re
from pathlib import Path

import pytest
from flask import Request
from flask_wtf import FlaskForm
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

from planner.accounts.models import Role
from planner.extensions import db
from planner.forms import PageForm
from planner.organizations.models import Organization
from planner.people.models import Person
from tests.conftest import count

PLANNER = Path(__file__).resolve().parent.parent / "planner"

# Every query parameter a page reads: each is given to every page, whatever it reads.
QUERY_PARAMETERS = {
    "q",
    "organization",
    "nationality",
    "visit",
    "partnership",
    "status",
    "kind",
    "stage",
    "country",
    "city",
    "order",
    "day",
    # The participant form's side and the stop form's start after "Add, then add another".
    "side",
    "starts",
    "print",
    "lang",  # the language a guest copy is printed in
    "next",
    "period",
    "owner",
    # The office history's filters: who, which kind of record, between which days.
    "user",
    "type",
    "from",
    "to",
    "page",
    # Read by no page today, and likely to be: given anyway.
    "year",
}

BAD_VALUES = {
    "2**63": str(2**63),
    "-1": "-1",
    "NUL": "Kiyo\x00",
    "5,000 characters": "9" * 5000,
}


def parameters_in_the_code() -> set[str]:
    """The names in request.args.get("..."), planner.params' readers and planner.web's
    enum_arg, across the pages."""
    reading = re.compile(r"""(?:request\.args\.get|params\.\w+|enum_arg)\(\s*["'](\w+)["']""")
    return {
        name
        for path in PLANNER.rglob("*.py")
        if "api" not in path.relative_to(PLANNER).parts
        for name in reading.findall(path.read_text())
    }


def page_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.endpoint == "static":
            continue
        if "GET" in rule.methods:
            yield rule


def url_with(rule, fill) -> str:
    """The rule's path with each <converter:name> replaced by fill(name)."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda match: fill(match.group(1)), rule.rule)


@pytest.fixture
def admin(signed_in, demo_visit):
    """An administrator, so that every view runs, over the demo (so that id 1 exists)."""
    return signed_in(Role.ADMIN)


@pytest.fixture
def reads(app) -> set[str]:
    """The names the views look up in request.args, as the test's requests go by.

    Giving every parameter, one at a time, to every page would take minutes: the walk gives
    all of them at once, then each one that a page turns out to read on its own."""
    names: set[str] = set()

    class NotedArgs(ImmutableMultiDict):
        def get(self, key, default=None, type=None):
            names.add(key)
            return super().get(key, default, type)

        def getlist(self, key, type=None):
            names.add(key)
            return super().getlist(key, type)

        def __getitem__(self, key):
            names.add(key)
            return super().__getitem__(key)

        def __contains__(self, key):
            names.add(key)
            return super().__contains__(key)

    class NotingRequest(app.request_class):
        @cached_property
        def args(self):
            return NotedArgs(Request.args.fget(self))

    app.request_class = NotingRequest
    return names


def test_the_walk_knows_every_parameter_the_code_reads():
    assert parameters_in_the_code() <= QUERY_PARAMETERS


def test_no_query_parameter_breaks_a_page(app, client, admin, reads):
    """Each page gets every known parameter at once and then, one by one, each parameter
    it reads, with each bad value; none of them is a 500."""

    def get(path: str, query: dict) -> set[str]:
        reads.clear()
        response = client.get(path, query_string=query)
        assert response.status_code < 500, (path, query.keys(), response.status_code)
        return set(reads)

    given = 0
    for rule in page_rules(app):
        path = url_with(rule, lambda _name: "1")
        read = get(path, {})
        for value in BAD_VALUES.values():
            read |= get(path, dict.fromkeys(QUERY_PARAMETERS, value))
        assert read <= QUERY_PARAMETERS, (rule.rule, read - QUERY_PARAMETERS)
        waiting, done = set(read), set()
        while waiting:
            name = waiting.pop()
            done.add(name)
            for value in BAD_VALUES.values():
                waiting |= get(path, {name: value}) - done
            given += 1
    # People, venues, organizations, partnerships, a new follow-up, a new stop, programmes.
    assert given >= 15


@pytest.mark.parametrize("value", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_no_path_id_breaks_a_page(app, client, admin, value):
    checked = 0
    for rule in page_rules(app):
        for argument in rule.arguments:
            path = url_with(rule, lambda name: value if name == argument else "1")  # noqa: B023
            response = client.get(path)
            assert response.status_code in (400, 404), (rule.rule, argument, response.status_code)
            checked += 1
    assert checked > 30


def test_pages_that_read_parameters_say_what_is_wrong(client, admin):
    assert client.get("/people", query_string={"organization": str(2**63)}).status_code == 404
    assert client.get("/people", query_string={"organization": "-1"}).status_code == 400
    assert client.get("/people", query_string={"q": "Kiyo\x00"}).status_code == 400
    follow_up = client.get("/follow-ups/new", query_string={"visit": str(2**63)})
    assert follow_up.status_code == 404
    follow_up = client.get("/follow-ups/new", query_string={"partnership": str(2**63)})
    assert follow_up.status_code == 404
    response = client.get("/venues", query_string={"city": "Khorramabad\x00"})
    assert response.status_code == 400
    assert "NUL" in response.text


def test_a_long_search_is_cut_not_refused(client, admin):
    response = client.get("/organizations", query_string={"q": "Kiyo" * 2000})
    assert response.status_code == 200


PERSON = {"full_name_latin": "Yerlan Abenov", "full_name_native": "Ерлан Абенов"}
PERSON_TEXT = (
    "full_name_latin",
    "full_name_native",
    "honorific",
    "position",
    "nationality",
    "languages",
    "email",
    "phone",
    "dietary_needs",
    "access_needs",
)
ORGANIZATION = {"name": "Kiyo Flour and Pasta", "kind": "company", "country": "IR"}
ORGANIZATION_TEXT = ("name", "name_native", "country", "city", "sector", "products", "website")


def with_nul(values: dict, field: str) -> dict:
    return {**values, field: (values.get(field) or "Kiyo") + "\x00"}


def field_error(response, field: str) -> str:
    """The errors the page shows under one field."""
    found = re.search(
        rf'<ul class="field-error" id="{field}-error">(.*?)</ul>', response.text, re.S
    )
    return found.group(1) if found else ""


@pytest.mark.parametrize("field", PERSON_TEXT)
def test_a_nul_in_the_person_form_is_a_field_error_and_saves_nothing(client, signed_in, field):
    signed_in(Role.PLANNER)
    response = client.post("/people/new", data=with_nul(PERSON, field))
    assert response.status_code == 400
    assert "NUL characters" in field_error(response, field)
    assert count(Person) == 0


@pytest.mark.parametrize("field", ORGANIZATION_TEXT)
def test_a_nul_in_the_organization_form_is_a_field_error_and_saves_nothing(
    client, signed_in, field
):
    signed_in(Role.PLANNER)
    response = client.post("/organizations/new", data=with_nul(ORGANIZATION, field))
    assert response.status_code == 400
    assert "NUL characters" in field_error(response, field)
    assert count(Organization) == 0


def test_a_nul_in_an_edit_keeps_what_was_saved(client, signed_in, person):
    signed_in(Role.PLANNER)
    abenov = person("Yerlan Abenov", position="Ambassador")
    response = client.post(
        f"/people/{abenov.id}/edit", data={**PERSON, "position": "Ambassador\x00 at large"}
    )
    assert response.status_code == 400
    assert "NUL characters" in field_error(response, "position")
    db.session.expire_all()
    assert db.session.get(Person, abenov.id).position == "Ambassador"


def every_form_class(base=FlaskForm):
    for form_class in base.__subclasses__():
        yield form_class
        yield from every_form_class(form_class)


def test_every_page_form_refuses_nul(app):
    forms = set(every_form_class())
    assert len(forms) > 20  # all of planner's forms are imported with their views
    assert all(issubclass(form_class, PageForm) for form_class in forms - {PageForm})
