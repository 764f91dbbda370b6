"""A chat takes over: when the patient enrols on Telegram, the stay's SMS contact stops (its
pending texts cancelled, never created again) and what was answered by SMS is not asked again."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.harness import BotHarness
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.enrolment import ConsentDecision
from bot.domain.messages import MessageStatus
from bot.services.invitations import invite_patient
from bot.services.sms_reach import reach_by_sms
from bot.storage.audit import Actor
from bot.storage.schema import scheduled_messages as m
from tests.harness import START, local, record, seed
from tests.sms_reach_world import GENERAL, SmsReached, with_sms
from tests.test_survey_flow import HAPPY_PATH

PHONE = Address(ChannelName.SMS, "13800138001")
CHAT = 808


async def reply_by_sms(reached: SmsReached, ending: str) -> None:
    """Text back the number of the option ending so, counted as the page shows them."""
    shown = (await reached.shown_to(PHONE))[-1].choices  # what the patient sees
    [(position, choice)] = [(n, c) for n, c in enumerate(shown, start=1) if c.id.endswith(ending)]
    await reached.reply(PHONE, choice.label if choice.label.isdigit() else str(position))


async def enrol_on_telegram(harness: BotHarness) -> None:
    store, now = harness.services.store, harness.clock.now()
    issued = await invite_patient(store, "ZY001", now, 30, Actor.cli())
    await harness.text(CHAT, f"/start {issued.token}")
    await harness.text(CHAT, "8001")
    await harness.press(CHAT, "en:r:patient")
    await harness.press(CHAT, "en:c:yes")


async def answered_by_sms(harness: BotHarness) -> SmsReached:
    """The patient is reached by SMS and answers the day-3 check-in by text."""
    await seed(harness.settings, record(**GENERAL))
    reached = await with_sms(harness)
    await harness.tick()
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    for question, value in HAPPY_PATH:
        await reply_by_sms(reached, f":{question}:{value}")
    return reached


async def test_enrolling_in_a_chat_stops_sms_and_keeps_the_answered_checkin(
    harness: BotHarness,
) -> None:
    reached = await answered_by_sms(harness)
    store = harness.services.store
    [day3] = await store.outbox.rows(m.c.step_key == "day3")
    assert day3.status is MessageStatus.ANSWERED
    sms_contact = day3.contact_id
    await enrol_on_telegram(harness)
    assert "随访已开通" in harness.telegram.last_text(CHAT)
    sms_rows = await store.outbox.rows(m.c.contact_id == sms_contact)
    assert not [row for row in sms_rows if row.status is MessageStatus.PENDING]
    cancelled = [row for row in sms_rows if row.status is MessageStatus.CANCELLED]
    assert cancelled and {row.failure_reason for row in cancelled} == {"chat_took_over"}
    [chat_contact] = await store.contacts.for_chat(CHAT)
    chat_rows = await store.outbox.rows(m.c.contact_id == chat_contact.id)
    chat_steps = {row.step_key for row in chat_rows}
    assert "day7" in chat_steps
    assert not {"day1_home_care", "day3"} & chat_steps  # told and answered by SMS: not again
    texted = await reached.count(PHONE)
    [day7] = [row for row in chat_rows if row.step_key == "day7"]
    harness.clock.advance(day7.send_at + timedelta(hours=1) - harness.clock.now())
    await harness.tick()
    assert await reached.count(PHONE) == texted  # nothing more by SMS, nor on the page
    assert "出院已经一周" in harness.telegram.last_text(CHAT)  # day 7 came in the chat
    entries = await store.audit.since(START - timedelta(days=1))
    assert [e.subject for e in entries if e.action == "contact.sms_superseded"] == [
        f"contact:{sms_contact}"
    ]


async def test_a_superseded_sms_contact_is_never_created_again(harness: BotHarness) -> None:
    await answered_by_sms(harness)
    await enrol_on_telegram(harness)
    services = harness.services
    await services.store.contacts.set_consent(
        [(await services.store.contacts.for_chat(CHAT))[0].id],
        ConsentDecision.WITHDRAWN,
        harness.clock.now(),
        via="test",
    )
    assert (
        await reach_by_sms(services.store, services.scheduling, harness.clock.now(), "zh_CN") == 0
    )
    episode = await services.store.episodes.latest_for("ZY001")
    assert episode is not None
    contacts = await services.store.contacts.for_patient(episode.patient_id)
    assert sorted(c.channel for c in contacts) == ["sms", "telegram"]


async def decline_on_telegram(harness: BotHarness, who: str) -> None:
    issued = await invite_patient(
        harness.services.store, "ZY001", harness.clock.now(), 30, Actor.cli()
    )
    await harness.text(CHAT, f"/start {issued.token}")
    await harness.text(CHAT, "8001")
    await harness.press(CHAT, f"en:r:{who}")
    if who == "family":
        await harness.press(CHAT, "en:rel:child")
    await harness.press(CHAT, "en:c:no")


async def test_the_patient_refusing_in_the_chat_stops_sms_too(harness: BotHarness) -> None:
    reached = await answered_by_sms(harness)
    await decline_on_telegram(harness, "patient")
    store = harness.services.store
    assert await store.outbox.rows(m.c.status == MessageStatus.PENDING.value) == []
    [day3] = await store.outbox.rows(m.c.step_key == "day3")
    history = await store.contacts.consent_history(day3.contact_id)
    assert [(d, via) for d, _, via in history] == [
        ("granted", "discharge_list"),
        ("withdrawn", "invite"),
    ]
    texted = await reached.count(PHONE)
    harness.clock.advance(timedelta(days=30))
    await harness.tick()
    assert await reached.count(PHONE) == texted


async def test_a_relative_refusing_in_the_chat_leaves_sms_as_it_was(harness: BotHarness) -> None:
    await answered_by_sms(harness)
    store = harness.services.store
    pending = len(await store.outbox.rows(m.c.status == MessageStatus.PENDING.value))
    await decline_on_telegram(harness, "family")
    assert len(await store.outbox.rows(m.c.status == MessageStatus.PENDING.value)) == pending
