"""Claimed rows in plan order: a later step waits for an earlier one, a stale one gives way."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.catch_up import ORDERED_KINDS, OpenStep, held_until, superseded_now
from bot.storage.outbox_records import OutboxRow
from bot.storage.store import Store


@dataclass
class Sorted:
    """What to do with a batch of claimed rows."""

    send: list[OutboxRow] = field(default_factory=list)
    held: list[tuple[OutboxRow, datetime]] = field(default_factory=list)
    superseded: list[OutboxRow] = field(default_factory=list)
    after: dict[int, int] = field(default_factory=dict)  # row -> its contact's earlier row


async def sort_claimed(store: Store, rows: list[OutboxRow], now: datetime) -> Sorted:
    """Send follow-up steps in plan order; of several due at once send the latest of a kind."""
    result = Sorted()
    steps = [row for row in rows if row.kind in ORDERED_KINDS]
    waiting: dict[int, list[OpenStep]] = defaultdict(list)
    if steps:
        found = await store.outbox.waiting_steps({r.episode_id for r in steps}, ORDERED_KINDS)
        for step in found:
            waiting[step.contact_id].append(step)
    gone = {i for contact in waiting.values() for i in superseded_now(contact, now)}
    going = set(gone)  # rows that do not hold a later step: gone, or sent in this batch
    last_step: dict[int, int] = {}  # contact -> its latest step sent in this batch
    for row in sorted(rows, key=lambda r: (r.due_at, r.id)):  # earlier steps decided first
        if row.kind not in ORDERED_KINDS:
            result.send.append(row)
        elif row.id in gone:
            result.superseded.append(row)
        elif (until := _held(row, waiting[row.contact_id], going, now)) is not None:
            result.held.append((row, until))
        else:  # after the earlier step of its contact in this batch, if there is one
            if (earlier := last_step.get(row.contact_id)) is not None:
                result.after[row.id] = earlier
            result.send.append(row)
            going.add(row.id)
            last_step[row.contact_id] = row.id
    return result


def _held(
    row: OutboxRow, waiting: list[OpenStep], going: set[int], now: datetime
) -> datetime | None:
    step = OpenStep(row.id, row.contact_id, row.kind, row.due_at, row.send_at)
    others = [s for s in waiting if s.id not in going and s.id != row.id]
    return held_until(step, others, set(), now)
