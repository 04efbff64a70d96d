"""A seeded site under real gunicorn, signed-in browsers for it (tests/livehttp.py), and its forms."""

import random
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade

from lms import create_app
from lms.courses.models import Course, Lesson
from lms.courses.services import check_folder, publish
from lms.demo.cli import REGIONS_CSV
from lms.extensions import db
from lms.people.regions import import_regions
from lms.people.services import check_person, create_user
from tests.livehttp import Browser

ROOT = Path(__file__).resolve().parent.parent
COURSE = "digital-sahayak-bn"
PASSWORD = "bench-pass"  # noqa: S105 (throwaway accounts on a throwaway database)
NAMES = ["অনুপম মুখোপাধ্যায়", "राजेश कुमार शर्मा", "Mary D'Souza"]


def site_settings(folder: Path, uri: str) -> dict[str, str]:
    """The settings both the seeding app and gunicorn (as LMS_* variables) run with."""
    return {
        "INSTANCE_PATH": str(folder / "instance"),
        "SQLALCHEMY_DATABASE_URI": uri,
        "SECRET_KEY": "bench",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


def build_site(settings: dict[str, str], sahayaks: int) -> tuple[Flask, str]:
    """Migrate an empty database, import the demo regions, publish the Bengali course and create
    `sahayaks` sahayaks (phones 7000000000 + n); return the app and the path of the first lesson
    with a quiz."""
    app = create_app(settings)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        import_regions(REGIONS_CSV.read_bytes(), "regions.csv")
        source, _ = check_folder(ROOT / "courses" / COURSE)
        publish(source, None, "cli")
        for n in range(sahayaks):
            person = check_person(NAMES[n % 3], sahayak_phone(n), "sahayak", "bn", "BOOTH-BHA-001")
            create_user(person, PASSWORD)
        lesson = quiz_lesson()
        path = f"/courses/{COURSE}/lessons/{lesson.slug}"
    return app, path


def sahayak_phone(n: int) -> str:
    """The mobile number of the n-th benchmark sahayak."""
    return f"{7_000_000_000 + n}"


def quiz_lesson() -> Lesson:
    """The first lesson of the live version that holds a quiz. Needs an app context."""
    course = db.session.execute(db.select(Course).filter_by(slug=COURSE)).scalar_one()
    return next(lesson for lesson in course.live_version.lessons if lesson.quizzes)


def signed_in(server: str, phone: str) -> Browser:
    """A browser signed in through the real form, CSRF token and all; raise unless it worked."""
    browser = Browser(timeout=120)  # 200 requests queued for two workers may wait a while
    reply = browser.sign_in(server, phone, PASSWORD)
    if reply.status != 302 or reply.location.startswith(("/login", "/password")):
        raise RuntimeError(f"sign-in as {phone} failed: {reply.status} {reply.location}")
    return browser


@dataclass
class Form:
    """A form's action and its fields' attributes, in page order."""

    action: str
    fields: list[dict] = field(default_factory=list)

    def value(self, name: str) -> str:
        """The value of the field called `name`, or ''."""
        return next((f.get("value") or "" for f in self.fields if f.get("name") == name), "")

    def answers(self, rng: random.Random) -> dict[str, list[str]]:
        """What a person filling in this form might post: hidden fields as they are, one radio
        per group, some checkboxes, and a number in each text box."""
        chosen: dict[str, list[str]] = {}
        for name in dict.fromkeys(f["name"] for f in self.fields if f.get("name")):
            group = [f for f in self.fields if f.get("name") == name]
            kind = group[0].get("type", "text")
            values = [f.get("value") or "" for f in group]
            if kind == "radio":
                chosen[name] = [rng.choice(values)]
            elif kind == "checkbox":
                chosen[name] = rng.sample(values, rng.randint(1, len(values)))
            else:
                chosen[name] = values if kind == "hidden" else ["1"]
        return chosen


class _FormParser(HTMLParser):
    """Collects every form and the input fields inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "form":
            self.forms.append(Form(dict(attrs).get("action") or ""))
            self.inside = True
        elif tag in ("input", "textarea", "select") and self.inside:
            self.forms[-1].fields.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def forms(html: str) -> list[Form]:
    """The forms of a page."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms
