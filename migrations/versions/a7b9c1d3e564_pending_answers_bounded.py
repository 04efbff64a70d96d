"""answers kept across an expired session: one per token, the address they came from

Revision ID: a7b9c1d3e564
Revises: f6a8b0c2d453
Create Date: 2026-11-29 21:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7b9c1d3e564'
down_revision = 'f6a8b0c2d453'
branch_labels = None
depends_on = None


def upgrade():
    # The newest answers of a token are the ones its owner meant; older copies go.
    op.execute(
        "DELETE FROM pending_answers WHERE id NOT IN "
        "(SELECT max(id) FROM pending_answers GROUP BY token)"
    )
    with op.batch_alter_table('pending_answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_pending_answers_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_answers_created_at'), ['created_at'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_pending_answers_token'), ['token'])


def downgrade():
    with op.batch_alter_table('pending_answers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_pending_answers_token'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_pending_answers_created_at'))
        batch_op.drop_index(batch_op.f('ix_pending_answers_address'))
        batch_op.drop_column('address')
