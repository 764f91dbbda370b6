"""Decide from a discharge row why a patient must not be followed up, if at all."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.domain.discharge.dates import Moment
from bot.domain.discharge.model import ExclusionReason

SHORT_STAY = timedelta(hours=24)
_DECEASED_RE = re.compile(r"死亡|去世|病故|(?<![a-z])(?:deceased|died)(?![a-z])", re.IGNORECASE)
_DISPUTE_RE = re.compile(r"纠纷|(?<![a-z])disputes?(?![a-z])", re.IGNORECASE)
_ARREARS_RE = re.compile(r"欠费|清理出院|(?<![a-z])arrears(?![a-z])", re.IGNORECASE)


def exclusion_reason(
    condition: str | None,
    flags: str | None,
    admitted: Moment | None,
    discharged: Moment,
    consent: bool,
) -> ExclusionReason | None:
    """Return the first reason, by priority, why this patient must not be followed up."""
    both = f"{condition or ''}\n{flags or ''}"
    if _DECEASED_RE.search(both):
        return ExclusionReason.DECEASED
    if flags and _DISPUTE_RE.search(flags):
        return ExclusionReason.DISPUTE
    if _ARREARS_RE.search(both):
        return ExclusionReason.ARREARS
    if admitted is not None and _is_short_stay(admitted, discharged):
        return ExclusionReason.SHORT_STAY
    if not consent:
        return ExclusionReason.NO_CONSENT
    return None


def _is_short_stay(admitted: Moment, discharged: Moment) -> bool:
    """Tell whether the stay lasted under 24 h (same local day when a time is missing)."""
    if admitted.has_time and discharged.has_time:
        return discharged.utc - admitted.utc < SHORT_STAY
    return admitted.local_date == discharged.local_date
