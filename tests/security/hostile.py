"""A programme whose every user-written field carries script: region, people, batch and
course names, course Markdown and quizzes, typed answers and a revocation reason, each
entered the way users enter it (CLI and web imports, forms, a .zip upload)."""

import csv
import io
import json
from dataclasses import dataclass, field

from lms.auth.models import Region, User
from lms.auth.services import hash_password
from lms.batches.models import Batch
from lms.certificates.models import Certificate
from lms.courses.models import CourseVersion, Quiz
from lms.extensions import db
from tests.certificates.conftest import complete
from tests.conftest import PASSWORD, AuthActions
from tests.courses.test_web import make_zip

SLUG = "hostile-course"


def hostile(label: str) -> str:
    """`label` followed by the usual ways of breaking out of text and attributes into script."""
    text = (
        f"{label} <script>alert(1)</script> \"><img src=x onerror=alert(1)> '><svg onload=alert(1)> "
        f'</textarea></title><a href="javascript:alert(1)">j</a> {{{{7*191}}}}'
    )
    assert len(text) <= 200  # the longest name or region name the site keeps
    return text


LABELS = ("Region", "Booth", "CliName", "WebName", "HeadName", "TrainerName", "JoinName", "MemberName")
LABELS += ("BatchName", "Place", "CourseTitle", "Summary", "LessonTitle", "Typed", "Reason")

RAW_MARKDOWN = """LessonBody: every way in that Markdown or raw HTML offers.

<script>alert(1)</script>
<img src=x onerror=alert(1)> <svg onload=alert(1)><circle r=1></svg>
<a href="javascript:alert(1)">raw</a> <a href="jav&#x09;ascript:alert(1)">entity</a> <a href=" javascript:alert(1)">space</a>
[md](javascript:alert(1)) [md2](JaVaScRiPt:alert(1)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
<javascript:alert(1)> [reference][r] <vbscript:msgbox(1)>

[r]: javascript:alert(1)

<iframe src="https://evil.example/"></iframe><object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">
<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>
<details open ontoggle=alert(1)>x</details> <p style="background:url(javascript:alert(1))">styled</p>
<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>
<base href="javascript:alert(1)//"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">
<textarea></textarea><script>alert(1)</script><noscript><p title="</noscript><img src=x onerror=alert(1)>">

```
<script>alert("code block")</script>
```
"""

QUIZ = """```quiz id=hostile-quiz
? QuizQuestion <script>alert(1)</script> <img src=x onerror=alert(1)> [q](javascript:alert(1))
- [x] OptionRight <svg onload=alert(1)> [o](javascript:alert(1))
  > Feedback <img src=x onerror=alert(1)> [f](javascript:alert(1))
- [ ] OptionWrong "><script>alert(1)</script>
  > FeedbackWrong <iframe src=javascript:alert(1)>

? TextQuestion </textarea><script>alert(1)</script>
= <script>alert(1)</script> | "><img src=x onerror=alert(1)>
---
Explanation <script>alert(1)</script> [e](javascript:alert(1))
```
"""


def course_archive() -> bytes:
    """The hostile course as a trainer would zip it."""
    intro = f"---\ntitle: {json.dumps(hostile('CourseTitle'))}\nlang: en\nsummary: {json.dumps(hostile('Summary'))}\n---\nCourseIntro {RAW_MARKDOWN}"
    lesson = f"---\ntitle: {json.dumps(hostile('LessonTitle'))}\n---\n{RAW_MARKDOWN}\n{QUIZ}"
    return make_zip({"course.md": intro.encode(), "01-hostile.md": lesson.encode()}, folder=SLUG)


def csv_bytes(header: list[str], *rows: tuple[str, ...]) -> bytes:
    """A CSV file as a spreadsheet program writes it (quoting as needed)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def people_csv(*rows: tuple[str, str, str, str]) -> bytes:
    """name,phone,region,role rows."""
    return csv_bytes(["name", "phone", "region", "role"], *rows)


@dataclass
class Hostile:
    """Who and what was made, and where the password sheets are."""

    admin: User
    head: User | None = None
    trainer: User | None = None
    joiner: User | None = None
    batch_id: int = 0
    join_code: str = ""
    certificates: list[str] = field(default_factory=list)
    sheets: dict[str, str] = field(default_factory=dict)  # maker's role: sheet page URL
    cli_sheet: bytes = b""
    result_url: str = ""


def user_named(label: str) -> User:
    return db.session.execute(db.select(User).filter_by(name=hostile(label))).scalar_one()


def can_sign_in(user: User) -> User:
    """Give an imported user a known password (a test's shortcut past the one-time one)."""
    user.password_hash, user.must_change_password = hash_password(PASSWORD), False
    db.session.commit()
    return user


def signed_in(app, user: User | None):
    """A client of its own for one actor (None: nobody signed in)."""
    client = app.test_client()
    if user is not None:
        AuthActions(client).login(user)
    return client


def build(app, runner, world, tmp_path) -> Hostile:
    """Enter every hostile field through the site's own ways in."""
    made = Hostile(admin=world.admin)
    _command_line(made, runner, tmp_path)
    _people(made, app)
    _course_and_batch(made, app)
    _join_and_learn(made, app)
    _certify(made, app)
    return made


def _command_line(made: Hostile, runner, tmp_path) -> None:
    """Regions (an assembly constituency and a booth) and one person, imported by CLI."""
    regions, people = tmp_path / "regions.csv", tmp_path / "people.csv"
    regions.write_bytes(
        csv_bytes(
            ["code", "name", "kind", "parent"],
            ("AC-X", hostile("Region"), "assembly", "WB-KOL"),
            ("B-X", hostile("Booth"), "booth", "AC-X"),
        )
    )
    assert runner.invoke(args=["regions", "import", str(regions)]).exit_code == 0
    people.write_bytes(people_csv((hostile("CliName"), "9830040001", "B-X", "sahayak")))
    result = runner.invoke(args=["users", "import", str(people), "--out-dir", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    made.cli_sheet = next((tmp_path / "cli").glob("*.pdf")).read_bytes()


def _people(made: Hostile, app) -> None:
    """The admin registers a cell head, a trainer and a sahayak from a CSV on the web."""
    imported = people_csv(
        (hostile("HeadName"), "9830040002", "AC-X", "cell_head"), (hostile("TrainerName"), "9830040003", "AC-X", "trainer"),
        (hostile("WebName"), "9830040004", "B-X", "sahayak"),
    )  # fmt: skip
    response = signed_in(app, made.admin).post(
        "/people/import", data={"file": (io.BytesIO(imported), "p.csv")}
    )
    made.sheets["admin"] = response.headers["Location"]
    made.head, made.trainer = can_sign_in(user_named("HeadName")), can_sign_in(user_named("TrainerName"))


def _course_and_batch(made: Hostile, app) -> None:
    """The trainer uploads the course, starts a batch and registers a member by CSV."""
    trainer = signed_in(app, made.trainer)
    form = {"archive": (io.BytesIO(course_archive()), "c.zip"), "course": "", "new_slug": SLUG}
    upload = trainer.post("/courses/upload", data=form)
    assert upload.status_code == 302, upload.get_data(as_text=True)
    published = trainer.post(f"/courses/{SLUG}/publish")
    assert published.headers["Location"] == f"/courses/{SLUG}/versions", published.get_data(as_text=True)
    course_id = db.session.execute(db.select(CourseVersion.course_id)).scalar_one()
    form = {"course_id": course_id, "name": hostile("BatchName"), "place": hostile("Place")}
    response = trainer.post("/batches/new", data=form | {"starts_on": "2026-12-05", "region_code": "AC-X"})
    made.batch_id = int(response.headers["Location"].rsplit("/", 1)[1])
    made.join_code = db.session.get(Batch, made.batch_id).join_code
    members = people_csv((hostile("MemberName"), "9830040005", "B-X", "sahayak"))
    response = trainer.post(
        f"/batches/{made.batch_id}/members", data={"file": (io.BytesIO(members), "m.csv")}
    )
    made.sheets["trainer"] = response.headers["Location"]


def _join_and_learn(made: Hostile, app) -> None:
    """A newcomer registers on the join page, picks the wrong option and types script."""
    from tests.learning.quizzing import form_of

    joiner = app.test_client()
    booth = db.session.execute(db.select(Region.id).filter_by(code="B-X")).scalar_one()
    form = {"name": hostile("JoinName"), "phone": "9830040006", "region_id": booth, "password": "long-pass-1", "confirm": "long-pass-1"}  # fmt: skip
    assert joiner.post(f"/join/{made.join_code}/register", data=form).status_code == 302
    made.joiner = can_sign_in(user_named("JoinName"))
    token, _ = form_of(joiner.get(f"/courses/{SLUG}/lessons/hostile").get_data(as_text=True), "hostile-quiz")
    wrong = (
        db.session.execute(db.select(Quiz).filter_by(key="hostile-quiz"))
        .scalar_one()
        .spec["questions"][0]["options"][1]
    )
    response = joiner.post(
        "/quizzes/submit", data={"token": token, "q0": wrong["id"], "q1": hostile("Typed")}
    )
    made.result_url = response.headers["Location"]


def _certify(made: Hostile, app) -> None:
    """The hostile cell head certifies the newcomer and the member, then revokes one."""
    version = db.session.execute(db.select(CourseVersion)).scalar_one()
    complete(made.joiner, version)
    complete(user_named("MemberName"), version)
    head = signed_in(app, made.head)
    assert head.post("/certificates/issue", data={"all": "1", "confirmed": "1"}).status_code == 302
    made.certificates = list(
        db.session.execute(db.select(Certificate.code).order_by(Certificate.id)).scalars()
    )
    assert len(made.certificates) == 2
    revoke = head.post(
        f"/certificates/{made.certificates[1]}/revoke",
        data={"category": "other", "reason": hostile("Reason")},
    )
    assert revoke.status_code == 302
