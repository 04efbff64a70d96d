"""The demo programme in motion, so a newcomer sees every state right after `make run`: a
batch in Kolkata, a learner mid-course, one waiting for a certificate, one certified, and the
emblem and signature certificates print. Everything goes through the real services."""

import math
import secrets
from datetime import date
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from lms.auth.models import Region, User
from lms.batches.models import Batch
from lms.batches.services import create_batch, join
from lms.certificates import artwork
from lms.certificates.models import CertificateArt
from lms.certificates.services import issue
from lms.courses.kinds import KINDS
from lms.courses.models import Course, Quiz
from lms.extensions import db
from lms.learning import quizforms
from lms.learning.models import Attempt
from lms.learning.services import record_read, submit

COURSE = "digital-sahayak-bn"
TRAINER, CELL_HEAD, ADMIN = "9000000002", "9000000004", "9000000001"
MEMBERS = [f"98300000{n:02d}" for n in range(1, 8)]  # the Kolkata sahayaks
MID_COURSE, WAITING, CERTIFIED = "9830000001", "9830000002", "9830000003"
SIGNATORY = "সুচিত্রা দাস, সেল প্রধান, কলকাতা"
FONT = Path(__file__).resolve().parent.parent / "static" / "fonts" / "NotoSans-Bold.ttf"


def seed_activity() -> list[str]:
    """Add what is missing of the demo's activity; say what was added."""
    course = db.session.execute(select(Course).filter_by(slug=COURSE)).scalar_one_or_none()
    people = {user.phone: user for user in db.session.execute(select(User)).scalars()}
    if course is None or course.live_version is None or not {TRAINER, CELL_HEAD, *MEMBERS} <= set(people):
        return []
    added = []
    if _demo_batch(course) is None:
        batch = create_batch(
            people[TRAINER], course.id, "Bhabanipur workshop", "Bhabanipur", date(2026, 11, 2), _kolkata()
        )
        for phone in MEMBERS:
            join(people[phone], batch)
        added.append(f"batch {batch.join_code} with {len(MEMBERS)} sahayaks")
    if not _started(people[MID_COURSE], course):
        _learn(people[MID_COURSE], course, lessons=2)
        added.append("a learner mid-course")
    if not _started(people[WAITING], course):
        _learn(people[WAITING], course)
        added.append("one waiting for a certificate")
    if not _started(people[CERTIFIED], course):
        _learn(people[CERTIFIED], course)
        _artwork(people)
        issue(people[CELL_HEAD], [(people[CERTIFIED].id, course.id)])
        added.append("one certified")
    return added


def _demo_batch(course: Course) -> Batch | None:
    return db.session.execute(select(Batch).filter_by(course_id=course.id).limit(1)).scalar()


def _kolkata() -> int:
    return db.session.execute(select(Region.id).filter_by(code="WB-KOL")).scalar_one()


def _started(user: User, course: Course) -> bool:
    """Whether the person has tried any quiz of the course."""
    quiz_ids = select(Quiz.id).where(Quiz.version_id == course.live_version_id)
    return (
        db.session.execute(
            select(Attempt.id).where(Attempt.user_id == user.id, Attempt.quiz_id.in_(quiz_ids)).limit(1)
        ).first()
        is not None
    )


def _learn(user: User, course: Course, lessons: int | None = None) -> None:
    """Read the first `lessons` lessons (all by default), passing each one's quizzes."""
    for lesson in course.live_version.lessons[:lessons]:
        record_read(user, course, lesson.slug)
        for quiz in lesson.quizzes:
            token = quizforms.make_token(user.id, quiz.id, 1, secrets.token_hex(4))
            submit(user, token, _right_answers)


def _right_answers(spec: dict) -> dict:
    return {
        str(index): KINDS[question["kind"]].sample(question)
        for index, question in enumerate(spec["questions"])
    }


def _artwork(people: dict[str, User]) -> None:
    """A drawn programme emblem (admin) and a Kolkata signature (its cell head), if none is set."""
    if db.session.execute(select(CertificateArt.id).limit(1)).first() is not None:
        return
    artwork.upload(people[ADMIN], "emblem", artwork.PROGRAMME, _emblem())
    artwork.upload(people[CELL_HEAD], "signature", "WB-KOL", _signature(), SIGNATORY)


def _emblem() -> bytes:
    """A blue wheel around the letters DS: clearly a placeholder for the programme's own."""
    size = 480
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    centre, blue = size / 2, (11, 83, 148, 255)
    draw.ellipse((8, 8, size - 8, size - 8), outline=blue, width=18)
    for spoke in range(24):
        angle = spoke * math.pi / 12
        inner, outer = 120, 200
        draw.line(
            (centre + inner * math.cos(angle), centre + inner * math.sin(angle),
             centre + outer * math.cos(angle), centre + outer * math.sin(angle)),
            fill=blue, width=6,
        )  # fmt: skip
    draw.text((centre, centre), "DS", font=ImageFont.truetype(str(FONT), 150), fill=blue, anchor="mm")
    return _png(image)


def _signature() -> bytes:
    """A pen stroke, standing in for a scanned signature."""
    width, height = 900, 260
    image = Image.new("RGB", (width, height), (255, 255, 255))
    points = [
        (60 + x, 150 - 70 * math.sin(x / 38) * math.exp(-x / 700) - 30 * math.sin(x / 11))
        for x in range(0, 780, 3)
    ]
    ImageDraw.Draw(image).line(points, fill=(20, 30, 90), width=7, joint="curve")
    return _png(image)


def _png(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
