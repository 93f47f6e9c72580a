"""Backups: one file holding a consistent copy of the database and the documents, and the
way back from it. `flask backup`, `flask restore` and the worker's nightly job call these.

A backup is `pishvaz-backup-<UTC time>.tar.gz` holding
- manifest.json: the format, the database kind, its Alembic revision, the time, and how
  many rows each table held, all read from the copy itself;
- database.sqlite3 (SQLite's online backup API: a consistent copy while the app runs) or
  database.dump (`pg_dump --format=custom`, taken in the snapshot the counts were read in);
- documents/<stored name>: the files of the documents the copy lists, when documents are
  kept in a folder (DOCUMENTS_STORAGE=folder). Kept in the database, they are in the copy.

Neither needs an application context: the settings are enough.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa

from planner.clock import utc_now

FORMAT = 1
PREFIX = "pishvaz-backup-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
SQLITE_COPY = "database.sqlite3"
POSTGRESQL_DUMP = "database.dump"
DOCUMENTS = "documents"


class BackupError(Exception):
    """A backup that cannot be taken or restored, with a message for the operator."""


@dataclass(frozen=True)
class Manifest:
    format: int
    database: str  # "sqlite" or "postgresql"
    revision: str | None  # Alembic's, so that a restore knows which migrations it holds
    taken_at: str  # ISO 8601, UTC
    tables: dict[str, int]  # rows per table
    documents_storage: str  # "folder" or "database"
    document_files: int  # files under documents/ (0 when documents are in the database)


def settings_of(app_or_config) -> Mapping:
    """The Flask app's config, or a config mapping as it is."""
    return getattr(app_or_config, "config", app_or_config)


def backup(app_or_config, destination_dir, keep: int = 7) -> Path:
    """Write a backup of the configured database (and documents) into `destination_dir`,
    delete all but the newest `keep` backups there, and return the new file's path.

    `app_or_config` is the Flask app or its config (SQLALCHEMY_DATABASE_URI,
    DOCUMENTS_STORAGE, DOCUMENTS_FOLDER). Raises BackupError when the copy cannot be taken.
    """
    if keep < 1:
        raise BackupError("keep at least one backup")
    config = settings_of(app_or_config)
    url = sa.make_url(config["SQLALCHEMY_DATABASE_URI"])
    destination = Path(destination_dir)
    # A backup holds everyone's data and password hashes: for its owner's eyes only.
    destination.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = utc_now()
    target = destination / f"{PREFIX}{now:%Y%m%dT%H%M%S.%f}Z{SUFFIX}"
    with tempfile.TemporaryDirectory(prefix="pishvaz-backup-") as work:
        folder = Path(work)
        if url.get_backend_name() == "sqlite":
            tables, revision, stored_names = _copy_sqlite(url, folder / SQLITE_COPY)
        elif url.get_backend_name() == "postgresql":
            tables, revision, stored_names = _dump_postgresql(url, folder / POSTGRESQL_DUMP)
        else:
            raise BackupError(f"cannot back up a {url.get_backend_name()} database")
        files = []
        if config["DOCUMENTS_STORAGE"] == "folder":
            # The files of the documents the copy lists; one deleted since is left out.
            files = [
                path
                for name in stored_names
                if (path := Path(config["DOCUMENTS_FOLDER"]) / name).is_file()
            ]
        manifest = Manifest(
            format=FORMAT,
            database=url.get_backend_name(),
            revision=revision,
            taken_at=now.isoformat(),
            tables=tables,
            documents_storage=config["DOCUMENTS_STORAGE"],
            document_files=len(files),
        )
        (folder / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2, sort_keys=True))
        partial = target.with_name(f".{target.name}.partial")
        partial.touch(mode=0o600)  # the archive is written into it, keeping the mode
        try:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(folder / MANIFEST, MANIFEST)
                for name in (SQLITE_COPY, POSTGRESQL_DUMP):
                    if (folder / name).exists():
                        archive.add(folder / name, name)
                for path in files:
                    archive.add(path, f"{DOCUMENTS}/{path.name}")
            os.replace(partial, target)  # a backup is whole or absent
        finally:
            partial.unlink(missing_ok=True)
    prune(destination, keep)
    return target


def backups_in(folder) -> list[Path]:
    """The backups in a folder, oldest first (their names sort by the time they were taken)."""
    return sorted(Path(folder).glob(f"{PREFIX}*{SUFFIX}"))


def prune(folder, keep: int) -> None:
    for old in backups_in(folder)[:-keep]:
        old.unlink()


def restore(path, app_or_config) -> Manifest:
    """Read a backup into the configured database, which must be empty, and its documents
    into DOCUMENTS_FOLDER. Raises BackupError, having changed nothing, when the database
    holds data or the backup is not of this kind of database; checks the rows it restored.
    """
    config = settings_of(app_or_config)
    url = sa.make_url(config["SQLALCHEMY_DATABASE_URI"])
    with tempfile.TemporaryDirectory(prefix="pishvaz-restore-") as work:
        folder = Path(work)
        try:
            with tarfile.open(path, "r:gz") as archive:
                archive.extractall(folder, filter="data")
            manifest = Manifest(**json.loads((folder / MANIFEST).read_text()))
        except (OSError, tarfile.TarError, ValueError, TypeError) as error:
            raise BackupError(f"{path} is not a Pishvaz backup: {error}") from error
        if manifest.format != FORMAT:
            raise BackupError(f"{path} is a backup of format {manifest.format}, not {FORMAT}")
        if manifest.database != url.get_backend_name():
            raise BackupError(
                f"{path} is a backup of a {manifest.database} database; "
                f"the configured database is {url.get_backend_name()}"
            )
        if manifest.document_files and config["DOCUMENTS_STORAGE"] != "folder":
            raise BackupError(
                f"{path} keeps its documents as files: restore it with DOCUMENTS_STORAGE=folder"
            )
        engine = sa.create_engine(url)
        try:
            with engine.connect() as connection:
                existing = row_counts(connection)
        finally:
            engine.dispose()
        if held := {table: rows for table, rows in existing.items() if rows}:
            listed = ", ".join(f"{rows} in {table}" for table, rows in sorted(held.items()))
            raise BackupError(
                f"The database already holds data ({listed}): a backup is restored only "
                "into an empty database. Create a new database, or empty this one, first."
            )
        if manifest.database == "sqlite":
            _restore_sqlite(folder / SQLITE_COPY, url)
        else:
            _restore_postgresql(folder / POSTGRESQL_DUMP, url, clean=bool(existing))
        documents = folder / DOCUMENTS
        if documents.is_dir():
            target = Path(config["DOCUMENTS_FOLDER"])
            target.mkdir(parents=True, exist_ok=True)
            for file in documents.iterdir():
                shutil.copyfile(file, target / file.name)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            restored = row_counts(connection)
    finally:
        engine.dispose()
    if restored != manifest.tables:
        raise BackupError(
            f"the restored rows {restored} differ from the backup's {manifest.tables}"
        )
    return manifest


def row_counts(connection) -> dict[str, int]:
    """Rows per table of the database's own schema, Alembic's table left out."""
    names = sorted(set(sa.inspect(connection).get_table_names()) - {"alembic_version"})
    return {
        name: connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
        for name in names
    }


def _revision(connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


def _stored_names(connection) -> list[str]:
    if not sa.inspect(connection).has_table("outcome_documents"):
        return []
    names = connection.scalars(sa.text("SELECT stored_name FROM outcome_documents"))
    # Ours are random hex and an extension; anything else is no path to follow.
    return [name for name in names if re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", name)]


def _read_copy(url) -> tuple[dict[str, int], str | None, list[str]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return row_counts(connection), _revision(connection), _stored_names(connection)
    finally:
        engine.dispose()


# --- SQLite -----------------------------------------------------------------------------


def sqlite_path(url: sa.URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up or restore into")
    return url.database


def _copy_sqlite(url: sa.URL, copy: Path):
    if not Path(sqlite_path(url)).is_file():
        raise BackupError(f"there is no database at {sqlite_path(url)}")
    source = sqlite3.connect(sqlite_path(url))
    target = sqlite3.connect(copy)
    try:
        source.backup(target)  # page by page, consistent even while the app writes
    finally:
        target.close()
        source.close()
    return _read_copy(sa.make_url(f"sqlite:///{copy}"))


def _restore_sqlite(copy: Path, url: sa.URL) -> None:
    source = sqlite3.connect(copy)
    target = sqlite3.connect(sqlite_path(url))
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


# --- PostgreSQL -------------------------------------------------------------------------


def libpq(url: sa.URL) -> tuple[str, dict[str, str]]:
    """The URL as pg_dump reads it, and its environment: the password never on a command line."""
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    address = url.set(drivername="postgresql", password=None)
    return address.render_as_string(hide_password=False), environment


def pg_tool(name: str, server_major: int) -> str:
    """pg_dump or pg_restore of the server's major version (an older one cannot read it)."""
    candidates = [f"/usr/lib/postgresql/{server_major}/bin/{name}", shutil.which(name)]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            version = subprocess.run(  # noqa: S603 (a PostgreSQL tool found above, no shell)
                [candidate, "--version"], capture_output=True, text=True, check=True
            ).stdout
            if (found := re.search(r"(\d+)", version)) and int(found.group(1)) >= server_major:
                return candidate
    raise BackupError(f"no {name} of PostgreSQL {server_major} or newer on this machine")


def _server_major(connection) -> int:
    return int(connection.scalar(sa.text("SHOW server_version_num"))) // 10000


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=environment)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def _dump_postgresql(url: sa.URL, dump: Path):
    address, environment = libpq(url)
    engine = sa.create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            # pg_dump reads the snapshot this transaction exports: the counts, the revision
            # and the dump all see the same moment.
            snapshot = connection.scalar(sa.text("SELECT pg_export_snapshot()"))
            tables, revision = row_counts(connection), _revision(connection)
            stored_names = _stored_names(connection)
            tool = pg_tool("pg_dump", _server_major(connection))
            _run(
                [
                    tool,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                    f"--dbname={address}",
                ],
                environment,
            )
    finally:
        engine.dispose()
    return tables, revision, stored_names


def _restore_postgresql(dump: Path, url: sa.URL, *, clean: bool) -> None:
    address, environment = libpq(url)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            tool = pg_tool("pg_restore", _server_major(connection))
    finally:
        engine.dispose()
    command = [tool, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if clean:  # empty tables, as `flask db upgrade` leaves them: replaced by the backup's
        command += ["--clean", "--if-exists"]
    _run([*command, f"--dbname={address}", str(dump)], environment)
