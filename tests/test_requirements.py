"""requirements.txt pins everything pip installs on Python 3.11.0 or newer (issue 18): every
dependency of every pinned package, under each Python that may run the site, is itself pinned
(with a marker that holds there) at a version its dependant accepts."""

from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"
PYTHONS = ["3.11.0", "3.11.2", "3.11.3", "3.11.7", "3.12.0", "3.13.0"]


def pins() -> dict[str, Requirement]:
    found = {}
    for line in REQUIREMENTS.read_text().splitlines():
        text = line.split("  #")[0].strip()
        if text and not text.startswith("#"):
            requirement = Requirement(text)
            found[canonicalize_name(requirement.name)] = requirement
    return found


def environment(python: str) -> dict[str, str]:
    return default_environment() | {"python_full_version": python, "python_version": python.rsplit(".", 1)[0]}


@pytest.mark.parametrize("python", PYTHONS)
def test_every_dependency_is_pinned(python):
    pinned, env = pins(), environment(python)
    wanted = {name: req for name, req in pinned.items() if req.marker is None or req.marker.evaluate(env)}
    problems = []
    for name, requirement in wanted.items():
        try:
            needs = metadata.requires(name) or []
        except metadata.PackageNotFoundError:  # installed only on another Python (async-timeout)
            continue
        for text in needs:
            need = Requirement(text)
            extras = requirement.extras or {""}
            if need.marker and not any(need.marker.evaluate(env | {"extra": extra}) for extra in extras):
                continue
            key = canonicalize_name(need.name)
            if key not in wanted:
                problems.append(
                    f"{name} needs {need} on Python {python}: not pinned (or its marker excludes it)"
                )
            elif not need.specifier.contains(next(iter(wanted[key].specifier)).version, prereleases=True):
                problems.append(f"{name} needs {need}, but {wanted[key]} is pinned")
    assert problems == []


def test_every_line_is_an_exact_pin():
    loose = [str(req) for req in pins().values() if [spec.operator for spec in req.specifier] != ["=="]]
    assert loose == []
