"""A batch's certificates as one ZIP, streamed while it is built."""

import zipfile
from collections.abc import Iterator

from lms.certificates.models import Certificate
from lms.certificates.pdf import ensure_pdf


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


def stream_zip(certificates: list[Certificate]) -> Iterator[bytes]:
    """Yield the ZIP piece by piece: each PDF is rendered (if needed) just before it is sent."""
    sink = _Chunks()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for cert in certificates:
            path = ensure_pdf(cert)
            archive.write(path, arcname=f"{cert.serial}.pdf")
            yield sink.take()
    yield sink.take()
