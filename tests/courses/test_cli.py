"""`flask courses check`: every problem as PATH:LINE: message, exit status 1 or 0."""

from pathlib import Path

from tests.courses.samples import course_files


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
