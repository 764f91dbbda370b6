"""Pseudonyms for hospital numbers: in logs, and in place of an erased patient's number."""

from __future__ import annotations

import hashlib

ERASED_PREFIX = "erased:"
PSEUDONYM_LENGTH = 16


def pseudonym(hospital_no: str) -> str:
    """Return a stable short hash of a hospital number (the same number, the same pseudonym).

    Hospital numbers are guessable, so this hides them from a casual reader of a log, not
    from someone who can try every number; the database itself holds the real ones.
    """
    digest = hashlib.sha256(f"followup-bot:{hospital_no.strip()}".encode()).hexdigest()
    return digest[:PSEUDONYM_LENGTH]


def erased_marker(hospital_no: str) -> str:
    """Return what an erased patient's hospital number is replaced with."""
    return f"{ERASED_PREFIX}{pseudonym(hospital_no)}"
