"""Codes people read aloud and copy from paper: no 0/O, no 1/I/L."""

import secrets

READABLE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def readable_code(length: int) -> str:
    """A random code from the readable alphabet (about 5 bits a character)."""
    return "".join(secrets.choice(READABLE_ALPHABET) for _ in range(length))


def format_code(code: str) -> str:
    """ABCDE-FGHJK-MNPQR: in groups of five, easier to read aloud and type."""
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))
