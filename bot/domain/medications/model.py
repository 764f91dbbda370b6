"""Medication entries read from 出院带药, their frequencies and default reminder times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from enum import StrEnum


class Frequency(StrEnum):
    """How often a medicine is taken, as the Latin prescription code."""

    QD = "qd"
    BID = "bid"
    TID = "tid"
    QID = "qid"
    QN = "qn"
    Q8H = "q8h"
    Q12H = "q12h"
    QW = "qw"
    QOD = "qod"  # every other day (隔日一次)
    PRN = "prn"


NO_FREQUENCY = "no_frequency"
NO_DRUG = "no_drug"
BAD_DAYS = "bad_days"
IRREGULAR = "irregular"  # tapering, on-and-off cycles, given weekdays: kept as text only
PROBLEM_CODES = (NO_FREQUENCY, NO_DRUG, BAD_DAYS, IRREGULAR)
WARNING_TEMPLATE = "medication/import_warning"

MAX_DAYS = 365
SNOOZE_MINUTES = 30  # the snooze button label says "30 minutes" in both locales
WEEK = 7

DEFAULT_TIMES: dict[Frequency, tuple[time, ...]] = {
    Frequency.QD: (time(8),),
    Frequency.BID: (time(8), time(20)),
    Frequency.TID: (time(8), time(13), time(19)),
    Frequency.QID: (time(8), time(12), time(16), time(20)),
    Frequency.QN: (time(21),),
    Frequency.Q8H: (time(6), time(14), time(22)),
    Frequency.Q12H: (time(8), time(20)),
    Frequency.QW: (time(8),),
    Frequency.QOD: (time(8),),
    Frequency.PRN: (),
}


@dataclass(frozen=True)
class MedicationEntry:
    """One readable 出院带药 entry; `text` is the entry exactly as written."""

    text: str
    drug: str
    dose: str | None
    frequency: Frequency
    days: int | None
    long_term: bool = False  # 长期, 终身, 维持: taken until someone says it stopped


@dataclass(frozen=True)
class MedicationProblem:
    """An entry that cannot be read (one of PROBLEM_CODES); it creates no reminder."""

    text: str
    code: str
