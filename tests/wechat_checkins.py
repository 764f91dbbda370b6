"""WeChat check-ins for tests: a patient enrolled by QR code, a scheduled check-in, answers
by clicking the msgmenu's choices, and the audit that nothing went outside the window."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.demo.fake_wechat import FakeWeChat
from bot.demo.harness import BotHarness
from bot.storage.records import Contact
from tests.harness import local, record, seed
from tests.test_survey_flow import GENERAL
from tests.wechat_patients import (
    CUSTOM,
    OPENID,
    clicks,
    conversation,
    invite_qr,
    last_menu,
    menu_choice,
    says,
    scans,
    start_with_wechat,
)

REFUSALS = (45015, 45047)  # outside the window, over its 5 messages


async def enrol_by_qr(harness: BotHarness, hospital_no: str = "ZY001") -> Contact:
    """The patient scans the invite's QR code and enrols in WeChat, as a patient would."""
    await scans(harness, await invite_qr(harness, hospital_no))
    await says(harness, "8001")
    await clicks(harness, menu_choice(harness, "我是患者本人"))
    await clicks(harness, menu_choice(harness, "同意"))
    episode = await harness.services.store.episodes.latest_for(hospital_no)
    assert episode is not None
    [contact] = await harness.services.store.contacts.for_patient(episode.patient_id)
    return contact


async def enrolled_in_wechat(harness: BotHarness, group: int) -> tuple[FakeWeChat, Contact]:
    """A WeChat patient enrolled on 2026-11-22 whose day-3 check-in is due on the 23rd."""
    fake = await start_with_wechat(harness, group)
    await seed(harness.settings, record(**GENERAL))
    return fake, await enrol_by_qr(harness)


async def start_wechat_checkin(harness: BotHarness, group: int) -> tuple[FakeWeChat, Contact]:
    """A WeChat patient enrolled on 2026-11-22 whose day-3 check-in is now due and sent."""
    fake, contact = await enrolled_in_wechat(harness, group)
    await due(harness, "2026-11-23")
    return fake, contact


async def due(harness: BotHarness, day: str, clock: str = "10:00") -> None:
    """Let time pass to a Shanghai wall-clock time and run the dispatcher once."""
    harness.clock.advance(local(day, clock) - harness.clock.now())
    await harness.tick()


async def click_answer(harness: BotHarness, question: str, value: str) -> None:
    """Click the choice answering question/value on the last msgmenu; a number (a 0-10
    scale goes as numbered text) is typed."""
    assert harness.wechat is not None
    if value.isdigit():
        await says(harness, value)
        return
    pattern = re.compile(rf":{question}:{value}$")
    [choice] = [i for i, _ in last_menu(harness.wechat) if pattern.search(i)]
    await clicks(harness, choice)


def refusals(fake: FakeWeChat, provoked: Iterable[int] = ()) -> list[int]:
    """WeChat's window refusals that no test provoked (there should be none): every
    conversation message that went, went inside the user's window."""
    left = list(provoked)
    seen = []
    for call in fake.state.calls:
        if call.endpoint == CUSTOM and call.errcode in REFUSALS:
            if call.errcode in left:
                left.remove(call.errcode)
            else:
                seen.append(call.errcode)
    return seen


def menus_sent(fake: FakeWeChat, openid: str = OPENID) -> int:
    """How many msgmenus reached the user."""
    return sum(1 for payload in conversation(fake, openid) if payload["msgtype"] == "msgmenu")
