"""rate-limit counters shared by every worker and instance

Revision ID: f6a8b0c2d453
Revises: 77bcc9c88ddc
Create Date: 2026-11-29 20:50:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f6a8b0c2d453'
down_revision = '77bcc9c88ddc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'throttle_count',
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_throttle_count')),
    )
    with op.batch_alter_table('throttle_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttle_count_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('throttle_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_count_expires_at'))
    op.drop_table('throttle_count')
