"""No user-written text becomes script: every hostile field (tests/security/hostile.py) is
entered the way users enter it, then every page reachable by every kind of user is crawled
and parsed; PDFs are read with poppler. Script, event attributes and javascript: URLs must
appear nowhere, and the hostile text must appear as text where the field is shown."""

import io
import json
import re
from collections import deque
from dataclasses import dataclass, field

import pytest

from lms.auth.models import User
from lms.extensions import db
from tests.security.content import inspect_html, pdf_actions, pdf_text
from tests.security.hostile import LABELS, QUIZ, RAW_MARKDOWN, SLUG, build, hostile, signed_in
from tests.security.state import database_rows


@dataclass
class Crawl:
    """What a crawl saw: page text by URL, PDF text by URL, and active content found."""

    pages: dict[tuple[str, str], str] = field(default_factory=dict)  # (who, url): text
    pdfs: dict[tuple[str, str], str] = field(default_factory=dict)
    found: list[str] = field(default_factory=list)


def crawl(client, who: str, seeds: list[str], into: Crawl, limit: int = 400) -> None:
    """Follow every link on the site from the seeds (GET only), inspecting what comes back."""
    queue, seen = deque(seeds), set(seeds)
    while queue and len(seen) < limit:
        url = queue.popleft()
        with client.get(url) as response:
            body, mimetype, location = response.data, response.mimetype, response.headers.get("Location")
        links = [location] if location else []
        if mimetype == "text/html":
            page = inspect_html(body.decode())
            into.found += [f"{url} ({who}): {item}" for item in page.found]
            into.pages[who, url] = "\n".join(page.text)
            links += page.links
        elif mimetype == "application/pdf":
            into.found += [f"{url} ({who}): {item}" for item in pdf_actions(body)]
            into.pdfs[who, url] = pdf_text(body)
        for link in links:
            link = link.split("#", 1)[0]
            if (
                link.startswith("/")
                and not link.startswith(("//", "/static/"))
                and not link.endswith(".zip")
                and link not in seen
            ):
                seen.add(link)
                queue.append(link)


# Pages that show user-written fields: the crawl must have reached each kind.
PAGE_KINDS = [
    r"^/$", r"^/people/$", r"^/people/\d+$", r"^/batches/$", r"^/batches/\d+$",
    r"^/join/\w+", r"^/reports/\?region=", r"^/reports/cascade\?batch=\d+", r"^/reports/quizzes$", r"^/certificates/$",
    r"^/certificates/\w+/revoke$", r"^/verify/\w+$", r"^/courses/$", rf"^/courses/{SLUG}/$", rf"^/courses/{SLUG}/lessons/",
    rf"^/courses/{SLUG}/versions$", rf"^/courses/{SLUG}/edit/", r"^/attempts/\d+$", r"^/progress$", r"^/people/sheets/",
]  # fmt: skip
# Markdown is cleaned, not escaped: its plain words survive, its markup does not.
MARKDOWN_WORDS = ["CourseIntro", "LessonBody", "QuizQuestion", "OptionRight", "OptionWrong", "TextQuestion"]
MARKDOWN_WORDS += ["Explanation", "FeedbackWrong", 'alert("code block")']
# Fields printed on PDFs: password sheets (CLI and web), the poster, certificates.
IN_PDFS = ["CliName", "WebName", "HeadName", "TrainerName", "MemberName", "Booth", "BatchName", "Place"]
IN_PDFS += ["CourseTitle", "JoinName", "Region"]


@pytest.fixture
def site(app, runner, world, tmp_path):
    """The hostile programme, crawled as everyone who can see a part of it."""
    made = build(app, runner, world, tmp_path)
    seen = Crawl()
    as_user = {
        made.admin: ["/", "/reports/?region=AC-X", "/reports/cascade", made.sheets["admin"]],
        made.head: ["/", "/certificates/", "/reports/", "/reports/quizzes"],
        made.trainer: ["/", "/courses/", "/reports/quizzes", made.sheets["trainer"]],
        made.joiner: ["/", "/progress", "/certificates/", made.result_url],
        None: [f"/join/{made.join_code}", *(f"/verify/{code}" for code in made.certificates)],
    }
    for user, seeds in as_user.items():
        crawl(signed_in(app, user), getattr(user, "role", "anonymous"), seeds, seen)
    seen.pdfs["command line", "password sheet"] = pdf_text(made.cli_sheet)
    seen.found += [f"CLI password sheet: {item}" for item in pdf_actions(made.cli_sheet)]
    return seen


def test_no_page_or_pdf_carries_script_from_user_text(site):
    assert site.found == []
    missing = [kind for kind in PAGE_KINDS if not any(re.search(kind, url) for _who, url in site.pages)]
    assert missing == [], "the crawl did not reach these pages"
    shown = "\n".join(site.pages.values())
    assert [label for label in LABELS if hostile(label) not in shown] == []  # shown as text, whole
    assert [word for word in MARKDOWN_WORDS if word not in shown] == []
    printed = "".join(site.pdfs.values())  # without spaces: PDF lines may break after a "/"
    assert [label for label in IN_PDFS if "".join(hostile(label).split()) not in printed] == []
    assert len(site.pdfs) >= 5  # two certificates, the poster, two password sheets at least


def checked(response, *expected: str) -> str:
    """A page's text after asserting it has no active content and shows `expected` whole."""
    page = inspect_html(response.get_data(as_text=True))
    assert page.found == []
    text = "\n".join(page.text)
    assert [item for item in expected if item not in text] == []
    return text


def test_query_strings_shown_back_stay_text(client, auth, world):
    bad = hostile("Query")
    too_long = "Field cannot be longer than 40 characters."  # was a server error (KeyError: 'max')
    checked(client.get("/verify", query_string={"code": bad}), bad, too_long)
    encoded = "Query+%3Cscript%3Ealert(1)%3C/script%3E+%22%3E%3Cimg"  # in the language form's `next`
    checked(client.get("/login", query_string={"next": bad, "x": bad}), encoded)
    auth.login(world.admin)
    checked(client.get("/people/", query_string={"q": bad[:100]}), bad[:100])
    checked(client.get("/certificates/", query_string={"region": bad, "batch": bad}), bad)
    checked(client.get("/reports/quizzes", query_string={"x": bad}), encoded)


TOO_LONG = {
    "en": "Field cannot be longer than 200 characters.",
    "bn": "200 অক্ষরের বেশি লেখা যাবে না।",
    "hi": "200 अक्षरों से ज़्यादा नहीं लिख सकते।",
}


@pytest.mark.parametrize("lang", sorted(TOO_LONG))
def test_text_over_a_fields_limit_gets_a_message_not_a_server_error(
    lang, client, auth, make_user, world, sample_course
):
    auth.login(make_user("trainer", region=world.kolkata, lang=lang))
    form = {
        "course_id": sample_course.course_id,
        "name": hostile("Long") + "x" * 100,
        "starts_on": "2026-12-05",
    }
    before = database_rows()
    response = client.post("/batches/new", data=form | {"region_code": "WB-KOL"})
    assert response.status_code == 200
    checked(response, TOO_LONG[lang], hostile("Long"))
    assert database_rows() == before


def test_problems_that_quote_the_upload_stay_text(client, auth, world, sample_course):
    from tests.courses.test_web import make_zip, own
    from tests.security.hostile import people_csv

    auth.login(world.admin)
    bad, name = hostile("Bad"), "<img src=x onerror=alert(1)>"  # a file name holds no "/" or '"'
    rows = people_csv((bad, "9830040001", bad[:60], "sahayak"), ("A", "9830040002", "WB", bad[:50]))
    page = client.post("/people/import", data={"file": (io.BytesIO(rows), f"{name}.csv")})
    checked(page, f"{name}.csv:2: Unknown region {bad[:60]}.", f"{name}.csv:3: Unknown role {bad[:50]!r}.")
    auth.logout()
    own(world, sample_course)
    auth.login(world.trainer_kol)
    upload = make_zip(
        {"course.md": f"---\n{json.dumps(bad)}: 1\ntitle: x\nlang: en\n---\n".encode()}, folder=name
    )
    form = {"archive": (io.BytesIO(upload), f"{name}.zip"), "course": "", "new_slug": "xss-course"}
    assert client.post("/courses/upload", data=form).status_code == 302
    checked(client.get("/courses/xss-course/review"), f"unknown key {bad!r} in front matter")
    form = {"archive": (io.BytesIO(upload), f"{name}.zip"), "course": "", "new_slug": name}
    checked(client.post("/courses/upload", data=form), "A course id uses only lowercase English letters")
    text = f"---\ntitle: {json.dumps(bad)}\n---\n![image](javascript:alert(1)) {RAW_MARKDOWN}\n{QUIZ}"
    preview = client.post(
        "/courses/safe-accounts/edit/02-phishing.md", data={"text": text, "action": "preview"}
    )
    checked(preview, "images must be files of the course", "LessonBody", "QuizQuestion", "FeedbackWrong")


def test_a_new_one_time_password_page_shows_the_name_as_text(app, runner, world, tmp_path, client, auth):
    from tests.security.hostile import people_csv

    source = tmp_path / "people.csv"
    source.write_bytes(people_csv((hostile("Reset"), "9830040001", "B-KOL-1", "sahayak")))
    assert runner.invoke(args=["users", "import", str(source), "--out-dir", str(tmp_path)]).exit_code == 0
    person = db.session.execute(db.select(User).filter_by(phone="9830040001")).scalar_one()
    auth.login(world.head_kol)
    checked(client.post(f"/people/{person.id}/reset-password"), hostile("Reset"))


@pytest.mark.parametrize("unclosed", ["<p>", "<div>", "<details>", "<form>", "<table>", "<noscript>"])
def test_an_unclosed_html_tag_does_not_hide_a_quiz(unclosed, client, auth, world, sample_course):
    from tests.courses.samples import LESSON_TWO
    from tests.courses.test_web import own

    lesson = LESSON_TWO.replace("Links can lie.", f"Links can lie.\n\n{unclosed}\n")
    own(world, sample_course)
    auth.login(world.trainer_kol)
    preview = client.post(
        "/courses/safe-accounts/edit/02-phishing.md", data={"text": lesson, "action": "publish"}
    )
    assert preview.status_code == 302
    page = checked(
        client.get("/courses/safe-accounts/lessons/phishing"), "Is a message asking for your OTP safe?"
    )
    assert "QUIZ" not in page


BAD_HTML = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg><a xlink:href='javascript:alert(1)'>x</a></svg>",
    "<a href=' jav&#x09;ascript:alert(1)'>x</a>", "<form action='javascript:alert(1)'>", "<iframe src=/x>",
    "<p style='color:red'>", "<meta http-equiv=refresh content='0;url=/x'>", "<link rel=import href=/x>",
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>", "<base href=/x>", "<object data=/x>",
]  # fmt: skip


def test_the_checks_find_what_they_look_for(app):
    from lms.core.pdf import render_pdf

    assert [snippet for snippet in BAD_HTML if not inspect_html(snippet).found] == []
    fine = '<link rel="icon" href="data:,"><a href="/x?a=1">x</a><img src="data:image/png;base64,AA=="><svg><text>t</text></svg>'
    assert inspect_html(fine).found == []
    with app.test_request_context():
        pdf = render_pdf("people/password_sheet.html", issued=[], format_phone=str)
    assert pdf_actions(pdf) == []
    from weasyprint import HTML

    assert pdf_actions(HTML(string='<a href="javascript:alert(1)">x</a>').write_pdf()) != []


def test_lazy_messages_that_quote_user_text_are_escaped(app):
    # flask-babel's lazy strings say they are safe HTML; a problem message quoting a hostile
    # front-matter key was shown unescaped in the editor's list of the course's problems.
    from flask import render_template_string
    from flask_babel import lazy_gettext

    message = lazy_gettext("unknown key %(key)r in front matter", key="<script>alert(1)</script>")
    with app.test_request_context():
        html = render_template_string("<p>{{ message }}</p>", message=message)
    assert "<script>" not in html and "&lt;script&gt;" in html
