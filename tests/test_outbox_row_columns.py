"""An outbox row is built from its query's values by position: the columns read must be
OutboxRow's fields, in their order, or a value would land in another field unnoticed."""

from __future__ import annotations

from dataclasses import fields

from bot.storage.outbox.rows import ROW_COLUMNS
from bot.storage.outbox_records import OutboxRow


def test_the_columns_read_are_the_fields_in_order() -> None:
    assert [column.name for column in ROW_COLUMNS] == [field.name for field in fields(OutboxRow)]
