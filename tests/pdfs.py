"""Looking inside PDFs the app renders with poppler's tools (as a reader's tools would)."""

import subprocess
import tempfile
from pathlib import Path


def poppler(pdf: bytes, *command: str) -> str:
    """Run a poppler command on the PDF, written to a temporary file named by "{path}"."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        args = [part.format(path=path) for part in command]
        return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def embedded_fonts(pdf: bytes) -> set[str]:
    """Names of the fonts embedded in a PDF, without the subset prefix (ABCDEF+)."""
    rows = poppler(pdf, "pdffonts", "{path}").splitlines()[2:]  # after the header and the dashes
    return {row.split()[0].split("+")[-1] for row in rows if row.strip()}
