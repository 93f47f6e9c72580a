"""Single-line text: line breaks and other control characters in titles and names become spaces.

Titles, names and subjects now refuse control characters on input (planner/rules.py), but
rows saved before may hold them, and a stop title with a line break broke every e-mail
header it went into. This rewrites those rows; no schema changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 10:00:00.000000

"""
import logging
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")

# The single-line columns people type into, by table. Left alone: codes checked against a
# list (countries, currencies, time zones), hashes and ids the app makes, users.email (unique,
# checked as an address when entered) and the mail log (a record of what went out).
SINGLE_LINE_COLUMNS = {
    "users": ("name",),
    "api_tokens": ("name",),
    "organizations": ("name", "name_native", "city", "sector", "website"),
    "people": ("full_name_native", "full_name_latin", "honorific", "position", "email", "phone"),
    "venues": ("name", "name_native", "city"),
    "venue_closures": ("reason",),
    "venue_travel_times": ("note",),
    "visits": ("title", "host_region", "host_city"),
    "stops": ("title",),
    "sent_events": ("title", "venue_name"),
    "outcomes": ("product", "hs_code"),
    "outcome_documents": ("filename",),
    "follow_ups": ("title",),
    "partnerships": ("title", "our_city", "partner_city"),
}

# As planner.rules.single_line at the time of writing; copied so that this migration does
# the same thing whatever that module becomes.
LINE_BREAKING_RUN = re.compile(r"\s*(?:[\x00-\x1f\x7f-\x9f\u2028\u2029]\s*)+")


def single_line(text):
    """One line: each run of control characters (with the spaces around it) is one space.
    None stays None."""
    if text is None:
        return None
    return LINE_BREAKING_RUN.sub(" ", text).strip()


def clean_table(connection, table_name: str, column_names) -> int:
    """Rewrite the rows of one table whose columns are not single-line; how many changed.
    Optional text left blank becomes null, as the forms store it."""
    nullable = {
        column["name"]
        for column in sa.inspect(connection).get_columns(table_name)
        if column["nullable"]
    }
    table = sa.table(table_name, sa.column("id"), *(sa.column(name) for name in column_names))
    changed = 0
    for row in connection.execute(sa.select(table)).mappings().all():
        values = {}
        for name in column_names:
            cleaned = single_line(row[name])
            if cleaned == "" and row[name] and name in nullable:
                cleaned = None  # nothing but control characters
            if cleaned != row[name]:
                values[name] = cleaned
        if values:
            connection.execute(sa.update(table).where(table.c.id == row["id"]).values(**values))
            changed += 1
    return changed


def upgrade():
    if op.get_context().as_sql:
        logger.warning("0006 rewrites rows it reads: run it online to clean single-line text")
        return
    connection = op.get_bind()
    for table_name, column_names in SINGLE_LINE_COLUMNS.items():
        if changed := clean_table(connection, table_name, column_names):
            logger.info("0006: %s: %d rows made single-line", table_name, changed)


def downgrade():
    # The line breaks were what broke e-mail; nothing to put back.
    pass
