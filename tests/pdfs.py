"""Looking inside PDFs the app renders, with poppler's pdffonts (as a reader's tools would)."""

import subprocess
import tempfile
from pathlib import Path


def embedded_fonts(pdf: bytes) -> set[str]:
    """Names of the fonts embedded in a PDF, without the subset prefix (ABCDEF+)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    rows = listing.splitlines()[2:]  # after the header and the dashes
    return {row.split()[0].split("+")[-1] for row in rows if row.strip()}
