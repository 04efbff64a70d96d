"""docs/security.md names a test for every defence: each one it names exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "security.md").read_text()


def test_every_test_the_security_doc_names_exists():
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(test_\w+))?`", DOC)
    assert len(named) > 30
    for path, name in named:
        assert (ROOT / path).is_file(), path
        if name:
            assert f"def {name}(" in (ROOT / path).read_text(), f"{path}::{name}"


def test_every_shortened_name_exists_in_the_file_named_before_it():
    for path, rest in re.findall(r"`(tests/[\w/]+\.py)::test_\w+`((?:, `…::test_\w+`)+)", DOC):
        for name in re.findall(r"…::(test_\w+)", rest):
            assert f"def {name}(" in (ROOT / path).read_text(), f"{path}::{name}"
