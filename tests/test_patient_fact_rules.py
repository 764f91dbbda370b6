"""What recording a death or a dispute does, for a patient in each state (the pure rule)."""

from __future__ import annotations

import pytest

from bot.domain.patient_facts import FactChange, FactEffect, FactState, PatientFact, effect_of

D, S = PatientFact.DECEASED, PatientFact.DISPUTE
STOP, RESUME = FactEffect.STOP, FactEffect.RESUME
RECORDED, UNCHANGED = FactEffect.RECORDED, FactEffect.UNCHANGED


@pytest.mark.parametrize(
    ("deceased", "in_dispute", "fact", "active", "effect"),
    [
        (False, False, D, True, STOP),
        (True, False, D, True, UNCHANGED),  # a death is recorded once
        (False, True, D, True, STOP),
        (False, False, S, True, STOP),
        (False, True, S, True, UNCHANGED),
        (True, False, S, True, RECORDED),  # a dispute about the dead: written, nothing to stop
        (False, True, S, False, RESUME),  # only a dispute's end resumes follow-up
        (True, True, S, False, RECORDED),  # ... unless the patient died
        (False, False, S, False, UNCHANGED),
        (True, False, D, False, RESUME),  # a death recorded in error, withdrawn
        (True, True, D, False, RECORDED),  # ... while a dispute still pauses everything
        (False, False, D, False, UNCHANGED),
    ],
)
def test_effect_of_a_fact(
    deceased: bool, in_dispute: bool, fact: PatientFact, active: bool, effect: FactEffect
) -> None:
    change = FactChange(fact, active, None, "test")
    assert effect_of(FactState(deceased, in_dispute), change) is effect
