"""The checker's findings kept per visit, with the fingerprint of what they were checked on.

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
    # Starts empty: each visit's findings are checked and kept the next time they are shown.
    op.create_table('visit_findings',
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_findings_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('visit_id', name=op.f('pk_visit_findings'))
    )


def downgrade():
    op.drop_table('visit_findings')
