"""The one CSV writer: UTF-8 with a byte-order mark, whole or streamed in chunks."""

import csv
import io

from lms.core.spreadsheets import ROWS_PER_CHUNK, csv_bytes, stream_csv

HEADER = ["name", "region", "score"]


def rows(count: int) -> list[list]:
    return [[f"সহায়ক {n}", 'Kolkata, "North"', n] for n in range(count)]


def reference(header: list, body: list) -> bytes:
    """What spreadsheet apps expect: csv's dialect, then UTF-8 with a BOM."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue().encode("utf-8-sig")


def test_whole_file_has_one_byte_order_mark_and_reads_back():
    data = csv_bytes(HEADER, rows(3))
    assert data == reference(HEADER, rows(3))
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1] == ["সহায়ক 0", 'Kolkata, "North"', "0"]


def test_stream_sends_whole_rows_in_chunks_that_join_to_the_same_bytes():
    body = rows(ROWS_PER_CHUNK * 2 + 1)
    chunks = list(stream_csv(HEADER, iter(body)))
    assert len(chunks) == 3
    assert all(chunk.endswith(b"\r\n") for chunk in chunks)
    assert b"".join(chunks) == reference(HEADER, body)


def test_no_rows_gives_the_header_alone():
    assert csv_bytes(HEADER, []) == "\ufeffname,region,score\r\n".encode()
