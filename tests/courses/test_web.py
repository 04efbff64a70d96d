"""Publishing from the web: .zip uploads, the editor with drafts and preview, downloads, reading."""

import io
import stat
import zipfile

import pytest

from lms.courses.models import CourseVersion, DraftFile
from lms.extensions import db
from tests.courses.samples import LESSON_TWO, course_files


def make_zip(files: dict[str, bytes], folder="safe-accounts", links=()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in files.items():
            archive.writestr(f"{folder}/{path}" if folder else path, data)
        for name, target in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def upload(client, data: bytes, name="c.zip", course="", new_slug="safe-accounts"):
    """Upload a .zip into a course's drafts: a new course (typed id) or an existing one."""
    form = {"archive": (io.BytesIO(data), name), "course": course, "new_slug": "" if course else new_slug}
    return client.post("/courses/upload", data=form, content_type="multipart/form-data")


def publish_drafts(client, slug="safe-accounts", **form):
    """Press "Publish these changes" on the review page."""
    return client.post(f"/courses/{slug}/publish", data=form)


def own(world, version, user=None) -> None:
    """Make the Kolkata trainer (or `user`) an owner of a course published from the command line."""
    from lms.courses.models import CourseOwner

    db.session.add(CourseOwner(course_id=version.course_id, user_id=(user or world.trainer_kol).id))
    db.session.commit()


@pytest.fixture
def trainer(world, auth):
    auth.login(world.trainer_kol)
    return world.trainer_kol


@pytest.fixture
def owner(world, auth, sample_course):
    """The Kolkata trainer, signed in, owning the sample course."""
    own(world, sample_course)
    auth.login(world.trainer_kol)
    return world.trainer_kol


def versions() -> list[int]:
    return [v.number for v in db.session.execute(db.select(CourseVersion)).scalars()]


def drafted() -> dict[str, bytes | None]:
    return {d.path: d.data for d in db.session.execute(db.select(DraftFile)).scalars()}


def test_an_upload_is_a_draft_until_published_and_a_reupload_changes_nothing(client, trainer):
    response = upload(client, make_zip(course_files()))
    assert response.headers["Location"] == "/courses/safe-accounts/review"
    assert versions() == []  # not live yet
    review = client.get("/courses/safe-accounts/review").get_data(as_text=True)
    assert "course.md" in review and "added" in review and "Publish these changes" in review
    response = publish_drafts(client)
    assert response.headers["Location"] == "/courses/safe-accounts/versions"
    page = client.get("/courses/safe-accounts/versions").get_data(as_text=True)
    assert "Published version 1." in page and "published from an upload" in page and trainer.name in page
    upload(client, make_zip(course_files()), course="safe-accounts")
    assert drafted() == {} and versions() == [1]
    assert "There are no unpublished changes." in client.get("/courses/safe-accounts/review").get_data(
        as_text=True
    )


@pytest.mark.parametrize("folder", ["", "anything"])
def test_the_form_names_the_course_never_the_zip(client, trainer, folder):
    upload(client, make_zip(course_files(), folder=folder), name="flat.zip", new_slug="safe-accounts")
    publish_drafts(client)
    from lms.courses.models import Course

    assert db.session.execute(db.select(Course.slug)).scalars().all() == ["safe-accounts"]


@pytest.mark.parametrize(
    ("new_slug", "message"),
    [
        ("Safe Accounts", "A course id uses only lowercase English letters"),
        ("", "Choose a course, or type the id of a new one."),
    ],
)
def test_a_new_course_needs_a_good_id(client, trainer, new_slug, message):
    response = upload(client, make_zip(course_files()), new_slug=new_slug)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert drafted() == {}


def test_a_new_course_id_may_not_clash(client, trainer, sample_course):
    page = upload(client, make_zip(course_files()), new_slug="safe-accounts").get_data(as_text=True)
    assert "A course with the id safe-accounts exists already" in page and drafted() == {}


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (
            make_zip(course_files(), links=[("safe-accounts/images/evil.png", "/etc/passwd")]),
            "links and special files are not allowed",
        ),
        (
            make_zip({**course_files(), "../../etc/evil.md": b"x"}, folder=""),
            "this path leaves the course folder",
        ),
        (make_zip({**course_files(), "/abs/evil.md": b"x"}, folder=""), "this path leaves the course folder"),
        (b"not a zip at all", "the upload is not a .zip archive"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_problem_and_nothing_written(
    archive, message, client, trainer, tmp_path
):
    response = upload(client, archive)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert versions() == [] and drafted() == {}
    from lms.courses.models import Course

    assert db.session.execute(db.select(Course)).first() is None


def test_an_upload_with_problems_is_reviewed_with_file_and_line_and_not_published(client, trainer):
    broken = course_files(**{"02-phishing.md": LESSON_TWO.replace("- [x] No", "- [ ] No")})
    upload(client, make_zip(broken))
    review = client.get("/courses/safe-accounts/review").get_data(as_text=True)
    assert "02-phishing.md:7</code></a> mark at least one option right" in review
    assert "Publish these changes" not in review
    response = publish_drafts(client)
    assert response.headers["Location"] == "/courses/safe-accounts/review" and versions() == []


def test_upload_size_and_file_count_limits(make_app, make_user, make_region):
    from tests.conftest import AuthActions

    app = make_app(COURSE_MAX_FILES=3, COURSE_MAX_BYTES=10_000)
    with app.app_context():
        trainer = make_user("trainer", region=make_region(kind="state"))
        client = app.test_client()
        AuthActions(client).login(trainer)
        many = upload(client, make_zip(course_files())).get_data(as_text=True)
        assert "the course has more than 3 files" in many
        big = make_zip({"course.md": b"x" * 20_000})
        assert "the course is larger than" in upload(client, big).get_data(as_text=True)


def test_zip_bomb_is_stopped_at_the_limit(make_app, make_user, make_region):
    from tests.conftest import AuthActions

    app = make_app(COURSE_MAX_BYTES=50_000)
    with app.app_context():
        trainer = make_user("trainer", region=make_region(kind="state"))
        client = app.test_client()
        AuthActions(client).login(trainer)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("c/course.md", b"\0" * 5_000_000)
        page = upload(client, buffer.getvalue()).get_data(as_text=True)
        assert "the course is larger than" in page


def test_download_round_trips(client, trainer):
    upload(client, make_zip(course_files()))
    publish_drafts(client)
    with client.get("/courses/safe-accounts/v1.zip") as response:
        assert response.mimetype == "application/zip"
        data = response.data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == {
            f"safe-accounts/{path}": content for path, content in course_files().items()
        }
    upload(client, data, course="safe-accounts")
    assert drafted() == {}  # the same content: nothing to publish


def test_an_upload_changes_deletes_and_adds_whole_files(client, owner):
    files = course_files(**{"images__lock.png": None, "images__new.png": b"\x89PNG new"})
    upload(client, make_zip(files), course="safe-accounts")
    assert drafted() == {"images/lock.png": None, "images/new.png": b"\x89PNG new"}
    review = client.get("/courses/safe-accounts/review").get_data(as_text=True)
    assert 'images/lock.png</code> <span class="meta">deleted' in review


def test_editor_preview_shows_line_numbered_problems_then_publish(client, owner, sample_course):
    url = "/courses/safe-accounts/edit/02-phishing.md"
    page = client.get(url).get_data(as_text=True)
    assert "Links can lie." in page and "Preview" in page
    broken = LESSON_TWO.replace("- [x] No", "- [ ] No")
    page = client.post(url, data={"text": broken, "action": "preview"}).get_data(as_text=True)
    assert (
        '<a href="#line-7"><code translate="no">02-phishing.md:7</code></a> mark at least one option right'
        in page
    )
    assert 'id="line-7" class="bad"' in page
    assert drafted() == {}  # preview saves nothing
    response = client.post(url, data={"text": broken, "action": "publish"})
    assert response.headers["Location"] == url
    page = client.get(url).get_data(as_text=True)
    assert "Not published: the course has problems" in page and "02-phishing.md:7" in page
    assert versions() == [1]
    fixed = LESSON_TWO.replace("Links can lie.", "Links can lie, check them.")
    client.post(url, data={"text": fixed, "action": "save"})
    assert drafted() == {"02-phishing.md": fixed.encode()}
    response = client.post(url, data={"text": fixed, "action": "publish"})
    assert response.headers["Location"] == "/courses/safe-accounts/versions"
    assert versions() == [1, 2]
    assert drafted() == {}
    assert "Links can lie, check them." in client.get("/courses/safe-accounts/lessons/phishing").get_data(
        as_text=True
    )


def test_publishing_drafts_that_change_nothing_still_clears_them(client, owner, sample_course):
    # The drafts equal the live version: nothing is published, and the drafts must go all the same.
    url = "/courses/safe-accounts/edit/02-phishing.md"
    client.post(url, data={"text": LESSON_TWO, "action": "save"})
    response = client.post(url, data={"text": LESSON_TWO, "action": "publish"})
    assert response.headers["Location"] == "/courses/safe-accounts/versions"
    assert "Nothing changed: version 1 stays live." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert versions() == [1]
    assert drafted() == {}


def test_drafts_can_be_discarded(client, owner, sample_course):
    client.post(
        "/courses/safe-accounts/edit/course.md",
        data={"text": "---\ntitle: X\nlang: en\n---\n", "action": "save"},
    )
    assert drafted() != {}
    client.post("/courses/safe-accounts/discard")
    assert drafted() == {}


def test_only_markdown_files_of_the_course_are_editable(client, owner, sample_course):
    assert client.get("/courses/safe-accounts/edit/images/lock.png").status_code == 404
    assert client.get("/courses/safe-accounts/edit/../../etc/passwd").status_code == 404
    assert client.get("/courses/nope/edit/course.md").status_code == 404


def test_reading_pages_show_no_answers(client, auth, world, sample_course):
    auth.login(world.sahayak_kol)
    listing = client.get("/courses/").get_data(as_text=True)
    assert "নিরাপদ অ্যাকাউন্ট" in listing and "History and editing" not in listing
    page = client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True)
    assert "4 questions" in page and "attempts used: 0 of 3" in page and "pass mark 60%" in page
    assert page.count("<fieldset>") == 4 and 'name="token"' in page
    for secret in (
        "Nobody else should ever know",
        "schedule",
        "শিডিউল",
        "Explanation shown",
        "correct",
        "42.0",
    ):
        assert secret not in page  # options are shown, but no mark of which is right


def test_assets_are_served_with_long_cache_headers(client, auth, world, sample_course):
    auth.login(world.sahayak_kol)
    with client.get("/courses/safe-accounts/v1/files/images/lock.png") as response:
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert (
            "immutable" in response.headers["Cache-Control"]
            and "max-age=31536000" in response.headers["Cache-Control"]
        )
    assert client.get("/courses/safe-accounts/v1/files/01-passwords.md").status_code == 404
    assert client.get("/courses/safe-accounts/v9/files/images/lock.png").status_code == 404


def test_a_courses_history_is_paged_and_live_is_marked_once(app, client, auth, world, sample_course):
    from lms.courses.parser import parse_course
    from lms.courses.services import publish
    from tests.courses.samples import COURSE_MD

    for n in range(4):
        publish(
            parse_course("safe-accounts", course_files(**{"course.md": COURSE_MD + f"\nEdit {n}.\n"})),
            None,
            "cli",
        )
    app.config["USERS_PER_PAGE"] = 2
    auth.login(world.trainer_kol)
    first = client.get("/courses/safe-accounts/versions").get_data(as_text=True)
    assert "Page 1 of 3" in first and "(live)" in first and ">5" in first
    last = client.get("/courses/safe-accounts/versions", query_string={"page": 3}).get_data(as_text=True)
    assert "Page 3 of 3" in last and "(live)" not in last
