"""`flask demo --scale N`: a programme at full size, for dashboards and benchmarks.

Real districts of West Bengal with generated assembly constituencies and booths (the real
constituency and booth lists are not shipped), N sahayaks, batches in a three-level
cascade, lessons read, about 15 quiz attempts per sahayak, completions and certificates."""

import random
import secrets
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select, update

from lms.auth.models import Region, Role, User
from lms.auth.permissions import roles_with
from lms.auth.services import hash_password
from lms.batches.models import Batch, LeaderGrant, Membership
from lms.certificates.models import Certificate, SerialCounter
from lms.core.transactions import one_by_one, own_transaction
from lms.courses.kinds import KINDS
from lms.courses.models import Course, Quiz
from lms.demo.people import DEMO_PASSWORD
from lms.extensions import db
from lms.learning.grading import Graded, grade
from lms.learning.models import Attempt, Completion, LessonRead, QuizProgress
from lms.people.regions import refresh_paths
from lms.reports import tallies

CONSTITUENCIES = 294  # West Bengal's assembly constituencies
BOOTHS_PER_CONSTITUENCY = 14
PEOPLE_PER_BATCH = 20
SECOND_LEVEL_BATCHES = 3  # batches each workshop graduate leads
CHUNK = 5000
RIGHT_SHARE = 0.65  # of generated answers to a question
ANSWER_SETS = 60  # made-up answer sets per quiz that attempts draw from (grading each is slow)
TYPED_MISTAKES = ("", "jani na", "41", "৪১", "schedule later", "timer")
START = datetime(2026, 9, 1, tzinfo=UTC)
Progress = Callable[[str, int], None]


def generate(count: int, course_slug: str, progress: Progress, seed: int = 2026) -> dict:
    """Add `count` sahayaks with progress; return what was made. Run once on a fresh demo."""
    rng = random.Random(seed)  # noqa: S311 (made-up demo data)
    course = db.session.execute(select(Course).filter_by(slug=course_slug)).scalar_one()
    with one_by_one():  # each step, and each chunk of the learning, in a transaction of its own
        with own_transaction():
            booths = _booths(rng, progress)
        with own_transaction():
            users = _sahayaks(count, booths, rng, progress)
        with own_transaction():
            batches = _cascade(course, users, rng, progress)
        attempts = _learning(course, users, rng, progress)
    return {"booths": len(booths), "sahayaks": len(users), "batches": batches, "attempts": attempts}


def _booths(rng: random.Random, progress: Progress) -> list[int]:
    """Constituencies spread over the districts, and booths under each."""
    districts = (
        db.session.execute(select(Region).filter_by(kind="district").order_by(Region.code)).scalars().all()
    )
    new = []
    for number in range(1, CONSTITUENCIES + 1):
        district = districts[(number - 1) % len(districts)]
        constituency = Region(
            code=f"GEN-AC-{number:03d}", name=f"AC {number:03d}", kind="assembly", parent=district, path=""
        )
        constituency.lok_sabha = f"PC {(number - 1) // 7 + 1:02d}"
        new.append(constituency)
        new += [
            Region(
                code=f"GEN-AC-{number:03d}-B{b:03d}",
                name=f"Booth {b} (AC {number:03d})",
                kind="booth",
                parent=constituency,
                path="",
            )
            for b in range(1, BOOTHS_PER_CONSTITUENCY + 1)
        ]
    db.session.add_all(new)
    db.session.flush()
    refresh_paths(db.session.execute(select(Region)).scalars().all())
    progress("regions", len(new))
    return [region.id for region in new if region.kind == "booth"]


def _sahayaks(count: int, booths: list[int], rng: random.Random, progress: Progress) -> list[int]:
    """Sahayaks with phones 6xxxxxxxxx, all with the demo password (one hash, reused)."""
    password = hash_password(DEMO_PASSWORD)
    first = ["অনিতা", "রাহুল", "সুমিত", "প্রিয়া", "मोहन", "सीमा", "Arjun", "Fatima", "দেবাশীষ", "राजेश"]
    last = ["দাস", "রায়", "মণ্ডল", "घोष", "शर्मा", "Khan", "Sen", "পাল"]
    created = datetime.now(UTC)
    for start in range(0, count, CHUNK):
        rows = [
            {
                "phone": f"6{n:09d}",
                "name": f"{rng.choice(first)} {rng.choice(last)}",
                "lang": rng.choice(("bn", "bn", "hi", "en")),
                "role": Role.SAHAYAK.value,
                "region_id": rng.choice(booths),
                "password_hash": password,
                "must_change_password": False,
                "active": True,
                "created_at": created,
            }
            for n in range(start, min(start + CHUNK, count))
        ]
        db.session.execute(insert(User), rows)
        progress("sahayaks", len(rows))
    return list(db.session.execute(select(User.id).where(User.phone.like("6%")).order_by(User.id)).scalars())


def _cascade(course: Course, users: list[int], rng: random.Random, progress: Progress) -> int:
    """Workshops led by trainers; their graduates lead batches; those members lead the rest."""
    workshops = User.role.in_(roles_with("run_workshops")) & User.role.not_in(roles_with("act_everywhere"))
    trainers = db.session.execute(select(User).where(workshops).order_by(User.id)).scalars().all()
    pool = list(users)
    rng.shuffle(pool)
    total = max(3, len(users) // PEOPLE_PER_BATCH)  # 2,000 batches for 40,000 sahayaks
    workshops = max(1, total // 100)
    first_level, rest = pool[: workshops * 10], pool[workshops * 10 :]
    plan = [(trainers[i % len(trainers)].id, first_level[i * 10 : i * 10 + 10]) for i in range(workshops)]
    second_count = min(len(first_level) * SECOND_LEVEL_BATCHES, total - workshops - 1)
    second = _split(rest[: len(rest) // 4], second_count)
    plan += [(first_level[i % len(first_level)], members) for i, members in enumerate(second)]
    third_leaders = [member for members in second for member in members[:3]]
    third = _split(rest[len(rest) // 4 :], total - len(plan))
    plan += [(third_leaders[i % len(third_leaders)], members) for i, members in enumerate(third)]
    leaders = {leader for leader, _ in plan}
    home = dict(db.session.execute(select(User.id, User.region_id).where(User.id.in_(leaders))).all())
    memberships = []
    for index, (leader, members) in enumerate(plan):
        values = {
            "course_id": course.id, "leader_id": leader, "region_id": home[leader], "name": f"Batch {index + 1}",
            "place": "", "starts_on": date(2026, 9, 1) + timedelta(days=index % 60), "join_code": f"G{index:05d}",
            "open": True, "created_by_id": leader, "created_at": START,
        }  # fmt: skip
        batch_id = db.session.execute(insert(Batch).values(**values).returning(Batch.id)).scalar_one()
        memberships += [{"batch_id": batch_id, "user_id": member, "joined_at": START} for member in members]
    for start in range(0, len(memberships), CHUNK):
        db.session.execute(insert(Membership), memberships[start : start + CHUNK])
    granted = sorted(leaders - {trainer.id for trainer in trainers})
    granter = trainers[0].id
    db.session.execute(
        insert(LeaderGrant),
        [
            {"user_id": u, "course_id": course.id, "granted_by_id": granter, "granted_at": START}
            for u in granted
        ],
    )
    progress("batches", len(plan))
    return len(plan)


def _split(items: list[int], parts: int) -> list[list[int]]:
    """Split a list into `parts` nearly equal consecutive pieces."""
    if parts <= 0:
        return []
    size, extra = divmod(len(items), parts)
    pieces, start = [], 0
    for index in range(parts):
        end = start + size + (index < extra)
        pieces.append(items[start:end])
        start = end
    return pieces


def _learning(course: Course, users: list[int], rng: random.Random, progress: Progress) -> int:
    """Lessons read, quiz attempts, best results, completions and some certificates."""
    version = course.live_version
    lessons = [lesson.slug for lesson in version.lessons]
    quizzes = version.quizzes
    pools = {quiz.id: [_answered(quiz, rng) for _ in range(ANSWER_SETS)] for quiz in quizzes}
    batches_of = _batches_of(course)
    counts: dict[tuple[int, int], Counter] = {}  # the per-question report's tallies
    reads, attempts, results, done = [], [], [], []
    attempt_count = 0
    for user in users:
        depth = rng.random()
        read = lessons[: max(1, round(len(lessons) * min(1.0, depth * 1.4)))] if depth > 0.1 else []
        reads += [
            {"user_id": user, "course_id": course.id, "lesson_slug": slug, "first_read_at": START}
            for slug in read
        ]
        passed_all = bool(read) and len(read) == len(lessons)
        for quiz in quizzes[: len(read)]:
            tries = rng.randint(1, 7)
            tried = [rng.choice(pools[quiz.id]) for _ in range(tries)]
            best = max(graded.score for _, graded, _ in tried)
            passed = best >= quiz.pass_mark
            passed_all = passed_all and passed
            when = START + timedelta(days=rng.randint(0, 80), minutes=rng.randint(0, 1440))
            for answers, graded, keys in tried:
                attempt_count += 1
                for batch_id in batches_of.get(user, ()):
                    counts.setdefault((quiz.id, batch_id), Counter()).update(keys)
                attempts.append(
                    {
                        "token": f"gen-{attempt_count}", "user_id": user, "quiz_id": quiz.id, "course_id": course.id,
                        "version_id": version.id, "quiz_key": quiz.key, "quiz_hash": quiz.content_hash, "seed": 0,
                        "started_at": when, "submitted_at": when, "answers": answers, "results": graded.results,
                        "score": graded.score, "passed": graded.passed,
                    }
                )  # fmt: skip
            results.append(
                {
                    "user_id": user, "course_id": course.id, "quiz_key": quiz.key, "round": quiz.round,
                    "attempts": tries, "best_score": best, "passed_at": when if passed else None, "last_attempt_at": when,
                }
            )  # fmt: skip
        if passed_all:
            done.append(
                {
                    "user_id": user,
                    "course_id": course.id,
                    "version_id": version.id,
                    "completed_at": START + timedelta(days=rng.randint(10, 85)),
                }
            )
        if len(attempts) >= CHUNK * 4:
            with own_transaction():
                _flush(reads, attempts, results, progress)
    with own_transaction():
        _flush(reads, attempts, results, progress)
        tallies.add(counts)
        for start in range(0, len(done), CHUNK):
            db.session.execute(insert(Completion), done[start : start + CHUNK])
        _certificates(done[: len(done) * 2 // 3], version, rng)
        _milestones()
    progress("completions", len(done))
    return attempt_count


def _batches_of(course: Course) -> dict[int, list[int]]:
    """Each member's batches of the course."""
    found: dict[int, list[int]] = {}
    rows = db.session.execute(
        select(Membership.user_id, Membership.batch_id)
        .join(Batch, Batch.id == Membership.batch_id)
        .where(Batch.course_id == course.id)
    )
    for user_id, batch_id in rows:
        found.setdefault(user_id, []).append(batch_id)
    return found


def _answered(quiz: Quiz, rng: random.Random) -> tuple[dict, Graded, Counter]:
    """Made-up answers to a quiz, each question right about two times in three (wrong: a wrong
    option, or one of a few typed mistakes), graded, with what they add to the tallies."""
    answers = {}
    for index, question in enumerate(quiz.spec["questions"]):
        kind = KINDS[question["kind"]]
        wrong = [option["id"] for option in question.get("options", []) if not option["correct"]]
        if rng.random() < RIGHT_SHARE:
            answers[str(index)] = kind.sample(question)
        elif kind.has_options:
            answers[str(index)] = (
                ([rng.choice(wrong)] if kind.several else rng.choice(wrong)) if wrong else ""
            )
        else:
            answers[str(index)] = rng.choice(TYPED_MISTAKES)
    graded = grade(quiz.spec, answers, quiz.pass_mark)
    return answers, graded, tallies.answer_keys(quiz.spec, answers, graded.results)


def _milestones() -> None:
    """Set every generated sahayak's milestones from what was generated, in three updates."""
    generated = User.phone.like("6%")
    first_read = (
        select(func.min(LessonRead.first_read_at)).where(LessonRead.user_id == User.id).scalar_subquery()
    )
    completed = (
        select(func.min(Completion.completed_at)).where(Completion.user_id == User.id).scalar_subquery()
    )
    certified = (
        select(func.min(Certificate.issued_at))
        .where(Certificate.user_id == User.id, Certificate.revoked_at.is_(None))
        .scalar_subquery()
    )
    for column, value in (
        (User.started_at, first_read),
        (User.completed_at, completed),
        (User.certified_at, certified),
    ):
        db.session.execute(update(User).where(generated).values({column: value}))


def _flush(reads: list, attempts: list, results: list, progress: Progress) -> None:
    """Insert what has been generated so far and empty the lists (flushes)."""
    for model, rows in ((LessonRead, reads), (Attempt, attempts), (QuizProgress, results)):
        for start in range(0, len(rows), CHUNK):
            db.session.execute(insert(model), rows[start : start + CHUNK])
    progress("attempts", len(attempts))
    reads.clear(), attempts.clear(), results.clear()


def _certificates(done: list[dict], version, rng: random.Random) -> None:
    """Certificates for two thirds of the completions, numbered after the existing ones."""
    everywhere = User.role.in_(roles_with("act_everywhere"))
    admin = db.session.execute(select(User).where(everywhere).order_by(User.id)).scalars().first()
    if admin is None or not done:
        return
    year = 2026
    last = db.session.execute(
        select(func.coalesce(func.max(SerialCounter.last), 0)).where(SerialCounter.year == year)
    ).scalar()
    ids = [row["user_id"] for row in done]
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    rows = []
    for offset, row in enumerate(done, start=1):
        rows.append(
            {
                "serial": f"DS-{year}-{last + offset:06d}", "code": secrets.token_hex(8).upper(), "user_id": row["user_id"],
                "course_id": row["course_id"], "version_id": version.id, "issued_by_id": admin.id, "issued_at": row["completed_at"] + timedelta(days=3),
                "snapshot": {"name": names[row["user_id"]], "course_title": version.title, "course_lang": version.lang, "course_version": version.number,
                             "region": "", "issuer_name": admin.name, "issuer_role": admin.role, "issuer_region": "",
                             "issued_on": (row["completed_at"] + timedelta(days=3)).date().isoformat(), "completed_on": row["completed_at"].date().isoformat()},
            }
        )  # fmt: skip
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(Certificate), rows[start : start + CHUNK])
    counter = db.session.get(SerialCounter, year)
    if counter is None:
        db.session.add(SerialCounter(year=year, last=last + len(rows)))
    else:
        counter.last = last + len(rows)
