"""Certificates as one ZIP, streamed while it is built."""

import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path


class _Chunks:
    """A write-only file for zipfile that hands out what was written so far."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def stream_zip(items: Iterable, pdf_file: Callable[[object], tuple[str, Path]]) -> Iterator[bytes]:
    """Yield the ZIP piece by piece: `pdf_file(item)` gives each (name, file) just before it is sent."""
    sink = _Chunks()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for item in items:
            name, path = pdf_file(item)
            archive.write(path, arcname=f"{name}.pdf")
            yield sink.take()
    yield sink.take()
