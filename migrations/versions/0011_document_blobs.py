"""Documents kept in the database: one row of bytes per document (DOCUMENTS_STORAGE=database).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # Its own table, not a column of outcome_documents: listing documents never reads bytes.
    op.create_table(
        'document_blobs',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ['document_id'],
            ['outcome_documents.id'],
            name=op.f('fk_document_blobs_document_id_outcome_documents'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('document_id', name=op.f('pk_document_blobs')),
    )


def downgrade():
    op.drop_table('document_blobs')
