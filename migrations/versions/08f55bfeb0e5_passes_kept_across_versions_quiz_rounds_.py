"""passes kept across versions: quiz rounds and grading keys

Revision ID: 08f55bfeb0e5
Revises: 2d8f21f588b3
Create Date: 2026-11-29 11:47:47.745315

"""
from collections import defaultdict
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '08f55bfeb0e5'
down_revision = '2d8f21f588b3'
branch_labels = None
depends_on = None

SAME_QUIZ = (
    "o.user_id = quiz_progress.user_id AND o.course_id = quiz_progress.course_id "
    "AND o.quiz_key = quiz_progress.quiz_key"
)
KEEPERS = "SELECT min(id) FROM quiz_progress GROUP BY user_id, course_id, quiz_key"


def upgrade():
    with op.batch_alter_table('publish_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grading_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('round', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('quiz_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round', sa.Integer(), nullable=False, server_default='1'))

    # Passes used to be tied to the whole quiz block's text: any edit started afresh. Now they
    # belong to the quiz id (round 1 everywhere), so merge each learner's rows per quiz: the
    # best score and first pass of any version; the attempts used on the live version's quiz,
    # so nobody has fewer tries left than before.
    op.execute(sa.text(
        "UPDATE quiz_progress SET "
        f"best_score = (SELECT max(o.best_score) FROM quiz_progress o WHERE {SAME_QUIZ}), "
        f"passed_at = (SELECT min(o.passed_at) FROM quiz_progress o WHERE {SAME_QUIZ}), "
        f"last_attempt_at = (SELECT max(o.last_attempt_at) FROM quiz_progress o WHERE {SAME_QUIZ}), "
        "attempts = coalesce((SELECT max(o.attempts) FROM quiz_progress o "
        "JOIN quiz ON quiz.key = o.quiz_key AND quiz.content_hash = o.quiz_hash "
        "JOIN course ON course.live_version_id = quiz.version_id AND course.id = o.course_id "
        f"WHERE {SAME_QUIZ}), 0) "
        f"WHERE id IN ({KEEPERS})"
    ))
    op.execute(sa.text(f"DELETE FROM quiz_progress WHERE id NOT IN ({KEEPERS})"))

    with op.batch_alter_table('quiz_progress', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_quiz_progress_user_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_quiz_progress_user_id'), ['user_id', 'course_id', 'quiz_key', 'round'])
        batch_op.drop_column('quiz_hash')

    _record_completions(op.get_bind())


def _record_completions(connection) -> None:
    """Learners whose restored passes complete a course get the completion they earned."""
    now = datetime.now(UTC)
    courses = connection.execute(sa.text("SELECT id, live_version_id FROM course WHERE live_version_id IS NOT NULL"))
    for course_id, version_id in courses.all():
        lessons = set(connection.execute(sa.text("SELECT slug FROM lesson WHERE version_id = :v"), {"v": version_id}).scalars())
        keys = set(connection.execute(sa.text("SELECT key FROM quiz WHERE version_id = :v"), {"v": version_id}).scalars())
        reads, passes = defaultdict(set), defaultdict(set)
        for user_id, slug in connection.execute(sa.text("SELECT user_id, lesson_slug FROM lesson_read WHERE course_id = :c"), {"c": course_id}):
            reads[user_id].add(slug)
        for user_id, key in connection.execute(sa.text(
            "SELECT user_id, quiz_key FROM quiz_progress WHERE course_id = :c AND passed_at IS NOT NULL"
        ), {"c": course_id}):
            passes[user_id].add(key)
        done = set(connection.execute(sa.text("SELECT user_id FROM completion WHERE course_id = :c"), {"c": course_id}).scalars())
        for user_id, read in reads.items():
            if user_id in done or not lessons or not lessons <= read or not keys <= passes[user_id]:
                continue
            connection.execute(sa.text(
                "INSERT INTO completion (user_id, course_id, version_id, completed_at) VALUES (:u, :c, :v, :at)"
            ), {"u": user_id, "c": course_id, "v": version_id, "at": now})
            connection.execute(sa.text(
                'UPDATE "user" SET completed_at = :at WHERE id = :u AND completed_at IS NULL'
            ), {"u": user_id, "at": now})


def downgrade():
    # Back to one row per content hash: each learner's latest round, under the hash of the
    # live version's quiz.
    op.execute(sa.text(
        "DELETE FROM quiz_progress WHERE EXISTS (SELECT 1 FROM quiz_progress o "
        "WHERE o.user_id = quiz_progress.user_id AND o.course_id = quiz_progress.course_id "
        "AND o.quiz_key = quiz_progress.quiz_key AND o.round > quiz_progress.round)"
    ))
    with op.batch_alter_table('quiz_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiz_hash', sa.VARCHAR(length=64), nullable=False, server_default=''))
    op.execute(sa.text(
        "UPDATE quiz_progress SET quiz_hash = coalesce((SELECT quiz.content_hash FROM quiz "
        "JOIN course ON course.live_version_id = quiz.version_id "
        "WHERE course.id = quiz_progress.course_id AND quiz.key = quiz_progress.quiz_key), '')"
    ))
    with op.batch_alter_table('quiz_progress', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_quiz_progress_user_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_quiz_progress_user_id'), ['user_id', 'course_id', 'quiz_key', 'quiz_hash'])
        batch_op.drop_column('round')

    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.drop_column('round')
        batch_op.drop_column('grading_hash')

    with op.batch_alter_table('publish_event', schema=None) as batch_op:
        batch_op.drop_column('detail')
