"""FOLLOWUP_DELIVERY_RETENTION_MONTHS: the sweeps prune old deliveries, and nothing else."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

from bot.demo.harness import BotHarness
from bot.dispatch.jobs import run_sweeps
from bot.dispatch.retention import PRUNE_BATCH, PRUNE_BATCHES, prune_deliveries
from bot.domain.messages import DeliveryOutcome
from bot.domain.retention import months_before
from bot.domain.roles import Role
from bot.settings import SettingsError, load_settings
from bot.storage.deliveries import SendRecord
from bot.storage.schema import deliveries, metadata
from tests.harness import local
from tests.stats_cohort import build_cohort, november_stats

SUPERVISOR = 803
UNTOUCHED = [t for t in metadata.sorted_tables if t.name not in {"deliveries", "job_leases"}]
OLD = ("2024-01-15", "2025-03-01", "2025-11-20")  # before 12 months of the clock's 2026-11-22
RECENT = ("2025-11-23", "2026-11-21")


async def _with_retention(harness: BotHarness, months: int) -> None:
    harness.settings = harness.settings.model_copy(
        update={"delivery_retention_months": months, "rank_min_answers": 1}
    )
    await harness.restart()


async def _record(harness: BotHarness, day: str, message_id: int | None = None) -> None:
    """Record one delivered send on that day: an outbox row's, or a reply without one."""
    at = local(day)
    if message_id is None:
        sent = SendRecord("telegram", "1", "reply", DeliveryOutcome.SENT)
        await harness.services.store.deliveries.record(sent, at)
        return
    row = {"message_id": message_id, "chat_id": 1, "at": at, "outcome": DeliveryOutcome.SENT.value}
    async with harness.services.store.engine.begin() as conn:
        await conn.execute(insert(deliveries).values(purpose="outbox", address="1", **row))


async def _log_days(harness: BotHarness) -> list[str]:
    """Return the local day of every delivery left, oldest first."""
    zone = harness.settings.zone
    query = select(deliveries.c.at).order_by(deliveries.c.id)
    async with harness.services.store.engine.connect() as conn:
        return [a.astimezone(zone).date().isoformat() for a in (await conn.scalars(query))]


async def _snapshot(harness: BotHarness) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table but the log and the leases."""
    async with harness.services.store.engine.connect() as conn:
        return {
            t.name: sorted(map(tuple, (await conn.execute(select(t))).all()), key=repr)
            for t in UNTOUCHED
        }


async def _report(harness: BotHarness) -> dict[str, list[tuple[Any, ...]]]:
    harness.telegram.calls.clear()
    await harness.text(SUPERVISOR, "/report 2026-11")
    [document] = [c for c in harness.telegram.calls if c.method == "sendDocument"]
    book = load_workbook(io.BytesIO(next(iter(document.files.values()))), read_only=True)
    return {n: [tuple(r) for r in book[n].iter_rows(values_only=True)] for n in book.sheetnames}


async def _fill_log(harness: BotHarness) -> None:
    """Log each cohort step's send long ago, and replies old and recent."""
    for row in await harness.services.store.outbox.rows():
        await _record(harness, OLD[0], row.id)
    for day in (*OLD, *RECENT):
        await _record(harness, day)


async def test_old_deliveries_go_and_every_figure_and_record_stays(harness: BotHarness) -> None:
    await _with_retention(harness, 12)
    await build_cohort(harness)
    store, now = harness.services.store, harness.clock.now()
    await store.staff.upsert(SUPERVISOR, Role.SUPERVISOR, None, "医务科", now)
    await _fill_log(harness)
    stats, report = await november_stats(harness), await _report(harness)
    before, logged = await _snapshot(harness), await _log_days(harness)
    assert set(OLD) <= set(logged)

    kept = [day for day in logged if day not in OLD]

    assert await prune_deliveries(harness.services) == len(logged) - len(kept)
    assert await _log_days(harness) == kept
    assert set(RECENT) <= set(logged)
    assert await _snapshot(harness) == before  # answers, cases, audit, tallies, outbox
    assert await november_stats(harness) == stats
    assert await _report(harness) == report


async def test_the_prune_goes_in_batches_oldest_first(harness: BotHarness) -> None:
    for day in (*OLD, *RECENT):
        await _record(harness, day)
    cutoff = months_before(harness.clock.now(), 12)
    prune = harness.services.store.deliveries.prune_before

    assert [await prune(cutoff, 2) for _ in range(3)] == [2, 1, 0]
    assert await _log_days(harness) == list(RECENT)


async def test_one_run_prunes_a_bounded_number_of_batches(harness: BotHarness) -> None:
    await _with_retention(harness, 12)
    bound = PRUNE_BATCH * PRUNE_BATCHES
    row = {"chat_id": 1, "at": local(OLD[0]), "outcome": DeliveryOutcome.SENT.value}
    async with harness.services.store.engine.begin() as conn:
        await conn.execute(insert(deliveries), [row] * (bound + 1))

    assert await prune_deliveries(harness.services) == bound
    assert await _log_days(harness) == [OLD[0]]  # the next run takes the rest


async def test_the_sweeps_prune_once_per_period(harness: BotHarness) -> None:
    await _with_retention(harness, 12)
    await run_sweeps(harness.services)
    await _record(harness, OLD[0])
    harness.clock.advance(timedelta(minutes=1))
    await run_sweeps(harness.services)
    assert await _log_days(harness) == [OLD[0]]  # the next run is not due yet

    harness.clock.advance(timedelta(minutes=5))
    await run_sweeps(harness.services)
    assert await _log_days(harness) == []


async def test_off_by_default_keeps_every_delivery(harness: BotHarness) -> None:
    assert harness.settings.delivery_retention_months == 0
    for day in (*OLD, *RECENT):
        await _record(harness, day)
    await run_sweeps(harness.services)
    assert await _log_days(harness) == [*OLD, *RECENT]


def test_months_count_back_by_the_calendar() -> None:
    end_of_march = datetime.fromisoformat("2026-03-31T10:00:00+00:00")
    assert months_before(end_of_march, 1).date().isoformat() == "2026-02-28"
    assert months_before(end_of_march, 24).date().isoformat() == "2024-03-31"
    assert months_before(end_of_march, 3).date().isoformat() == "2025-12-31"


@pytest.mark.parametrize("value", ["-1", "two years", "1.5", "1201"])
def test_a_bad_retention_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("FOLLOWUP_DELIVERY_RETENTION_MONTHS", value)
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert str(caught.value) == (
        "FOLLOWUP_DELIVERY_RETENTION_MONTHS: expected a whole number of months: 0 keeps every "
        "delivery (the default), or 1 to 1200 prunes the older ones"
    )


def test_a_retention_in_months_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOLLOWUP_DELIVERY_RETENTION_MONTHS", " 24 ")
    assert load_settings(env_file=None).delivery_retention_months == 24
