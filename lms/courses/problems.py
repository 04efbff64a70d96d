"""Problems found in course files: where (file, line) and what (a translatable message)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem at a 1-based line of a file inside a course folder."""

    file: str  # path relative to the course folder, or "" for the folder itself
    line: int
    message: str  # may be a lazy translatable string

    def located(self, base: str) -> str:
        """`PATH:LINE: message`, with PATH = base joined with the file."""
        path = f"{base.rstrip('/')}/{self.file}" if self.file else base.rstrip("/")
        return f"{path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class TooSlow(Problem):
    """A file whose rendering ran over the time budget (so it is not rendered again)."""


class CourseInvalid(Exception):
    """A course has problems; nothing was published."""

    def __init__(self, problems: list[Problem], base: str = ""):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems, self.base = problems, base

    def located(self) -> list[str]:
        """Every problem as `PATH:LINE: message`, PATH starting at the course folder."""
        return [
            problem.located(self.base) for problem in sorted(self.problems, key=lambda p: (p.file, p.line))
        ]
