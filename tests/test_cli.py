"""`flask users create` for scripts and people, `flask demo load` for demonstrations, and
`flask db` for the migrations."""

import io
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from planner import ROOT, cli
from planner.accounts.models import Role, User, user_by_email
from planner.extensions import db
from planner.itinerary.models import VisitFindings
from planner.visits.models import Visit


def test_users_create_reads_the_password_from_standard_input(runner, auth):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Officer@Chamber.example",
            "--name",
            "Protocol Officer",
            "--role",
            "planner",
        ],
        input="a very good password\n",
    )
    assert result.exit_code == 0, result.output
    user = user_by_email(db.session, "officer@chamber.example")
    assert user.role == Role.PLANNER and user.name == "Protocol Officer"
    assert auth.login("officer@chamber.example", "a very good password").status_code == 302


def test_users_create_refuses_a_duplicate_and_a_short_password(runner, create_staff):
    existing = create_staff(Role.VIEWER)
    result = runner.invoke(
        args=["users", "create", existing.email, "--name", "X"], input="long enough password\n"
    )
    assert result.exit_code == 1
    assert "already exists" in result.output
    result = runner.invoke(
        args=["users", "create", "new@office.example", "--name", "X"], input="short\n"
    )
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_password_is_asked_twice(monkeypatch):
    answers = iter(["first password!", "first password!"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(answers))
    assert cli.read_password(Terminal()) == "first password!"

    answers = iter(["first password!", "another one!!"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(answers))
    with pytest.raises(cli.click.ClickException, match="differ"):
        cli.read_password(Terminal())


def test_demo_loads_once_and_prints_the_admin_password_once(runner, auth):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    visits = db.session.scalar(sa.select(sa.func.count(Visit.id)))
    assert visits >= 1
    password = result.output.split("password:")[1].split()[0]
    assert auth.login("admin@pishvaz.example", password).status_code == 302
    assert user_by_email(db.session, "admin@pishvaz.example").role == Role.ADMIN
    # Both demo visits are checked: the dashboard lists their planted mistakes at once.
    kept = db.session.scalars(sa.select(VisitFindings)).all()
    assert len(kept) == visits and all(row.findings for row in kept)

    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 1
    assert f"already holds {visits} visits" in again.output
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == visits
    assert "password:" not in again.output


def test_demo_load_if_empty_leaves_a_used_database_alone(runner, create_visit):
    create_visit(title="A real visit")
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0
    assert "Demo not loaded" in result.output
    titles = db.session.scalars(sa.select(Visit.title)).all()
    assert titles == ["A real visit"]


def test_flask_db_upgrade_builds_an_empty_database_to_the_newest_migration(tmp_path):
    """What `make run` does first: Flask-Migrate is loaded only by the command, not the app."""
    environment = dict(
        os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'new.sqlite3'}", SECRET_KEY="test"
    )

    def flask(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", *args],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    flask("db", "upgrade")
    assert "(head)" in flask("db", "current")
    assert "upgrade" in flask("db", "--help")
