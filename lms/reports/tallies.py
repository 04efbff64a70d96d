"""Running tallies of quiz answers per batch (AnswerTally) and per region (RegionAnswerTally,
every batch held in the region's subtree): kept as attempts are recorded and as people join
batches, so the per-question report sums a few rows instead of reading every attempt of
40,000 people."""

from collections import Counter
from collections.abc import Callable

from sqlalchemy import Select, delete, func, select

from lms.auth.models import Region
from lms.batches.models import Batch, Membership
from lms.core.database import insert_adding
from lms.core.transactions import service
from lms.courses.kinds import KINDS
from lms.courses.models import Quiz
from lms.extensions import db
from lms.learning.models import Attempt
from lms.reports.models import ATTEMPTS, AnswerTally, RegionAnswerTally

KEY = ["quiz_id", "batch_id", "question", "right", "answer"]
REGION_KEY = ["quiz_id", "region_id", "question", "right", "answer"]
CHUNK = 2000
ANSWER_LENGTH = 200  # AnswerTally.answer; answers are read at most this long anyway

Keys = Counter  # (question, right, answer) -> times


def answer_keys(spec: dict, answers: dict | None, results: list) -> Keys:
    """What one graded attempt adds: the attempt, and per question right or its wrong answers
    (the wrong options chosen, '' when none was, or the typed answer as reports group it)."""
    keys: Keys = Counter({(ATTEMPTS, False, ""): 1})
    for index, question in enumerate(spec["questions"]):
        if results[index]:
            keys[(index, True, "")] += 1
            continue
        kind = KINDS[question["kind"]]
        answer = (answers or {}).get(str(index))
        typed = kind.typed_answer(answer)
        if typed is not None:
            keys[(index, False, typed[:ANSWER_LENGTH])] += 1
            continue
        chosen = kind.wrong_choices(question, answer) or ([""] if not answer else [])
        keys.update((index, False, option) for option in chosen)
    return keys


def count_attempt(attempt: Attempt) -> None:
    """Add a freshly recorded attempt to the tallies of the batches of its course that its
    learner belongs to (flushes)."""
    if not attempt.results:
        return
    batches = db.session.execute(
        select(Membership.batch_id)
        .join(Batch, Batch.id == Membership.batch_id)
        .where(Membership.user_id == attempt.user_id, Batch.course_id == attempt.course_id)
    ).scalars()
    keys = answer_keys(attempt.quiz.spec, attempt.answers, attempt.results)
    add({(attempt.quiz_id, batch_id): keys for batch_id in batches})


def count_member(batch: Batch, user_id: int) -> None:
    """Add the attempts a new member made before joining to the batch's tallies (flushes)."""
    attempts = db.session.execute(
        select(Attempt.quiz_id, Quiz.spec, Attempt.answers, Attempt.results)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.user_id == user_id, Attempt.course_id == batch.course_id)
    )
    tallies: dict[tuple[int, int], Keys] = {}
    for quiz_id, spec, answers, results in attempts:
        if results:
            tallies.setdefault((quiz_id, batch.id), Counter()).update(answer_keys(spec, answers, results))
    add(tallies)


@service
def recount(progress: Callable[[int], None] = lambda done: None) -> int:
    """`rebuild`, as one unit of work: all or nothing (`flask reports retally`)."""
    return rebuild(progress)


def rebuild(progress: Callable[[int], None] = lambda done: None) -> int:
    """Count every attempt again from scratch (after bulk-loading attempts), telling
    `progress` how many more were read; the number of batch tally rows written. Flushes,
    never commits."""
    db.session.execute(delete(AnswerTally))
    db.session.execute(delete(RegionAnswerTally))
    specs = dict(db.session.execute(select(Quiz.id, Quiz.spec)).all())
    tallies: dict[tuple[int, int], Keys] = {}
    for count, (quiz_id, batch_id, answers, results) in enumerate(db.session.execute(_members_attempts()), 1):
        if results:
            tallies.setdefault((quiz_id, batch_id), Counter()).update(
                answer_keys(specs[quiz_id], answers, results)
            )
        if count % CHUNK == 0:
            progress(CHUNK)
    return add(tallies)


def attempts_to_count() -> int:
    """How many (attempt, batch of its learner) pairs `rebuild` reads."""
    pairs = _members_attempts().with_only_columns(func.count()).execution_options(yield_per=None)
    return db.session.execute(pairs).scalar_one()


def _members_attempts() -> Select:
    """(quiz id, batch id, answers, results) of every attempt, once for each batch of its
    course that its learner belongs to."""
    return (
        select(Attempt.quiz_id, Membership.batch_id, Attempt.answers, Attempt.results)
        .join(Batch, Batch.course_id == Attempt.course_id)
        .join(Membership, (Membership.batch_id == Batch.id) & (Membership.user_id == Attempt.user_id))
        .execution_options(yield_per=CHUNK)
    )


def roll_up_regions() -> int:
    """Sum the batch tallies into every region again (after regions moved); the number of
    region tally rows. Flushes, never commits."""
    db.session.execute(delete(RegionAnswerTally))
    rows = db.session.execute(
        select(AnswerTally.quiz_id, Region.path, AnswerTally.question, AnswerTally.right,
               AnswerTally.answer, AnswerTally.times)
        .join(Batch, Batch.id == AnswerTally.batch_id)
        .join(Region, Region.id == Batch.region_id)
        .execution_options(yield_per=CHUNK)
    )  # fmt: skip
    sums: Counter = Counter()
    for quiz_id, path, question, right, answer, times in rows:
        for region_id in _regions_on(path):
            sums[(quiz_id, region_id, question, right, answer)] += times
    return _insert(RegionAnswerTally, REGION_KEY, sums)


def add(tallies: dict[tuple[int, int], Keys]) -> int:
    """Add counts to the tallies of (quiz, batch) pairs and of every region holding the batch;
    the number of batch tally rows."""
    paths = dict(
        db.session.execute(
            select(Batch.id, Region.path)
            .join(Region, Region.id == Batch.region_id)
            .where(Batch.id.in_({batch_id for _, batch_id in tallies}))
        ).all()
    )
    batch_sums: Counter = Counter()
    region_sums: Counter = Counter()
    for (quiz_id, batch_id), keys in tallies.items():
        for (question, right, answer), times in keys.items():
            batch_sums[(quiz_id, batch_id, question, right, answer)] += times
            for region_id in _regions_on(paths[batch_id]):
                region_sums[(quiz_id, region_id, question, right, answer)] += times
    _insert(RegionAnswerTally, REGION_KEY, region_sums)
    return _insert(AnswerTally, KEY, batch_sums)


def _regions_on(path: str) -> list[int]:
    """The ids on a region's materialised path ('/1/5/77/'): the region and its ancestors."""
    return [int(part) for part in path.strip("/").split("/") if part]


def _insert(model, key: list[str], sums: Counter) -> int:
    """Add the sums to the model's rows, in chunks (flushes); the number of rows."""
    rows = [dict(zip(key, values, strict=True), times=times) for values, times in sums.items()]
    for start in range(0, len(rows), CHUNK):
        insert_adding(model, key, rows[start : start + CHUNK], "times")
    return len(rows)
