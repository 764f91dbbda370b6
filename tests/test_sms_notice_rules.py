"""When the notice SMS goes: not while the person is on the page, one unread at a time (12
hours), in the hospital's contact hours (owed until then), within the daily limit (owed to
the next day); a refused template is the operator's to fix and the message stays on the
page; a number that cannot be reached stops its follow-up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from bot.app import build_app
from bot.demo.fake_sms import FakeSms
from bot.demo.harness import BotHarness
from bot.domain.cases import CaseKind
from bot.domain.channel_messages import Outgoing
from bot.domain.clock import FakeClock
from bot.domain.consent import ConsentVia
from bot.domain.conversation_window import NoticeKind
from bot.services.cases import open_patient_case
from bot.services.stopping import withdraw_without_asking
from bot.settings import Settings
from bot.settings_sms import SettingsError
from bot.storage.audit import Actor
from bot.storage.erasure import erase_patient, erasure_scope
from bot.storage.schema import patients
from tests.harness import START, local
from tests.sms_patients import page_of, sms_patient, template_of, texts
from tests.test_complaints import reply_to_patient
from tests.web_patients import PHONE

WORDS = "请记得明天上午复查血常规。"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as phone:
        yield phone


async def message_at(harness: BotHarness, day: str, clock: str) -> None:
    """Send the patient a message at a local time, through the one send path."""
    harness.clock.advance(local(day, clock) - harness.clock.now())
    await harness.services.sender.send(PHONE, Outgoing(WORDS))


def kinds_after(fake: FakeSms, count: int) -> list[str]:
    return [send.template for send in texts(fake)[count:]]


async def test_no_notice_while_on_the_page_and_one_unread_at_a_time(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    fake, _ = await sms_patient(harness)
    sent = len(texts(fake))
    await message_at(harness, "2026-11-23", "19:00")  # the check-in's notice is unread
    assert kinds_after(fake, sent) == []
    harness.clock.advance(timedelta(minutes=5))
    await client.get(page_of(harness, texts(fake)[-1]))  # read at 19:05
    await message_at(harness, "2026-11-23", "19:10")  # they are on the page
    assert kinds_after(fake, sent) == []
    await message_at(harness, "2026-11-23", "19:30")  # read, and left: a new notice
    assert kinds_after(fake, sent) == [template_of(NoticeKind.OTHER)]
    await message_at(harness, "2026-11-24", "09:00")  # unread for 13.5 hours: another
    assert len(kinds_after(fake, sent)) == 2


async def test_a_staff_reply_late_at_night_is_owed_until_the_morning(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    fake, contact = await sms_patient(harness, send_windows="08:00-21:00")
    case = await open_patient_case(
        harness.services, contact, CaseKind.COMPLAINT, "病房夜里太吵。", "", None
    )
    await harness.staff_settled()  # the card is posted in the staff lane
    sent = len(texts(fake))
    harness.clock.advance(local("2026-11-23", "23:00") - harness.clock.now())
    case = await harness.services.store.cases.get(case.id) or case
    await reply_to_patient(harness, case.id, "非常抱歉,已加强夜班巡视。", case.topic_id)
    await harness.tick()
    assert kinds_after(fake, sent) == []  # 23:00: owed
    harness.clock.advance(local("2026-11-24", "08:00") - harness.clock.now())
    await harness.tick()
    [reply] = texts(fake)[sent:][:1]
    assert reply.template == template_of(NoticeKind.STAFF_REPLY) and reply.at == local(
        "2026-11-24", "08:00"
    )
    page = await client.get(page_of(harness, reply))
    assert page.status_code == 200 and 'name="identity_answer"' in page.text


async def test_the_daily_limit_owes_the_notice_to_the_next_day(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    fake, _ = await sms_patient(harness, sms_daily_limit=2)
    sent = len(texts(fake))
    await client.get(page_of(harness, texts(fake)[-1]))
    await message_at(harness, "2026-11-23", "16:00")
    await harness.tick()
    assert kinds_after(fake, sent) == []  # two today already
    harness.clock.advance(local("2026-11-24", "00:00") - harness.clock.now())
    await harness.tick()
    assert kinds_after(fake, sent) == []  # a new day, but the night
    harness.clock.advance(local("2026-11-24", "09:00") - harness.clock.now())
    await harness.tick()
    assert texts(fake)[sent].at == local("2026-11-24", "09:00")


async def test_a_refused_template_is_logged_for_the_operator_and_the_message_stays(
    harness: BotHarness, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    fake, _ = await sms_patient(harness)
    sent = len(texts(fake))
    await client.get(page_of(harness, texts(fake)[-1]))
    fake.state.fail_next("isv.SMS_TEMPLATE_ILLEGAL")
    harness.clock.advance(timedelta(hours=1))
    with caplog.at_level(logging.ERROR):
        assert await harness.services.sender.send(PHONE, Outgoing(WORDS)) is not None
    assert kinds_after(fake, sent) == []
    assert "FOLLOWUP_SMS_TEMPLATES" in caplog.text and PHONE.chat not in caplog.text
    page = await client.get(page_of(harness, texts(fake)[-1]))
    assert WORDS in page.text


async def test_a_number_that_cannot_be_reached_stops_its_follow_up(
    harness: BotHarness, client: httpx.AsyncClient
) -> None:
    fake, _ = await sms_patient(harness)
    await client.get(page_of(harness, texts(fake)[-1]))
    assert await harness.services.store.outbox.count_pending() > 0
    fake.state.fail_next("isv.MOBILE_NUMBER_ILLEGAL")
    harness.clock.advance(timedelta(hours=1))
    assert await harness.services.sender.send(PHONE, Outgoing(WORDS)) is None
    assert await harness.services.store.outbox.count_pending() == 0  # its follow-up stops


def test_sms_without_the_pages_is_refused_naming_their_settings(settings: Settings) -> None:
    configured = FakeSms(FakeClock(START)).settings_for(settings)
    with pytest.raises(SettingsError) as refused:
        build_app(configured)
    assert "FOLLOWUP_PUBLIC_URL" in str(refused.value)
    assert "FOLLOWUP_WEB_SECRET" in str(refused.value)


async def test_an_owed_notice_is_dropped_when_the_patient_stops_or_is_erased(
    harness: BotHarness,
) -> None:
    fake, contact = await sms_patient(harness, send_windows="08:00-21:00")
    store = harness.services.store
    sent = len(texts(fake))
    await message_at(harness, "2026-11-24", "23:00")  # owed until 08:00
    assert await store.sms_owed.get(contact.chat_id) is not None
    scope = await erasure_scope(store.engine, "ZY001")
    assert scope is not None
    await erase_patient(store.engine, scope, "ZY001", harness.clock.now(), Actor.cli())
    assert await store.sms_owed.get(contact.chat_id) is None
    harness.clock.advance(local("2026-11-25", "08:00") - harness.clock.now())
    await harness.tick()
    assert kinds_after(fake, sent) == []


@pytest.mark.parametrize("change", ["withdrawn", "deceased_at", "dispute_since", "erased_at"])
async def test_an_owed_notice_never_goes_to_a_patient_no_longer_followed(
    harness: BotHarness, change: str
) -> None:
    fake, contact = await sms_patient(harness, send_windows="08:00-21:00")
    store = harness.services.store
    sent = len(texts(fake))
    await message_at(harness, "2026-11-24", "23:00")  # owed until 08:00
    assert await store.sms_owed.get(contact.chat_id) is not None
    if change == "withdrawn":
        await withdraw_without_asking(harness.services, contact.chat_id, ConsentVia.WEB_PAGE)
    else:
        async with store.engine.begin() as conn:
            column = patients.c[change]
            now = harness.clock.now()
            await conn.execute(
                update(patients).where(patients.c.id == contact.patient_id).values({column: now})
            )
    harness.clock.advance(local("2026-11-25", "08:00") - harness.clock.now())
    await harness.tick()
    assert kinds_after(fake, sent) == []
    assert await store.sms_owed.get(contact.chat_id) is None
