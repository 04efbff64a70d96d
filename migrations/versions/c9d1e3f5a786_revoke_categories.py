"""a revoked certificate's public category (the free-text reason stays with the staff)

Revision ID: c9d1e3f5a786
Revises: b8c0d2e4f675
Create Date: 2026-11-29 21:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c9d1e3f5a786'
down_revision = 'b8c0d2e4f675'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoke_category', sa.String(length=20), nullable=True))
    certificate = sa.table(
        'certificate', sa.column('revoked_at', sa.DateTime(timezone=True)),
        sa.column('revoke_reason', sa.Text()), sa.column('revoke_category', sa.String(20)),
    )
    revoked = certificate.c.revoked_at.is_not(None)
    # Re-issues after a name correction were recorded with this reason; the rest are not known.
    op.execute(certificate.update().where(revoked, certificate.c.revoke_reason == 'name corrected').values(revoke_category='name'))
    op.execute(certificate.update().where(revoked, certificate.c.revoke_category.is_(None)).values(revoke_category='other'))


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_column('revoke_category')
