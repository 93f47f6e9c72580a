"""The feed fast path: a poll answered before Flask gets what Flask would have answered."""

import contextlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import signals
from werkzeug.middleware.proxy_fix import ProxyFix

from planner.accounts.models import Role
from planner.calendars import feeds, rendered
from planner.calendars.fastpath import FeedFastPath, PollConnection
from planner.config import ConfigError
from planner.extensions import db
from planner.itinerary import operations
from tests.conftest import Statements, make_app
from tests.icscheck import check_ics

SECRET = "test-secret"  # conftest.make_app's SECRET_KEY


def feed_url(owner) -> str:
    return f"/feeds/{feeds.feed_token(SECRET, owner)}.ics"


def an_hour_later(stop, planner) -> None:
    """The planner moves the stop an hour later and renames it, and the change is committed."""
    operations.update_stop(
        db.session,
        stop,
        acting=planner,
        expected_version=stop.version,
        title="The castle, an hour later",
        starts_at=stop.starts_at + timedelta(hours=1),
        ends_at=stop.ends_at + timedelta(hours=1),
    )
    db.session.commit()


@pytest.fixture
def ambassador(demo_visit):
    return demo_visit.head_of_delegation


@pytest.fixture
def planner(create_staff):
    return create_staff(Role.PLANNER)


@pytest.fixture(params=["participant", "staff"])
def owner(request, demo_visit, create_staff):
    if request.param == "participant":
        return demo_visit.head_of_delegation
    return create_staff(Role.VIEWER)


@contextlib.contextmanager
def before_flask(app, monkeypatch):
    """Inside, a request that reaches Flask's request machinery fails the test."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("Flask's request context was pushed")

    with monkeypatch.context() as patch:
        patch.setattr(app, "request_context", refuse)
        yield


@contextlib.contextmanager
def through_flask(app):
    """Inside, feed polls are Flask's alone, as before the fast path."""
    app.config["FEED_FAST_PATH"] = False
    try:
        yield
    finally:
        app.config["FEED_FAST_PATH"] = True


def answer(response) -> tuple:
    return response.status_code, list(response.headers.items()), response.data


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_the_fast_paths_answers_are_flasks_to_the_byte(owner, app, client, monkeypatch, method):
    url = feed_url(owner)
    built = client.get(url)  # Flask builds the calendar and keeps it
    assert built.status_code == 200
    polls = {
        "kept copy": {"Accept-Language": "en", "X-Request-ID": "poll-1"},
        "unchanged": {"If-None-Match": built.headers["ETag"], "X-Request-ID": "poll-2"},
        "not modified since": {"If-Modified-Since": built.headers["Last-Modified"]},
    }
    for name, headers in polls.items():
        with through_flask(app):
            flask = client.open(url, method=method, headers=headers)
        with before_flask(app, monkeypatch):
            fast = client.open(url, method=method, headers=headers)
        assert fast.status_code == (200 if name == "kept copy" else 304), name
        if "X-Request-ID" in headers:
            assert answer(fast) == answer(flask), name
        else:  # each invented its own request id, and nothing else differs
            assert fast.headers["X-Request-ID"] != flask.headers["X-Request-ID"]
            del fast.headers["X-Request-ID"], flask.headers["X-Request-ID"]
            assert answer(fast) == answer(flask), name
    assert fast.headers["Cache-Control"] == "no-store"
    assert fast.headers["Content-Security-Policy"]


def test_a_kept_200_from_the_fast_path_is_the_calendar(ambassador, app, client, monkeypatch):
    built = client.get(feed_url(ambassador))
    with before_flask(app, monkeypatch):
        kept = client.get(feed_url(ambassador))
    assert kept.data == built.data
    assert kept.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert int(kept.headers["Content-Length"]) == len(built.data)
    check_ics(kept.data)


def test_a_poll_before_anything_is_kept_goes_to_flask_which_builds_the_copy(ambassador, client):
    assert len(rendered.calendars) == 0
    response = client.get(feed_url(ambassador))
    assert response.status_code == 200
    assert rendered.calendars.get(response.headers["ETag"][3:-1]) == response.data


def test_a_fast_poll_is_one_statement_no_commit_and_no_request_context(
    ambassador, app, client, monkeypatch
):
    url = feed_url(ambassador)
    etag = client.get(url).headers["ETag"]
    commits = []
    listener = lambda _connection: commits.append(1)  # noqa: E731
    sa.event.listen(sa.engine.Engine, "commit", listener)
    try:
        with before_flask(app, monkeypatch):
            for headers in ({"If-None-Match": etag}, {}):
                with Statements() as statements:
                    response = client.get(url, headers=headers)
                assert response.status_code == (304 if headers else 200)
                assert len(statements.sent) == 1, statements.sent
                assert statements.commits == 0
    finally:
        sa.event.remove(sa.engine.Engine, "commit", listener)
    assert commits == []


def test_the_language_of_the_reader_is_part_of_the_etag_on_both_paths(
    ambassador, app, client, monkeypatch
):
    url = feed_url(ambassador)
    readers = {"en": "en-GB,en;q=0.9", "fa": "fa-IR,fa;q=0.9,en;q=0.5"}
    built = {
        language: client.get(url, headers={"Accept-Language": header})
        for language, header in readers.items()
    }
    assert built["en"].headers["ETag"] != built["fa"].headers["ETag"]
    for language, header in readers.items():
        with before_flask(app, monkeypatch):
            fast = client.get(url, headers={"Accept-Language": header})
        with through_flask(app):
            flask = client.get(url, headers={"Accept-Language": header})
        assert fast.headers["ETag"] == flask.headers["ETag"] == built[language].headers["ETag"]
        assert fast.data == flask.data == built[language].data


@pytest.mark.parametrize("change", ["revoked", "reissued", "disabled"])
def test_a_dead_link_is_404_though_its_calendar_is_kept(ambassador, app, client, change):
    old_url = feed_url(ambassador)
    etag = client.get(old_url).headers["ETag"]
    assert len(rendered.calendars) == 1
    if change == "disabled":
        ambassador.feed_enabled = False
        db.session.flush()
    elif change == "revoked":
        feeds.revoke_feed(db.session, ambassador)
    else:
        feeds.reissue_feed(db.session, ambassador)
    db.session.commit()
    for headers in ({}, {"If-None-Match": etag}):
        assert client.get(old_url, headers=headers).status_code == 404
    if change == "reissued":
        assert client.get(feed_url(ambassador)).status_code == 200


def test_a_staff_member_made_inactive_has_no_feed_though_it_is_kept(create_staff, client):
    viewer = create_staff(Role.VIEWER)
    url = feed_url(viewer)
    assert client.get(url).status_code == 200
    viewer.active = False
    db.session.commit()
    assert client.get(url).status_code == 404


def test_a_change_gives_a_new_etag_and_a_fresh_calendar_never_the_kept_one(
    demo_visit, ambassador, planner, app, client, monkeypatch
):
    url = feed_url(ambassador)
    before = client.get(url)
    stop = next(s for s in demo_visit.live_stops if ambassador in s.attendees)
    an_hour_later(stop, planner)
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.data != before.data
    assert "The castle, an hour later" in {e["summary"] for e in check_ics(after.data)["items"]}
    with before_flask(app, monkeypatch):  # the new version is kept and answered fast too
        assert client.get(url).data == after.data
        assert client.get(url, headers={"If-None-Match": after.headers["ETag"]}).status_code == 304


def test_a_stop_taken_off_someones_programme_leaves_the_fast_answer_and_the_kept_copy(
    demo_visit, ambassador, planner, app, client, monkeypatch
):
    url = feed_url(ambassador)
    before = client.get(url)  # built by Flask, kept
    stop = next(s for s in demo_visit.live_stops if ambassador in s.attendees)
    assert stop.calendar_uid in {e["uid"] for e in check_ics(before.data)["items"]}
    with before_flask(app, monkeypatch):
        assert client.get(url).data == before.data  # answered fast from the kept copy
    operations.update_stop(
        db.session,
        stop,
        acting=planner,
        expected_version=stop.version,
        attendees=[p for p in stop.attendees if p.id != ambassador.id],
    )
    db.session.commit()

    # The version rose, so the fast path neither says 304 nor answers the old kept copy.
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert stop.calendar_uid not in {e["uid"] for e in check_ics(after.data)["items"]}
    with before_flask(app, monkeypatch):  # the new copy is kept and answered fast
        fast = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
        assert (fast.status_code, fast.data) == (200, after.data)
        assert fast.headers["ETag"] == after.headers["ETag"]


@pytest.mark.parametrize(
    "unusual",
    [
        {"query_string": "fresh=1"},
        {"cookie": "someone"},
        {"method": "POST"},
        {"suffix": "/"},
        {"path": "/feeds/\u067e.ics"},
    ],
    ids=["query string", "cookie", "post", "trailing slash", "not ascii"],
)
def test_an_unusual_request_is_left_to_flask(ambassador, app, client, monkeypatch, unusual):
    url = unusual.pop("path", None) or feed_url(ambassador) + unusual.pop("suffix", "")
    client.get(feed_url(ambassador))  # kept
    if "cookie" in unusual:
        client.set_cookie("session", unusual.pop("cookie"))
    with before_flask(app, monkeypatch), pytest.raises(AssertionError, match="request context"):
        client.open(url, **unusual)


@pytest.mark.parametrize("setting, on", [(None, True), ("no", False), ("yes", True)])
def test_the_fast_path_is_on_unless_turned_off(databases, setting, on):
    overrides = {} if setting is None else {"FEED_FAST_PATH": setting}
    other = make_app(databases.database_url, **overrides)
    with other.app_context():
        db.engine.dispose()
    assert other.config["FEED_FAST_PATH"] is on


def test_a_fast_path_setting_that_is_neither_yes_nor_no_is_refused(databases):
    with pytest.raises(ConfigError, match="FEED_FAST_PATH"):
        make_app(databases.database_url, FEED_FAST_PATH="sometimes")


def test_a_fast_answer_carries_the_proxys_request_id_when_sane(
    ambassador, app, client, monkeypatch
):
    url = feed_url(ambassador)
    client.get(url)
    with before_flask(app, monkeypatch):
        given = client.get(url, headers={"X-Request-ID": "lb-7f3a.42"})
        insane = client.get(url, headers={"X-Request-ID": "two words"})
    assert given.headers["X-Request-ID"] == "lb-7f3a.42"
    assert re.fullmatch(r"[0-9a-f]{32}", insane.headers["X-Request-ID"])


def test_behind_a_proxy_the_fast_path_sees_what_the_proxy_fix_gives_the_app(databases):
    behind = make_app(databases.database_url, TRUSTED_PROXIES="1")
    with behind.app_context():
        db.engine.dispose()
    assert isinstance(behind.wsgi_app, ProxyFix)
    assert isinstance(behind.wsgi_app.app, FeedFastPath)


def test_a_database_error_on_the_fast_path_leaves_the_poll_to_flask(
    ambassador, app, client, monkeypatch
):
    url = feed_url(ambassador)
    etag = client.get(url).headers["ETag"]
    state = feeds.feed_state

    def failing_outside_the_session(where, *args):
        if isinstance(where, sa.Connection):  # the fast path's; the view passes its session
            raise sa.exc.OperationalError("SELECT", {}, Exception("server closed the connection"))
        return state(where, *args)

    monkeypatch.setattr(feeds, "feed_state", failing_outside_the_session)
    started = []
    with signals.request_started.connected_to(lambda sender, **_: started.append(sender), app):
        response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert started == [app]


def test_with_trusted_hosts_flask_checks_the_host_first(ambassador, app, client, monkeypatch):
    url = feed_url(ambassador)
    client.get(url)
    app.config["TRUSTED_HOSTS"] = ["pishvaz.office.example"]
    with before_flask(app, monkeypatch), pytest.raises(AssertionError, match="request context"):
        client.get(url, base_url="http://pishvaz.office.example")


@pytest.mark.committed  # the app on its engine: polls go over a thread's kept connection
@pytest.mark.parametrize("owner_kind", ["participant", "staff"])
def test_polls_on_a_kept_connection_are_flasks_answers_and_see_each_change_at_once(
    demo_visit, planner, create_staff, app, client, monkeypatch, owner_kind
):
    owner = demo_visit.head_of_delegation if owner_kind == "participant" else create_staff()
    db.session.commit()
    url = feed_url(owner)
    built = client.get(url)
    polls = [{"If-None-Match": built.headers["ETag"]}, {"Accept-Language": "en"}]
    for headers in polls:
        headers["X-Request-ID"] = "poll"
        with through_flask(app):
            flask = client.get(url, headers=headers)
        with before_flask(app, monkeypatch), Statements() as statements:
            fast = client.get(url, headers=headers)
            again = client.get(url, headers=headers)  # the same connection, reused
        assert answer(fast) == answer(flask) == answer(again)
        assert statements.count == 0  # not through SQLAlchemy's execution: the driver's own
    stop = next(s for s in demo_visit.live_stops if demo_visit.head_of_delegation in s.attendees)
    an_hour_later(stop, planner)
    # The committed change is seen by the next poll: not a 304, and not the kept copy.
    after = client.get(url, headers={"If-None-Match": built.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != built.headers["ETag"]
    assert "The castle, an hour later" in {e["summary"] for e in check_ics(after.data)["items"]}
    feeds.revoke_feed(db.session, owner)
    db.session.commit()
    assert client.get(url, headers={"If-None-Match": after.headers["ETag"]}).status_code == 404


@pytest.mark.committed
def test_a_broken_kept_connection_leaves_the_poll_to_flask_and_is_replaced(
    ambassador, app, client, monkeypatch
):
    url = feed_url(ambassador)
    etag = client.get(url).headers["ETag"]
    client.get(url, headers={"If-None-Match": etag})  # the thread's connection is open
    polls = app.wsgi_app._polls
    broken = polls.connection
    assert broken is not None

    def fail(*_args):
        raise PollConnection.Failed("server closed the connection")

    monkeypatch.setattr(broken, "execute", fail)
    started = []
    with signals.request_started.connected_to(lambda sender, **_: started.append(sender), app):
        response = client.get(url, headers={"If-None-Match": etag})
    assert (response.status_code, started) == (304, [app])
    with before_flask(app, monkeypatch):
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert polls.connection is not broken


@pytest.mark.committed
def test_after_the_pool_is_disposed_of_polls_open_a_new_connection(
    ambassador, app, client, monkeypatch
):
    url = feed_url(ambassador)
    etag = client.get(url).headers["ETag"]
    client.get(url, headers={"If-None-Match": etag})
    polls = app.wsgi_app._polls
    first = polls.connection
    db.session.close()  # its connection back to the pool first
    db.engine.dispose()  # after a fork, or a restore from a backup
    assert polls.connection is None  # this thread's closed with the pool's
    with before_flask(app, monkeypatch):
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert polls.connection is not first
    polls.drop()
