"""Enrolment through the fake Bot API: invite, identity, who answers, consent."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.harness import BotHarness
from bot.domain.discharge.model import ExclusionReason
from bot.domain.invites import hash_token
from bot.services.invitations import invite_patient
from bot.storage.audit import Actor
from tests.harness import HOSPITAL, record, seed

CHAT = 501


async def invite(harness: BotHarness, hospital_no: str = "ZY001") -> str:
    store = harness.services.store
    issued = await invite_patient(store, hospital_no, harness.clock.now(), 30, Actor.cli())
    return issued.token


async def enrol_to_consent(harness: BotHarness, chat: int = CHAT) -> None:
    await seed(harness.settings, record())
    await harness.text(chat, f"/start {await invite(harness)}")
    await harness.text(chat, "8001")
    await harness.press(chat, "en:r:patient")


async def test_patient_enrols_end_to_end(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    token = await invite(harness)
    await harness.text(CHAT, f"/start {token}")
    greeting = harness.telegram.last_text(CHAT)
    assert HOSPITAL in greeting and "后4位" in greeting
    assert "张" not in greeting  # nothing about the patient before the identity check

    await harness.text(CHAT, "8001")
    assert "张**" in harness.telegram.last_text(CHAT)
    assert harness.telegram.last_buttons(CHAT) == ["en:r:patient", "en:r:family"]

    await harness.press(CHAT, "en:r:patient")
    assert "隐私承诺" in harness.telegram.last_text(CHAT)
    assert harness.telegram.last_buttons(CHAT) == ["en:c:yes", "en:c:no"]

    await harness.press(CHAT, "en:c:yes")
    assert "随访已开通" in harness.telegram.last_text(CHAT)
    [contact] = await harness.services.store.contacts.for_chat(CHAT)
    assert (contact.respondent, contact.relation, contact.consent) == ("patient", None, "granted")
    history = await harness.services.store.contacts.consent_history(contact.id)
    assert [(d, via) for d, _, via in history] == [("granted", "invite")]
    assert history[0][1] == harness.clock.now()
    assert await harness.services.store.dialogs.get(CHAT) is None


async def test_family_member_enrols_with_relation(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    await harness.text(CHAT, f"/start {await invite(harness)}")
    await harness.text(CHAT, "８００１")  # full-width digits from a Chinese keyboard
    await harness.press(CHAT, "en:r:family")
    assert "en:rel:child" in harness.telegram.last_buttons(CHAT)
    await harness.press(CHAT, "en:rel:child")
    await harness.press(CHAT, "en:c:yes")
    [contact] = await harness.services.store.contacts.for_chat(CHAT)
    assert (contact.respondent, contact.relation, contact.consent) == ("family", "child", "granted")


async def test_patient_and_family_are_both_contacts(harness: BotHarness) -> None:
    await enrol_to_consent(harness, chat=601)
    await harness.press(601, "en:c:yes")
    await harness.text(602, f"/start {await invite(harness)}")
    await harness.text(602, "8001")
    await harness.press(602, "en:r:family")
    await harness.press(602, "en:rel:spouse")
    await harness.press(602, "en:c:yes")
    [patient] = await harness.services.store.contacts.for_chat(601)
    contacts = await harness.services.store.contacts.for_patient(patient.patient_id)
    assert sorted((c.chat_id, c.respondent) for c in contacts) == [
        (601, "patient"),
        (602, "family"),
    ]


async def test_birth_year_is_asked_when_no_phone(harness: BotHarness) -> None:
    await seed(harness.settings, record(phone=None))
    await harness.text(CHAT, f"/start {await invite(harness)}")
    assert "出生年份" in harness.telegram.last_text(CHAT)
    await harness.text(CHAT, "1958")
    assert harness.telegram.last_buttons(CHAT) == ["en:r:patient", "en:r:family"]


async def test_wrong_answers_lock_the_invite(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    token = await invite(harness)
    await harness.text(CHAT, f"/start {token}")
    for attempt in range(4):
        await harness.text(CHAT, "0000")
        assert f"还可以尝试 {4 - attempt} 次" in harness.telegram.last_text(CHAT)
    await harness.text(CHAT, "0000")
    assert "已被锁定" in harness.telegram.last_text(CHAT)
    # Even the right answer, or the link opened again elsewhere, gets nowhere now.
    await harness.text(CHAT, "8001")
    assert "无法回复" in harness.telegram.last_text(CHAT)
    await harness.text(777, f"/start {token}")
    assert "已被锁定" in harness.telegram.last_text(777)
    assert await harness.services.store.contacts.for_chat(CHAT) == []


async def test_declining_records_no_contact_consent(harness: BotHarness) -> None:
    await enrol_to_consent(harness)
    await harness.press(CHAT, "en:c:no")
    assert "尊重您的选择" in harness.telegram.last_text(CHAT)
    [contact] = await harness.services.store.contacts.for_chat(CHAT)
    assert contact.consent == "declined"


async def test_used_expired_and_unknown_links_are_refused_politely(harness: BotHarness) -> None:
    await enrol_to_consent(harness)
    await harness.press(CHAT, "en:c:yes")
    used = await harness.services.store.invites.by_hash(hash_token("x"))
    assert used is None
    # the token used above cannot be used again: issue one, use it, retry
    token = await invite(harness)
    await harness.text(700, f"/start {token}")
    await harness.text(700, "8001")
    await harness.press(700, "en:r:patient")
    await harness.press(700, "en:c:yes")
    await harness.text(701, f"/start {token}")
    assert "已失效" in harness.telegram.last_text(701)

    expiring = await invite(harness)
    harness.clock.advance(timedelta(days=30, seconds=1))
    await harness.text(702, f"/start {expiring}")
    assert "已失效" in harness.telegram.last_text(702)

    for payload in ("not-a-real-token-000000000", "x", "<b>hi</b>"):
        await harness.text(703, f"/start {payload}")
        assert "已失效" in harness.telegram.last_text(703)
    assert await harness.services.store.contacts.for_chat(701) == []


async def test_link_opened_in_two_chats_enrols_only_one(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    token = await invite(harness)
    for chat in (801, 802):
        await harness.text(chat, f"/start {token}")
        await harness.text(chat, "8001")
        await harness.press(chat, "en:r:patient")
    await harness.press(801, "en:c:yes")
    await harness.press(802, "en:c:yes")
    assert "已失效" in harness.telegram.last_text(802)
    assert await harness.services.store.contacts.for_chat(802) == []


async def test_restart_in_the_middle_continues(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    await harness.text(CHAT, f"/start {await invite(harness)}")
    await harness.restart()
    await harness.text(CHAT, "8001")
    await harness.restart()
    await harness.press(CHAT, "en:r:family")
    await harness.restart()
    await harness.press(CHAT, "en:rel:parent")
    await harness.restart()
    await harness.press(CHAT, "en:c:yes")
    [contact] = await harness.services.store.contacts.for_chat(CHAT)
    assert (contact.relation, contact.consent) == ("parent", "granted")


async def test_stale_forged_and_out_of_order_buttons_change_nothing(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    await harness.text(CHAT, f"/start {await invite(harness)}")
    for data in ("en:c:yes", "en:r:patient", "en:r:boss", "en:c", "en:x:y:z", "stop:yes"):
        await harness.press(CHAT, data)
    answers = harness.telegram.answered_callbacks()
    assert len(answers) == 6
    assert all(a.get("text") == "抱歉,这个问题已经结束了。" for a in answers)
    assert await harness.services.store.contacts.for_chat(CHAT) == []
    state = await harness.services.store.dialogs.get(CHAT)
    assert state is not None and state.step == "identity"


async def test_text_when_buttons_expected_asks_for_buttons(harness: BotHarness) -> None:
    await enrol_to_consent(harness)
    await harness.text(CHAT, "同意")
    assert "按钮" in harness.telegram.last_text(CHAT)
    assert await harness.services.store.contacts.for_chat(CHAT) == []


async def test_excluded_patient_cannot_be_invited_or_enrol(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    token = await invite(harness)
    # A later import marks the same discharge as a dispute: the printed link stops working.
    await seed(harness.settings, record(flags="纠纷", exclusion=ExclusionReason.DISPUTE))
    await harness.text(CHAT, f"/start {token}")
    assert "已失效" in harness.telegram.last_text(CHAT)
