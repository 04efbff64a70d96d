"""People's names, as certificates and /verify print them: written with letters, nothing
invisible, and flagged when they imitate a staff member's name with another alphabet's
look-alike letters ("Ritwik Sеn" with a Cyrillic е).

Bengali and Hindi need the zero-width joiner and non-joiner, and a few marks on a letter;
no name needs any other invisible character (a zero-width space, a byte-order mark, tag
characters), a line or paragraph separator, a Hangul filler (which shows as blank), or a
tower of combining marks. Look-alikes are not refused: a real name may mix alphabets, so the
people who issue certificates are asked to look (lms/people/lookalikes.py)."""

import unicodedata

from confusable_homoglyphs import categories, confusables
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

JOINERS = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner: Bengali and Devanagari spelling
HANGUL_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}  # letters that draw nothing
MAX_MARKS = 4  # combining marks on one letter (Bengali needs two or three: া with ঁ, ্ …)
SCRIPTLESS = {"COMMON", "INHERITED"}  # spaces, dots, digits, marks: belong to any alphabet

INVISIBLE = _l("A name may not hold invisible characters; type it again without them.")
NO_LETTER = _l("A name needs at least one letter.")


def name_problem(name: str):
    """Why this can be nobody's name (a translatable message), or None."""
    marks = 0
    for char in name:
        category = unicodedata.category(char)
        if (category == "Cf" and char not in JOINERS) or category in ("Zl", "Zp") or char in HANGUL_FILLERS:
            return INVISIBLE
        marks = marks + 1 if category.startswith("M") else 0 if char not in JOINERS else marks
        if marks > MAX_MARKS:
            return lazy_ngettext(
                "A name may put at most %(num)d mark on a letter.",
                "A name may put at most %(num)d marks on a letter.",
                MAX_MARKS,
            )
    if not any(unicodedata.category(char).startswith("L") for char in name):
        return NO_LETTER
    return None


def mixes_alphabets(name: str) -> bool:
    """Whether one word of the name holds letters of two alphabets (Latin and Cyrillic, say)."""
    return any(len(_alphabets(word)) > 1 for word in name.split())


def _alphabets(word: str) -> set[str]:
    """The alphabets (Unicode scripts) of a word's characters."""
    return {categories.alias(char) for char in word} - SCRIPTLESS


def skeleton(name: str) -> str:
    """The name as it looks: case and width folded, each letter that imitates a Latin one
    replaced by it (Unicode's confusables), so look-alikes of one name share a skeleton."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(_latin_look(char) for char in " ".join(folded.split()))


def _latin_look(char: str) -> str:
    """The Latin letter a character is made to look like, or the character itself."""
    if categories.alias(char) in SCRIPTLESS | {"LATIN"}:
        return char
    for found in confusables.is_confusable(char, preferred_aliases=["latin"]) or ():
        for glyph in found["homoglyphs"]:
            if glyph["n"].startswith("LATIN") and len(glyph["c"]) == 1:
                return glyph["c"].casefold()
    return char


def imitated(name: str, others: dict[str, str]) -> str | None:
    """The name among `others` (by their skeletons) that this one imitates with another
    alphabet's letters, or None. Only a name mixing alphabets within a word is compared."""
    if not mixes_alphabets(name):
        return None
    found = others.get(skeleton(name))
    return found if found is not None and found != name else None
