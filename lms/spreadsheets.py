"""CSV cells that spreadsheet programs read as text, never as formulas (CSV injection)."""

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """A cell of user-written text; one that starts like a formula gets a leading ' (OWASP)."""
    return f"'{value}" if value.startswith(FORMULA_START) else value
