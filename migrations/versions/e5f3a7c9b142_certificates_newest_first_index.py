"""an index for the issued-certificates list, newest first

Revision ID: e5f3a7c9b142
Revises: d4e2f6b8a031
Create Date: 2026-11-29 17:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5f3a7c9b142'
down_revision = 'd4e2f6b8a031'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index('ix_certificate_issued_at_id', ['issued_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index('ix_certificate_issued_at_id')
