"""one-time passwords expire

Revision ID: b8c0d2e4f675
Revises: a7b9c1d3e564
Create Date: 2026-11-29 21:00:00.000000

"""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b8c0d2e4f675'
down_revision = 'a7b9c1d3e564'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_expires_at', sa.DateTime(timezone=True), nullable=True))
    # One-time passwords handed out before this version get the default 14 days from now.
    user = sa.table('user', sa.column('must_change_password', sa.Boolean()),
                    sa.column('password_expires_at', sa.DateTime(timezone=True)))
    op.execute(
        user.update()
        .where(user.c.must_change_password == sa.true())
        .values(password_expires_at=datetime.now(timezone.utc) + timedelta(days=14))
    )


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('password_expires_at')
