"""The language of the pages: the browser's for a new account, the header's switcher, the
choice remembered on the user and, before sign-in, in a cookie."""

import re

import pytest

from planner.accounts.models import Role, user_by_email
from planner.extensions import db
from planner.i18n import LANGUAGE_COOKIE
from tests.conftest import PASSWORD

PERSIAN_BROWSER = {"Accept-Language": "fa-IR,fa;q=0.9,en;q=0.5"}
ENGLISH_BROWSER = {"Accept-Language": "en-GB,en;q=0.9"}


def page_language(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.text).group(1)


def locale_of(user) -> str | None:
    """The user's language as the requests left it in the database."""
    db.session.refresh(user)
    return user.locale


def sign_in(client, user, headers=None):
    return client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD}, headers=headers or {}
    )


def test_a_new_account_from_a_persian_browser_gets_persian_and_keeps_it(client, create_staff):
    user = create_staff(Role.PLANNER)
    assert locale_of(user) is None  # nobody chose for them
    assert sign_in(client, user, PERSIAN_BROWSER).status_code == 302
    assert locale_of(user) == "fa"
    # Remembered on the user: an English browser (another computer) still gets Persian.
    assert page_language(client.get("/visits", headers=ENGLISH_BROWSER)) == "fa"


def test_a_language_the_user_chose_is_not_overridden_by_the_browser(client, create_staff):
    user = create_staff(Role.PLANNER, locale="en")
    sign_in(client, user, PERSIAN_BROWSER)
    assert locale_of(user) == "en"
    assert page_language(client.get("/visits", headers=PERSIAN_BROWSER)) == "en"


def test_the_header_switcher_changes_the_language_and_it_is_remembered(client, signed_in):
    user = signed_in(Role.VIEWER)  # a viewer may choose their own language
    page = client.get("/visits?status=planned")
    assert page_language(page) == "en"
    switcher = re.search(r'<form class="language-switch.*?</form>', page.text, re.S).group(0)
    assert 'name="csrf_token"' in switcher
    assert 'name="next" value="/visits?status=planned"' in switcher
    assert 'value="fa" lang="fa"' in switcher and ">فارسی</button>" in switcher

    response = client.post("/language", data={"language": "fa", "next": "/visits?status=planned"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/visits?status=planned"
    assert locale_of(user) == "fa"
    again = client.get("/visits")
    assert page_language(again) == "fa" and 'dir="rtl"' in again.text
    assert 'value="fa" lang="fa" class="language-switch__choice" aria-pressed="true"' in again.text

    client.post("/language", data={"language": "en", "next": "/visits"})
    assert locale_of(user) == "en"
    assert page_language(client.get("/visits")) == "en"


def test_before_sign_in_the_choice_is_kept_in_a_cookie_and_taken_at_first_sign_in(
    client, create_staff
):
    page = client.get("/sign-in", headers=ENGLISH_BROWSER)
    assert page_language(page) == "en" and "language-switch" in page.text
    response = client.post(
        "/language", data={"language": "fa", "next": "/sign-in"}, headers=ENGLISH_BROWSER
    )
    assert response.headers["Location"] == "/sign-in"
    cookie = client.get_cookie(LANGUAGE_COOKIE)
    assert cookie.value == "fa" and cookie.http_only
    assert page_language(client.get("/sign-in", headers=ENGLISH_BROWSER)) == "fa"

    user = create_staff(Role.PLANNER)
    sign_in(client, user, ENGLISH_BROWSER)
    assert locale_of(user) == "fa"  # what they chose on the sign-in page, not the browser's


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", ""])
def test_the_switcher_goes_back_only_to_our_own_pages(client, signed_in, target):
    signed_in(Role.PLANNER)
    response = client.post("/language", data={"language": "fa", "next": target})
    assert response.headers["Location"] == "/"  # the visits, the home page


def test_a_language_we_do_not_have_is_refused_with_a_message(client, signed_in):
    user = signed_in(Role.PLANNER)
    response = client.post("/language", data={"language": "xx", "next": "/visits"})
    assert response.headers["Location"] == "/visits"
    assert locale_of(user) == "en"
    assert "Choose English or فارسی." in client.get("/visits").text
    assert client.get_cookie(LANGUAGE_COOKIE) is None


def test_the_switcher_needs_its_csrf_token(app, create_staff):
    app.config["WTF_CSRF_ENABLED"] = True  # the app fixture restores the test settings
    client = app.test_client()
    response = client.post("/language", data={"language": "fa", "next": "/sign-in"})
    assert response.status_code == 400
    assert client.get_cookie(LANGUAGE_COOKIE) is None


def test_an_administrator_leaves_a_new_account_to_its_browser_s_language(client, signed_in):
    signed_in(Role.ADMIN)
    form = client.get("/users/new").text
    assert "— Their browser&#39;s language —" in form or "— Their browser's language —" in form
    response = client.post(
        "/users/new",
        data={
            "email": "leila@office.example",
            "name": "Leila Amiri",
            "role": "planner",
            "locale": "",
            "password": "a long temporary passphrase 42",
            "your_password": PASSWORD,
            "active": "y",
        },
    )
    assert response.status_code == 302, response.text
    assert user_by_email(db.session, "leila@office.example").locale is None
