"""Sessions end: signing out or a new password closes every copy of the sign-in cookies,
and the cookies themselves stay on this site (SameSite, HttpOnly, 7 days at most)."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from planner.accounts.models import Role, user_for_session
from planner.config import ConfigError, cookie_settings
from planner.extensions import db
from tests.conftest import PASSWORD, Auth, make_app

NEW_PASSWORD = "a brand new passphrase"


def sign_in(client, user, *, remember: bool = False, password: str = PASSWORD):
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/sign-in", data=data)
    assert response.status_code == 302, response.text
    return response


def is_signed_in(client) -> bool:
    response = client.get("/")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.location.startswith("/sign-in")
    return response.status_code == 200


def copy_of(app, client, *names: str):
    """Another browser holding a copy of some of the client's cookies."""
    other = app.test_client()
    for name in names:
        other.set_cookie(name, client.get_cookie(name).value)
    return other


def change_password(client, current: str = PASSWORD, new: str = NEW_PASSWORD):
    return client.post(
        "/profile",
        data={
            "form": "password",
            "password-current_password": current,
            "password-new_password": new,
            "password-confirm": new,
        },
    )


@pytest.fixture
def planner(create_staff):
    return create_staff(Role.PLANNER)


def test_a_session_cookie_copied_before_sign_out_opens_nothing_after(app, client, planner):
    sign_in(client, planner)
    copied = copy_of(app, client, "session")
    assert is_signed_in(copied)
    client.post("/sign-out")
    assert not is_signed_in(copied)
    assert not is_signed_in(client)


def test_a_remember_me_cookie_copied_before_sign_out_opens_nothing_after(app, client, planner):
    sign_in(client, planner, remember=True)
    assert is_signed_in(copy_of(app, client, "remember_token"))
    copied = copy_of(app, client, "remember_token")
    client.post("/sign-out")
    assert not is_signed_in(copied)


def test_a_new_password_signs_out_the_other_browsers_but_not_this_one(app, client, planner):
    sign_in(client, planner)
    other_browser = app.test_client()
    sign_in(other_browser, planner)
    response = change_password(client)
    assert response.status_code == 302
    assert not is_signed_in(other_browser)
    assert is_signed_in(client)
    # The old password is gone, the new one opens.
    old = other_browser.post("/sign-in", data={"email": planner.email, "password": PASSWORD})
    assert old.status_code == 401
    sign_in(other_browser, planner, password=NEW_PASSWORD)


def test_a_new_password_renews_this_browsers_remember_me_cookie(app, client, planner):
    sign_in(client, planner, remember=True)
    before = copy_of(app, client, "remember_token")
    change_password(client)
    assert not is_signed_in(before)
    assert is_signed_in(copy_of(app, client, "remember_token"))


def test_a_wrong_current_password_ends_no_session(app, client, planner):
    sign_in(client, planner)
    other_browser = app.test_client()
    sign_in(other_browser, planner)
    assert change_password(client, current="not my password").status_code == 400
    assert is_signed_in(other_browser)


def test_an_administrators_password_reset_signs_the_user_out(app, client, planner, create_staff):
    users_browser = app.test_client()
    sign_in(users_browser, planner)
    sign_in(client, create_staff(Role.ADMIN))
    response = client.post(
        f"/users/{planner.id}",
        data={
            "email": planner.email,
            "name": planner.name,
            "role": "planner",
            "locale": "en",
            "active": "y",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert not is_signed_in(users_browser)
    assert is_signed_in(client)


def test_an_administrator_resetting_their_own_password_stays_signed_in(client, create_staff):
    admin = create_staff(Role.ADMIN)
    sign_in(client, admin)
    response = client.post(
        f"/users/{admin.id}",
        data={
            "email": admin.email,
            "name": admin.name,
            "role": "admin",
            "locale": "en",
            "active": "y",
            "password": NEW_PASSWORD,
            "your_password": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert is_signed_in(client)


def test_an_api_token_outlives_a_sign_out(client, planner, api_as):
    sign_in(client, planner)
    api = api_as(user=planner)
    client.post("/sign-out")
    response = api.get("/api/v1/me")
    assert response.status_code == 200, response.json
    assert response.json["id"] == planner.id


def test_a_session_from_before_generations_or_a_made_up_one_names_nobody(app, planner):
    assert user_for_session(db.session, f"{planner.id}:1") == planner
    for session_id in (str(planner.id), f"{planner.id}:2", f"{planner.id}:", ":1", "x:1"):
        assert user_for_session(db.session, session_id) is None, session_id
    assert user_for_session(db.session, f"{2**63}:1") is None


def set_cookies(response) -> dict[str, str]:
    """{cookie name: its whole Set-Cookie header}."""
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def attributes(header: str) -> dict[str, str]:
    parts = [part.strip() for part in header.split(";")[1:]]
    return {name.lower(): value for name, _, value in (part.partition("=") for part in parts)}


def test_the_sign_in_cookies_are_lax_http_only_and_remembered_for_7_days(client, planner):
    response = sign_in(client, planner, remember=True)
    cookies = set_cookies(response)
    for name in ("session", "remember_token"):
        cookie = attributes(cookies[name])
        assert cookie["samesite"] == "Lax", name
        assert "httponly" in cookie, name
        assert "secure" not in cookie, name  # BASE_URL is http in tests
    expires = parsedate_to_datetime(attributes(cookies["remember_token"])["expires"])
    # SESSION_MAX_HOURS: no session outlives it, so neither does the cookie.
    assert abs(expires - (datetime.now(UTC) + timedelta(days=7))) < timedelta(minutes=5)


@pytest.mark.committed  # the https app is another app, on another connection
def test_the_cookies_are_secure_when_the_site_is_served_over_https(database_url, create_staff):
    app = make_app(database_url, BASE_URL="https://protocol.lorestan.example")
    with app.app_context():
        user = create_staff(Role.VIEWER)
        response = sign_in(app.test_client(), user, remember=True)
        db.session.remove()
        db.engine.dispose()
    for header in set_cookies(response).values():
        assert "secure" in attributes(header)


@pytest.mark.parametrize(
    ("base_url", "setting", "secure"),
    [
        ("https://protocol.example", "", True),
        ("http://127.0.0.1:5000", "", False),
        ("http://127.0.0.1:5000", "yes", True),  # behind a proxy that terminates TLS
        ("https://protocol.example", "no", False),
        ("https://protocol.example", False, False),
        ("https://protocol.example", None, True),
    ],
)
def test_cookie_secure_follows_base_url_unless_told(base_url, setting, secure):
    settings = cookie_settings({"BASE_URL": base_url, "COOKIE_SECURE": setting})
    assert settings["SESSION_COOKIE_SECURE"] is secure
    assert settings["REMEMBER_COOKIE_SECURE"] is secure


def test_cookie_secure_refuses_a_word_it_does_not_know():
    with pytest.raises(ConfigError, match="COOKIE_SECURE"):
        cookie_settings({"BASE_URL": "https://protocol.example", "COOKIE_SECURE": "maybe"})


def test_a_cookie_copied_before_sign_out_everywhere_opens_nothing_after(app, client, planner):
    sign_in(client, planner, remember=True)
    copied_session = copy_of(app, client, "session")
    copied_remember = copy_of(app, client, "remember_token")
    elsewhere = app.test_client()
    sign_in(elsewhere, planner)
    response = client.post("/profile/sign-out-everywhere")
    assert response.status_code == 302
    assert not is_signed_in(copied_session)
    assert not is_signed_in(copied_remember)
    assert not is_signed_in(elsewhere)
    assert is_signed_in(client)  # the browser that asked goes on


def test_a_cookie_copied_before_an_administrator_ends_the_sessions_opens_nothing_after(
    app, client, planner, create_staff
):
    users_browser = app.test_client()
    sign_in(users_browser, planner, remember=True)
    copied_session = copy_of(app, users_browser, "session")
    copied_remember = copy_of(app, users_browser, "remember_token")
    sign_in(client, create_staff(Role.ADMIN))
    response = client.post(f"/users/{planner.id}/end-sessions")
    assert response.status_code == 302
    for browser in (users_browser, copied_session, copied_remember):
        assert not is_signed_in(browser)
    assert is_signed_in(client)
    sign_in(users_browser, planner)  # their password still opens


def test_only_an_administrator_ends_someone_elses_sessions(app, client, planner, create_staff):
    users_browser = app.test_client()
    sign_in(users_browser, planner)
    sign_in(client, create_staff(Role.PLANNER))
    assert client.post(f"/users/{planner.id}/end-sessions").status_code == 403
    assert is_signed_in(users_browser)


SIGNED_IN_AT = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)


def test_a_session_idle_past_the_timeout_is_sent_to_sign_in(client, planner, frozen_clock):
    frozen_clock(SIGNED_IN_AT)
    sign_in(client, planner)
    frozen_clock(SIGNED_IN_AT + timedelta(hours=7, minutes=59))
    assert is_signed_in(client)  # used: the idle time starts again
    frozen_clock(SIGNED_IN_AT + timedelta(hours=15, minutes=58))
    assert is_signed_in(client)
    frozen_clock(SIGNED_IN_AT + timedelta(hours=24))
    response = client.get("/visits/")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=/visits/")
    page = client.get(response.location)
    assert "not used for a while" in page.text
    assert not is_signed_in(client)


def test_keep_me_signed_in_outlasts_the_idle_timeout_but_not_the_lifetime(
    app, client, planner, frozen_clock
):
    frozen_clock(SIGNED_IN_AT)
    sign_in(client, planner, remember=True)
    frozen_clock(SIGNED_IN_AT + timedelta(days=3))
    assert is_signed_in(client)
    # A copy of the remember-me cookie alone, taken on day one, revives nothing after 7 days.
    copied = copy_of(app, client, "remember_token")
    frozen_clock(SIGNED_IN_AT + timedelta(days=7, minutes=1))
    assert not is_signed_in(copied)
    response = client.get("/")
    assert response.status_code == 302
    assert "reached its time limit" in client.get(response.location).text
    assert not is_signed_in(client)


def test_renewing_a_session_does_not_lengthen_its_life(client, planner, frozen_clock):
    frozen_clock(SIGNED_IN_AT)
    sign_in(client, planner, remember=True)
    frozen_clock(SIGNED_IN_AT + timedelta(days=6))
    client.post("/profile/sign-out-everywhere")
    assert is_signed_in(client)
    frozen_clock(SIGNED_IN_AT + timedelta(days=7, minutes=1))
    assert not is_signed_in(client)


def test_the_timeouts_are_settings(database_url):
    with pytest.raises(ConfigError, match="SESSION_IDLE_MINUTES"):
        make_app(database_url, SESSION_IDLE_MINUTES="0")
    settings = cookie_settings({"BASE_URL": "http://x", "SESSION_MAX_HOURS": 24})
    assert settings["REMEMBER_COOKIE_DURATION"] == timedelta(hours=24)


def change_email(client, email: str, current_password: str = ""):
    return client.post(
        "/profile",
        data={
            "form": "profile",
            "profile-name": "Planner",
            "profile-email": email,
            "profile-locale": "en",
            "profile-current_password": current_password,
        },
    )


def test_changing_ones_own_e_mail_needs_the_password(client, planner):
    sign_in(client, planner)
    assert change_email(client, "new@office.example").status_code == 400
    assert change_email(client, "new@office.example", "not my password").status_code == 400
    db.session.expire_all()
    assert planner.email != "new@office.example"
    assert change_email(client, "new@office.example", PASSWORD).status_code == 302
    db.session.expire_all()
    assert planner.email == "new@office.example"


def test_a_new_password_needs_the_current_one(app, client, planner):
    sign_in(client, planner)
    assert change_password(client, current="").status_code == 400
    sign_in(app.test_client(), planner, password=PASSWORD)  # still the old password


def edit_as_admin(client, user, **changes):
    data = {
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "locale": "en",
        "active": "y",
    }
    data.update(changes)
    return client.post(f"/users/{user.id}", data=data)


def test_an_administrator_types_their_password_to_change_a_role(client, planner, create_staff):
    sign_in(client, create_staff(Role.ADMIN))
    assert edit_as_admin(client, planner, role="admin").status_code == 400
    assert (
        edit_as_admin(client, planner, role="admin", your_password="wrong one").status_code == 400
    )
    db.session.expire_all()
    assert planner.role == Role.PLANNER
    # A change of name alone needs no password.
    assert edit_as_admin(client, planner, name="Renamed").status_code == 302
    response = edit_as_admin(client, planner, role="admin", your_password=PASSWORD)
    assert response.status_code == 302
    db.session.expire_all()
    assert planner.role == Role.ADMIN


def test_the_kept_navigation_follows_the_reader_the_page_and_the_language(
    app, client, auth, create_staff
):
    """The navigation is drawn once per reader as they are, page and language, and kept."""
    editor = create_staff(Role.PLANNER, name="Leila Editor")
    assert auth.login(editor).status_code == 302

    def nav(path: str) -> str:
        return client.get(path).text.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]

    assert "<bdi>Leila Editor</bdi>" in nav("/dashboard")
    editor.name = "Leila Renamed"
    db.session.commit()
    assert "<bdi>Leila Renamed</bdi>" in nav("/dashboard")
    assert 'href="/users"' not in nav("/dashboard")
    editor.role = Role.ADMIN
    db.session.commit()
    assert 'href="/users"' in nav("/dashboard")  # an administrator's links
    current = 'href="/profile"\n                   aria-current="page"'
    assert current in nav("/profile") and current not in nav("/users")
    editor.locale = "fa"
    db.session.commit()
    assert "پیشخوان" in nav("/dashboard") and ">Dashboard<" not in nav("/dashboard")
    # Another reader's session: their own name and CSRF token in the sign-out form.
    other = app.test_client()
    assert Auth(other).login(create_staff(Role.VIEWER, name="Omid Viewer")).status_code == 302
    theirs = other.get("/dashboard").text
    assert "Omid Viewer" in theirs and "Leila" not in theirs
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    assert token.findall(theirs) != token.findall(client.get("/dashboard").text)
