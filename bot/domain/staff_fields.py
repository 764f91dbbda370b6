"""Which patient fields the staff group sees (data minimisation, FOLLOWUP_STAFF_FIELDS)."""

from __future__ import annotations

STAFF_FIELDS = (
    "name",
    "hospital_no",
    "department",
    "doctor",
    "nurse",
    "phone",
    "birth_date",
    "diagnosis",
)
DEFAULT_STAFF_FIELDS = "name,hospital_no,department,doctor"


def parse_staff_fields(text: str) -> tuple[str, ...]:
    """Read a comma-separated list of field names; raise ValueError naming the valid ones."""
    fields = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in fields if name not in STAFF_FIELDS]
    if unknown or not fields:
        raise ValueError(
            f"unknown field {', '.join(unknown) or '(none given)'}; "
            f"expected a comma-separated list of {', '.join(STAFF_FIELDS)}"
        )
    return fields
