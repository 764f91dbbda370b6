"""Posts to the staff group wait in the staff lane, never in the patient's handler."""

from __future__ import annotations

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.jobs import on_dispatch_job
from bot.demo.fake_telegram import Hold
from bot.demo.harness import BotHarness
from bot.demo.updates import callback_update, text_update
from tests.test_complaints import CHAT, GROUP, group_calls, setup

CASES = 50


async def complain_without_waiting(harness: BotHarness, text: str) -> None:
    """Go through /complain as the patient, each update handled as polling would."""
    assert harness.app is not None
    bot = harness.app.bot
    await harness.app.process_update(text_update(bot, CHAT, CHAT, "/complain"))
    await harness.app.process_update(text_update(bot, CHAT, CHAT, text))
    for data in ("cp:c:department", "cp:ok"):
        await harness.app.process_update(callback_update(bot, CHAT, CHAT, data))


async def test_fifty_cases_waiting_for_the_group_hold_up_no_patient_reply(
    harness: BotHarness,
) -> None:
    await setup(harness)
    slow_group = Hold("createForumTopic", chat_id=GROUP)  # the group's limit makes posts wait
    harness.telegram.holds.append(slow_group)
    for number in range(1, CASES + 1):
        await complain_without_waiting(harness, f"第{number}次:夜里病房太吵。")
        assert f"#{number}" in harness.telegram.last_text(CHAT)  # confirmed at once
    assert slow_group.reached.is_set() and not group_calls(harness, "sendMessage")

    slow_group.release.set()
    await harness.staff_settled()
    topics = [str(call["name"]) for call in group_calls(harness, "createForumTopic")]
    assert topics == [f"#{number} · 呼吸科" for number in range(1, CASES + 1)]  # in order
    cards = [str(call["text"]) for call in group_calls(harness, "sendMessage")]
    assert len(cards) == CASES
    assert all(f"第{n}次" in card for n, card in enumerate(cards, start=1))


async def test_a_case_whose_post_waits_in_the_lane_is_not_posted_twice_by_the_sweep(
    harness: BotHarness,
) -> None:
    await setup(harness)
    slow_group = Hold("createForumTopic", chat_id=GROUP)
    harness.telegram.holds.append(slow_group)
    await complain_without_waiting(harness, "夜里病房太吵。")
    await complain_without_waiting(harness, "饭菜太凉。")
    assert harness.app is not None
    await on_dispatch_job(AppContext(harness.app))  # the case sweep runs meanwhile
    slow_group.release.set()
    await harness.staff_settled()
    topics = [str(call["name"]) for call in group_calls(harness, "createForumTopic")]
    assert topics == ["#1 · 呼吸科", "#2 · 呼吸科"]
