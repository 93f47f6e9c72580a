"""A password someone else chose is changed at the first sign-in: the demo administrator's
printed one, and the temporary one an administrator gives a new colleague."""

from planner.accounts.models import Role, user_by_email
from planner.cli import DEMO_ADMIN_EMAIL
from planner.extensions import db
from tests.conftest import PASSWORD

OWN_PASSWORD = "my own long passphrase"


def choose_password(client, current: str, new: str = OWN_PASSWORD):
    return client.post(
        "/profile/password",
        data={
            "password-current_password": current,
            "password-new_password": new,
            "password-confirm": new,
        },
    )


def test_the_demo_admin_must_choose_a_new_password_at_first_sign_in(runner, auth, client):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    printed = result.output.split("password:")[1].split()[0]
    assert auth.login(DEMO_ADMIN_EMAIL, printed).status_code == 302
    # Every page leads to the change of password, and nothing else opens.
    for url in ("/", "/people", "/users", "/profile"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.location == "/profile/password", url
    assert client.post("/users/new", data={}).location == "/profile/password"
    assert client.get("/", headers={"Accept": "application/json"}).status_code == 403
    page = client.get("/profile/password")
    assert page.status_code == 200
    assert "chosen by someone else" in page.text
    # The printed password is not accepted as the new one, nor is a common one.
    assert choose_password(client, printed, "password1234").status_code == 400
    response = choose_password(client, printed)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert not user_by_email(db.session, DEMO_ADMIN_EMAIL).must_change_password
    auth.logout()
    assert auth.login(DEMO_ADMIN_EMAIL, printed).status_code == 401
    assert auth.login(DEMO_ADMIN_EMAIL, OWN_PASSWORD).status_code == 302


def test_a_user_an_administrator_adds_chooses_their_own_password(client, signed_in, auth):
    signed_in(Role.ADMIN)
    temporary = "a temporary password"
    response = client.post(
        "/users/new",
        data={
            "email": "new@office.example",
            "name": "New Colleague",
            "role": "planner",
            "locale": "en",
            "active": "y",
            "password": temporary,
        },
    )
    assert response.status_code == 302, response.text
    auth.logout()
    auth.login("new@office.example", temporary)
    assert client.get("/").location == "/profile/password"
    assert choose_password(client, temporary).status_code == 302
    assert client.get("/").status_code == 200


def test_an_administrators_reset_is_temporary_but_their_own_new_password_is_not(
    client, signed_in, create_staff
):
    admin = signed_in(Role.ADMIN)
    planner = create_staff(Role.PLANNER)
    for user in (planner, admin):
        response = client.post(
            f"/users/{user.id}",
            data={
                "email": user.email,
                "name": user.name,
                "role": user.role.value,
                "locale": "en",
                "active": "y",
                "password": "a reset password here",
                "your_password": PASSWORD,
            },
        )
        assert response.status_code == 302, response.text
    db.session.expire_all()
    assert planner.must_change_password
    assert not admin.must_change_password
    assert client.get("/").status_code == 200


def test_users_create_makes_a_temporary_password_on_request(runner, auth, client):
    result = runner.invoke(
        args=["users", "create", "cli@office.example", "--name", "CLI", "--temporary"],
        input="a temporary password\n",
    )
    assert result.exit_code == 0, result.output
    auth.login("cli@office.example", "a temporary password")
    assert client.get("/").location == "/profile/password"
