"""Initial schema: staff users, organizations, venues, people, visits, participants, stops.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 09:40:32.106571

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('organizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_native', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.Enum('government_office', 'chamber_of_commerce', 'company', 'embassy', 'cultural_institution', 'university', 'media', 'other', name='organization_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('sector', sa.String(length=200), nullable=True),
    sa.Column('products', sa.Text(), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.CheckConstraint('length(country) = 2', name=op.f('ck_organizations_country_code')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('viewer', 'planner', 'admin', name='user_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lowercase')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name_native', sa.String(length=200), nullable=False),
    sa.Column('full_name_latin', sa.String(length=200), nullable=False),
    sa.Column('honorific', sa.String(length=60), nullable=True),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('nationality', sa.String(length=2), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('dietary_needs', sa.Text(), nullable=True),
    sa.Column('access_needs', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_people_organization_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_organization_id'), ['organization_id'], unique=False)

    op.create_table('venues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_native', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.Enum('office', 'factory', 'cultural_site', 'hotel', 'restaurant', 'airport', 'conference_hall', 'other', name='venue_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('access_notes', sa.Text(), nullable=True),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_venues_capacity_positive')),
    sa.CheckConstraint('latitude BETWEEN -90 AND 90', name=op.f('ck_venues_latitude_range')),
    sa.CheckConstraint('longitude BETWEEN -180 AND 180', name=op.f('ck_venues_longitude_range')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_venues_organization_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venues'))
    )
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venues_organization_id'), ['organization_id'], unique=False)

    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('visiting_country', sa.String(length=2), nullable=False),
    sa.Column('visiting_organization_id', sa.Integer(), nullable=True),
    sa.Column('host_organization_id', sa.Integer(), nullable=True),
    sa.Column('host_region', sa.String(length=120), nullable=True),
    sa.Column('host_city', sa.String(length=120), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('delegation_timezone', sa.String(length=64), nullable=True),
    sa.Column('status', sa.Enum('draft', 'proposed', 'confirmed', 'under_way', 'completed', 'cancelled', name='visit_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_visits_ends_after_starts')),
    sa.ForeignKeyConstraint(['host_organization_id'], ['organizations.id'], name=op.f('fk_visits_host_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visiting_organization_id'], ['organizations.id'], name=op.f('fk_visits_visiting_organization_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_host_organization_id'), ['host_organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_visiting_organization_id'), ['visiting_organization_id'], unique=False)

    op.create_table('participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('delegation', 'host', 'support', name='participant_side', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('role', sa.Enum('head_of_delegation', 'delegate', 'host', 'official', 'interpreter', 'driver', 'liaison', 'security', 'press', 'photographer', 'other', name='participant_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('precedence', sa.Integer(), nullable=False),
    sa.Column('interpreting_languages', sa.JSON(), nullable=False),
    sa.CheckConstraint('precedence > 0', name=op.f('ck_participants_precedence_positive')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_participants_person_id_people'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_participants_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participants')),
    sa.UniqueConstraint('visit_id', 'person_id', name='uq_participants_visit_person')
    )
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participants_person_id'), ['person_id'], unique=False)

    op.create_table('stops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('arrival', 'departure', 'courtesy_call', 'official_meeting', 'round_table', 'factory_tour', 'cultural_visit', 'sister_city_meeting', 'signing_ceremony', 'meal', 'press', 'transfer', 'free_time', name='stop_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('public_description', sa.Text(), nullable=True),
    sa.Column('staff_notes', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'confirmed', 'cancelled', name='stop_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('calendar_uid', sa.String(length=120), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_stops_ends_after_starts')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_stops_sequence_not_negative')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_stops_venue_id_venues'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_stops_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stops')),
    sa.UniqueConstraint('calendar_uid', name=op.f('uq_stops_calendar_uid'))
    )
    with op.batch_alter_table('stops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stops_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stops_venue_id'), ['venue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stops_visit_id'), ['visit_id'], unique=False)

    op.create_table('venue_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_venue_closures_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue_closures')),
    sa.UniqueConstraint('venue_id', 'day', name='uq_venue_closures_day')
    )
    with op.batch_alter_table('venue_closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venue_closures_venue_id'), ['venue_id'], unique=False)

    op.create_table('venue_opening_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.CheckConstraint('closes > opens', name=op.f('ck_venue_opening_hours_closes_after_opens')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_venue_opening_hours_weekday_range')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_venue_opening_hours_venue_id_venues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue_opening_hours'))
    )
    with op.batch_alter_table('venue_opening_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venue_opening_hours_venue_id'), ['venue_id'], unique=False)

    op.create_table('stop_attendees',
    sa.Column('stop_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_stop_attendees_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stop_id'], ['stops.id'], name=op.f('fk_stop_attendees_stop_id_stops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('stop_id', 'participant_id', name=op.f('pk_stop_attendees'))
    )
    with op.batch_alter_table('stop_attendees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stop_attendees_participant_id'), ['participant_id'], unique=False)




def downgrade():
    
    with op.batch_alter_table('stop_attendees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stop_attendees_participant_id'))

    op.drop_table('stop_attendees')
    with op.batch_alter_table('venue_opening_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venue_opening_hours_venue_id'))

    op.drop_table('venue_opening_hours')
    with op.batch_alter_table('venue_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venue_closures_venue_id'))

    op.drop_table('venue_closures')
    with op.batch_alter_table('stops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stops_visit_id'))
        batch_op.drop_index(batch_op.f('ix_stops_venue_id'))
        batch_op.drop_index(batch_op.f('ix_stops_starts_at'))

    op.drop_table('stops')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participants_person_id'))

    op.drop_table('participants')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_visiting_organization_id'))
        batch_op.drop_index(batch_op.f('ix_visits_host_organization_id'))

    op.drop_table('visits')
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venues_organization_id'))

    op.drop_table('venues')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_organization_id'))

    op.drop_table('people')
    op.drop_table('users')
    op.drop_table('organizations')

