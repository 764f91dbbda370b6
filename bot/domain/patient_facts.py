"""Death and dispute: facts about a patient that stop (or resume) follow-up of every stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PatientFact(StrEnum):
    DECEASED = "deceased"
    DISPUTE = "dispute"


class FactEffect(StrEnum):
    """What recording a fact does to the patient's follow-up."""

    STOP = "stop"  # every pending message cancelled, every open survey closed
    RESUME = "resume"  # a dispute turned off: the contacts are planned again
    RECORDED = "recorded"  # written down, follow-up unchanged (e.g. a dispute of the dead)
    UNCHANGED = "unchanged"  # already so: nothing written


# The stay's exclusion column keeps what its import row said; for these reasons the patient's
# fact decides instead, so that only staff can end a dispute and no re-import reopens one.
PATIENT_LEVEL_EXCLUSIONS = (PatientFact.DECEASED.value, PatientFact.DISPUTE.value)


@dataclass(frozen=True)
class FactState:
    """Where a patient stands now."""

    deceased: bool
    in_dispute: bool

    @property
    def stopped(self) -> bool:
        """Say whether nothing may be sent for this patient."""
        return self.deceased or self.in_dispute


@dataclass(frozen=True)
class FactChange:
    """One recording of a fact: on (a death, a dispute opened) or off (a dispute closed, or
    a death recorded in error withdrawn: an administrator's correction, never a chat's)."""

    fact: PatientFact
    active: bool
    on_date: date | None
    source: str  # e.g. "import:list.csv:12", "chat", "cli"


def effect_of(state: FactState, change: FactChange) -> FactEffect:
    """Decide what a change does to a patient in this state."""
    now_on = state.deceased if change.fact is PatientFact.DECEASED else state.in_dispute
    if change.active == now_on:
        return FactEffect.UNCHANGED
    if change.active:
        return FactEffect.RECORDED if state.deceased else FactEffect.STOP
    other = state.in_dispute if change.fact is PatientFact.DECEASED else state.deceased
    return FactEffect.RECORDED if other else FactEffect.RESUME


def import_source(file_name: str, line: int) -> str:
    """Name an import row as a fact's source."""
    return f"import:{file_name}:{line}"
