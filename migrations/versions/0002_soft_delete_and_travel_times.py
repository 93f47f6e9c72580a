"""Soft delete for visits, stops and venues; drive times; who changed a stop; visit copies.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 09:46:41.791209

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('venue_travel_times',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_venue_id', sa.Integer(), nullable=False),
    sa.Column('second_venue_id', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.CheckConstraint('first_venue_id < second_venue_id', name=op.f('ck_venue_travel_times_ordered_pair')),
    sa.CheckConstraint('minutes > 0', name=op.f('ck_venue_travel_times_minutes_positive')),
    sa.ForeignKeyConstraint(['first_venue_id'], ['venues.id'], name=op.f('fk_venue_travel_times_first_venue_id_venues'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['second_venue_id'], ['venues.id'], name=op.f('fk_venue_travel_times_second_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue_travel_times')),
    sa.UniqueConstraint('first_venue_id', 'second_venue_id', name='uq_venue_travel_times_pair')
    )
    with op.batch_alter_table('venue_travel_times', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venue_travel_times_first_venue_id'), ['first_venue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_venue_travel_times_second_venue_id'), ['second_venue_id'], unique=False)

    with op.batch_alter_table('stops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_stops_updated_by_id_users'), 'users', ['updated_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('copied_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_visits_copied_from_id_visits'), 'visits', ['copied_from_id'], ['id'], ondelete='SET NULL')




def downgrade():

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_visits_copied_from_id_visits'), type_='foreignkey')
        batch_op.drop_column('copied_from_id')
        batch_op.drop_column('deleted_at')

    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')

    with op.batch_alter_table('stops', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_stops_updated_by_id_users'), type_='foreignkey')
        batch_op.drop_column('updated_by_id')
        batch_op.drop_column('deleted_at')

    with op.batch_alter_table('venue_travel_times', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venue_travel_times_second_venue_id'))
        batch_op.drop_index(batch_op.f('ix_venue_travel_times_first_venue_id'))

    op.drop_table('venue_travel_times')

