"""The weekly quality sample: /calls sample N draws only eligible calls, never twice, in the
supervisor's department; the verdicts and notes are kept and counted."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.demo.harness import BotHarness
from bot.storage.schema import call_reviews
from tests.call_records import CHIEF_B, NURSE, OFFICE, build_calls
from tests.call_test_helpers import november


async def reviews(harness: BotHarness) -> dict[int, tuple[object, ...]]:
    """Every review kept: attempt -> (sampled by, verdict, note)."""
    query = select(call_reviews.c.attempt_id, call_reviews.c.sampled_by)
    query = query.add_columns(call_reviews.c.verdict, call_reviews.c.note)
    async with harness.services.store.engine.connect() as conn:
        return {row[0]: tuple(row[1:]) for row in (await conn.execute(query)).all()}


def drawn(harness: BotHarness, chat: int) -> list[int]:
    """The calls shown to a supervisor, by their verdict buttons."""
    buttons = [
        b
        for call in harness.telegram.sent(chat)
        for b in _buttons(call.params)
        if b.endswith(":pass")
    ]
    return [int(b.split(":")[1]) for b in buttons]


def _buttons(params: dict[str, object]) -> list[str]:
    markup = params.get("reply_markup")
    if not isinstance(markup, dict):
        return []
    return [str(b["callback_data"]) for row in markup["inline_keyboard"] for b in row]


async def test_sample_draws_eligible_calls_once_in_scope(harness: BotHarness) -> None:
    calls = await build_calls(harness)
    harness.clock.advance(timedelta(hours=2))  # every red flag call made and ended
    await harness.text(CHIEF_B, "/calls sample 5")  # B: only the red flag call back to P3
    assert drawn(harness, CHIEF_B) == [calls["rf3"]]
    assert (
        "本次抽查 1 次电话回访,可抽的不足 5 次" in harness.telegram.sent(CHIEF_B)[0].params["text"]
    )
    shown = harness.telegram.last_text(CHIEF_B)
    assert "患者:张三丰" in shown and "回访人:李护士" in shown and "结果:已接通" in shown
    await harness.text(OFFICE, "/calls sample 5")  # not the dialing, relaying, old or B's drawn
    assert sorted(drawn(harness, OFFICE)) == sorted([calls["q1"], calls["rf1"], calls["rf1_again"]])
    await harness.text(OFFICE, "/calls sample 5")
    assert "近 7 天没有可抽查的电话回访" in harness.telegram.last_text(OFFICE)
    assert set(await reviews(harness)) == {calls[k] for k in ("rf3", "q1", "rf1", "rf1_again")}


async def test_verdicts_and_notes_are_kept_and_counted(harness: BotHarness) -> None:
    calls = await build_calls(harness)
    harness.clock.advance(timedelta(hours=2))
    await harness.text(CHIEF_B, "/calls sample 1")
    await harness.text(OFFICE, "/calls sample 3")
    await harness.press(OFFICE, f"cq:{calls['q1']}:pass", user_id=OFFICE)
    await harness.press(OFFICE, f"cq:{calls['q1']}:skip", user_id=OFFICE)
    assert harness.telegram.last_text(OFFICE) == "好的,本次评定已完成。"
    await harness.press(OFFICE, f"cq:{calls['rf1']}:needs_work", user_id=OFFICE)
    assert "已记为“需改进”" in harness.telegram.last_text(OFFICE)
    await harness.text(OFFICE, "开场白未报科室")
    assert harness.telegram.last_text(OFFICE) == "备注已保存,谢谢。"
    await harness.press(CHIEF_B, f"cq:{calls['rf1_again']}:pass", user_id=CHIEF_B)  # not theirs
    await harness.press(NURSE, f"cq:{calls['rf1_again']}:pass", user_id=NURSE)  # not a chief
    await harness.press(OFFICE, f"cq:{calls['rf1_again']}:great", user_id=OFFICE)  # forged
    kept = await reviews(harness)
    assert kept[calls["q1"]] == (OFFICE, "pass", None)
    assert kept[calls["rf1"]] == (OFFICE, "needs_work", "开场白未报科室")
    assert kept[calls["rf1_again"]] == (OFFICE, None, None)
    assert kept[calls["rf3"]] == (CHIEF_B, None, None)
    hospital = (await november(harness)).sample
    assert (hospital.sampled, hospital.passed, hospital.needs_work) == (4, 1, 1)
    b = (await november(harness, "呼吸科")).sample
    assert (b.sampled, b.passed, b.needs_work) == (1, 0, 0)
    await harness.text(OFFICE, "/calls stats 2026-11")
    assert "抽查 4 次,合格 1 次,需改进 1 次" in harness.telegram.last_text(OFFICE)


async def test_sample_refused_to_staff_and_bad_numbers(harness: BotHarness) -> None:
    await build_calls(harness)
    await harness.text(NURSE, "/calls sample 3")
    assert harness.telegram.last_text(NURSE) == "抱歉,此功能仅限主管人员使用。"
    for words in ("/calls sample", "/calls sample 0", "/calls sample 21", "/calls sample 两"):
        await harness.text(OFFICE, words)
        assert "用法:/calls sample N" in harness.telegram.last_text(OFFICE)
    assert await reviews(harness) == {}
