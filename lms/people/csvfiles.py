"""Reading CSV uploads strictly, so imports can report every bad line at once."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from lms.plaintext import CONTROL_CHARACTERS, has_control_characters

MAX_ROWS = 100_000


@dataclass
class ImportFailed(Exception):
    """An import found problems and wrote nothing; `problems` are `FILE:LINE: message`."""

    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.problems)


def problem(filename: str, line: int, message) -> str:
    """One problem in the `FILE:LINE: message` form used by every import."""
    return f"{filename}:{line}: {message}"


@dataclass
class CsvRow:
    """One data row: its 1-based line number in the file and values by column."""

    line: int
    values: dict[str, str]


def read_csv(
    data: bytes, filename: str, required: Iterable[str], optional: Iterable[str] = ()
) -> list[CsvRow]:
    """Decode UTF-8 CSV bytes and return its rows, or raise ImportFailed."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFailed([problem(filename, line, _l("the file is not UTF-8 text"))]) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
    except csv.Error as error:
        raise ImportFailed([problem(filename, 1, error)]) from None
    _check_header(header, filename, set(required), set(optional))
    return _rows(reader, header, filename)


def _check_header(header: list[str], filename: str, required: set, optional: set) -> None:
    """Every required column present, nothing unknown, nothing twice."""
    problems = []
    missing = sorted(required - set(header))
    unknown = sorted(set(header) - required - optional)
    if missing:
        problems.append(_l("missing column(s): %(names)s", names=", ".join(missing)))
    if unknown:
        problems.append(_l("unknown column(s): %(names)s", names=", ".join(unknown)))
    if len(set(header)) != len(header):
        problems.append(_l("a column appears twice"))
    if problems:
        raise ImportFailed([problem(filename, 1, message) for message in problems])


def _rows(reader, header: list[str], filename: str) -> list[CsvRow]:
    """Rows as dicts with stripped values; blank lines are skipped."""
    rows, problems = [], []
    try:
        for record in reader:
            line = reader.line_num
            if not any(value.strip() for value in record):
                continue
            if len(record) != len(header):
                message = _l("expected %(want)d values, found %(got)d", want=len(header), got=len(record))
                problems.append(problem(filename, line, message))
                continue
            hostile = [
                name for name, value in zip(header, record, strict=True) if has_control_characters(value)
            ]
            if hostile:  # checked before stripping, which would hide some of them
                problems.append(problem(filename, line, f"{hostile[0]}: {CONTROL_CHARACTERS}"))
                continue
            rows.append(CsvRow(line, {k: v.strip() for k, v in zip(header, record, strict=True)}))
            if len(rows) > MAX_ROWS:
                raise ImportFailed([problem(filename, line, _l("too many rows"))])
    except csv.Error as error:
        problems.append(problem(filename, reader.line_num, error))
    if problems:
        raise ImportFailed(problems)
    if not rows:
        raise ImportFailed([problem(filename, 1, _l("the file has no data rows"))])
    return rows
