"""Free text outside a survey answer: danger, a death, or a message for staff; never dropped."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.fake_telegram import Fault
from bot.demo.harness import BotHarness
from bot.domain.cases import CaseKind, CaseSource
from bot.domain.enrolment import ConsentDecision
from bot.domain.patient_messages import Acknowledgement
from bot.domain.roles import Role
from bot.domain.triage import Triage
from bot.services.planning import plan_contact
from bot.storage.audit import Actor
from bot.storage.contacts import NewContact
from bot.storage.erasure import erase_patient, erasure_scope
from bot.storage.records import Contact
from tests.harness import enrol, local, record, seed, stored_text

CHAT = 811
GROUP = -1008111
STAFF = 7811
DOCTOR = 7812
ENGLISH = 812


async def setup(harness: BotHarness) -> Contact:
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": GROUP})
    await harness.restart()
    await seed(harness.settings, record(department="呼吸科", discharged_at=local("2026-11-20")))
    contact = await enrol(harness, CHAT)
    now = harness.clock.now()
    await harness.services.store.staff.upsert(STAFF, Role.STAFF, None, "刘护士长", now)
    await harness.services.store.staff.upsert(DOCTOR, Role.DOCTOR, None, "李医生", now)
    return contact


async def enrol_in_english(harness: BotHarness, chat_id: int = ENGLISH) -> Contact:
    """Link a second chat to the patient as a family member who reads English."""
    services, now = harness.services, harness.clock.now()
    episode = await services.store.episodes.latest_for("ZY001")
    assert episode is not None
    new = NewContact(episode.patient_id, episode.id, chat_id, chat_id, "family", "child", "en")
    contact = await services.store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")
    await plan_contact(services.store, services.scheduling, contact, now)
    return contact


async def deceased(harness: BotHarness) -> bool:
    state = await harness.services.store.facts.state(1)
    return state is not None and state.deceased


def group_texts(harness: BotHarness) -> list[str]:
    return [str(c.params.get("text", "")) for c in harness.telegram.sent(GROUP)]


def chat_texts(harness: BotHarness, chat_id: int = CHAT) -> list[str]:
    return [str(c.params.get("text", "")) for c in harness.telegram.sent(chat_id)]


async def test_danger_typed_out_of_the_blue_alerts_staff_in_the_same_update(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await harness.text(CHAT, "我今天胸口很痛,喘不上气")
    [alert] = [t for t in group_texts(harness) if "我今天胸口很痛,喘不上气" in t]
    assert "ZY001" in alert and "120" in alert
    assert harness.telegram.button(GROUP, "ack:") == "ack:1"  # staff acknowledge it as a red flag
    [case] = await harness.services.store.cases.for_patient(1)
    assert (case.kind, case.source) == (CaseKind.RED_FLAG, CaseSource.PATIENT_MESSAGE)
    assert case.text == "我今天胸口很痛,喘不上气" and case.staff_message_id is not None
    advice = harness.telegram.last_text(CHAT)
    assert "120" in advice and "急诊" in advice and "护士" in advice
    [kept] = await harness.services.store.patient_messages.for_chat(CHAT)
    assert (kept.triage, kept.case_id, kept.reply) == (
        Triage.DANGER,
        case.id,
        Acknowledgement.DANGER_ADVICE,
    )


async def test_danger_in_english_gets_the_advice_in_english(harness: BotHarness) -> None:
    await setup(harness)
    await enrol_in_english(harness)
    await harness.text(ENGLISH, "My mother can't breathe and has chest pain")
    advice = harness.telegram.last_text(ENGLISH)
    assert "120" in advice and "emergency department" in advice
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in advice)
    alert = next(t for t in group_texts(harness) if "has chest pain" in t)
    assert "家属(子女)" in alert  # staff read it in the hospital's language


async def test_a_negated_symptom_is_not_danger(harness: BotHarness) -> None:
    await setup(harness)
    await harness.text(CHAT, "没有胸痛,就是想问问复诊要不要空腹")
    cases = await harness.services.store.cases.for_patient(1)
    assert [c.kind for c in cases] == [CaseKind.QUESTION]
    assert "详细记录" in harness.telegram.last_text(CHAT)


async def test_danger_inside_a_checkin_leaves_the_question_open(harness: BotHarness) -> None:
    await setup(harness)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    [session] = await harness.services.store.surveys.open_for_chat(CHAT)
    before = await harness.services.store.surveys.answers(session.id)
    await harness.text(CHAT, "突然晕倒了一次")
    assert any("突然晕倒了一次" in t for t in group_texts(harness))
    assert "120" in harness.telegram.last_text(CHAT)
    [still] = await harness.services.store.surveys.open_for_chat(CHAT)
    assert still.status == "open" and still.current_question == session.current_question
    assert await harness.services.store.surveys.answers(session.id) == before


async def test_a_burst_of_danger_words_is_one_red_flag_advised_once(harness: BotHarness) -> None:
    await setup(harness)
    for words in ("胸口很闷", "喘不过气", "刚才晕倒了", "胸痛得厉害"):
        await harness.text(CHAT, words)
    cases = await harness.services.store.cases.for_patient(1)
    assert [c.kind for c in cases] == [CaseKind.RED_FLAG]
    assert sum("120" in t for t in chat_texts(harness)) == 1
    shown = "\n".join(group_texts(harness))
    assert all(w in shown for w in ("胸口很闷", "喘不过气", "刚才晕倒了", "胸痛得厉害"))
    harness.clock.advance(timedelta(minutes=10))
    await harness.text(CHAT, "还是胸口痛")
    assert len(await harness.services.store.cases.for_patient(1)) == 2  # a new burst
    assert sum("120" in t for t in chat_texts(harness)) == 2


async def test_a_reported_death_gets_condolence_and_staff_confirm_it(harness: BotHarness) -> None:
    await setup(harness)
    await harness.text(CHAT, "我父亲昨天已经去世了")
    condolence = harness.telegram.last_text(CHAT)
    assert "保重身体" in condolence and "120" not in condolence
    button = harness.telegram.button(GROUP, "dr:")
    assert "我父亲昨天已经去世了" in harness.telegram.text_with_button(GROUP, "dr:")
    assert not await deceased(harness)  # only staff record a death

    await harness.press(GROUP, button, user_id=DOCTOR)  # a doctor may not record deaths
    assert harness.telegram.answered_callbacks()[-1].get("show_alert")
    assert not await deceased(harness)

    await harness.press(GROUP, button, user_id=STAFF)
    assert await deceased(harness)
    confirmed = group_texts(harness)[-1]
    assert "刘护士长" in confirmed and "已确认" in confirmed
    assert any(c.method == "editMessageReplyMarkup" for c in harness.telegram.calls)
    sent_before = len(harness.telegram.sent(CHAT))
    await harness.text(CHAT, "谢谢你们")  # kept and shown to staff, no automatic reply
    for _week in range(28):
        harness.clock.advance(timedelta(days=7))
        await harness.tick()
    assert len(harness.telegram.sent(CHAT)) == sent_before
    assert any("谢谢你们" in t for t in group_texts(harness))


async def test_a_message_for_staff_opens_the_patients_inbox_case(harness: BotHarness) -> None:
    await setup(harness)
    await harness.text(CHAT, "想问一下复诊要不要空腹")
    [case] = await harness.services.store.cases.for_patient(1)
    assert (case.kind, case.source) == (CaseKind.QUESTION, CaseSource.PATIENT_MESSAGE)
    assert any("想问一下复诊要不要空腹" in t and "ZY001" in t for t in group_texts(harness))
    told = harness.telegram.last_text(CHAT)
    assert "详细记录" in told and "核实" in told and "2026-11-29" in told and "呼吸科" in told
    await harness.text(CHAT, "还有,药吃完了要不要再开")
    assert len(await harness.services.store.cases.for_patient(1)) == 1  # the same inbox topic
    assert "药吃完了要不要再开" in group_texts(harness)[-1]
    kept = await harness.services.store.patient_messages.for_chat(CHAT)
    assert [m.case_id for m in kept] == [case.id, case.id]
    assert harness.telegram.button(GROUP, "cs:take:") == f"cs:take:{case.id}"  # worked as any
    await harness.press(GROUP, f"cs:take:{case.id}", user_id=STAFF)
    taken = await harness.services.store.cases.get(case.id)
    assert taken is not None and taken.assignee_id == STAFF


async def test_english_message_for_staff_is_acknowledged_in_english(harness: BotHarness) -> None:
    await setup(harness)
    await enrol_in_english(harness)
    await harness.text(ENGLISH, "Should she fast before the follow-up visit?")
    told = harness.telegram.last_text(ENGLISH)
    assert "recorded" in told and "2026-11-29" in told
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in told.replace("呼吸科", ""))


async def test_a_burst_is_all_kept_and_relayed_and_acknowledged_once(harness: BotHarness) -> None:
    await setup(harness)
    words = [f"第{n}条:伤口有点痒" for n in range(1, 21)]
    for n, text in enumerate(words):
        await harness.text(CHAT, text)
        if n == 10:
            await harness.restart()  # the window survives a restart
    kept = await harness.services.store.patient_messages.for_chat(CHAT)
    assert [m.text for m in kept] == words
    shown = "\n".join(group_texts(harness))
    assert all(w in shown for w in words)
    assert sum("详细记录" in t for t in chat_texts(harness)) == 1
    harness.clock.advance(timedelta(minutes=5))
    await harness.text(CHAT, "再补充一句")
    assert sum("详细记录" in t for t in chat_texts(harness)) == 2


async def test_text_at_telegrams_limit_reaches_staff_and_is_kept_whole(
    harness: BotHarness,
) -> None:
    await setup(harness)
    long_text = ("伤口周围有点红," * 600)[:4096]
    await harness.text(CHAT, long_text)
    await harness.text(CHAT, long_text)  # into the open inbox case, under a heading
    assert all(len(t) <= 4096 for t in group_texts(harness))
    assert sum("全文已保存" in t for t in group_texts(harness)) == 2
    kept = await harness.services.store.patient_messages.for_chat(CHAT)
    assert [m.text for m in kept] == [long_text, long_text]


async def test_emoji_alone_gets_a_polite_answer_and_is_kept(harness: BotHarness) -> None:
    await setup(harness)
    await harness.text(CHAT, "👍👍🙏")
    assert "请用文字" in harness.telegram.last_text(CHAT)
    [kept] = await harness.services.store.patient_messages.for_chat(CHAT)
    assert kept.text == "👍👍🙏" and kept.reply == Acknowledgement.EMOJI
    assert await harness.services.store.cases.for_patient(1) == []


async def test_a_stranger_gets_how_to_join_and_danger_advice(harness: BotHarness) -> None:
    await setup(harness)
    await harness.text(999, "你好")
    assert "二维码" in harness.telegram.last_text(999) or harness.telegram.sent(999)
    await harness.text(999, "我胸口很痛")
    assert "120" in harness.telegram.last_text(999)


async def test_erasure_removes_what_the_patient_wrote(harness: BotHarness) -> None:
    await setup(harness)
    await harness.text(CHAT, "我家住在幸福路18号,想问复诊时间")
    await harness.text(CHAT, "我今天胸口很痛")
    engine = harness.services.store.engine
    scope = await erasure_scope(engine, "ZY001")
    assert scope is not None
    await erase_patient(engine, scope, "ZY001", harness.clock.now(), Actor.cli())
    stored = await stored_text(harness.services.store)
    assert "幸福路18号" not in stored and "胸口很痛" not in stored
    kept = await harness.services.store.patient_messages.for_chat(0)
    assert [m.triage for m in kept] == [Triage.OTHER, Triage.DANGER]  # counted, not quoted


async def test_english_readers_get_condolence_and_answers_in_english(harness: BotHarness) -> None:
    await setup(harness)
    await enrol_in_english(harness)
    await harness.text(ENGLISH, "👍")
    assert "in words" in harness.telegram.last_text(ENGLISH)
    await harness.text(ENGLISH, "My father passed away last night")
    condolence = harness.telegram.last_text(ENGLISH)
    assert "sorry" in condolence and "take care of yourself" in condolence
    assert "家属(子女)" in harness.telegram.text_with_button(GROUP, "dr:")
    for told in chat_texts(harness, ENGLISH):
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in told)


async def test_while_the_staff_group_is_unreachable_messages_wait_in_one_case(
    harness: BotHarness,
) -> None:
    await setup(harness)
    harness.telegram.faults.append(Fault("createForumTopic", 403, "Forbidden", times=99))
    harness.telegram.faults.append(Fault("sendMessage", 403, "Forbidden", chat_id=GROUP, times=99))
    for words in ("想问复诊时间", "还有用药的问题", "麻烦回复一下"):
        await harness.text(CHAT, words)
    cases = await harness.services.store.cases.for_patient(1)
    assert len(cases) == 1 and cases[0].staff_message_id is None  # the sweep posts it later
    kept = await harness.services.store.patient_messages.for_chat(CHAT)
    assert [m.case_id for m in kept] == [cases[0].id] * 3
    assert "详细记录" in harness.telegram.last_text(CHAT)
