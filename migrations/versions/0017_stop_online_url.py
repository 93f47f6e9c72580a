"""A stop may have an online link (a video call to join), https only (planner/rules.py).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    # ADD COLUMN, not a batch copy of the table (on SQLite, dropping stops would cascade).
    op.add_column('stops', sa.Column('online_url', sa.String(length=500), nullable=True))


def downgrade():
    op.drop_column('stops', 'online_url')
