"""Command-line tasks: `flask users create`, `flask demo load`, `flask backup`, `flask restore`,
`flask worker`, `flask mail fetch-replies`, and Flask-Migrate's `flask db ...`."""

import functools
import getpass
import imaplib
import secrets
import sys

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, ScriptInfo, with_appcontext

from planner import backups, rules
from planner.accounts.models import Role, user_by_email
from planner.accounts.operations import UserError, create_user
from planner.audit.models import Source
from planner.audit.trail import Actor, acting_as
from planner.calendars.mail import inbox
from planner.clock import utc_now
from planner.config import ROOT
from planner.demo import DemoRefused, load_demo
from planner.extensions import db
from planner.itinerary.snapshot import check_visit
from planner.visits.models import Visit

MIGRATIONS = ROOT / "migrations"
DEMO_ADMIN_EMAIL = "admin@pishvaz.example"

users_cli = AppGroup("users", help="Manage staff users.")
demo_cli = AppGroup("demo", help="The reference visit used for demonstrations.")
mail_cli = AppGroup("mail", help="The office's e-mail.")


def audited(command):
    """What the command changes is recorded in the audit trail as done from the command line."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        with acting_as(Actor(source=Source.CLI)):
            return command(*args, **kwargs)

    return run


def read_password(stream=None) -> str:
    """From standard input when it is not a terminal (scripts); otherwise prompt twice."""
    stream = stream or sys.stdin
    if not stream.isatty():
        return stream.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Repeat the password: ")
    if first != second:
        raise click.ClickException("the two passwords differ")
    return first


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The user's full name.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.VIEWER.value,
    show_default=True,
)
@click.option(
    "--locale",
    type=click.Choice(["en", "fa"]),
    default=None,
    help="Their language; without it, their browser's is taken when they first sign in.",
)
@audited
@click.option(
    "--temporary",
    is_flag=True,
    help="The password is a temporary one: the user chooses their own at first sign-in.",
)
def create_user_command(
    email: str, name: str, role: str, locale: str | None, temporary: bool
) -> None:
    """Add a staff user; the password is read from standard input or prompted for."""
    if (message := rules.single_line_error(name)) is not None:
        raise click.ClickException(str(message))
    password = read_password()
    try:
        create_user(
            db.session,
            email=email,
            name=name,
            password=password,
            role=Role(role),
            locale=locale,
            must_change_password=temporary,
        )
    except UserError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {role} {email.strip().lower()}.")


@demo_cli.command("load")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing (and succeed) when the database already holds visits.",
)
@audited
def load_demo_command(if_empty: bool) -> None:
    """Load the ambassador's two-day visit to Khorramabad into an empty database."""
    try:
        visit = load_demo(db.session)
    except DemoRefused as refusal:
        if if_empty:
            click.echo(f"Demo not loaded: {refusal}")
            return
        raise click.ClickException(str(refusal)) from refusal
    click.echo(f"Loaded the demo visit: {visit.title} ({len(visit.stops)} stops).")
    # Checked now, as a visit's page checks it after each change: the dashboard lists the
    # planted mistakes of both visits before anyone opens them.
    for loaded in db.session.scalars(sa.select(Visit)):
        check_visit(db.session, loaded, current_app.config)
    if user_by_email(db.session, DEMO_ADMIN_EMAIL) is not None:
        db.session.commit()
        click.echo(f"The demo administrator {DEMO_ADMIN_EMAIL} already exists; password unchanged.")
        return
    password = secrets.token_urlsafe(12)
    create_user(
        db.session,
        email=DEMO_ADMIN_EMAIL,
        name="Demo administrator",
        password=password,
        role=Role.ADMIN,
        must_change_password=True,  # printed on a terminal: a password others may have seen
    )
    db.session.commit()
    click.echo("")
    click.echo("Sign in at http://127.0.0.1:5000 with")
    click.echo(f"  e-mail:   {DEMO_ADMIN_EMAIL}")
    click.echo(f"  password: {password}")
    click.echo("This password is shown only now; you choose your own at the first sign-in.")


@click.command("backup")
@click.option(
    "--to",
    "destination",
    type=click.Path(file_okay=False),
    help="The folder to write it to (default: the BACKUP_FOLDER setting, instance/backups).",
)
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    help="How many backups to keep in that folder, newest first (default: BACKUP_KEEP, 7).",
)
@with_appcontext
def backup_command(destination: str | None, keep: int | None) -> None:
    """Write one file holding a consistent copy of the database and the documents."""
    config = current_app.config
    try:
        path = backups.backup(
            config, destination or config["BACKUP_FOLDER"], keep=keep or config["BACKUP_KEEP"]
        )
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up to {path}")


@mail_cli.command("fetch-replies")
@with_appcontext
@audited
def fetch_replies_command() -> None:
    """Read the unseen messages of the IMAP mailbox and store the iTIP replies they carry."""
    settings = inbox.ImapSettings.from_config(current_app.config)
    if settings is None:
        raise click.ClickException("no mailbox is configured (IMAP_HOST)")
    try:
        report = inbox.fetch_replies(db.session, settings, now=utc_now())
    except (imaplib.IMAP4.error, OSError) as error:
        db.session.rollback()
        raise click.ClickException(f"the mailbox {settings.host} failed: {error}") from error
    db.session.commit()
    click.echo(
        f"Read {report.messages} messages: {report.stored} answers stored, "
        f"{report.ignored} matched no stop."
    )


@click.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore_command(backup_file: str) -> None:
    """Read a backup into the configured database, which must be empty, with its documents."""
    try:
        manifest = backups.restore(backup_file, current_app.config)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(manifest.tables.values())
    click.echo(
        f"Restored the backup of {manifest.taken_at}: {rows} rows in {len(manifest.tables)} "
        f"tables, {manifest.document_files} document files, at revision {manifest.revision}."
    )


@click.command("worker")
@click.option(
    "--threads", type=click.IntRange(min=1), default=2, show_default=True, help="Tasks at once."
)
@with_appcontext
def worker_command(threads: int) -> None:
    """Run the background worker: e-mail and the scheduled jobs, until stopped."""
    from planner import worker  # Huey with redis and psycopg is 15 MB: only the worker loads it

    worker.run(current_app._get_current_object(), workers=threads)  # type: ignore[attr-defined]


class Migrations:
    """app.extensions["migrate"] until a migration first reads it, when Flask-Migrate is bound
    to the app and takes its place. Flask-Migrate imports Alembic and Mako (11 MB) that no
    page needs, so a web worker never loads them; `flask db ...` and flask_migrate.upgrade()
    find their settings here as if Migrate(app) had run in create_app."""

    def __init__(self, app: Flask) -> None:
        self._app = app

    def __getattr__(self, name: str):
        from flask_migrate import Migrate  # Alembic is 11 MB: only a migration loads it

        if self._app.extensions["migrate"] is self:
            Migrate(
                self._app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True
            )
        return getattr(self._app.extensions["migrate"], name)


@click.command(
    "db",
    add_help_option=False,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.pass_context
def migrations_command(context: click.Context) -> None:
    """Perform database migrations (Flask-Migrate: flask db upgrade, migrate, downgrade...)."""
    from flask_migrate.cli import db as flask_migrate_db  # Alembic is 11 MB: only `flask db`

    flask_migrate_db.main(
        context.args, prog_name=context.command_path, obj=context.ensure_object(ScriptInfo)
    )


def init_app(app: Flask) -> None:
    app.extensions["migrate"] = Migrations(app)
    app.cli.add_command(migrations_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(worker_command)
