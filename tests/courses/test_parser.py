"""The course format: every rule, and every error message with its line."""

import pytest

from lms.courses.parser import parse_course
from lms.courses.quizzes import QuizBlock
from tests.courses.samples import COURSE_MD, LESSON_ONE, LESSON_TWO, course_files


def problems_of(files, slug="safe-accounts") -> list[str]:
    return [f"{p.file}:{p.line}: {p.message}" for p in parse_course(slug, files).problems]


def test_valid_course_parses_completely(app):
    course = parse_course("safe-accounts", course_files())
    assert course.problems == []
    assert (course.title, course.lang, course.pass_mark, course.certificate) == (
        "নিরাপদ অ্যাকাউন্ট",
        "bn",
        60,
        True,
    )
    assert [lesson.slug for lesson in course.lessons] == ["passwords", "phishing"]
    assert course.lessons[0].duration_min == 10 and course.lessons[1].duration_min is None
    quiz = course.lessons[0].quizzes[0]
    assert (quiz.key, quiz.attempts, quiz.shuffle, quiz.pass_mark) == ("safe-password", 3, True, None)
    assert [q.kind for q in quiz.questions] == ["multiple", "single", "text", "numeric"]
    assert quiz.questions[0].options[1].feedback == "Nobody else should ever know your password."
    assert quiz.questions[2].accepted == ["schedule", "শিডিউল", "সময় নির্ধারণ"]
    assert (quiz.questions[3].value, quiz.questions[3].tolerance) == (42.0, 0.0)
    assert quiz.explanation == "Explanation shown once the quiz is **submitted**."
    assert course.lessons[1].quizzes[0].pass_mark == 80
    assert set(course.assets) == {"images/lock.png"}


def test_quiz_like_lines_in_ordinary_code_stay_code(app):
    lesson = parse_course("safe-accounts", course_files()).lessons[0]
    code = "".join(part for part in lesson.parts if isinstance(part, str))
    assert "? not a question" in code and "```python" in code
    assert len(lesson.quizzes) == 1 and isinstance(lesson.parts[1], QuizBlock)


def test_content_hash_covers_every_file(app):
    first = parse_course("safe-accounts", course_files()).content_hash
    assert parse_course("safe-accounts", course_files()).content_hash == first
    assert parse_course("safe-accounts", course_files(images__lock_png=b"other")).content_hash != first


def test_quiz_hash_changes_only_with_the_quiz(app):
    base = parse_course("safe-accounts", course_files()).lessons[0].quizzes[0].content_hash
    prose = course_files(**{"01-passwords.md": LESSON_ONE.replace("After the quiz.", "Changed prose.")})
    assert parse_course("safe-accounts", prose).lessons[0].quizzes[0].content_hash == base
    quiz = course_files(**{"01-passwords.md": LESSON_ONE.replace("= 42 +- 0", "= 42 +- 1")})
    assert parse_course("safe-accounts", quiz).lessons[0].quizzes[0].content_hash != base


def test_byte_order_mark_is_stripped(app):
    assert problems_of(course_files(**{"course.md": "\ufeff" + COURSE_MD})) == []


FRONT_MATTER_CASES = [
    (
        "course.md",
        COURSE_MD.replace("pass_mark: 60", "pass_mrk: 60"),
        "course.md:5: unknown key 'pass_mrk' in front matter",
    ),
    ("course.md", COURSE_MD.replace("lang: bn\n", ""), "course.md:1: front matter needs 'lang'"),
    ("course.md", COURSE_MD.replace("title: নিরাপদ অ্যাকাউন্ট\n", ""), "course.md:1: front matter needs 'title'"),
    ("course.md", COURSE_MD.replace("lang: bn", "lang: fr"), "course.md:3: lang must be one of: en, bn, hi"),
    (
        "course.md",
        COURSE_MD.replace("pass_mark: 60", "pass_mark: 101"),
        "course.md:5: pass_mark must be a whole number from 0 to 100",
    ),
    (
        "course.md",
        COURSE_MD.replace("pass_mark: 60", "pass_mark: yes"),
        "course.md:5: pass_mark must be a whole number from 0 to 100",
    ),
    (
        "course.md",
        COURSE_MD.replace("certificate: true", "certificate: maybe"),
        "course.md:6: certificate must be true or false",
    ),
    (
        "course.md",
        COURSE_MD.replace("title: নিরাপদ অ্যাকাউন্ট", "title:"),
        "course.md:2: title must be text",
    ),
    (
        "course.md",
        COURSE_MD.replace("title: নিরাপদ অ্যাকাউন্ট", "title: [a, b]"),
        "course.md:2: title must be text",
    ),
    (
        "course.md",
        COURSE_MD.replace("---\ntitle", "title", 1),
        "course.md:1: the file must start with front matter between --- lines",
    ),
    ("course.md", "---\ntitle: x\nlang: en\n", "course.md:1: the front matter is not closed with a --- line"),
    (
        "course.md",
        COURSE_MD.replace("summary: Keep accounts safe", "summary: [unclosed"),
        "course.md:5: front matter is not valid YAML",
    ),
    ("course.md", "---\n- a list\n---\n", "course.md:2: front matter must be a list of key: value lines"),
    (
        "01-passwords.md",
        LESSON_ONE.replace("duration_min: 10", "duration_min: 0"),
        "01-passwords.md:3: duration_min must be a whole number from 1 to 1000",
    ),
    (
        "01-passwords.md",
        LESSON_ONE.replace("duration_min: 10", "author: me"),
        "01-passwords.md:3: unknown key 'author' in front matter",
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), FRONT_MATTER_CASES)
def test_front_matter_problems(name, content, expected, app):
    found = problems_of(course_files(**{name: content}))
    assert any(problem.startswith(expected) for problem in found), found


def quiz_lesson(block: str, info: str = "quiz id=q1") -> str:
    return f"---\ntitle: T\n---\nIntro line\n\n```{info}\n{block}\n```\n"


QUIZ_CASES = [
    # (info, block, expected "line: message"); the fence is on line 6, the block starts on line 7.
    ("quiz", "? Q\n- [x] a\n- [ ] b", "6: a quiz needs an id"),
    (
        "quiz id=Bad_Id",
        "? Q\n- [x] a\n- [ ] b",
        "6: quiz id 'Bad_Id': use lowercase letters, digits and hyphens",
    ),
    ("quiz id=q1 colour=red", "? Q\n- [x] a\n- [ ] b", "6: unknown quiz attribute 'colour'"),
    ("quiz id=q1 id=q2", "? Q\n- [x] a\n- [ ] b", "6: quiz attribute 'id' is given twice"),
    ("quiz id=q1 shuffle", "? Q\n- [x] a\n- [ ] b", "6: quiz attribute 'shuffle' must be written key=value"),
    (
        "quiz id=q1 pass_mark=150",
        "? Q\n- [x] a\n- [ ] b",
        "6: pass_mark must be a whole number from 0 to 100",
    ),
    ("quiz id=q1 attempts=0", "? Q\n- [x] a\n- [ ] b", "6: attempts must be a whole number from 1 to 100"),
    ("quiz id=q1 shuffle=yes", "? Q\n- [x] a\n- [ ] b", "6: shuffle must be true or false"),
    ("quiz id=q1", "", "6: a quiz needs at least one question"),
    ("quiz id=q1", "---\nOnly an explanation", "6: a quiz needs at least one question"),
    ("quiz id=q1", "- [x] a\n- [ ] b", "7: start each question with a line beginning with ? "),
    ("quiz id=q1", "?\n- [x] a\n- [ ] b", "7: the question has no text after ?"),
    ("quiz id=q1", "? Q\n- [x] only one", "7: a question with options needs at least two"),
    ("quiz id=q1", "? Q\n- [ ] a\n- [ ] b", "7: mark at least one option right with - [x]"),
    ("quiz id=q1", "? Q\n\n? R\n= yes", "7: the question needs options (- [x] / - [ ]) or an = answer line"),
    ("quiz id=q1", "? Q\n- [x] a\n- [ ] b\n= a", "10: a question has either options or an = line, not both"),
    ("quiz id=q1", "? Q\n= a\n- [x] b", "9: a question has either options or an = line, not both"),
    ("quiz id=q1", "? Q\n= a\n= b", "9: a question may have only one = line"),
    ("quiz id=q1", "? Q\n= 42 +- x", "8: a numeric answer is written NUMBER +- TOLERANCE"),
    ("quiz id=q1", "? Q\n= 42 +- -1", "8: a numeric answer is written NUMBER +- TOLERANCE"),
    ("quiz id=q1", "? Q\n= | |", "8: the = line has no accepted answer"),
    ("quiz id=q1", "? Q\n- [x] \n- [ ] b", "8: the option has no text"),
    (
        "quiz id=q1",
        "? Q\n  > feedback first\n- [x] a\n- [ ] b",
        "8: a feedback line (>) must be indented under an option",
    ),
    ("quiz id=q1", "? Q\n-[x] a\n- [ ] b", "8: write an option as - [x] text (right) or - [ ] text (wrong)"),
    ("quiz id=q1", "? Q\n- [x] a\n- [ ] b\nstray text", "10: unexpected line in a quiz"),
]


@pytest.mark.parametrize(("info", "block", "expected"), QUIZ_CASES)
def test_quiz_problems_point_at_their_line(info, block, expected, app):
    found = problems_of(course_files(**{"02-phishing.md": quiz_lesson(block, info)}))
    assert any(problem.startswith(f"02-phishing.md:{expected}") for problem in found), found


def test_unclosed_fences_are_reported_at_the_fence(app):
    lesson = "---\ntitle: T\n---\ntext\n```quiz id=q9\n? Q\n= a\n"
    assert "02-phishing.md:5: the fenced block opened here is never closed" in problems_of(
        course_files(**{"02-phishing.md": lesson})
    )
    code = "---\ntitle: T\n---\n~~~~python\nprint()\n~~~\n"
    assert "02-phishing.md:4: the fenced block opened here is never closed" in problems_of(
        course_files(**{"02-phishing.md": code})
    )


def test_duplicate_quiz_ids_name_the_first(app):
    lesson = quiz_lesson("? Q\n= a", "quiz id=safe-password")
    assert "02-phishing.md:6: quiz id safe-password is already used at 01-passwords.md:14" in problems_of(
        course_files(**{"02-phishing.md": lesson})
    )


FILE_CASES = [
    ({"course.md": None}, "course.md:1: course.md is missing"),
    ({"03-extra.md": b"\xff\xfe bad"}, "03-extra.md:1: the file is not UTF-8 text"),
    ({"notes.txt": "x"}, "notes.txt:1: unexpected file"),
    (
        {"images__run.sh": "x"},
        "images/run.sh:1: only pictures (PNG, JPEG, GIF, WebP) may be added to a course",
    ),
    ({"images__logo.svg": "<svg onload=alert(1)>"}, "images/logo.svg:1: only pictures"),
    ({"3-short.md": "x"}, "3-short.md:1: unexpected file"),
    ({"01-Passwords.md": "x"}, "01-Passwords.md:1: unexpected file"),
    (
        {"01-again.md": LESSON_TWO.replace("id=phishing", "id=other")},
        "01-passwords.md:1: lesson number 01 is also used by 01-again.md",
    ),
    (
        {"03-phishing.md": LESSON_TWO.replace("id=phishing", "id=p3")},
        "03-phishing.md:1: lesson id phishing is also used by 02-phishing.md",
    ),
    ({"images__lock.png": None}, "01-passwords.md:7: the file images/lock.png is not in the course"),
    (
        {"02-phishing.md": LESSON_TWO + "\n![x](https://example.org/a.png)\n"},
        "02-phishing.md:12: images must be files of the course",
    ),
    (
        {"02-phishing.md": LESSON_TWO + "\n[up](../other/course.md)\n"},
        "02-phishing.md:12: the link ../other/course.md leaves the course folder",
    ),
    (
        {"course.md": COURSE_MD + "\n```quiz id=intro\n? Q\n= a\n```\n"},
        "course.md:12: quizzes belong in lessons, not in course.md",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), FILE_CASES)
def test_file_problems(changes, expected, app):
    found = problems_of(course_files(**changes))
    assert any(problem.startswith(expected) for problem in found), found


def test_course_without_lessons(app):
    found = problems_of(
        course_files(**{"01-passwords.md": None, "02-phishing.md": None, "images__lock.png": None})
    )
    assert "course.md:1: the course has no lessons (files like 01-welcome.md)" in found


def test_bad_folder_name(app):
    assert problems_of(course_files(), slug="Safe_Accounts")[0].startswith(
        ":1: course folder name 'Safe_Accounts'"
    )


def test_external_links_are_fine(app):
    lesson = LESSON_TWO + "\nSee [PIB Fact Check](https://factcheck.pib.gov.in) or [top](#top).\n"
    assert problems_of(course_files(**{"02-phishing.md": lesson})) == []
