"""emblems and signatures printed on certificates, per region or for the whole programme

Revision ID: a7c9e1f3b520
Revises: c9d1e3f5a786
Create Date: 2026-11-30 00:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c9e1f3b520'
down_revision = 'c9d1e3f5a786'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'certificate_art',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=True),
        sa.Column('png', sa.LargeBinary(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('signatory', sa.String(length=200), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('retired_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_certificate_art_region_id_region')),
        sa.ForeignKeyConstraint(['retired_by_id'], ['user.id'], name=op.f('fk_certificate_art_retired_by_id_user')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_certificate_art_uploaded_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_art')),
    )
    op.create_index(op.f('ix_certificate_art_region_id'), 'certificate_art', ['region_id'], unique=False)
    # One emblem and one signature in use per region, and for the programme (region NULL).
    op.create_index(
        'uq_certificate_art_region', 'certificate_art', ['kind', 'region_id'], unique=True,
        sqlite_where=sa.text('retired_at IS NULL'), postgresql_where=sa.text('retired_at IS NULL'),
    )
    op.create_index(
        'uq_certificate_art_programme', 'certificate_art', ['kind'], unique=True,
        sqlite_where=sa.text('retired_at IS NULL AND region_id IS NULL'),
        postgresql_where=sa.text('retired_at IS NULL AND region_id IS NULL'),
    )

def downgrade():
    op.drop_index('uq_certificate_art_programme', table_name='certificate_art')
    op.drop_index('uq_certificate_art_region', table_name='certificate_art')
    op.drop_index(op.f('ix_certificate_art_region_id'), table_name='certificate_art')
    op.drop_table('certificate_art')
