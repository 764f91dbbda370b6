"""Deaths and disputes, however recorded, are counted among the exclusions of /stats and the CLI."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sqlalchemy import insert, text
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.domain.discharge.model import ExclusionReason
from bot.domain.patient_facts import FactState
from bot.domain.periods import month_period
from bot.domain.roles import Role
from bot.services.patient_facts import death, dispute, record_patient_fact
from bot.services.statistics import compute_stats
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.audit import Actor
from bot.storage.database import create_engine
from bot.storage.patient_facts import PatientFactRepository
from bot.storage.schema import departments, patients
from tests.backends import database_url
from tests.harness import local, record, seed

runner = CliRunner()
SUPERVISOR = 7202


async def _cohort(harness: BotHarness) -> None:
    """S1 deceased at import; S2 died later; S3 dispute later; S4 no consent, died later;
    S5 disputed at import, settled later; S6 followed up."""
    day = local("2026-11-10")
    await seed(
        harness.settings,
        record(
            "S1", discharged_at=day, discharge_condition="死亡", exclusion=ExclusionReason.DECEASED
        ),
        record("S2", discharged_at=day),
        record("S3", discharged_at=day),
        record("S4", discharged_at=day, consent=False, exclusion=ExclusionReason.NO_CONSENT),
        record("S5", discharged_at=day, flags="纠纷", exclusion=ExclusionReason.DISPUTE),
        record("S6", discharged_at=day),
    )
    services, now = harness.services, harness.clock.now()
    for number, change in (
        ("S2", death(None, "chat")),
        ("S3", dispute(True, None, "cli")),
        ("S4", death(None, "cli")),
        ("S5", dispute(False, None, "chat")),
    ):
        episode = await services.store.episodes.latest_for(number)
        assert episode is not None
        await record_patient_fact(
            services.store, services.scheduling, episode.patient_id, change, Actor.cli(), now
        )


async def test_stats_count_deaths_and_disputes_recorded_after_the_import(
    harness: BotHarness,
) -> None:
    await _cohort(harness)
    services = harness.services
    stats = await compute_stats(
        services.store,
        services.scheduling.surveys,
        services.settings.zone,
        month_period("2026-11"),
        None,
        min_answers=1,
    )
    assert stats.discharged == 6
    assert stats.excluded == {"deceased": 3, "dispute": 1}
    assert stats.eligible == 2  # S5 (dispute settled) and S6

    now = harness.clock.now()
    await services.store.staff.upsert(SUPERVISOR, Role.SUPERVISOR, None, "医务科", now)
    await harness.text(SUPERVISOR, "/stats 2026-11")
    assert "不予随访:死亡 3,医疗纠纷 1" in harness.telegram.last_text(SUPERVISOR)


def test_cli_stats_show_deaths_and_disputes_recorded_from_the_cli(cli_env: Settings) -> None:
    day = local("2026-11-10")
    asyncio.run(seed(cli_env, *(record(n, discharged_at=day) for n in ("C1", "C2", "C3"))))
    assert runner.invoke(app, ["patient", "deceased", "C1", "--yes"]).exit_code == 0
    assert runner.invoke(app, ["patient", "dispute", "C2", "--on", "--yes"]).exit_code == 0
    result = runner.invoke(app, ["stats", "--month", "2026-11", "--format", "json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["excluded"] == {"deceased": 1, "dispute": 1} and figures["eligible"] == 1


async def test_migration_0015_makes_stays_already_imported_as_deceased_or_disputed_facts(
    tmp_path: Path,
) -> None:
    engine = create_engine(database_url(tmp_path))
    await migrate.downgrade(engine, "base")  # a PostgreSQL test database comes migrated
    await migrate.upgrade(engine, "0014")  # the revision before 0015
    at = local("2026-11-01")
    async with engine.begin() as conn:
        await conn.execute(insert(departments).values(id=1, name="呼吸科"))
        await conn.execute(
            insert(patients),
            [
                {
                    "id": n,
                    "hospital_no": f"M{n}",
                    "name": "患者",
                    "created_at": at,
                    "updated_at": at,
                }
                for n in (1, 2, 3)
            ],
        )
        for n, exclusion in ((1, "deceased"), (2, "dispute"), (3, None)):
            await conn.execute(
                text(
                    "INSERT INTO episodes (patient_id, department_id, discharged_at, consent,"
                    " exclusion, source_file, source_line, imported_at, updated_at)"
                    " VALUES (:p, 1, :at, true, :e, 'old.csv', :line, :at, :at)"
                ),
                {"p": n, "at": at.replace(tzinfo=None), "e": exclusion, "line": n + 1},
            )
    await migrate.upgrade(engine)
    store = PatientFactRepository(engine)
    assert await store.state(1) == FactState(deceased=True, in_dispute=False)
    assert await store.state(2) == FactState(deceased=False, in_dispute=True)
    assert await store.state(3) == FactState(deceased=False, in_dispute=False)
    [fact] = await store.history(2)
    assert (fact.fact, fact.source, fact.actor) == ("dispute", "import:old.csv:3", "migration:0015")
    await engine.dispose()
