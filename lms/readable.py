"""Codes people read aloud and copy from paper: no 0/O, no 1/I/L."""

import secrets

READABLE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def readable_code(length: int) -> str:
    """A random code from the readable alphabet (about 5 bits a character)."""
    return "".join(secrets.choice(READABLE_ALPHABET) for _ in range(length))
