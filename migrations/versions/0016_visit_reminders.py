"""Reminders per visit: minutes before each stop for guests and for the crew (None: none).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 20:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    # Existing visits get the defaults, as new ones do: 30 minutes for guests, 60 for the
    # crew. ADD COLUMN with its CHECK, not a batch copy of the table: on SQLite, dropping
    # the old visits table would cascade to their stops and participants.
    for column, default in (('reminder_guest_minutes', 30), ('reminder_crew_minutes', 60)):
        check = sa.CheckConstraint(
            f'{column} BETWEEN 0 AND 1440', name=op.f(f'ck_visits_{column}_range')
        )
        op.add_column('visits', sa.Column(column, sa.Integer(), check, nullable=True))
        op.execute(f'UPDATE visits SET {column} = {default}')


def downgrade():
    # DROP COLUMN, which takes the column's CHECK with it (no batch copy, as above).
    op.drop_column('visits', 'reminder_crew_minutes')
    op.drop_column('visits', 'reminder_guest_minutes')
