"""Adherence reads each reminder's settling answer kept on its row: after taken, snoozed,
missed and re-answered reminders it equals a recount from the stored answers, after a restart
too, and an upgraded database (rows without it) gets it recounted at its first statistics."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from bot.domain.stats import Stats
from bot.domain.step_answers import FINAL_ANSWERS
from bot.services.statistics import compute_stats
from bot.storage.schema import scheduled_messages as m
from bot.storage.schema import settings_cache
from bot.storage.tallies import VERSION_KEY
from tests.harness import RecordFields, enrol, local, record, seed
from tests.stats_cohort import NOVEMBER

CHAT = 888
SUPERVISOR = 802
REMINDERS = ("medication", "reexam_reminder")
PATIENT: RecordFields = {
    "department": "呼吸科",
    "discharged_at": local("2026-11-20"),
    "medications": "阿司匹林肠溶片 100mg qd 30天",
    "revisit_at": local("2026-12-02").date(),
}


async def go_to(harness: BotHarness, moment: object) -> None:
    harness.clock.advance(moment - harness.clock.now())  # type: ignore[operator]
    await harness.tick()


async def answer_a_mix(harness: BotHarness) -> None:
    """Taken; snoozed then skipped; taken two days late; silence; snoozed
    and left; a re-examination moved to another date, then confirmed."""
    await seed(harness.settings, record(**PATIENT))
    await enrol(harness, CHAT)
    await go_to(harness, local("2026-11-23", "08:00"))
    await harness.press(CHAT, harness.telegram.button(CHAT, "md:taken:"))
    await go_to(harness, local("2026-11-24", "08:00"))
    await harness.press(CHAT, harness.telegram.button(CHAT, "md:snooze:"))
    await go_to(harness, local("2026-11-24", "08:31"))
    await harness.press(CHAT, harness.telegram.button(CHAT, "md:skip:"))
    await go_to(harness, local("2026-11-25", "08:00"))
    late = harness.telegram.button(CHAT, "md:taken:")
    await go_to(harness, local("2026-11-26", "08:00"))
    await harness.press(CHAT, harness.telegram.button(CHAT, "md:snooze:"))
    await go_to(harness, local("2026-11-27", "09:00"))
    await harness.press(CHAT, late)  # the 25th's reminder, answered two days late
    await go_to(harness, local("2026-11-29", "09:00"))
    await harness.press(CHAT, harness.telegram.button(CHAT, "rx:other"))
    await harness.press(CHAT, "rd:staff")
    await go_to(harness, local("2026-12-01", "09:00"))
    await harness.press(CHAT, harness.telegram.button(CHAT, "rx:confirm"))


async def kept_and_recounted(harness: BotHarness) -> tuple[dict[int, str | None], ...]:
    """Each reminder's settling answer as kept on its row, and as its stored answers say."""
    store = harness.services.store
    async with store.engine.connect() as conn:
        query = select(m.c.id, m.c.final_answer).where(m.c.kind.in_(REMINDERS))
        kept = {row_id: answer for row_id, answer in await conn.execute(query)}
    recounted: dict[int, str | None] = {}
    for row_id in kept:
        settling = [a for a in await store.outbox.answers(row_id) if a in FINAL_ANSWERS]
        recounted[row_id] = settling[-1] if settling else None
    return kept, recounted


async def reached_by_answer(harness: BotHarness) -> dict[str, dict[str, int]]:
    """Reminders sent, by kind and last settling answer, counted here from the stored rows."""
    counts: dict[str, dict[str, int]] = {kind: {} for kind in REMINDERS}
    store = harness.services.store
    for row in await store.outbox.rows(m.c.kind.in_(REMINDERS)):
        if row.status not in ("sent", "answered"):
            continue
        settling = [a for a in await store.outbox.answers(row.id) if a in FINAL_ANSWERS]
        key = settling[-1] if settling else "unanswered"
        counts[row.kind][key] = counts[row.kind].get(key, 0) + 1
    return counts


async def november(harness: BotHarness) -> Stats:
    services = harness.services
    surveys, zone = services.scheduling.surveys, services.settings.zone
    return await compute_stats(services.store, surveys, zone, NOVEMBER, None, min_answers=1)


async def stats_text(harness: BotHarness, locale: str) -> str:
    harness.settings = harness.settings.model_copy(update={"locale": locale})
    await harness.restart()
    now = harness.clock.now()
    await harness.services.store.staff.upsert(SUPERVISOR, Role.SUPERVISOR, None, "医务科", now)
    await harness.text(SUPERVISOR, "/stats 2026-11")
    return harness.telegram.last_text(SUPERVISOR)


async def forget_settling_answers(harness: BotHarness) -> None:
    """Make the database look like one from before the answer was kept on the row."""
    async with harness.services.store.engine.begin() as conn:
        await conn.execute(update(m).values(final_answer=None))
        await conn.execute(delete(settings_cache).where(settings_cache.c.key == VERSION_KEY))


async def test_kept_answers_equal_a_recount_after_a_mix_of_answers(harness: BotHarness) -> None:
    await answer_a_mix(harness)
    kept, recounted = await kept_and_recounted(harness)
    assert kept == recounted
    assert {"taken", "skipped", "confirmed"} <= set(kept.values())
    expected = await reached_by_answer(harness)
    assert expected["medication"]["taken"] == 2 and expected["medication"]["skipped"] == 1
    assert expected["medication"]["unanswered"] >= 2  # silence, and snoozed then left
    stats = await november(harness)
    assert (stats.medication, stats.reexam) == (expected["medication"], expected["reexam_reminder"])


async def test_statistics_are_the_same_across_a_restart_and_a_recount(
    harness: BotHarness,
) -> None:
    await answer_a_mix(harness)
    before = await november(harness)
    await harness.restart()
    assert await november(harness) == before
    await forget_settling_answers(harness)
    recounted = await november(harness)
    assert (recounted.medication, recounted.reexam) == (before.medication, before.reexam)
    kept, from_answers = await kept_and_recounted(harness)
    assert kept == from_answers and any(kept.values())


async def test_stats_text_counts_adherence_the_same_after_a_recount(harness: BotHarness) -> None:
    await answer_a_mix(harness)
    expected = (await reached_by_answer(harness))["medication"]
    taken, skipped, unanswered = (expected.get(k, 0) for k in ("taken", "skipped", "unanswered"))
    chinese = await stats_text(harness, "zh_CN")
    assert f"(已服 {taken},跳过 {skipped},未回复 {unanswered})" in chinese
    english = await stats_text(harness, "en")
    assert f"(taken {taken}, skipped {skipped}, unanswered {unanswered})" in english
    await forget_settling_answers(harness)
    assert await stats_text(harness, "en") == english
    assert await stats_text(harness, "zh_CN") == chinese
