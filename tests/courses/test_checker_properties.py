"""The checker never crashes: random text and random mutations of a valid course give
either success or well-formed `FILE:LINE: message` problems."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.courses.parser import parse_course
from tests.courses.samples import LESSON_ONE, course_files

QUIZ_ALPHABET = st.sampled_from(
    [
        "?",
        "- [x] ",
        "- [ ] ",
        "= ",
        "  > ",
        "---",
        "```",
        "```quiz id=a",
        "+-",
        "|",
        "\n",
        " ",
        "x",
        "১",
        "₹",
        "\t",
        ":",
        "~~~",
    ]
)
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_well_formed(files: dict[str, bytes]) -> None:
    course = parse_course("safe-accounts", files)
    for problem in course.problems:
        assert problem.file == "" or problem.file in files or problem.file == "course.md"
        data = files.get(problem.file, b"")
        assert 1 <= problem.line <= max(1, data.count(b"\n") + 1), problem
        assert str(problem.message)


@SETTINGS
@given(text=st.text())
def test_random_text_as_a_lesson(app, text):
    assert_well_formed(course_files(**{"02-phishing.md": text}))


@SETTINGS
@given(text=st.lists(QUIZ_ALPHABET, max_size=60).map("".join))
def test_random_quiz_syntax(app, text):
    lesson = f"---\ntitle: T\n---\n```quiz id=q\n{text}\n```\n"
    assert_well_formed(course_files(**{"02-phishing.md": lesson}))


@SETTINGS
@given(data=st.binary(max_size=200))
def test_random_bytes_as_course_md(app, data):
    assert_well_formed(course_files(**{"course.md": data}))


@SETTINGS
@given(data=st.data())
def test_mutations_of_a_valid_lesson(app, data):
    lines = LESSON_ONE.splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, max(len(lines) - 1, 0)))
        action = data.draw(st.sampled_from(["delete", "duplicate", "insert", "edit"]))
        if action == "delete" and lines:
            del lines[index]
        elif action == "duplicate" and lines:
            lines.insert(index, lines[index])
        elif action == "insert":
            lines.insert(index, data.draw(st.lists(QUIZ_ALPHABET, max_size=6).map("".join)))
        elif lines:
            line = lines[index]
            cut = data.draw(st.integers(0, len(line)))
            lines[index] = line[:cut] + data.draw(st.text(max_size=3)) + line[cut + 1 :]
    assert_well_formed(course_files(**{"01-passwords.md": "\n".join(lines)}))
