"""extra quiz attempts granted by trainers, cell heads and admins

Revision ID: c3d1e5a7f920
Revises: b9461ac4f307
Create Date: 2026-11-29 14:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d1e5a7f920'
down_revision = 'b9461ac4f307'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_attempts', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('quiz_progress', schema=None) as batch_op:
        batch_op.drop_column('extra_attempts')
