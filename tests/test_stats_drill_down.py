"""Statistics drill-down, counts kept as check-ins happen, and the workbook's edge cases."""

from __future__ import annotations

from bot.demo.harness import BotHarness
from bot.domain.enrolment import ConsentDecision
from bot.domain.roles import Role
from bot.domain.stats import Stats
from bot.services.statistics import compute_stats
from bot.services.steps import mark_step_answered
from bot.storage.contacts import NewContact
from bot.storage.schema import scheduled_messages as m
from tests.harness import RecordFields, enrol, local, record, seed
from tests.stats_cohort import NOVEMBER, A, B, add_outbox_row, build_cohort


async def test_drill_down_lists_the_patients_behind_a_figure(harness: BotHarness) -> None:
    await build_cohort(harness)
    store, now = harness.services.store, harness.clock.now()
    await store.staff.upsert(801, Role.SUPERVISOR, B, "呼吸科主任", now)
    await store.staff.upsert(802, Role.SUPERVISOR, None, "医务科", now)
    await harness.text(802, "/stats 2026-11")
    assert harness.telegram.last_buttons(802) == [
        f"sd:{figure}:20261101:20261130:0"
        for figure in (
            "failed",
            "unsatisfied",
            "basically",
            "detractors",
            "promoters",
            "ranking",
            "not_taken",
            "on_time",
            "overdue",
            "red_flags",
        )
    ]
    await harness.press(802, "sd:failed:20261101:20261130:0", user_id=802)
    assert "P1" in harness.telegram.last_text(802) and "无应答" in harness.telegram.last_text(802)
    await harness.press(802, "sd:unsatisfied:20261101:20261130:0", user_id=802)
    assert "P3" in harness.telegram.last_text(
        802
    ) and "对医院的总体满意度 · 不满意" in harness.telegram.last_text(802)
    await harness.press(802, "sd:red_flags:20261101:20261130:0", user_id=802)
    text = harness.telegram.last_text(802)
    assert "P1" in text and "P2" in text and "共 2 条" in text
    await harness.press(801, "sd:red_flags:20261101:20261130:0", user_id=801)  # B only
    assert "共 0 条" in harness.telegram.last_text(801)
    await harness.press(803, "sd:failed:20261101:20261130:0", user_id=803)  # not a supervisor
    await harness.press(802, "sd:failed:20261131:20261101:0", user_id=802)  # forged dates
    assert [a.get("text") for a in harness.telegram.answered_callbacks()][-2:] == [
        "抱歉,这个问题已经结束了。"
    ] * 2


async def test_drill_down_pages_ten_at_a_time(harness: BotHarness) -> None:
    records = [
        record(f"F{i:02d}", department=A, discharged_at=local("2026-11-05")) for i in range(23)
    ]
    await seed(harness.settings, *records)
    store, now = harness.services.store, harness.clock.now()
    for i in range(23):
        episode = await store.episodes.latest_for(f"F{i:02d}")
        assert episode is not None
        new = NewContact(episode.patient_id, episode.id, 100 + i, 100 + i, "patient", None, "zh_CN")
        await store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")
        await add_outbox_row(harness, 100 + i, "day3", "checkin", "failed", 3, reason="no_answer")
    await store.staff.upsert(802, Role.SUPERVISOR, None, None, now)
    pages = []
    data = "sd:failed:20261101:20261130:0"
    while data:
        await harness.press(802, data, user_id=802)
        pages.append(harness.telegram.last_text(802))
        following = [b for b in harness.telegram.last_buttons(802) if b.endswith(f":{len(pages)}")]
        data = following[0] if following else ""
    assert len(pages) == 3 and "第 3/3 页" in pages[-1]
    assert [page.count("•") for page in pages] == [10, 10, 3]


async def test_counts_follow_real_check_ins_after_the_first_computation(
    harness: BotHarness,
) -> None:
    services = harness.services
    general: RecordFields = {"department": B, "discharged_at": local("2026-11-20")}
    await seed(harness.settings, record("Q1", **general))

    async def figures() -> Stats:
        return await compute_stats(
            services.store,
            services.scheduling.surveys,
            services.settings.zone,
            NOVEMBER,
            None,
            min_answers=1,
        )

    assert (await figures()).followed_up == 0  # the counts now start being kept as we go
    await enrol(harness, 41, "Q1")
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()  # the day-3 check-in goes out
    s = await figures()
    assert (s.enrolled, s.followed_up, s.reached) == (1, 1, 0)
    for question, value in (
        ("good_time", "yes"),
        ("condition", "better"),
    ):
        data = next(
            d for d in harness.telegram.latest_buttons(41) if d.endswith(f":{question}:{value}")
        )
        await harness.press(41, data)
    s = await figures()
    assert (s.followed_up, s.reached) == (1, 1)
    assert [(x.plan, x.step, x.sent, x.answered) for x in s.steps] == [("general", "day3", 1, 1)]


async def test_a_late_answer_turns_a_failure_into_a_reached_check_in(harness: BotHarness) -> None:
    services = harness.services
    await seed(harness.settings, record("L1", department=B, discharged_at=local("2026-11-20")))

    async def figures() -> Stats:
        return await compute_stats(
            services.store,
            services.scheduling.surveys,
            services.settings.zone,
            NOVEMBER,
            None,
            min_answers=1,
        )

    await figures()  # from now on the counts are kept as things happen
    await enrol(harness, 51, "L1")
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    [row] = await services.store.outbox.rows(m.c.step_key == "day3")
    await services.store.outbox.record_answer(
        row, "no_answer", harness.clock.now(), status="failed", failure_reason="no_answer"
    )
    assert (await figures()).failed == {"no_answer": 1}
    await mark_step_answered(services.store, row.id, harness.clock.now())
    s = await figures()
    assert (s.failed, s.reached) == ({}, 1)


def test_steps_are_listed_in_the_order_of_the_plan() -> None:
    from bot.storage.stats import _natural

    steps = ["day30", "day3", "week2", "day7", "month12", "month3"]
    assert sorted(steps, key=_natural) == ["day3", "day7", "day30", "month3", "month12", "week2"]


def test_text_a_patient_typed_with_control_characters_fits_in_the_workbook() -> None:
    import io

    from openpyxl import Workbook, load_workbook

    from bot.services.sheet_cells import text_safe_cell

    typed = "夜里\x0b太吵\x0c\u202e<b>"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([text_safe_cell(sheet, typed)])  # raised IllegalCharacterError before
    saved = io.BytesIO()
    book.save(saved)
    read = load_workbook(saved).active
    assert read is not None and read["A1"].value == "夜里太吵\u202e<b>"
