"""`flask backup` then `flask restore` into an empty database: the same rows in every table
and the same documents, byte for byte, on the database the suite runs on.

These tests commit for real into databases of their own (SQLite files, or PostgreSQL
databases created on the server of TEST_DATABASE_URL and dropped afterwards): a backup
is read by another process (pg_dump), and a restore needs an empty database.
"""

import json
import os
import secrets
import stat
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from planner import backups
from planner.accounts.models import Role, user_by_email
from planner.accounts.operations import create_user
from planner.config import normalise_database_url
from planner.extensions import db
from planner.outcomes.documents import PDF, PNG, add_document, document_storage
from planner.outcomes.models import Outcome, OutcomeDocument
from tests.conftest import PASSWORD, make_app, migrate_database
from tests.test_outcomes_documents import MEMORANDUM
from tests.test_outcomes_documents import PNG as PHOTO


@pytest.fixture
def new_database(database_url, tmp_path):
    """new_database() -> the URL of a database that does not hold anything yet."""
    if database_url.startswith("sqlite"):
        names = iter(range(1, 100))
        yield lambda: f"sqlite:///{tmp_path / f'database-{next(names)}.sqlite3'}"
        return
    server = sa.make_url(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    created = []

    def _create() -> str:
        name = f"backups_{secrets.token_hex(4)}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return server.set(database=name).render_as_string(hide_password=False)

    yield _create
    with admin.connect() as connection:
        for name in created:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def office_app(url: str, documents_folder: Path, storage: str):
    return make_app(url, DOCUMENTS_FOLDER=str(documents_folder), DOCUMENTS_STORAGE=storage)


def head_revision() -> str:
    """The newest migration: what a database the suite migrated stands at."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def every_row(url: str) -> dict[str, list[tuple]]:
    """Each table's rows, in a stable order: what a restore must give back exactly."""
    engine = sa.create_engine(normalise_database_url(url))
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                # Sorted here: JSON columns have no order in PostgreSQL.
                name: sorted((tuple(row) for row in connection.execute(sa.select(table))), key=repr)
                for name, table in metadata.tables.items()
            }
    finally:
        engine.dispose()


def documents_of(app) -> dict[str, bytes]:
    """Every document's bytes as the app serves them, by stored name."""
    with app.app_context():
        storage = document_storage(app.config)
        found = {}
        for document in db.session.scalars(sa.select(OutcomeDocument)):
            file = storage.open(db.session, document)
            assert file is not None, f"{document.filename} has no bytes"
            source = file.source
            found[document.stored_name] = (
                source.read_bytes() if isinstance(source, Path) else source.read()
            )
        db.session.remove()
        return found


def office_with_documents(url: str, folder: Path, storage: str):
    """The demo visit, a planner, and two documents attached to the demo's first outcome."""
    migrate_database(url, with_demo=True)
    app = office_app(url, folder, storage)
    with app.app_context():
        planner = create_user(
            db.session,
            email="planner@office.example",
            name="Planner",
            password=PASSWORD,
            role=Role.PLANNER,
        )
        outcome = db.session.scalars(sa.select(Outcome).order_by(Outcome.id)).first()
        assert outcome is not None, "the demo has outcomes"
        for name, content, kind in [("memo.pdf", MEMORANDUM, PDF), ("photo.png", PHOTO, PNG)]:
            add_document(
                db.session,
                outcome,
                acting=planner,
                filename=name,
                content=content,
                kind=kind,
                storage=document_storage(app.config),
            )
        db.session.commit()
        db.session.remove()
    return app


@pytest.mark.parametrize(
    ("storage", "target"),
    [
        ("folder", "migrated"),  # `flask db upgrade` was run: empty tables
        ("database", "blank"),  # nothing at all yet
    ],
)
def test_a_backup_restored_into_an_empty_database_gives_the_same_rows_and_documents(
    new_database, tmp_path, storage, target
):
    source_url = new_database()
    source = office_with_documents(source_url, tmp_path / "documents", storage)
    result = source.test_cli_runner().invoke(args=["backup", "--to", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    [backup_file] = backups.backups_in(tmp_path / "backups")
    assert f"Backed up to {backup_file}" in result.output

    target_url = new_database()
    if target == "migrated":
        migrate_database(target_url)
    restored = office_app(target_url, tmp_path / "restored-documents", storage)
    result = restored.test_cli_runner().invoke(args=["restore", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert "Restored the backup of" in result.output

    assert every_row(target_url) == every_row(source_url)
    kept = documents_of(restored)
    assert kept == documents_of(source)
    assert sorted(kept.values()) == sorted([MEMORANDUM, PHOTO])
    with restored.app_context():  # the restored office works: its planner signs in
        assert user_by_email(db.session, "planner@office.example").check_password(PASSWORD)
        db.session.remove()
    for app in (source, restored):
        with app.app_context():
            db.engine.dispose()


def test_the_manifest_says_what_the_backup_holds(new_database, tmp_path):
    url = new_database()
    app = office_with_documents(url, tmp_path / "documents", "folder")

    path = backups.backup(app, tmp_path / "backups")

    with tarfile.open(path) as archive:
        names = set(archive.getnames())
        manifest = backups.Manifest(**json.load(archive.extractfile("manifest.json")))
    with app.app_context():
        stored = set(db.session.scalars(sa.select(OutcomeDocument.stored_name)))
        dialect = db.engine.dialect.name
        db.session.remove()
        db.engine.dispose()
    dump = backups.SQLITE_COPY if dialect == "sqlite" else backups.POSTGRESQL_DUMP
    assert names == {"manifest.json", dump} | {f"documents/{name}" for name in stored}
    assert manifest.database == dialect and manifest.format == backups.FORMAT
    assert manifest.revision == head_revision()
    assert manifest.document_files == 2 and manifest.documents_storage == "folder"
    assert manifest.tables["outcome_documents"] == 2
    assert manifest.tables == {
        name: len(rows) for name, rows in every_row(url).items() if name != "alembic_version"
    }


def test_a_backup_is_readable_by_its_owner_only(new_database, tmp_path):
    """It holds every person's details and every password hash, whatever the umask."""
    url = new_database()
    migrate_database(url)
    app = office_app(url, tmp_path / "documents", "folder")
    previous = os.umask(0o022)
    try:
        path = backups.backup(app, tmp_path / "backups")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with app.app_context():
        db.engine.dispose()


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(new_database, tmp_path):
    url = new_database()
    app = office_with_documents(url, tmp_path / "documents", "database")
    path = backups.backup(app, tmp_path / "backups")
    before = every_row(url)

    result = app.test_cli_runner().invoke(args=["restore", str(path)])

    assert result.exit_code == 1
    assert "The database already holds data" in result.output
    assert "a backup is restored only into an empty database" in result.output
    assert every_row(url) == before
    with app.app_context():
        db.engine.dispose()


def test_backup_keeps_the_newest_copies_only(new_database, tmp_path):
    url = new_database()
    migrate_database(url)
    app = office_app(url, tmp_path / "documents", "folder")
    folder = tmp_path / "backups"
    taken = [backups.backup(app, folder, keep=2) for _ in range(3)]

    assert backups.backups_in(folder) == taken[1:]
    result = app.test_cli_runner().invoke(args=["backup", "--to", str(folder), "--keep", "1"])
    assert result.exit_code == 0, result.output
    assert len(backups.backups_in(folder)) == 1
    assert not taken[2].exists()
