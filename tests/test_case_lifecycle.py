"""A case's lifecycle as staff see it: refused presses change and post nothing; a case's
topic is opened once even when its card has to be posted again."""

from __future__ import annotations

import asyncio

from bot.demo.fake_telegram import Fault, Hold
from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from tests.test_complaints import (
    CHAT,
    GROUP,
    STAFF,
    complain,
    group_calls,
    reply_to_patient,
    setup,
)
from tests.test_races import WAIT, cards

OTHER_STAFF = 7101


async def close_case_one(harness: BotHarness) -> int:
    """Take, close and summarise case #1; return its forum topic."""
    thread = int(str(cards(harness)[0]["message_thread_id"]))
    await harness.press(GROUP, "cs:take:1", user_id=STAFF)
    await harness.press(GROUP, "cs:close:1", user_id=STAFF)
    await harness.press(GROUP, "cs:outcome:1:resolved", user_id=STAFF)
    await harness.text(GROUP, "已与夜班护士沟通。", user_id=STAFF, thread_id=thread)
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.closed
    return thread


async def test_taking_a_closed_case_tells_the_presser_and_posts_nothing(
    harness: BotHarness,
) -> None:
    await setup(harness)
    staff = harness.services.store.staff
    await staff.upsert(OTHER_STAFF, Role.STAFF, None, "陈护士", harness.clock.now())
    await complain(harness)
    await close_case_one(harness)
    posted_before = len(group_calls(harness, "sendMessage"))
    edits_before = len(group_calls(harness, "editMessageText"))

    await harness.press(GROUP, "cs:take:1", user_id=OTHER_STAFF)  # a card not yet refreshed

    refusal = harness.telegram.answered_callbacks()[-1]
    assert "#1" in refusal["text"] and "已结案" in refusal["text"] and refusal["show_alert"]
    assert len(group_calls(harness, "sendMessage")) == posted_before  # no "taken" note
    assert len(group_calls(harness, "editMessageText")) == edits_before
    case = await harness.services.store.cases.get(1)
    assert case is not None and (case.status, case.assignee_id) == ("closed", STAFF)
    events = [e.kind for e in await harness.services.store.cases.events(1)]
    assert events.count("taken") == 1 and events[-1] == "closed"


async def test_reopening_an_open_case_is_refused_politely(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness)
    await harness.press(GROUP, "cs:reopen:1", user_id=STAFF)
    assert "尚未结案" in harness.telegram.answered_callbacks()[-1]["text"]
    events = [e.kind for e in await harness.services.store.cases.events(1)]
    assert "reopened" not in events


async def test_the_sweep_does_not_post_a_case_whose_card_is_in_flight(
    harness: BotHarness,
) -> None:
    await setup(harness)
    slow = Hold("sendMessage", chat_id=GROUP)  # the topic is open, the card is on its way
    harness.telegram.holds.append(slow)
    submitting = asyncio.create_task(complain(harness))
    await asyncio.wait_for(slow.reached.wait(), WAIT)
    await harness.tick()  # the deadline sweep runs while the card is in flight
    slow.release.set()
    await asyncio.wait_for(submitting, WAIT)
    await harness.tick()
    assert len(group_calls(harness, "createForumTopic")) == 1
    [card] = cards(harness)
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.staff_message_id is not None
    assert case.topic_id == int(str(card["message_thread_id"]))


async def test_a_card_that_failed_is_posted_again_in_the_same_topic(
    harness: BotHarness,
) -> None:
    await setup(harness)
    refused = Fault(method="sendMessage", chat_id=GROUP, status=400, description="Bad Request")
    harness.telegram.faults.append(refused)  # not retried by the send path: the card fails
    await complain(harness)
    [topic] = group_calls(harness, "createForumTopic")
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.staff_message_id is None
    await harness.tick()  # the sweep posts the card again
    assert len(group_calls(harness, "createForumTopic")) == 1  # no second, orphan topic
    delivered = harness.telegram.delivered_to(GROUP)
    [card] = [c.params for c in delivered if "投诉登记" in str(c.params.get("text"))]
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.staff_message_id is not None
    assert case.topic_id == int(str(card["message_thread_id"]))
    assert str(topic["name"]).startswith("#1")
    await reply_to_patient(harness, 1, "您好,正在核实。", case.topic_id)
    assert "正在核实" in harness.telegram.last_text(CHAT)  # the thread is the case's
