"""Choice ids: one encode/decode per prefix, the same bytes as the buttons already sent."""

from __future__ import annotations

import re
from datetime import date

from bot.domain.choices import (
    ANSWER_CHOICES,
    ASK_STAFF,
    AnswerButton,
    ConfirmChoice,
    ConsentChoice,
    DrillPage,
    KeepAskingChoice,
    MedicationChoice,
    Prefix,
    ReexamChoice,
    StillTakingChoice,
    StopChoice,
    TemplateEditChoice,
    decode_answer,
    decode_broadcast,
    decode_drill,
    decode_enrol,
    decode_handling,
    decode_language,
    decode_stop,
    decode_survey,
    decode_template_edit,
    decode_visit_date,
    encode_answer,
    encode_broadcast,
    encode_drill,
    encode_enrol,
    encode_fact,
    encode_handling,
    encode_language,
    encode_stop,
    encode_survey,
    encode_template_edit,
    encode_visit_date,
    pattern,
)
from bot.domain.enrolment import Relation, Respondent
from bot.domain.visits import VisitChoice

SENT_BEFORE = {  # ids of buttons already in patients' chats: they must keep working
    "md:taken:42": encode_answer(MedicationChoice.TAKEN, 42),
    "md:snooze:42": encode_answer(MedicationChoice.SNOOZE, 42),
    "mc:stopped:7": encode_answer(StillTakingChoice.STOPPED, 7),
    "rx:done:9": encode_answer(ReexamChoice.DONE, 9),
    "ka:no:3": encode_answer(KeepAskingChoice.NO, 3),
    "stop:yes": encode_stop(StopChoice.YES),
    "sv:42:condition:worse": encode_survey(42, "condition", "worse"),
    "en:r:family": encode_enrol(Respondent.FAMILY),
    "en:rel:spouse": encode_enrol(Relation.SPOUSE),
    "en:c:yes": encode_enrol(ConsentChoice.YES),
    "rd:1mo": encode_visit_date(VisitChoice.IN_1MO),
    "rd:staff": encode_visit_date(ASK_STAFF),
    "lg:en": encode_language("en"),
    "te:save": encode_template_edit(TemplateEditChoice.SAVE),
    "bc:ok": encode_broadcast(ConfirmChoice.OK),
    "pf:no:12:dec1": encode_fact(ConfirmChoice.NO, 12, "deceased", True),
    "ch:12:yes": encode_handling(12, True),
    "ch:12:no": encode_handling(12, False),
    "sd:failed:20261101:20261130:2": encode_drill(
        DrillPage("failed", date(2026, 11, 1), date(2026, 11, 30), 2)
    ),
}


def test_ids_are_the_bytes_of_the_buttons_already_sent() -> None:
    for sent, encoded in SENT_BEFORE.items():
        assert encoded == sent


def test_each_prefix_decodes_what_it_encodes() -> None:
    for prefix, kind in ANSWER_CHOICES.items():
        for choice in kind:
            decoded = decode_answer(encode_answer(choice, 123))
            assert decoded == AnswerButton(choice, 123) and decoded.prefix is prefix
    assert decode_stop("stop:no") is StopChoice.NO
    assert decode_enrol("en:rel:other") is Relation.OTHER
    assert decode_enrol("en:c:no") is ConsentChoice.NO
    assert decode_visit_date("rd:2w") is VisitChoice.IN_2W
    assert decode_visit_date("rd:staff") == ASK_STAFF
    assert decode_language("lg:zh_CN") == "zh_CN"
    assert decode_template_edit("te:cancel") is TemplateEditChoice.CANCEL
    assert decode_broadcast("bc:no") is ConfirmChoice.NO
    assert decode_survey("sv:1:q:v") == (1, "q", "v")
    assert decode_drill("sd:overdue:20261101:20261101:0") == DrillPage(
        "overdue", date(2026, 11, 1), date(2026, 11, 1), 0
    )


def test_forged_ids_decode_to_nothing() -> None:
    for forged in ("md:drink:1", "md:taken:abc", "md:taken", "xx:taken:1", "md:taken:" + "9" * 19):
        assert decode_answer(forged) is None
    assert decode_stop("stop:maybe") is None and decode_stop("sd:yes") is None
    assert decode_enrol("en:r:spouse") is None and decode_enrol("en:c:yes:1") is None
    assert decode_visit_date("rd:3w") is None and decode_visit_date("lg:1w") is None
    assert decode_template_edit("bc:save") is None and decode_broadcast("bc:maybe") is None
    assert decode_drill("sd:failed:20261130:20261101:0") is None  # ends before it starts
    assert decode_drill("sd:failed:20261101:20261130:10001") is None


def test_each_id_goes_to_its_own_handler() -> None:
    patterns = [pattern(*ANSWER_CHOICES)] + [pattern(p) for p in Prefix if p not in ANSWER_CHOICES]
    assert patterns[0] == r"^(md|mc|rx|ka):"
    for sent in SENT_BEFORE:
        assert sum(1 for p in patterns if re.match(p, sent)) == 1, sent


def test_a_handling_answer_decodes_what_it_encodes_and_nothing_forged() -> None:
    assert decode_handling(encode_handling(7, True)) == (7, True)
    assert decode_handling(encode_handling(7, False)) == (7, False)
    for forged in ("ch:7:maybe", "ch:x:yes", "ch:7", "cs:7:yes", "ch:" + "9" * 19 + ":yes"):
        assert decode_handling(forged) is None
