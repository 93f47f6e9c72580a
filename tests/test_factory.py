"""The application factory finds its folders and reads its settings safely."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from planner import ROOT, create_app
from planner.accounts.passwords import hash_password, password_matches
from planner.calendars import rendered
from planner.config import (
    ConfigError,
    from_environment,
    instance_secret_key,
    normalise_database_url,
)
from planner.extensions import db


def test_templates_static_and_instance_are_found_at_the_top_level(app):
    assert Path(app.instance_path) == ROOT / "instance"
    assert (Path(app.root_path) / app.template_folder).resolve() == ROOT / "templates"
    assert Path(app.static_folder).resolve() == ROOT / "static"
    assert app.jinja_env.get_template("base.html").filename.startswith(str(ROOT / "templates"))


def test_default_database_is_sqlite_in_the_instance_folder(database_url):
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": None})
    expected = "sqlite:///" + str(ROOT / "instance" / "pishvaz.sqlite3")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == expected


def test_environment_overrides_defaults():
    settings = from_environment(
        {"DATABASE_URL": "postgres://u@h/db", "OFFICE_TIMEZONE": "Asia/Almaty"}
    )
    assert settings == {"DATABASE_URL": "postgres://u@h/db", "OFFICE_TIMEZONE": "Asia/Almaty"}
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_unknown_office_time_zone_is_refused(database_url):
    with pytest.raises(ConfigError, match="GMT\\+3"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "OFFICE_TIMEZONE": "GMT+3"})


def test_passwords_are_hashed_with_scrypt_unless_configured(database_url):
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x"})
    with app.app_context():
        stored = hash_password("a long passphrase of mine")
    assert stored.startswith("scrypt:")
    assert password_matches(stored, "a long passphrase of mine")
    with pytest.raises(ConfigError, match="PASSWORD_HASH_METHOD"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "PASSWORD_HASH_METHOD": "md5"})


def test_secret_key_is_generated_once_private_and_stable(tmp_path):
    first = instance_secret_key(str(tmp_path))
    second = instance_secret_key(str(tmp_path))
    assert first == second and len(first) >= 64
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_sqlite_runs_with_foreign_keys_wal_and_busy_timeout(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/pragmas.sqlite3", "SECRET_KEY": "x"})
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA busy_timeout")).scalar() == 5000
    with app.app_context():
        db.engine.dispose()


# What a web worker does not load until something asks for it: the Excel export, Alembic
# (and the Mako and Pygments it brings) until a migration, the queue (Huey, redis, and the
# psycopg that Huey's storage imports) until a letter or /healthz, and psycopg at all on
# SQLite. Each is megabytes in every worker.
NOT_LOADED_AT_START = (
    "openpyxl",
    "flask_migrate",
    "alembic",
    "mako",
    "pygments",
    "huey",
    "redis",
    "psycopg",
)


def test_a_web_worker_on_sqlite_starts_without_the_export_migrations_queue_or_psycopg(
    tmp_path,
):
    script = (
        "import sys\n"
        "import app\n"
        f"print(' '.join(name for name in {NOT_LOADED_AT_START!r} if name in sys.modules))\n"
    )
    environment = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL",)}
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}", SECRET_KEY="test-secret"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert loaded == []


def test_feed_cache_mb_sizes_each_workers_kept_calendars(database_url):
    try:
        create_app({"SECRET_KEY": "x", "DATABASE_URL": database_url, "FEED_CACHE_MB": "1"})
        rendered.calendars.put("small", b"x" * 600_000)
        rendered.calendars.put("second", b"x" * 600_000)  # over 1 MB together: the first goes
        rendered.calendars.put("too big", b"x" * 1_100_000)  # over 1 MB alone: never kept
        assert rendered.calendars.get("small") is None
        assert rendered.calendars.get("second") is not None
        assert rendered.calendars.get("too big") is None
    finally:
        rendered.calendars.clear()
        rendered.calendars.limit(rendered.MAX_BYTES)


def test_feed_cache_mb_must_be_a_whole_number(database_url):
    with pytest.raises(ConfigError, match="FEED_CACHE_MB"):
        create_app({"SECRET_KEY": "x", "DATABASE_URL": database_url, "FEED_CACHE_MB": "lots"})
