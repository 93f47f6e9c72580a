"""The checker's findings kept per visit, with the fingerprint of what they were checked on;
an index of each venue's stops by time, for the check of venues booked twice.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Starts empty: each visit's findings are checked and kept the next time they are shown.
    op.create_table('visit_findings',
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_findings_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('visit_id', name=op.f('pk_visit_findings'))
    )
    with op.batch_alter_table('stops', schema=None) as batch_op:
        batch_op.create_index('ix_stops_venue_id_ends_at_starts_at', ['venue_id', 'ends_at', 'starts_at'], unique=False)


def downgrade():
    with op.batch_alter_table('stops', schema=None) as batch_op:
        batch_op.drop_index('ix_stops_venue_id_ends_at_starts_at')

    op.drop_table('visit_findings')
