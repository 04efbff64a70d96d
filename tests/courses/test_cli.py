"""`flask courses check`: every problem as PATH:LINE: message, exit status 1 or 0."""

from pathlib import Path

from tests.courses.samples import COURSE_MD, course_files


def write_course(folder: Path, **changes) -> Path:
    for name, data in course_files(**changes).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def test_check_reports_every_problem_with_path_and_line(runner, tmp_path):
    good = write_course(tmp_path / "all" / "safe-accounts")
    bad = write_course(
        tmp_path / "all" / "broken-course",
        **{
            "course.md": "---\ntitle: T\nlang: xx\n---\n",
            "02-phishing.md": "---\ntitle: T\n---\n```quiz\n? Q\n= a\n```\n",
        },
    )
    result = runner.invoke(args=["courses", "check", str(tmp_path / "all")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert f"{bad}/course.md:3: lang must be one of: en, bn, hi" in lines
    assert f"{bad}/02-phishing.md:4: a quiz needs an id, e.g. ```quiz id=safe-passwords" in lines
    assert not any(str(good) + "/" in line for line in lines)
    assert (
        runner.invoke(args=["courses", "check", str(good)]).output.strip()
        == "1 course(s) checked, no problems."
    )


def test_check_uses_the_path_as_given(runner, tmp_path, monkeypatch):
    write_course(tmp_path / "c1", **{"01-passwords.md": "---\ntitle: T\nbad: 1\n---\n"})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["courses", "check", "c1"])
    assert "c1/01-passwords.md:3: unknown key 'bad' in front matter" in result.output.splitlines()


def test_check_defaults_to_the_courses_folder(make_app, tmp_path):
    courses = tmp_path / "courses"
    write_course(courses / "safe-accounts")
    app = make_app(COURSES_DIR=str(courses))
    result = app.test_cli_runner().invoke(args=["courses", "check"])
    assert result.exit_code == 0 and "1 course(s) checked" in result.output


def test_symlinks_and_missing_folders_are_problems(runner, tmp_path):
    folder = write_course(tmp_path / "linked")
    (folder / "images" / "evil.png").symlink_to("/etc/passwd")
    result = runner.invoke(args=["courses", "check", str(folder)])
    assert (
        result.exit_code == 1
        and f"{folder}/images/evil.png:1: links and special files are not allowed" in result.output
    )
    missing = runner.invoke(args=["courses", "check", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and f"{tmp_path / 'nope'}:1: not a course folder" in missing.output


def test_shipped_courses_pass_the_checker(runner):
    courses = Path(__file__).parent.parent.parent / "courses"
    result = runner.invoke(args=["courses", "check", str(courses)])
    assert result.exit_code == 0, result.output


def test_configured_size_limits_apply_to_folders_too(make_app, tmp_path):
    folder = write_course(tmp_path / "safe-accounts")
    app = make_app(COURSE_MAX_FILES=3)
    many = app.test_cli_runner().invoke(args=["courses", "publish", str(folder)])
    assert many.exit_code == 1 and f"{folder}:1: the course has more than 3 files" in many.output
    assert "safe-accounts: not published" in many.output
    app = make_app(COURSE_MAX_BYTES=1_000)
    big = app.test_cli_runner().invoke(args=["courses", "check", str(folder)])
    assert big.exit_code == 1 and f"{folder}:1: the course is larger than" in big.output


def test_publish_keeps_passes_says_how_many_and_retakes_on_request(runner, tmp_path, world):
    from lms.courses.models import Course, Quiz
    from lms.extensions import db
    from lms.learning.models import QuizProgress
    from tests.courses.samples import LESSON_ONE

    folder = write_course(tmp_path / "safe-accounts")
    assert (
        "safe-accounts: published version 1" in runner.invoke(args=["courses", "publish", str(folder)]).output
    )
    course_id = db.session.execute(db.select(Course.id)).scalar_one()
    db.session.add(
        QuizProgress(user_id=world.sahayak_kol.id, course_id=course_id, quiz_key="safe-password", round=1,
                     attempts=1, best_score=100, passed_at=world.sahayak_kol.created_at)
    )  # fmt: skip
    db.session.commit()
    write_course(folder, **{"01-passwords.md": LESSON_ONE.replace("= 42 +- 0", "= 42 +- 1")})
    kept = runner.invoke(args=["courses", "publish", str(folder)])
    assert kept.exit_code == 0, kept.output
    assert (
        "  quiz safe-password: grading changed; 1 sahayak(s) passed it in an earlier version: their passes "
        "are kept (--retake safe-password asks them to take it again)" in kept.output
    )
    write_course(folder, **{"01-passwords.md": LESSON_ONE.replace("= 42 +- 0", "= 42 +- 2")})
    retaken = runner.invoke(args=["courses", "publish", "--retake", "safe-password", str(folder)])
    assert "they are asked to take it again" in retaken.output
    rounds = db.session.execute(db.select(Quiz.key, Quiz.round).order_by(Quiz.id.desc()).limit(2)).all()
    assert dict(rounds) == {"safe-password": 2, "phishing": 1}


def test_publish_refuses_a_retake_of_a_quiz_it_does_not_have(runner, tmp_path, app):
    folder = write_course(tmp_path / "safe-accounts")
    result = runner.invoke(args=["courses", "publish", "--retake", "nope", str(folder)])
    assert result.exit_code == 1 and "--retake names no quiz of these courses: nope" in result.output
    from lms.courses.models import Course
    from lms.extensions import db

    assert db.session.execute(db.select(Course)).first() is None  # nothing published


def web_edit(world, slug="safe-accounts", text=None) -> None:
    """Priya edits a lesson on the web and publishes it (she owns the course)."""
    from lms.courses import drafts, services
    from lms.courses.models import CourseOwner
    from lms.extensions import db
    from tests.courses.samples import LESSON_TWO

    course = services.find_course(slug)
    db.session.add(CourseOwner(course_id=course.id, user_id=world.trainer_kol.id))
    db.session.commit()
    drafts.save_draft(
        world.trainer_kol, course, "02-phishing.md", text or LESSON_TWO + "\nEdited on the web.\n"
    )
    services.publish_drafts(world.trainer_kol, course)


def test_the_folder_never_silently_undoes_a_web_publish(runner, tmp_path, world):
    from lms.courses.services import find_course

    folder = write_course(tmp_path / "safe-accounts")
    runner.invoke(args=["courses", "publish", str(folder)])
    web_edit(world)
    write_course(folder, **{"course.md": COURSE_MD + "\nA folder edit.\n"})
    refused = runner.invoke(args=["courses", "publish", str(folder)])
    day = find_course("safe-accounts").live_version.published_at
    assert refused.exit_code == 1
    assert (
        f"safe-accounts: live version 2 was published in the web editor by Trainer Kolkata on {day:%-d %b %Y}; "
        f"publishing {folder} would undo it. Export it with 'flask courses export safe-accounts {folder}' to "
        "carry on in the folder, or publish with --force." in refused.output
    )
    assert find_course("safe-accounts").live_version.number == 2
    forced = runner.invoke(args=["courses", "publish", "--force", str(folder)])
    assert forced.exit_code == 0 and "published version 3" in forced.output


def test_export_carries_the_web_version_into_the_folder_byte_for_byte(runner, tmp_path, world):
    from lms.courses.services import find_course

    folder = write_course(tmp_path / "safe-accounts")
    runner.invoke(args=["courses", "publish", str(folder)])
    web_edit(world)
    result = runner.invoke(args=["courses", "export", "safe-accounts", str(folder)])
    assert result.exit_code == 0, result.output
    files = {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    from lms.courses.drafts import live_files

    assert files == live_files(find_course("safe-accounts"))
    write_course(folder, **{"course.md": COURSE_MD + "\nCarried on in the folder.\n"})
    carried = runner.invoke(args=["courses", "publish", str(folder)])
    assert carried.exit_code == 0 and "published version 3" in carried.output, carried.output


def test_export_never_overwrites_changes_nobody_published(runner, tmp_path, world):
    folder = write_course(tmp_path / "safe-accounts")
    runner.invoke(args=["courses", "publish", str(folder)])
    (folder / "01-passwords.md").write_text("---\ntitle: Mine\n---\nWork in progress.\n")
    refused = runner.invoke(args=["courses", "export", "safe-accounts", str(folder)])
    assert refused.exit_code == 1 and "holds changes that were never published" in refused.output
    assert "Work in progress." in (folder / "01-passwords.md").read_text()
    assert runner.invoke(args=["courses", "export", "--force", "safe-accounts", str(folder)]).exit_code == 0
    assert "Work in progress." not in (folder / "01-passwords.md").read_text()


def test_make_runs_publish_only_adds_new_courses_and_never_fails_the_start(runner, tmp_path, world):
    from lms.courses.services import find_course

    courses = tmp_path / "courses"
    write_course(courses / "safe-accounts")
    first = runner.invoke(args=["courses", "publish", "--new-only", str(courses)])
    assert "safe-accounts: published version 1" in first.output
    web_edit(world)
    write_course(courses / "safe-accounts", **{"course.md": COURSE_MD + "\nChanged.\n"})
    write_course(courses / "broken", **{"course.md": "---\ntitle: T\nlang: xx\n---\n"})
    again = runner.invoke(args=["courses", "publish", "--new-only", str(courses)])
    assert again.exit_code == 0, again.output
    assert (
        "safe-accounts: in the database already" in again.output and "broken: not published" in again.output
    )
    assert find_course("safe-accounts").live_version.number == 2
