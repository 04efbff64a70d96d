"""Reading CSV uploads strictly, so imports can report every bad line at once."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import format_number, lazy_ngettext
from flask_babel import lazy_gettext as _l

from lms.core.plaintext import CONTROL_CHARACTERS, has_control_characters


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
            if len(rows) > max_rows():
                raise ImportFailed([too_many(filename, line)])
    except csv.Error as error:
        problems.append(problem(filename, reader.line_num, error))
    if problems:
        raise ImportFailed(problems)
    if not rows:
        raise ImportFailed([problem(filename, 1, _l("the file has no data rows"))])
    return rows


def max_rows() -> int:
    """The most rows one import takes (IMPORT_MAX_ROWS)."""
    return int(current_app.config["IMPORT_MAX_ROWS"])


def too_many(filename: str, line: int) -> str:
    """The problem of a file with more rows than one import takes, at the first row too many."""
    limit = max_rows()
    message = lazy_ngettext(
        "more than %(limit)s row: one import takes at most %(limit)s; split the file into smaller ones",
        "more than %(limit)s rows: one import takes at most %(limit)s; split the file into smaller ones",
        limit,
        limit=format_number(limit),
    )
    return problem(filename, line, message)


def count_rows(data: bytes, filename: str) -> int:
    """How many data rows a CSV holds as the reader counts them, whatever its line endings
    (\\n, \\r\\n or \\r alone), blank lines left out; ImportFailed beyond IMPORT_MAX_ROWS.
    Text that is not UTF-8 or not CSV is counted as far as it reads: the import reports it."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"), newline=""), strict=True)
    rows = -1  # the header
    try:
        for record in reader:
            if any(value.strip() for value in record):
                rows += 1
                if rows > max_rows():
                    raise ImportFailed([too_many(filename, reader.line_num)])
    except csv.Error:
        pass  # the import itself says where and why
    return max(rows, 1)
