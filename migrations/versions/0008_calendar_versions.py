"""Calendar versions: one row per feed owner, raised by every change to what its feed holds.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # No rows to fill in: a calendar without one is at version 0, and the first change
    # inserts it. Every feed's ETag changes once on upgrade, as it should with a new format.
    op.create_table('calendar_versions',
    sa.Column('owner_kind', sa.String(length=12), nullable=False),
    sa.Column('owner_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('owner_kind', 'owner_id', name=op.f('pk_calendar_versions'))
    )


def downgrade():
    op.drop_table('calendar_versions')
