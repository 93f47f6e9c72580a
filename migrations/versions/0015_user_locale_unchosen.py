"""A user's language may be not chosen yet (NULL): they get the browser's at first sign-in.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 19:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts keep the language they have: it was chosen, or at least used.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('locale', existing_type=sa.String(length=8), nullable=True)


def downgrade():
    op.execute("UPDATE users SET locale = 'en' WHERE locale IS NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('locale', existing_type=sa.String(length=8), nullable=False)
