"""Every kind of Telegram message, in every state a patient's chat can be in: each reaches the
staff group (a copy under a heading) or is answered; none is silently dropped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.demo.harness import BotHarness
from bot.demo.updates import message_update
from bot.domain.cases import CaseKind
from bot.domain.dialogs import DialogKind, DialogStep
from bot.domain.enrolment import ConsentDecision, EnrolStep
from bot.domain.patient_messages import PatientMessageKind
from bot.domain.roles import Role
from bot.storage.contacts import NewContact
from tests.harness import enrol, local, record, seed
from tests.patient_sends import MEDIA, send_media

CHAT = 821
GROUP = -1008211
START_NOW = local("2026-11-22")

Arrange = Callable[[BotHarness], Awaitable[None]]


async def nothing(harness: BotHarness) -> None:
    """Out of the blue: no dialog, no survey, no case."""


async def in_a_checkin(harness: BotHarness) -> None:
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    assert await harness.services.store.surveys.open_for_chat(CHAT)


async def writing_a_complaint(harness: BotHarness) -> None:
    await harness.text(CHAT, "/complain")


async def choosing_whom_it_concerns(harness: BotHarness) -> None:
    await harness.text(CHAT, "/complain")
    await harness.text(CHAT, "夜里病房太吵")


async def with_a_case_open(harness: BotHarness) -> None:
    await choosing_whom_it_concerns(harness)
    await harness.press(CHAT, "cp:c:department")
    await harness.press(CHAT, "cp:ok")


async def enrolling(harness: BotHarness) -> None:
    store, now = harness.services.store, harness.clock.now()
    await store.dialogs.save(CHAT, DialogKind.ENROL, EnrolStep.IDENTITY, {}, now)


async def giving_a_visit_date(harness: BotHarness) -> None:
    store, now = harness.services.store, harness.clock.now()
    await store.dialogs.save(CHAT, DialogKind.REEXAM_DATE, DialogStep.DATE, {}, now)


STATES: dict[str, Arrange] = {
    "out_of_the_blue": nothing,
    "in_a_checkin": in_a_checkin,
    "writing_a_complaint": writing_a_complaint,
    "choosing_whom_it_concerns": choosing_whom_it_concerns,
    "with_a_case_open": with_a_case_open,
    "enrolling": enrolling,
    "giving_a_visit_date": giving_a_visit_date,
}


async def setup(harness: BotHarness) -> None:
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": GROUP})
    await harness.restart()
    await seed(harness.settings, record(department="呼吸科", discharged_at=local("2026-11-20")))
    await enrol(harness, CHAT)
    await harness.services.store.staff.upsert(7821, Role.STAFF, None, "刘护士长", START_NOW)


def copied_to_staff(harness: BotHarness, message_id: int) -> bool:
    return any(
        int(c.params["from_chat_id"]) == CHAT and int(c.params["message_id"]) == message_id
        for c in harness.telegram.copies(GROUP)
    )


@pytest.mark.parametrize("state", list(STATES))
async def test_every_kind_of_message_reaches_staff_or_is_answered(
    harness: BotHarness, state: str
) -> None:
    await setup(harness)
    await STATES[state](harness)
    for kind in MEDIA:
        answers_before = len(harness.telegram.sent(CHAT))
        message_id = await send_media(harness, CHAT, kind)
        answered = len(harness.telegram.sent(CHAT)) > answers_before
        assert copied_to_staff(harness, message_id) or answered, (state, kind)
    if state != "enrolling":
        kept = {m.kind for m in await harness.services.store.patient_messages.for_chat(CHAT)}
        expected = {PatientMessageKind(kind) for kind in MEDIA}
        if state == "writing_a_complaint":
            expected.discard(PatientMessageKind.PHOTO)  # the complaint's own photo
        assert expected <= kept


async def test_a_voice_note_out_of_the_blue_is_copied_under_a_heading(harness: BotHarness) -> None:
    await setup(harness)
    message_id = await send_media(harness, CHAT, "voice")
    assert copied_to_staff(harness, message_id)
    [copy] = harness.telegram.copies(GROUP)
    heading = next(
        str(c.params["text"])
        for c in harness.telegram.sent(GROUP)
        if "语音" in str(c.params.get("text", ""))
    )
    assert "患者本人" in heading and "2026-11-22" in heading
    assert copy.params.get("message_thread_id") is not None  # in the patient's inbox topic
    told = harness.telegram.last_text(CHAT)
    assert "详细记录" in told
    [kept] = await harness.services.store.patient_messages.for_chat(CHAT)
    assert (kept.kind, kept.file_id) == (PatientMessageKind.VOICE, "voice-1")
    assert kept.case_id is not None


async def test_a_photo_in_a_checkin_is_relayed_and_the_question_stays(harness: BotHarness) -> None:
    await setup(harness)
    await in_a_checkin(harness)
    [session] = await harness.services.store.surveys.open_for_chat(CHAT)
    message_id = await send_media(harness, CHAT, "photo")
    assert copied_to_staff(harness, message_id)
    told = harness.telegram.last_text(CHAT)
    assert "详细记录" in told and "仍可继续回答" in told
    [still] = await harness.services.store.surveys.open_for_chat(CHAT)
    assert still.current_question == session.current_question


async def test_the_complaint_dialog_still_takes_its_photo(harness: BotHarness) -> None:
    await setup(harness)
    await writing_a_complaint(harness)
    await send_media(harness, CHAT, "photo")
    state = await harness.services.store.dialogs.get(CHAT)
    assert state is not None and state.step == DialogStep.CONCERNED
    assert state.data["photo"] == "photo-1" and state.data["text"] == "伤口的照片"
    assert harness.telegram.copies(GROUP) == []


async def test_a_photo_captioned_with_danger_raises_a_red_flag_and_reaches_staff(
    harness: BotHarness,
) -> None:
    await setup(harness)
    assert harness.app is not None
    update = message_update(
        harness.app.bot, CHAT, {**MEDIA["photo"], "caption": "伤口流血不止,纱布全湿了"}
    )
    assert update.message is not None
    await harness.app.process_update(update)
    assert copied_to_staff(harness, update.message.message_id)
    kinds = [c.kind for c in await harness.services.store.cases.for_patient(1)]
    assert CaseKind.RED_FLAG in kinds
    assert any("120" in str(c.params.get("text", "")) for c in harness.telegram.sent(CHAT))


async def test_a_voice_note_from_an_english_reader_is_acknowledged_in_english(
    harness: BotHarness,
) -> None:
    await setup(harness)
    services, now = harness.services, harness.clock.now()
    episode = await services.store.episodes.latest_for("ZY001")
    assert episode is not None
    new = NewContact(episode.patient_id, episode.id, 822, 822, "patient", None, "en")
    await services.store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")
    message_id = await send_media(harness, 822, "voice")
    assert any(int(c.params["message_id"]) == message_id for c in harness.telegram.copies(GROUP))
    told = harness.telegram.last_text(822)
    assert "recorded your message" in told and "2026-11-29" in told
