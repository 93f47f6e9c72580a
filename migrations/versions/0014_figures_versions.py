"""The dashboard's sums are kept between requests under a token that every change to a
visit or an outcome replaces.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    # No row yet: the first change writes it; until then the sums are kept under "none".
    op.create_table(
        'figures_versions',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_figures_versions')),
    )


def downgrade():
    op.drop_table('figures_versions')
