"""The worklist's rules file is read strictly: a mistake names the file, reason and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.calls import CallReason
from bot.domain.data_files import DataFileError
from bot.domain.worklist.rules import RULES_FILE, load_worklist_rules

GOOD = RULES_FILE.read_text(encoding="utf-8")


def test_the_shipped_rules_rank_red_flags_first_and_cover_every_reason() -> None:
    rules = load_worklist_rules()
    assert set(rules.reasons) == set(CallReason)
    top = max(rules.reasons, key=lambda reason: rules.reasons[reason].priority)
    assert top is CallReason.RED_FLAG
    special_routine = rules.priority(CallReason.NO_MESSAGE_CHANNEL, special=True)
    assert rules.priority(CallReason.NO_MESSAGE_CHANNEL, special=False) < special_routine
    assert special_routine < rules.priority(CallReason.RED_FLAG, special=False)  # danger first
    assert rules.reasons[CallReason.RED_FLAG].urgent  # called back at once, any day


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (("red_flag: {priority: 90", "red_flag: {priority: -1"), "reason red_flag, field priority"),
        (("question: {priority: 70, after_days: 0}", "question: {priority: 70}"), "question"),
        (("  staff_reply: {priority: 60, after_days: 0}\n", ""), "missing reasons: staff_reply"),
        (("red_flag:", "redflag:"), "field reasons.redflag: unknown reason"),
        (("within_days: 30", "within_days: soon"), "field within_days"),
        (("special_bonus: 50", "special_bonus: 50\nbonus: 1"), "field bonus: unknown field"),
        (("urgent: true", "urgent: 'yes'"), "reason red_flag, field urgent: expected true"),
    ],
)
def test_a_mistake_names_where_it_is(tmp_path: Path, change: tuple[str, str], where: str) -> None:
    path = tmp_path / "worklist.yaml"
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(DataFileError) as raised:
        load_worklist_rules(path)
    assert "worklist.yaml" in str(raised.value) and where in str(raised.value)
