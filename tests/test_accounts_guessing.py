"""Guessing passwords: failed sign-ins are counted per account and per address, an unknown
e-mail costs as much as a known one, and the most common passwords cannot be chosen."""

import os

import pytest
import redis

from planner.accounts import passwords
from planner.accounts.models import Role
from planner.accounts.operations import UserError, create_user
from planner.extensions import db, limiter
from tests.conftest import PASSWORD, make_app

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")


def attempt(client, email: str, password: str, address: str = "192.0.2.10"):
    return client.post(
        "/sign-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def fail_ten_times(client, email: str, address: str = "192.0.2.10") -> None:
    for number in range(10):
        response = attempt(client, email, f"guess number {number}", address)
        assert response.status_code == 401, number


@pytest.fixture
def planner(create_staff):
    return create_staff(Role.PLANNER)


def test_the_eleventh_wrong_password_waits_and_so_does_the_right_one(client, planner):
    fail_ten_times(client, planner.email)
    response = attempt(client, planner.email, "guess number 11")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins" in response.text
    right = attempt(client, planner.email, PASSWORD)
    assert right.status_code == 429
    assert "Retry-After" in right.headers


def test_the_count_is_per_account_whatever_the_address_and_however_typed(client, planner):
    for number in range(10):
        address = f"198.51.100.{number}"  # a guesser spreading over many addresses
        assert attempt(client, planner.email.upper(), "wrong password", address).status_code == 401
    assert attempt(client, f" {planner.email} ", PASSWORD, "203.0.113.5").status_code == 429


def test_other_accounts_and_right_passwords_are_not_counted(client, planner, create_staff):
    colleague = create_staff(Role.VIEWER)
    fail_ten_times(client, colleague.email)
    assert attempt(client, planner.email, PASSWORD).status_code == 302
    client.post("/sign-out")
    # Successful sign-ins cost nothing: a busy office signs in all day.
    for _ in range(12):
        assert attempt(client, planner.email, PASSWORD).status_code == 302
        client.post("/sign-out")


def test_an_address_gets_more_tries_across_accounts_but_not_unlimited(client, create_staff):
    for number in range(5):
        fail_ten_times(client, f"nobody{number}@office.example")
    response = attempt(client, "nobody9@office.example", "one more")
    assert response.status_code == 429  # 50 from one address, though on no single account
    assert attempt(client, "nobody9@office.example", "one more", "192.0.2.99").status_code == 401


def test_a_known_and_an_unknown_e_mail_both_check_a_password_hash(client, planner, monkeypatch):
    checked = []
    real_check = passwords.check_password_hash

    def spy(password_hash, password):
        checked.append(password)
        return real_check(password_hash, password)

    monkeypatch.setattr(passwords, "check_password_hash", spy)
    known = attempt(client, planner.email, "wrong for a known one")
    unknown = attempt(client, "nobody@office.example", "wrong for an unknown one")
    assert known.status_code == unknown.status_code == 401
    assert known.text.count("The e-mail or password is not right") == 1
    assert unknown.text.count("The e-mail or password is not right") == 1
    assert checked == ["wrong for a known one", "wrong for an unknown one"]


def test_a_disabled_account_checks_the_hash_too(client, planner, monkeypatch):
    planner.active = False
    db.session.commit()
    checked = []
    monkeypatch.setattr(passwords, "check_password_hash", lambda *args: checked.append(1) or True)
    assert attempt(client, planner.email, PASSWORD).status_code == 401
    assert checked == [1]


@pytest.fixture
def redis_storage(databases):
    """The limiter counting in Redis database 1, emptied before and after; then memory again."""
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError as error:
        if os.environ.get("PISHVAZ_NO_REDIS") == "1":
            pytest.skip(f"no Redis at {REDIS_URL} (PISHVAZ_NO_REDIS=1)")
        pytest.fail(
            f"Redis is not reachable at {REDIS_URL}: {error}; set PISHVAZ_NO_REDIS=1 to skip"
        )
    connection.flushdb()
    app = make_app(databases.database_url, RATELIMIT_STORAGE_URI=REDIS_URL)
    try:
        yield app, connection
    finally:
        connection.flushdb()
        connection.close()
        limiter.init_app(databases.app)  # one limiter serves every app: give it back


@pytest.mark.committed  # a second app, on its own connection
def test_failed_sign_ins_are_counted_in_redis_when_configured(redis_storage, create_staff):
    app, connection = redis_storage
    with app.app_context():
        email = create_staff(Role.PLANNER).email
        fail_ten_times(app.test_client(), email)
        # A second web server sharing the Redis sees the same count.
        other_server = app.test_client()
        assert attempt(other_server, email, PASSWORD, "192.0.2.77").status_code == 429
        db.session.remove()
        db.engine.dispose()
    assert connection.keys("*")


@pytest.mark.parametrize("password", ["1234567890", "Password123", "qwertyuiop", " iloveyou12 "])
def test_a_common_password_is_refused_everywhere(app, password):
    assert passwords.password_problem(password) is not None
    with pytest.raises(UserError, match="most common"):
        create_user(
            db.session, email="x@office.example", name="X", password=password, role=Role.VIEWER
        )


def test_a_short_password_is_refused_and_a_long_uncommon_one_is_taken(app):
    assert "at least 10" in passwords.password_problem("short one")
    assert passwords.password_problem(PASSWORD) is None


def test_the_pages_refuse_a_common_password(client, planner):
    client.post("/sign-in", data={"email": planner.email, "password": PASSWORD})
    response = client.post(
        "/profile",
        data={
            "form": "password",
            "password-current_password": PASSWORD,
            "password-new_password": "password1234",
            "password-confirm": "password1234",
        },
    )
    assert response.status_code == 400
    assert "most common" in response.text


def test_the_cli_refuses_a_common_password(runner):
    result = runner.invoke(
        args=["users", "create", "cli@office.example", "--name", "CLI"], input="qwerty123456\n"
    )
    assert result.exit_code != 0
    assert "most common" in result.output
