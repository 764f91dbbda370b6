"""Import a discharge list file: read, validate every row, then write all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.discharge.model import ParsedList
from bot.domain.discharge.reader import parse_discharge_table
from bot.domain.exclusions import ExclusionRules, load_exclusion_rules
from bot.domain.medications.model import WARNING_TEMPLATE
from bot.domain.medications.parsing import parse_medications
from bot.domain.tabular import read_table
from bot.storage.audit import Actor
from bot.storage.imports import Progress, apply_discharge_records
from bot.storage.records import ImportCounts
from bot.storage.store import Store
from bot.templating import MESSAGES_DIR

EXCLUSIONS_FILE = MESSAGES_DIR / "exclusions.yaml"


@dataclass(frozen=True)
class ImportWarning:
    """Something kept as written but not acted on; `key` is the message template."""

    key: str
    variables: dict[str, object]


@dataclass(frozen=True)
class ImportReport:
    parsed: ParsedList
    counts: ImportCounts | None
    dry_run: bool
    warnings: list[ImportWarning] = field(default_factory=list)

    @property
    def written(self) -> bool:
        """Say whether the database was changed."""
        return self.counts is not None and not self.dry_run


async def import_discharge_list(
    store: Store,
    path: Path,
    zone: ZoneInfo,
    now: datetime,
    *,
    actor: Actor,
    dry_run: bool = False,
    progress: Progress | None = None,
    exclusions: ExclusionRules | None = None,
) -> ImportReport:
    """Import path; raises TableError for an unusable file, writes nothing if any row is bad.

    Stays the exclusion rules keep out (the shipped file by default) are recorded as such.
    """
    rules = exclusion_rules(None) if exclusions is None else exclusions
    parsed = rules.apply(parse_discharge_table(read_table(path), zone))
    if parsed.errors:
        return ImportReport(parsed, None, dry_run)
    counts = await apply_discharge_records(
        store.engine,
        parsed.records,
        path.name,
        now,
        dry_run=dry_run,
        progress=progress,
        actor=actor,
    )
    if not dry_run:
        await store.outbox.cancel_ineligible(now)
    counts.rows_read = parsed.rows_read
    counts.duplicates = parsed.duplicates
    return ImportReport(parsed, counts, dry_run, medication_warnings(parsed))


def exclusion_rules(configured: Path | None) -> ExclusionRules:
    """Load the exclusions file (FOLLOWUP_EXCLUSIONS_FILE, else the shipped one)."""
    return load_exclusion_rules(configured or EXCLUSIONS_FILE)


def medication_warnings(parsed: ParsedList) -> list[ImportWarning]:
    """Warn about medicine entries that cannot be read (no reminder is made for them)."""
    return [
        ImportWarning(
            WARNING_TEMPLATE, {"line": record.line, "text": problem.text, "code": problem.code}
        )
        for record in parsed.records
        for problem in parse_medications(record.medications)[1]
    ]
