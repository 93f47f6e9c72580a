"""Letters are sent by the worker: a letter is claimed ("sending", with the time) before it goes out.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OLD = ('pending', 'sent', 'failed')
NEW = ('pending', 'sending', 'sent', 'failed')


def _status(values):
    return sa.Enum(*values, name='mail_status', native_enum=False, create_constraint=True, length=7)


def upgrade():
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('status', existing_type=_status(OLD), type_=_status(NEW), existing_nullable=False)


def downgrade():
    # A letter caught half-sent is offered again: it goes back to waiting.
    op.execute("UPDATE mail_messages SET status = 'pending' WHERE status = 'sending'")
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=_status(NEW), type_=_status(OLD), existing_nullable=False)
        batch_op.drop_column('claimed_at')
