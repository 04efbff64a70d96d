"""running tallies of quiz answers per batch and region, counted from the attempts so far

Revision ID: d4e2f6b8a031
Revises: c3d1e5a7f920
Create Date: 2026-11-29 17:05:00.000000

"""
from collections import Counter

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e2f6b8a031'
down_revision = 'c3d1e5a7f920'
branch_labels = None
depends_on = None

CHUNK = 2000


def upgrade():
    tally = op.create_table('answer_tally',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Integer(), nullable=False),
    sa.Column('right', sa.Boolean(), nullable=False),
    sa.Column('answer', sa.String(length=200), nullable=False),
    sa.Column('times', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_answer_tally_batch_id_batch')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_answer_tally_quiz_id_quiz')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_tally'))
    )
    with op.batch_alter_table('answer_tally', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_tally_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_answer_tally_key', ['quiz_id', 'batch_id', 'question', 'right', 'answer'], unique=True)
    region_tally = op.create_table('region_answer_tally',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Integer(), nullable=False),
    sa.Column('right', sa.Boolean(), nullable=False),
    sa.Column('answer', sa.String(length=200), nullable=False),
    sa.Column('times', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_region_answer_tally_quiz_id_quiz')),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_region_answer_tally_region_id_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region_answer_tally'))
    )
    with op.batch_alter_table('region_answer_tally', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_answer_tally_region_id'), ['region_id'], unique=False)
        batch_op.create_index('ix_region_answer_tally_key', ['quiz_id', 'region_id', 'question', 'right', 'answer'], unique=True)
    _count_attempts_so_far(tally, region_tally)


def _count_attempts_so_far(tally, region_tally):
    """Tally every attempt for each batch of its course its learner belongs to, and for the
    batch's region and every region above it (as lms/reports/tallies.py keeps them from now on)."""
    from lms.reports.tallies import answer_keys  # how an attempt is counted: one definition

    bind = op.get_bind()
    quiz = sa.table('quiz', sa.column('id'), sa.column('spec', sa.JSON))
    attempt = sa.table('attempt', sa.column('quiz_id'), sa.column('user_id'), sa.column('course_id'),
                       sa.column('answers', sa.JSON), sa.column('results', sa.JSON))
    batch = sa.table('batch', sa.column('id'), sa.column('course_id'), sa.column('region_id'))
    region = sa.table('region', sa.column('id'), sa.column('path'))
    membership = sa.table('membership', sa.column('batch_id'), sa.column('user_id'))
    specs = dict(bind.execute(sa.select(quiz.c.id, quiz.c.spec)).all())
    rows = bind.execute(
        sa.select(attempt.c.quiz_id, membership.c.batch_id, attempt.c.answers, attempt.c.results)
        .join(batch, batch.c.course_id == attempt.c.course_id)
        .join(membership, (membership.c.batch_id == batch.c.id) & (membership.c.user_id == attempt.c.user_id))
    )
    tallies = {}
    for quiz_id, batch_id, answers, results in rows:
        if results:
            tallies.setdefault((quiz_id, batch_id), Counter()).update(answer_keys(specs[quiz_id], answers, results))
    paths = dict(bind.execute(sa.select(batch.c.id, region.c.path).join(region, region.c.id == batch.c.region_id)).all())
    values, by_region = [], Counter()
    for (quiz_id, batch_id), keys in tallies.items():
        for (question, right, answer), times in keys.items():
            values.append({'quiz_id': quiz_id, 'batch_id': batch_id, 'question': question, 'right': right,
                           'answer': answer, 'times': times})
            for region_id in paths[batch_id].strip('/').split('/'):
                by_region[(quiz_id, int(region_id), question, right, answer)] += times
    region_values = [
        {'quiz_id': quiz_id, 'region_id': region_id, 'question': question, 'right': right, 'answer': answer, 'times': times}
        for (quiz_id, region_id, question, right, answer), times in by_region.items()
    ]
    for table, rows in ((tally, values), (region_tally, region_values)):
        for start in range(0, len(rows), CHUNK):
            op.bulk_insert(table, rows[start:start + CHUNK])


def downgrade():
    with op.batch_alter_table('region_answer_tally', schema=None) as batch_op:
        batch_op.drop_index('ix_region_answer_tally_key')
        batch_op.drop_index(batch_op.f('ix_region_answer_tally_region_id'))

    op.drop_table('region_answer_tally')
    with op.batch_alter_table('answer_tally', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_tally_key')
        batch_op.drop_index(batch_op.f('ix_answer_tally_batch_id'))

    op.drop_table('answer_tally')
