"""Calendars: feed tokens per participant and user, departures from stops, sent events, mail log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:23:01.984641

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('mail_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('method', sa.Enum('REQUEST', 'CANCEL', name='mail_method', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('stop_ids', sa.JSON(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='mail_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_mail_messages_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_mail_messages_participant_id_participants'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_mail_messages_visit_id_visits'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_messages'))
    )
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_messages_visit_id'), ['visit_id'], unique=False)

    op.create_table('sent_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stop_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.Enum('REQUEST', 'CANCEL', name='sent_event_method', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('venue_name', sa.String(length=200), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_sent_events_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stop_id'], ['stops.id'], name=op.f('fk_sent_events_stop_id_stops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_events')),
    sa.UniqueConstraint('stop_id', 'participant_id', name='uq_sent_events_pair')
    )
    with op.batch_alter_table('sent_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_events_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sent_events_stop_id'), ['stop_id'], unique=False)

    op.create_table('stop_departures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stop_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_stop_departures_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stop_id'], ['stops.id'], name=op.f('fk_stop_departures_stop_id_stops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stop_departures')),
    sa.UniqueConstraint('stop_id', 'participant_id', name='uq_stop_departures_pair')
    )
    with op.batch_alter_table('stop_departures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stop_departures_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stop_departures_stop_id'), ['stop_id'], unique=False)

    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_generation', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('feed_enabled', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_generation', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('feed_enabled', sa.Boolean(), server_default=sa.true(), nullable=False))




def downgrade():

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('feed_enabled')
        batch_op.drop_column('feed_generation')

    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('feed_enabled')
        batch_op.drop_column('feed_generation')

    with op.batch_alter_table('stop_departures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stop_departures_stop_id'))
        batch_op.drop_index(batch_op.f('ix_stop_departures_participant_id'))

    op.drop_table('stop_departures')
    with op.batch_alter_table('sent_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_events_stop_id'))
        batch_op.drop_index(batch_op.f('ix_sent_events_participant_id'))

    op.drop_table('sent_events')
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_messages_visit_id'))

    op.drop_table('mail_messages')

