"""Who gets what: the sweep gives consenting patients with a phone and no chat an SMS contact,
only when turned on and SMS is configured, in batches, once."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.harness import BotHarness
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.conversation_window import NoticeKind
from bot.domain.messages import MessageKind, MessageStatus
from bot.services.sms_reach import reach_by_sms
from bot.storage.records import Contact
from bot.storage.schema import scheduled_messages as m
from tests.harness import START, local, record, seed
from tests.sms_patients import template_of
from tests.sms_reach_world import GENERAL, arrange, cohort, with_sms

PHONE = "13800138001"  # record()'s


async def sms_contacts(harness: BotHarness, number: str) -> list[Contact]:
    store = harness.services.store
    episode = await store.episodes.latest_for(number)
    assert episode is not None
    found = await store.contacts.for_patient(episode.patient_id)
    return [contact for contact in found if contact.channel == ChannelName.SMS]


async def test_the_sweep_reaches_exactly_the_right_stays_in_batches_and_once(
    harness: BotHarness,
) -> None:
    people = cohort()
    await seed(harness.settings, *(person.record() for person in people))
    await arrange(harness, people)
    services, now = harness.services, harness.clock.now()
    made = [await reach_by_sms(services.store, services.scheduling, now, "zh_CN", limit=2)]
    while made[-1]:
        made.append(await reach_by_sms(services.store, services.scheduling, now, "zh_CN", 2))
    assert made == [2, 1, 0]
    expected = {person.number for person in people if person.reached_by_sms}
    reached = {p.number for p in people if await sms_contacts(harness, p.number)}
    assert reached == expected and len(expected) == 3
    for number in sorted(expected):
        [contact] = await sms_contacts(harness, number)
        assert (contact.respondent, contact.consent, contact.locale) == (
            "patient",
            "granted",
            "zh_CN",
        )
        assert contact.handle is not None and contact.handle.startswith("1390000")
        history = await services.store.contacts.consent_history(contact.id)
        assert [(d, via) for d, _, via in history] == [("granted", "discharge_list")]
        rows = await services.store.outbox.rows(m.c.contact_id == contact.id)
        assert {row.step_key for row in rows} >= {"day3", "day7"}
    audit = await services.store.audit.since(START - timedelta(days=1))
    granted = [e for e in audit if e.action == "consent.granted" and e.detail == "discharge_list"]
    assert len(granted) == 3


async def test_the_list_language_is_the_sms_contact_language(harness: BotHarness) -> None:
    await seed(harness.settings, record("ZY1", language="en", **GENERAL))
    services = harness.services
    assert await reach_by_sms(services.store, services.scheduling, harness.clock.now(), "zh_CN")
    [contact] = await sms_contacts(harness, "ZY1")
    assert contact.locale == "en"


async def test_the_tick_reaches_by_sms_and_the_day3_checkin_is_texted(harness: BotHarness) -> None:
    await seed(harness.settings, record("ZY1", **GENERAL))
    reached = await with_sms(harness)
    await harness.tick()
    [contact] = await sms_contacts(harness, "ZY1")
    assert contact.handle == PHONE
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    address = Address(ChannelName.SMS, PHONE)
    shown = await reached.shown_to(address)
    assert shown and "呼吸科" in shown[-1].text and shown[-1].choices  # the question, to tap
    notice = reached.notices_to(address)[-1]
    assert notice.template == template_of(NoticeKind.CHECK_IN)  # the text telling them
    assert harness.telegram.delivered == []
    [day3] = await harness.services.store.outbox.rows(m.c.step_key == "day3")
    assert (day3.kind, day3.status) == (MessageKind.CHECKIN, MessageStatus.SENT)


async def test_nothing_is_created_when_turned_off(harness: BotHarness) -> None:
    await seed(harness.settings, record("ZY1", **GENERAL))
    harness.settings = harness.settings.model_copy(update={"sms_auto": False})
    reached = await with_sms(harness)
    await harness.tick()
    assert await sms_contacts(harness, "ZY1") == []
    assert reached.fake.sends == []


async def test_nothing_is_created_without_an_sms_channel(harness: BotHarness) -> None:
    await seed(harness.settings, record("ZY1", **GENERAL))
    await harness.tick()
    assert await sms_contacts(harness, "ZY1") == []
    assert await harness.services.store.outbox.rows() == []


async def test_nothing_is_created_with_the_pages_but_no_sms_provider(harness: BotHarness) -> None:
    await seed(harness.settings, record("ZY1", **GENERAL))
    await harness.with_web()  # pages, but no text could tell the patient a message waits
    await harness.tick()
    assert await sms_contacts(harness, "ZY1") == []
    assert await harness.services.store.outbox.rows() == []
