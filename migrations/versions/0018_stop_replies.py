"""Participants' answers to their invitations: accepted, declined or tentative, per stop.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 20:25:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stop_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stop_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('ACCEPTED', 'DECLINED', 'TENTATIVE', name='reply_status', native_enum=False, create_constraint=True, length=9), nullable=False),
        sa.Column('replied_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('channel', sa.Enum('link', 'email', name='reply_channel', native_enum=False, create_constraint=True, length=5), nullable=False),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_stop_replies_participant_id_participants'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['stop_id'], ['stops.id'], name=op.f('fk_stop_replies_stop_id_stops'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stop_replies')),
        sa.UniqueConstraint('stop_id', 'participant_id', name='uq_stop_replies_pair'),
    )
    with op.batch_alter_table('stop_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stop_replies_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stop_replies_stop_id'), ['stop_id'], unique=False)


def downgrade():
    with op.batch_alter_table('stop_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stop_replies_stop_id'))
        batch_op.drop_index(batch_op.f('ix_stop_replies_participant_id'))
    op.drop_table('stop_replies')
