"""Triage of typed text as data: danger, a death, or anything else; negation in a clause."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.data_files import DataFileError
from bot.domain.triage import Triage, load_lexicon, triage

CASES = [
    # danger, as patients and families type it
    ("我今天胸口很痛,喘不上气", Triage.DANGER),
    ("胸 口 痛", Triage.DANGER),
    ("老伴刚才晕倒了", Triage.DANGER),
    ("伤口一直在流血,止不住", Triage.DANGER),
    ("烧到39.5度了", Triage.DANGER),
    ("说话突然说不清楚,嘴歪了", Triage.DANGER),
    ("我真的不想活了", Triage.DANGER),
    ("没有胸痛,但是喘不上气", Triage.DANGER),  # the second clause is not negated
    ("我不知道为什么胸口一直痛", Triage.DANGER),  # 不 far from the symptom: not a negation
    ("I have chest pain", Triage.DANGER),
    ("Ｉ ｃａｎ'ｔ ｂｒｅａｔｈｅ", Triage.DANGER),  # full-width, as some keyboards type
    ("My dad fainted this morning", Triage.DANGER),
    ("I want to kill myself", Triage.DANGER),
    # negated or harmless
    ("没有胸痛", Triage.OTHER),
    ("不发烧了", Triage.OTHER),
    ("没胸闷了,好多了", Triage.OTHER),
    ("I have no chest pain", Triage.OTHER),
    ("I'm not suicidal, just tired", Triage.OTHER),
    ("疼死了这个天气", Triage.OTHER),  # a figure of speech, not a death
    ("药没了,还要再开吗", Triage.OTHER),
    ("今天走了两圈", Triage.OTHER),
    ("想问一下复诊时间", Triage.OTHER),
    ("👍", Triage.OTHER),
    ("", Triage.OTHER),
    # a death
    ("我父亲昨天已经去世了", Triage.DEATH),
    ("老人家前天走了", Triage.DEATH),
    ("我昨天走了五千步", Triage.OTHER),  # a walk, not a death
    ("我爸爸昨天走了", Triage.DEATH),
    ("母亲已经病故", Triage.DEATH),
    ("She passed away last night", Triage.DEATH),
    ("My mother died on Monday", Triage.DEATH),
    ("他胸口痛了一晚,后来抢救无效", Triage.DEATH),  # a death reported is a death
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_triage_reads_what_people_type(text: str, expected: Triage) -> None:
    assert triage(text) is expected


def test_a_wrong_triage_file_names_itself_and_the_field(tmp_path: Path) -> None:
    broken = tmp_path / "danger.yaml"
    broken.write_text("negations: {zh_CN: [没有]}\nphrases: {zh_CN: [胸痛, 3]}\n", "utf-8")
    with pytest.raises(DataFileError) as raised:
        load_lexicon(broken)
    assert "danger.yaml" in str(raised.value) and "phrases.zh_CN" in str(raised.value)
