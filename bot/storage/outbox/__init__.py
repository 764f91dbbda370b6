"""The outbox: planned messages as rows, claimed in batches with a lease, never lost."""

from __future__ import annotations

from bot.storage.outbox.claims import OutboxClaims
from bot.storage.outbox.eligibility import eligible, followed_patients
from bot.storage.outbox.planning import OutboxPlanning, insert_values
from bot.storage.outbox.rows import OutboxQueries
from bot.storage.outbox.statuses import OutboxStatuses

__all__ = ["OutboxRepository", "eligible", "followed_patients", "insert_values"]


class OutboxRepository(OutboxPlanning, OutboxClaims, OutboxStatuses, OutboxQueries):
    """The outbox's rows: planned, claimed and finished, answered or cancelled, read back."""
