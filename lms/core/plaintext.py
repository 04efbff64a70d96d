"""Text people type (names, places, reasons): control characters and bidirectional overrides
are refused everywhere, on the web, in CSV files and on the command line. A NUL breaks
PostgreSQL, an escape sequence a terminal, and a right-to-left override can make a name read
differently on a certificate or on /verify. (Zero-width joiners, which Bengali and Hindi
need, are allowed.)"""

import re

from flask_babel import lazy_gettext as _l

# C0 and C1 controls, DEL, the bidi marks, embeddings, overrides and isolates, and the tag
# characters (invisible copies of ASCII); text of several lines (a lesson, a reason) may hold
# tabs and line breaks.
FORBIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]"
)
FORBIDDEN_IN_LINES = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]"
)
CONTROL_CHARACTERS = _l(
    "This text contains invisible control characters (such as a right-to-left override); type it again without them."
)


def has_control_characters(text: str, lines: bool = False) -> bool:
    """Whether the text holds a character refused in one line (or, with `lines`, in text of
    several lines)."""
    return bool((FORBIDDEN_IN_LINES if lines else FORBIDDEN).search(text))
