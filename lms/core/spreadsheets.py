"""CSV files for spreadsheet programs: UTF-8 with a byte-order mark, cells read as text."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 1000  # a streamed download sends this many rows at a time


def text_cell(value: str) -> str:
    """A cell of user-written text; one that starts like a formula gets a leading ' (OWASP)."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def stream_csv(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark (spreadsheet apps then read Bengali), in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """The same CSV as one file's bytes."""
    return b"".join(stream_csv(header, rows))
