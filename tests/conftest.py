"""Fixtures: an app on a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL).

The schema is built once per run by the migrations themselves, the app is built once,
and every test runs in a transaction that is rolled back (see Databases).
"""

import contextlib
import contextvars
import json
import os
import re
from datetime import date, time
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import orm

from planner import clock, create_app
from planner.accounts.api_tokens import issue_token
from planner.accounts.models import Role
from planner.accounts.operations import create_user
from planner.calendars import rendered
from planner.config import normalise_database_url
from planner.extensions import db, limiter
from planner.itinerary.models import Stop, StopKind
from planner.organizations.models import Organization, OrganizationKind
from planner.outcomes.models import Outcome, OutcomeKind
from planner.partnerships.models import Partnership, PartnershipKind
from planner.people.models import Person
from planner.timefmt import local_to_utc
from planner.venues.models import Venue, VenueKind
from planner.visits.models import Participant, ParticipantRole, Side, Visit, VisitStatus
from tests.smtp import Inbox, listening

PASSWORD = "correct horse battery"
# The suite makes hundreds of accounts: scrypt's 0.17 s a hash (one to set a password, one to
# sign in) was a third of its time. tests/test_factory.py checks the real default.
CHEAP_HASH = "pbkdf2:sha256:1000"


def reset_schema(url: str, schema: str = "public") -> None:
    """Drop and recreate a PostgreSQL schema: every run starts from what the migrations build."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()


def migrate_database(url: str, *, with_demo: bool = False) -> int | None:
    """Build the schema by the migrations; with_demo also loads the reference visit (its id)."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test",
            "PASSWORD_HASH_METHOD": CHEAP_HASH,
        }
    )
    with app.app_context():
        upgrade()
        visit_id = None
        if with_demo:
            from planner.demo import load_demo

            visit_id = load_demo(db.session).id
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return visit_id


def worker_schema(name: str) -> str:
    """Under pytest-xdist each worker has its own schemas: `public` becomes `w_gw0`."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return name
    return f"w_{worker}" if name == "public" else f"{name}_{worker}"


def schema_url(url: str, schema: str) -> str:
    """The URL with `schema` first on the search path (tables and types are made there)."""
    if schema == "public":
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        schema = worker_schema("public")
        reset_schema(url, schema)
        url = schema_url(url, schema)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "pishvaz-test.sqlite3")
    migrate_database(url)
    return url


@pytest.fixture(scope="session")
def demo_database(database_url, tmp_path_factory) -> tuple[str, int]:
    """A second database holding the demo, built once: (its URL, the demo visit's id).

    On PostgreSQL it is a schema of the test database, reached through search_path.
    """
    if database_url.startswith("sqlite"):
        url = "sqlite:///" + str(tmp_path_factory.mktemp("demo") / "pishvaz-demo.sqlite3")
    else:
        base_url = os.environ["TEST_DATABASE_URL"]
        schema = worker_schema("demo")
        reset_schema(base_url, schema)
        url = schema_url(base_url, schema)
    return url, migrate_database(url, with_demo=True)


def empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


class SeparateRequestClient(FlaskClient):
    """Runs each request in a fresh context, as a server would.

    The fixtures keep an app context open for the test's own database work; without
    this, Flask would reuse it for every request, sharing `g`, the signed-in user and
    the database session between requests and hiding bugs a real server would show.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "OFFICE_TIMEZONE": "Asia/Tehran",
        "PASSWORD_HASH_METHOD": CHEAP_HASH,
        # The worker's tasks run at once, in the request that queues them: a letter is sent
        # "by the worker" before the page answers. tests/test_worker.py runs a real queue.
        "QUEUE_IMMEDIATE": True,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = SeparateRequestClient
    return app


def savepoint_engine(url: str, dialect: str) -> sa.Engine:
    """An engine whose connections can hold a test's transaction and the app's savepoints.

    pysqlite begins transactions on its own and breaks SAVEPOINT; SQLAlchemy's recipe is to
    turn that off and emit BEGIN itself.
    """
    engine = sa.create_engine(normalise_database_url(url))
    if dialect == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _no_driver_transactions(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN")

    return engine


class Databases:
    """The one app of the run, and how each test gets a database that forgets what it did.

    A test runs inside a transaction that is rolled back afterwards; the app's own commits
    become savepoints inside it (SQLAlchemy's "join_transaction_mode"). Tests that need
    another connection to see their data (a live server, two connections racing, the
    migrations) are marked `committed` and get real commits and emptied tables instead.
    """

    def __init__(self, app, database_url: str):
        self.app = app
        self.database_url = database_url
        with app.app_context():
            self.engine = db.engine
        self.dialect = self.engine.dialect.name
        self.rollback_engines: dict[str, sa.Engine] = {}
        self.config = dict(app.config)
        db.session.session_factory.kw["join_transaction_mode"] = "create_savepoint"

    def rollback_engine(self, url: str) -> sa.Engine:
        if url not in self.rollback_engines:
            self.rollback_engines[url] = savepoint_engine(url, self.dialect)
        return self.rollback_engines[url]

    def bind(self, bind) -> None:
        """Point the app's default bind at an engine or at a test's open connection."""
        db._app_engines[self.app][None] = bind

    def restore(self) -> None:
        self.bind(self.engine)
        self.app.config.clear()
        self.app.config.update(self.config)

    def close(self) -> None:
        for engine in self.rollback_engines.values():
            engine.dispose()
        self.engine.dispose()


def is_committed(request) -> bool:
    """Browser tests serve the app from another thread, so they commit too."""
    node = request.node
    return bool(node.get_closest_marker("committed") or node.get_closest_marker("browser"))


@pytest.fixture(scope="session")
def databases(database_url):
    databases = Databases(make_app(database_url), database_url)
    yield databases
    databases.close()


@pytest.fixture
def app(databases, request):
    """The app, inside an app context, on a database that is as empty (or as demo) as it began,
    with no failed sign-ins counted from another test."""
    app = databases.app
    # Kept calendars are keyed by versions that a rolled-back test hands out again.
    rendered.calendars.clear()
    app.extensions.pop("kept_programmes", None)  # kept programmes likewise
    app.extensions.pop("kept_sections", None)  # and kept parts of list pages
    app.extensions.pop("kept_overdue_counts", None)
    app.extensions.pop("kept_navs", None)
    limiter.reset()
    if is_committed(request):
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                empty_tables()
                db.session.remove()
                databases.restore()
        return
    url = databases.database_url
    if "demo_visit" in request.fixturenames:
        url = request.getfixturevalue("demo_database")[0]
    connection = databases.rollback_engine(url).connect()
    transaction = connection.begin()
    databases.bind(connection)
    try:
        with app.app_context():
            yield app
            db.session.remove()
    finally:
        transaction.rollback()
        connection.close()
        databases.restore()


@pytest.fixture
def frozen_clock():
    """frozen_clock(instant): "now" and the office's today stand at `instant` (aware) for
    every page, the API and the column defaults, until the test ends; call again to move."""
    with contextlib.ExitStack() as stack:
        yield lambda instant: stack.enter_context(clock.frozen_at(instant))


# Transaction control the test harness adds around the app's own work, not the app's queries.
HARNESS_SQL = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|BEGIN)\b", re.I)


class Statements:
    """`with Statements() as statements:` the SQL statements the app sent inside the block
    (`sent`, `count`) and how many times it committed. The savepoints and BEGINs of the
    test's own transaction are no part of what the app sends."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.commits = 0

    @property
    def count(self) -> int:
        return len(self.sent)

    def __len__(self) -> int:
        return len(self.sent)

    def __iter__(self):
        return iter(self.sent)

    def _statement(self, _connection, _cursor, statement, *_args) -> None:
        if not HARNESS_SQL.match(statement):
            self.sent.append(statement)

    def _commit(self, _session) -> None:
        self.commits += 1

    def __enter__(self) -> "Statements":
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", self._statement)
        sa.event.listen(orm.Session, "after_commit", self._commit)
        return self

    def __exit__(self, *_exc) -> None:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", self._statement)
        sa.event.remove(orm.Session, "after_commit", self._commit)


@pytest.fixture
def query_counter(app):
    """`with query_counter() as statements:` counts the SQL statements run inside the block."""
    return Statements


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on loopback, and the app's SMTP settings pointed at it: its Inbox."""
    with listening(Inbox(), app) as inbox:
        yield inbox


@pytest.fixture
def create_staff(app):
    """create_staff(role) -> a user of that role with the password PASSWORD."""
    counter = iter(range(1, 10_000))

    def _create(role: Role = Role.PLANNER, **kwargs):
        number = next(counter)
        kwargs.setdefault("email", f"{role.value}{number}@office.example")
        kwargs.setdefault("name", f"{role.label} {number}")
        user = create_user(db.session, password=PASSWORD, role=role, **kwargs)
        db.session.commit()
        return user

    return _create


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password: str = PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post("/sign-in", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/sign-out")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def signed_in(auth, create_staff):
    """signed_in(role) signs the test client in as a new user of that role."""

    def _sign_in(role: Role = Role.PLANNER):
        user = create_staff(role)
        response = auth.login(user)
        assert response.status_code == 302, response.text
        return user

    return _sign_in


class ApiClient:
    """The test client with a personal API token: api.get("/api/v1/visits")."""

    def __init__(self, client, user, secret: str):
        self.client, self.user, self.secret = client, user, secret

    def open(self, url, method="GET", **kwargs):
        headers = {"Authorization": f"Bearer {self.secret}", **kwargs.pop("headers", {})}
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url, **kwargs):
        return self.open(url, "GET", **kwargs)

    def post(self, url, **kwargs):
        return self.open(url, "POST", **kwargs)

    def patch(self, url, **kwargs):
        return self.open(url, "PATCH", **kwargs)

    def delete(self, url, **kwargs):
        return self.open(url, "DELETE", **kwargs)

    def all_pages(self, url, **kwargs) -> list:
        """Every item of a paged list, following X-Pagination."""
        items, page = [], 1
        separator = "&" if "?" in url else "?"
        while True:
            response = self.get(f"{url}{separator}page={page}&page_size=100", **kwargs)
            assert response.status_code == 200, response.json
            items += response.json
            meta = json.loads(response.headers.get("X-Pagination") or "{}")
            if not meta.get("next_page"):
                return items
            page = meta["next_page"]


@pytest.fixture
def api_as(client, create_staff):
    """api_as(role) -> an ApiClient for a new user of that role, with a fresh token."""

    def _as(role: Role = Role.PLANNER, user=None) -> ApiClient:
        user = user or create_staff(role)
        _token, secret = issue_token(db.session, user, "tests")
        db.session.commit()
        return ApiClient(client, user, secret)

    return _as


def reasons(response) -> dict[str, str]:
    """{field: reason} of an API 422: what the problem details say was refused, and why."""
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    return {error["field"]: error["reason"] for error in response.json["errors"]}


class _ChosenValues(HTMLParser):
    def __init__(self, name: str):
        super().__init__()
        self.name, self.in_select, self.values = name, False, []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "select":
            self.in_select = attributes.get("name") == self.name
        elif tag == "option" and self.in_select and "selected" in attributes:
            self.values.append(attributes.get("value"))
        elif tag == "input" and attributes.get("name") == self.name and "checked" in attributes:
            self.values.append(attributes.get("value"))

    def handle_endtag(self, tag):
        if tag == "select":
            self.in_select = False


def chosen(html: str, name: str) -> list[str]:
    """The values a page's form marks as chosen for `name`: selected options, ticked boxes."""
    parser = _ChosenValues(name)
    parser.feed(html)
    return parser.values


@pytest.fixture
def create_visit(app):
    def _create(**kwargs) -> Visit:
        values = {
            "title": "Visit of the Ambassador of Kazakhstan",
            "visiting_country": "KZ",
            "host_city": "Khorramabad",
            "host_region": "Lorestan",
            "start_date": date(2026, 12, 15),
            "end_date": date(2026, 12, 16),
            "timezone": "Asia/Tehran",
            "delegation_timezone": "Asia/Almaty",
            "status": VisitStatus.CONFIRMED,
        }
        values.update(kwargs)
        visit = Visit(**values)
        db.session.add(visit)
        db.session.commit()
        return visit

    return _create


@pytest.fixture
def create_stop(app):
    """create_stop(visit, day, "09:30", "10:30", **kw): times are local to the visit."""

    def _create(visit: Visit, day: date, start: str, end: str, **kwargs) -> Stop:
        starts_at = local_to_utc(day, time.fromisoformat(start), visit.timezone)
        ends_at = local_to_utc(day, time.fromisoformat(end), visit.timezone)
        kwargs.setdefault("kind", StopKind.OFFICIAL_MEETING)
        kwargs.setdefault("title", "Meeting")
        stop = Stop(visit=visit, starts_at=starts_at, ends_at=ends_at, **kwargs)
        db.session.add(stop)
        db.session.commit()
        return stop

    return _create


@pytest.fixture
def add_participant(app):
    from planner.people.models import Person

    def _add(visit: Visit, name: str, side=Side.DELEGATION, role=ParticipantRole.DELEGATE, **kw):
        person = Person(
            full_name_native=kw.pop("native", name),
            full_name_latin=name,
            languages=kw.pop("languages", ["en"]),
        )
        participant = Participant(visit=visit, person=person, side=side, role=role, **kw)
        db.session.add(participant)
        db.session.commit()
        return participant

    return _add


@pytest.fixture
def demo_visit(app, request) -> Visit:
    """The reference visit: built once per run, or loaded anew for a `committed` test."""
    if is_committed(request):
        from planner.demo import load_demo

        visit = load_demo(db.session)
        db.session.commit()
        return visit
    return db.session.get(Visit, request.getfixturevalue("demo_database")[1])


@pytest.fixture
def visit(create_visit):
    return create_visit()


@pytest.fixture
def twinning(app) -> Partnership:
    """The Khorramabad - Turkistan sister-city partnership, at its first stage."""
    partnership = Partnership(
        title="Khorramabad – Turkistan sister cities",
        kind=PartnershipKind.SISTER_CITY,
        our_city="Khorramabad",
        our_country="IR",
        partner_city="Turkistan",
        partner_country="KZ",
    )
    db.session.add(partnership)
    db.session.commit()
    return partnership


@pytest.fixture
def proposal(visit, twinning) -> Outcome:
    """The visit's outcome that proposes the twinning."""
    outcome = Outcome(
        visit=visit,
        partnership=twinning,
        kind=OutcomeKind.SISTER_CITY_STEP,
        summary="Proposal to twin Khorramabad with Turkistan; letter of intent to follow.",
        day=date(2026, 12, 16),
    )
    db.session.add(outcome)
    db.session.commit()
    return outcome


def shown(html: str) -> str:
    """The page's text as a reader sees it: inline markup such as <bdi> around names left out."""
    return re.sub(r"<[^>]+>", "", html)


def count(model) -> int:
    """How many rows a table holds."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def pasta_tour(visit, create_stop):
    return create_stop(
        visit,
        date(2026, 12, 15),
        "10:00",
        "11:30",
        kind=StopKind.FACTORY_TOUR,
        title="Tour of Kiyo Flour and Pasta Company",
    )


@pytest.fixture
def sides(app):
    pasta = Organization(name="Kiyo Flour and Pasta", kind=OrganizationKind.COMPANY, country="IR")
    grain = Organization(name="Saryarka Grain Trading", kind=OrganizationKind.COMPANY, country="KZ")
    db.session.add_all([pasta, grain])
    db.session.commit()
    return pasta, grain


@pytest.fixture
def castle(app):
    venue = Venue(
        name="Falak-ol-Aflak castle",
        kind=VenueKind.CULTURAL_SITE,
        timezone="Asia/Tehran",
        latitude=33.4876,
        longitude=48.3551,
    )
    db.session.add(venue)
    db.session.commit()
    return venue


@pytest.fixture
def person(app):
    def _create(name: str, **kwargs) -> Person:
        someone = Person(full_name_native=name, full_name_latin=name, **kwargs)
        db.session.add(someone)
        db.session.commit()
        return someone

    return _create


@pytest.fixture
def ambassador_visit(create_visit, add_participant):
    visit = create_visit()
    add_participant(visit, "Yerlan Abenov", role=ParticipantRole.HEAD_OF_DELEGATION, precedence=1)
    return visit


LETTERED_ADDRESS = "ambassador@kz.example"


@pytest.fixture
def lettered_visit(create_visit, create_stop, add_participant):
    """A visit with one stop and one participant with an address (LETTERED_ADDRESS): one
    letter to send, for the tests of the queue and the worker."""
    visit = create_visit()
    ambassador = add_participant(visit, "Yerlan Karin")
    ambassador.person.email = LETTERED_ADDRESS
    create_stop(visit, visit.start_date, "10:00", "11:00", title="Call on the Governor")
    visit.stops[0].attendees.append(ambassador)
    db.session.commit()
    return visit
