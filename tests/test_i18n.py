"""Three languages: every UI string translated, chosen per user, switchable by anyone."""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from lms.extensions import db

TRANSLATIONS = Path(__file__).parent.parent / "lms" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
SERIAL = re.compile(r"DS-\d{4}-\d{6}")
JOIN_CODE = re.compile(r'class="code" translate="no">(\w+)<')
FILE_NAME = re.compile(r"[\w-]+\.(?:md|csv|zip|pdf)\b")  # file names users must see as they are
# Tokens users must see as they are: file formats and CSV column names (see the .po glossary).
ALLOWED_LATIN = {
    "CSV",
    "PDF",
    "QR",
    "ABCDE",  # the example verification code
    "FGHJK",
    "MNPQR",
    "front",  # "front matter", the course-format term trainers find in docs/course-format.md
    "matter",
    "zip",
    "ZIP",
    "PNG",
    "JPEG",
    "GIF",
    "WebP",
    "UTF",
    "Markdown",
    "csv",
    "name",
    "phone",
    "region",
    "role",
    "lang",
    "sahayak",
    "bn",
}


class VisibleText(HTMLParser):
    """Collects text a reader sees or hears, skipping parts marked as another language."""

    VOID = frozenset({"meta", "link", "input", "br", "img", "hr"})

    def __init__(self, page_lang: str):
        super().__init__()
        self.page_lang, self.stack, self.chunks = page_lang, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other = attrs.get("lang", self.page_lang) != self.page_lang or attrs.get("translate") == "no"
        other = other or tag == "title"  # repeats the page's <h1>, which is checked; may hold a course title
        skipping = bool(other or (self.stack and self.stack[-1]))
        if tag not in self.VOID:
            self.stack.append(skipping)
        if not skipping:
            self.chunks += [attrs[a] for a in ("aria-label", "title", "placeholder", "alt") if attrs.get(a)]

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.chunks.append(data)


def untranslated_words(html: str, lang: str) -> set[str]:
    parser = VisibleText(lang)
    parser.feed(html)
    chunks = [FILE_NAME.sub(" ", chunk) for chunk in parser.chunks]
    return {word for chunk in chunks for word in LATIN_WORD.findall(chunk)} - ALLOWED_LATIN


def load_catalog(path: Path):
    with path.open(encoding="utf-8") as handle:
        return read_po(handle)


@pytest.mark.parametrize("lang", ["bn", "hi"])
def test_every_message_is_translated_with_the_same_placeholders(lang):
    catalog = load_catalog(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po")
    template = load_catalog(TRANSLATIONS / "messages.pot")
    assert {m.id for m in template if m.id} == {m.id for m in catalog if m.id}, "run make extract-messages"
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, message.id
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= wanted, message.id


@pytest.fixture
def bengali_world(make_region, make_user):
    state = make_region("WB", kind="state", name="পশ্চিমবঙ্গ")
    district = make_region("WB-KOL", parent=state, name="কলকাতা")
    people = {
        role: make_user(role, region=district if role != "admin" else state, name=f"সুমিত্রা {i}", lang="bn")
        for i, role in enumerate(("sahayak", "trainer", "cell_head", "admin"))
    }
    for name in ("স্নাতক", "স্নাতক দুই"):  # complete the course below: eligible for a certificate
        make_user(region=district, name=name, lang="bn")
    return people


def english_course_id() -> int:
    from lms.courses.models import Course

    return db.session.execute(db.select(Course.id)).scalar_one()


@pytest.fixture
def english_course(app):
    """A published course whose content is English (marked lang="en" on the page)."""
    from lms.auth.models import User
    from lms.courses.models import CourseOwner
    from lms.courses.parser import parse_course
    from lms.courses.services import publish
    from lms.learning.models import Completion
    from tests.courses.samples import COURSE_MD, course_files

    files = course_files(**{"course.md": COURSE_MD.replace("lang: bn", "lang: en")})
    version = publish(parse_course("safe-accounts", files), None, "cli").version
    graduates = db.session.execute(db.select(User).where(User.name.startswith("স্নাতক"))).scalars()
    for graduate in graduates:  # eligible for a certificate
        db.session.add(Completion(user_id=graduate.id, course_id=version.course_id, version_id=version.id))
    db.session.commit()
    trainer = db.session.execute(db.select(User).filter_by(role="trainer")).scalars().first()
    if trainer is not None:  # owns the course: sees its editing pages
        db.session.add(CourseOwner(course_id=version.course_id, user_id=trainer.id))
        db.session.commit()
    return version


def course_pages(client, role: str) -> dict:
    """The course pages this role can open."""
    pages = {
        f"{role} courses": client.get("/courses/"),
        f"{role} course": client.get("/courses/safe-accounts/"),
        f"{role} lesson": client.get("/courses/safe-accounts/lessons/passwords"),
    }
    lesson = pages[f"{role} lesson"].get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', lesson).group(1)
    submitted = client.post("/quizzes/submit", data={"token": token, "q2": "উত্তর"})
    pages[f"{role} result"] = client.get(submitted.headers["Location"])
    pages[f"{role} progress"] = client.get("/progress")
    pages[f"{role} outline after"] = client.get("/courses/safe-accounts/")
    pages[f"{role} batches"] = client.get("/batches/")
    pages[f"{role} enter code"] = client.get("/join")
    pages[f"{role} bad code"] = client.post("/join", data={"code": "ZZZZZZ"})
    if role != "sahayak":
        pages[f"{role} new batch"] = client.get("/batches/new")
        batch = client.post(
            "/batches/new",
            data={
                "course_id": english_course_id(),
                "name": "দল",
                "starts_on": "2026-12-01",
                "region_code": "WB-KOL",
            },
        )
        pages[f"{role} batch"] = client.get(batch.headers["Location"])
        code = re.search(
            r'class="code" translate="no">(\w+)<', pages[f"{role} batch"].get_data(as_text=True)
        ).group(1)
        pages[f"{role} join page"] = client.get(f"/join/{code}")
        bad = {"file": (io.BytesIO("name,phone,region\nক,1,WB-KOL\n".encode()), "তালিকা.csv")}
        pages[f"{role} batch csv errors"] = client.post(batch.headers["Location"] + "/members", data=bad)
        pages[f"{role} poster"] = client.get(batch.headers["Location"] + "/poster.pdf")
    pages[f"{role} certificates"] = client.get("/certificates/")
    pages[f"{role} verify form"] = client.get("/verify")
    pages[f"{role} verify unknown"] = client.get("/verify/AAAAABBBBBCCCCC")
    if role == "admin":
        from lms.certificates.models import Certificate

        pages[f"{role} issue confirmation"] = client.post("/certificates/issue", data={"all": "1"})  # two
        client.post("/certificates/issue", data={"all": "1", "confirmed": "1"})
        pages[f"{role} certificates issued"] = client.get("/certificates/")
        code = db.session.execute(db.select(Certificate.code)).scalars().first()
        pages[f"{role} verify valid"] = client.get(f"/verify/{code}")
        pages[f"{role} revoke form"] = client.get(f"/certificates/{code}/revoke")
        client.post(f"/certificates/{code}/revoke", data={"category": "error", "reason": "ভুল"})
        pages[f"{role} verify revoked"] = client.get(f"/verify/{code}")
    if role in ("cell_head", "admin"):
        pages[f"{role} dashboard"] = client.get("/reports/")
        pages[f"{role} cascade"] = client.get("/reports/cascade")
    if role != "sahayak":
        pages[f"{role} quiz figures"] = client.get("/reports/quizzes")
    if role in ("trainer", "admin"):
        broken = "---\ntitle: T\nভুল: 1\n---\n```quiz id=x\n? Q\n- [ ] a\n```\n"
        pages |= {
            f"{role} versions": client.get("/courses/safe-accounts/versions"),
            f"{role} upload": client.get("/courses/upload"),
            f"{role} upload errors": client.post(
                "/courses/upload", data={"archive": (io.BytesIO(b"not a zip"), "ক.zip")}
            ),
            f"{role} edit": client.get("/courses/safe-accounts/edit/01-passwords.md"),
            f"{role} edit problems": client.post(
                "/courses/safe-accounts/edit/02-phishing.md", data={"text": broken, "action": "preview"}
            ),
            f"{role} no changes": client.get("/courses/safe-accounts/review"),
        }
        client.post("/courses/safe-accounts/edit/02-phishing.md", data={"text": broken, "action": "save"})
        pages[f"{role} review problems"] = client.get("/courses/safe-accounts/review")
        client.post("/courses/safe-accounts/discard")
    return pages


@pytest.mark.parametrize("lang", ["bn", "hi"])
def test_pages_for_every_role_have_no_untranslated_ui_string(
    lang, client, auth, bengali_world, english_course
):
    pages = {"/login": client.get("/login", headers={"Accept-Language": lang})}
    for role, user in bengali_world.items():
        user.lang = lang
        db.session.commit()
        auth.login(user)
        pages[f"{role} /"] = client.get("/")
        pages[f"{role} /password"] = client.get("/password")
        pages[f"{role} /nope"] = client.get("/nope")
        if role == "sahayak":
            pages["sahayak /people/ (403)"] = client.get("/people/")
        else:
            pages[f"{role} /people/"] = client.get("/people/")
            pages[f"{role} person"] = client.get(f"/people/{bengali_world['sahayak'].id}")
        if role in ("cell_head", "admin"):
            pages[f"{role} import"] = client.get("/people/import")
            bad = {"file": (io.BytesIO(b"name,phone\nx,1\n"), "তালিকা.csv")}
            pages[f"{role} import errors"] = client.post("/people/import", data=bad)
            phone = f"98300111{len(pages):02d}"
            good = {"file": (io.BytesIO(f"name,phone,region\nনতুন,{phone},WB-KOL\n".encode()), "তালিকা.csv")}
            pages[f"{role} sheet"] = client.post("/people/import", data=good, follow_redirects=True)
        if role in ("trainer", "cell_head"):
            sahayak = bengali_world["sahayak"].id
            pages[f"{role} reset"] = client.post(f"/people/{sahayak}/reset-password")
        pages |= course_pages(client, role)
        auth.logout()
    for name, response in pages.items():
        if response.mimetype == "application/pdf":
            continue  # the poster's text is checked through its template's messages
        html = response.get_data(as_text=True)
        for code in JOIN_CODE.findall(html):  # batch codes are data, even inside a message
            html = html.replace(code, "")
        html = SERIAL.sub("", html)  # so are certificate serial numbers
        assert f'<html lang="{lang}">' in html, name
        assert untranslated_words(html, lang) == set(), name


def test_language_switch_before_login_is_kept_in_the_session(client):
    response = client.post("/language", data={"lang": "bn", "next": "/login"})
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="bn">' in page and "সাইন ইন" in page
    client.post("/language", data={"lang": "hi"})
    assert '<html lang="hi">' in client.get("/login").get_data(as_text=True)


def test_browser_language_is_the_default(client):
    page = client.get("/login", headers={"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.5"})
    assert '<html lang="hi">' in page.get_data(as_text=True)
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


def test_signed_in_users_language_is_stored_on_the_account(client, auth, make_user):
    user = make_user(lang="hi")
    auth.login(user)
    assert '<html lang="hi">' in client.get("/").get_data(as_text=True)
    client.post("/language", data={"lang": "bn", "next": "/"})
    db.session.refresh(user)
    assert user.lang == "bn"
    auth.logout()
    auth.login(user)
    assert '<html lang="bn">' in client.get("/").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"lang": "fr"})
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


def test_languages_offered_come_from_the_setting_alone(make_app):
    from lms.courses.parser import parse_course
    from tests.courses.samples import course_files

    app = make_app(LANGUAGES=["en", "hi"])
    with app.app_context():
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        assert 'name="lang" value="hi"' in page and 'name="lang" value="bn"' not in page
        client.post("/language", data={"lang": "bn"})
        assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "bn"}).get_data(
            as_text=True
        )
        client.post("/language", data={"lang": "hi"})
        assert '<html lang="hi">' in client.get("/login").get_data(as_text=True)
        course = parse_course("safe-accounts", course_files())  # a Bengali course
        assert "course.md:3: lang must be one of: en, hi" in [
            f"{p.file}:{p.line}: {p.message}" for p in course.problems
        ]
        args = ["users", "create", "--phone", "9433011111", "--name", "A", "--role", "admin", "--lang", "bn"]
        result = app.test_cli_runner().invoke(args=args, input="long-secret\nlong-secret\n")
        assert result.exit_code == 1 and "Unknown language 'bn': use en, hi." in result.output


def test_the_checker_finds_english_ui_text(client, auth, world):
    auth.login(world.head_kol)
    english = client.get("/").get_data(as_text=True)
    assert {"Welcome", "Register", "Total", "Cell", "Sign"} <= untranslated_words(english, "en")
    # The language buttons carry their own lang: on a Hindi page, "English" is not UI text.
    assert "English" not in untranslated_words(english.replace('lang="en">', 'lang="hi">', 1), "hi")


def test_anonymous_join_page_is_translated(client, bengali_world, english_course):
    from datetime import date

    from lms.batches.services import create_batch

    batch = create_batch(
        bengali_world["trainer"],
        english_course.course_id,
        "দল",
        "",
        date(2026, 12, 1),
        bengali_world["trainer"].region_id,
    )
    for lang in ("bn", "hi"):
        page = client.get(f"/join/{batch.join_code}", headers={"Accept-Language": lang}).get_data(
            as_text=True
        )
        assert f'<html lang="{lang}">' in page and 'name="region_id"' in page
        assert untranslated_words(page, lang) == set()


def test_form_field_errors_are_translated_too(client, bengali_world):
    """WTForms' own messages come from our catalogues (WTForms has no bn or hi)."""
    page = client.post(
        "/login", data={"phone": "", "password": ""}, headers={"Accept-Language": "bn"}
    ).get_data(as_text=True)
    assert "এটি পূরণ করতেই হবে।" in page and "This field is required." not in page
    assert untranslated_words(page, "bn") == set()


def test_counts_in_plural_messages_are_grouped_as_numbers_elsewhere(app):
    """Issue 16: "Issue to all 40000 shown" beside "40,000" in a table."""
    from flask import render_template_string

    page = "{{ ngettext('%(num)d batch', '%(num)d batches', n) }}|{{ n|number }}"
    with app.test_request_context():
        assert render_template_string(page, n=40000) == "40,000 batches|40,000"
        assert render_template_string(page, n=1) == "1 batch|1"
        escaped = render_template_string("{{ ngettext('%(num)d %(x)s', '%(num)d %(x)s', 2, x='<b>') }}")
        assert escaped == "2 &lt;b&gt;"


def test_registered_is_a_count_on_the_dashboard_and_a_date_on_a_persons_page(client, auth, world):
    """Issue 16: the dashboard's "Registered" (people) read "date of registration" in Bengali
    and Hindi; the two senses now have their own contexts."""
    auth.login(world.head_kol)
    client.post("/language", data={"lang": "bn"})
    dashboard = client.get("/reports/").get_data(as_text=True)
    assert "<dt>নথিভুক্ত</dt>" in dashboard and "নথিভুক্তির তারিখ" not in dashboard
    person = client.get(f"/people/{world.sahayak_kol.id}").get_data(as_text=True)
    assert "<dt>নথিভুক্তির তারিখ</dt>" in person


GLOSSARY_ROW = re.compile(
    r"^\|\s*([^|]+?)\s*\|\s*([^|]*?)\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|$", re.MULTILINE
)


def test_the_catalogues_write_the_glossarys_terms_as_it_does():
    """docs/translations.md's glossary is what the screens say, in every context it lists."""
    glossary = (Path(__file__).resolve().parent.parent / "docs" / "translations.md").read_text(
        encoding="utf-8"
    )
    rows = [
        row for row in GLOSSARY_ROW.findall(glossary) if row[0] != "English" and not row[0].startswith("-")
    ]
    assert len(rows) >= 15
    for lang, column in (("bn", 2), ("hi", 3)):
        catalog = load_catalog(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po")
        for row in rows:
            message = catalog.get(row[0], context=row[1].strip() or None)
            assert message is not None and message.string == row[column], (lang, row)
        # A term the glossary gives senses (contexts) is never used without one, unless the
        # glossary lists that plain sense too ("Completed", a course's state).
        with_senses = {row[0] for row in rows if row[1].strip()}
        plain = {row[0] for row in rows if not row[1].strip()}
        assert not [m.id for m in catalog if m.id in with_senses - plain and not m.context]
