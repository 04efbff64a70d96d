"""Looking inside PDFs the app renders."""

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
BASE_FONT = re.compile(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)")


def embedded_fonts(pdf: bytes) -> set[str]:
    """Font names in a PDF, including those inside compressed object streams."""
    chunks = [pdf]
    for match in STREAM.finditer(pdf):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue  # font programs and images are not object streams
    return {name.split(b"+")[-1].decode() for chunk in chunks for name in BASE_FONT.findall(chunk)}
