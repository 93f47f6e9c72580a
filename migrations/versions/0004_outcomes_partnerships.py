"""Outcomes with documents, follow-ups, partnerships and their append-only stage history.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:40:10.670391

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('partnerships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('sister_city', 'trade', 'culture', 'mining_technology', 'education', name='partnership_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('our_city', sa.String(length=120), nullable=True),
    sa.Column('our_country', sa.String(length=2), nullable=False),
    sa.Column('our_organization_id', sa.Integer(), nullable=True),
    sa.Column('partner_city', sa.String(length=120), nullable=True),
    sa.Column('partner_country', sa.String(length=2), nullable=False),
    sa.Column('partner_organization_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.Enum('idea', 'exploring', 'letter_of_intent', 'agreement_signed', 'active', 'dormant', 'closed', name='partnership_stage', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(our_country) = 2 AND length(partner_country) = 2', name=op.f('ck_partnerships_country_codes')),
    sa.ForeignKeyConstraint(['our_organization_id'], ['organizations.id'], name=op.f('fk_partnerships_our_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_organization_id'], ['organizations.id'], name=op.f('fk_partnerships_partner_organization_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnerships'))
    )
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnerships_our_organization_id'), ['our_organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_partner_country'), ['partner_country'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_partner_organization_id'), ['partner_organization_id'], unique=False)

    op.create_table('partnership_stage_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.Enum('idea', 'exploring', 'letter_of_intent', 'agreement_signed', 'active', 'dormant', 'closed', name='stage_change_from', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('to_stage', sa.Enum('idea', 'exploring', 'letter_of_intent', 'agreement_signed', 'active', 'dormant', 'closed', name='stage_change_to', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_partnership_stage_changes_changed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_partnership_stage_changes_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_stage_changes'))
    )
    with op.batch_alter_table('partnership_stage_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_stage_changes_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('stop_id', sa.Integer(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('agreement', 'export_lead', 'import_need', 'investment_interest', 'sister_city_step', 'cultural_event', 'other', name='outcome_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('our_organization_id', sa.Integer(), nullable=True),
    sa.Column('partner_organization_id', sa.Integer(), nullable=True),
    sa.Column('product', sa.String(length=200), nullable=True),
    sa.Column('hs_code', sa.String(length=12), nullable=True),
    sa.Column('estimated_value', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'agreed', 'in_progress', 'achieved', 'lapsed', name='outcome_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('estimated_value IS NULL OR currency IS NOT NULL', name=op.f('ck_outcomes_value_has_currency')),
    sa.CheckConstraint('estimated_value IS NULL OR estimated_value >= 0', name=op.f('ck_outcomes_value_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_outcomes_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['our_organization_id'], ['organizations.id'], name=op.f('fk_outcomes_our_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_organization_id'], ['organizations.id'], name=op.f('fk_outcomes_partner_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_outcomes_partnership_id_partnerships'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stop_id'], ['stops.id'], name=op.f('fk_outcomes_stop_id_stops'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_outcomes_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcomes'))
    )
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcomes_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcomes_visit_id'), ['visit_id'], unique=False)

    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'done', 'dropped', name='follow_up_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('outcome_id', sa.Integer(), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('partnership_id', sa.Integer(), nullable=True),
    sa.Column('calendar_uid', sa.String(length=120), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('outcome_id IS NOT NULL OR visit_id IS NOT NULL OR partnership_id IS NOT NULL', name=op.f('ck_follow_ups_tied_to_something')),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_follow_ups_outcome_id_outcomes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_follow_ups_owner_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_follow_ups_partnership_id_partnerships'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_follow_ups_visit_id_visits'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups')),
    sa.UniqueConstraint('calendar_uid', name=op.f('uq_follow_ups_calendar_uid'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_outcome_id'), ['outcome_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_visit_id'), ['visit_id'], unique=False)

    op.create_table('outcome_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_outcome_documents_outcome_id_outcomes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_outcome_documents_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_documents')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_outcome_documents_stored_name'))
    )
    with op.batch_alter_table('outcome_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_documents_outcome_id'), ['outcome_id'], unique=False)




def downgrade():

    with op.batch_alter_table('outcome_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_documents_outcome_id'))

    op.drop_table('outcome_documents')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_visit_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_owner_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_outcome_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_due_date'))

    op.drop_table('follow_ups')
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcomes_visit_id'))
        batch_op.drop_index(batch_op.f('ix_outcomes_partnership_id'))

    op.drop_table('outcomes')
    with op.batch_alter_table('partnership_stage_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_stage_changes_partnership_id'))

    op.drop_table('partnership_stage_changes')
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnerships_partner_organization_id'))
        batch_op.drop_index(batch_op.f('ix_partnerships_partner_country'))
        batch_op.drop_index(batch_op.f('ix_partnerships_our_organization_id'))

    op.drop_table('partnerships')

