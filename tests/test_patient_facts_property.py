"""Property: nothing is ever sent to a patient after a death or during a dispute, whichever
path recorded it (an import of any stay, staff in chat, the CLI), in whatever order events,
dispatcher ticks and clock moves come; rows planned by others meanwhile are refused too.

One bot runs for the whole test; each example brings its own cohort of patients.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.demo.harness import BotHarness
from bot.domain.messages import MessageKind
from bot.domain.roles import Role
from bot.storage.imports import apply_discharge_records
from bot.storage.outbox_records import PlannedMessage
from tests.fuzzing import SLOW_OK, LiveBot, live_bot
from tests.harness import record
from tests.patient_facts_helpers import add_contact, add_staff, import_rows, row

ADMIN = 9301
EVENTS = (
    "import_death",
    "import_dispute",
    "chat_death",
    "chat_dispute_on",
    "chat_dispute_off",
    "cli_death",
    "cli_death_withdrawn",
    "cli_dispute_on",
    "cli_dispute_off",
    "planned_meanwhile",
    "nothing",
)
histories = st.lists(
    st.tuples(st.sampled_from(EVENTS), st.integers(0, 2), st.integers(0, 30)),
    min_size=1,
    max_size=7,
)
runner = CliRunner()
examples = itertools.count()
extras = itertools.count()


@dataclass
class Cohort:
    numbers: list[str]
    chats: dict[str, list[int]] = field(default_factory=dict)
    deceased: set[str] = field(default_factory=set)
    disputed: set[str] = field(default_factory=set)

    def silent_chats(self) -> set[int]:
        """The chats nothing may be sent to now."""
        stopped = self.deceased | self.disputed
        return {chat for number in stopped for chat in self.chats[number]}


@dataclass
class Bench:
    bot: LiveBot
    folder: Path


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    folder = tmp_path_factory.mktemp("facts-property")
    with live_bot(folder) as bot, pytest.MonkeyPatch.context() as env:
        env.setenv("FOLLOWUP_DATABASE_URL", bot.harness.settings.database_url)
        env.delenv("FOLLOWUP_LOCALE", raising=False)
        bot.run(add_staff(bot.harness, Role.ADMIN, ADMIN))
        yield Bench(bot, folder)


async def _cohort(harness: BotHarness, example: int) -> Cohort:
    """Three patients of 呼吸科 discharged yesterday, each with one or two contacts."""
    now = harness.clock.now()
    cohort = Cohort([f"P{example}-{i}" for i in range(3)])
    records = [
        record(number, department="呼吸科", discharged_at=now - timedelta(days=2))
        for number in cohort.numbers
    ]
    await apply_discharge_records(harness.services.store.engine, records, "cohort.csv", now)
    for index, number in enumerate(cohort.numbers):
        chats = [100_000 + example * 10 + index * 2 + extra for extra in range(1 + index % 2)]
        for chat in chats:
            await add_contact(harness, chat, number, "patient" if chat % 2 == 0 else "family")
        cohort.chats[number] = chats
    return cohort


def _apply(bench: Bench, cohort: Cohort, event: str, number: str, example: int) -> None:
    """Record the event by its path, and what it means in the model."""
    bot, harness = bench.bot, bench.bot.harness
    if event.startswith("import_"):
        moment = harness.clock.now() - timedelta(minutes=len(harness.telegram.calls) % 600 + 1)
        line = (
            row(number, moment, "死亡")
            if event == "import_death"
            else row(number, moment, flags="纠纷")
        )
        bot.run(import_rows(harness, bench.folder, f"list{example}.csv", line))
    elif event.startswith("chat_"):
        command = {
            "chat_death": "/deceased",
            "chat_dispute_on": "/dispute",
            "chat_dispute_off": "/dispute",
        }[event]
        switch = {"chat_dispute_on": " on", "chat_dispute_off": " off"}.get(event, "")
        bot.run(_confirm_unless_unchanged(harness, f"{command} {number}{switch}"))
    elif event.startswith("cli_"):
        words = {
            "cli_death": ["deceased", number],
            "cli_death_withdrawn": ["deceased", number, "--revoke"],
            "cli_dispute_on": ["dispute", number, "--on"],
            "cli_dispute_off": ["dispute", number, "--off"],
        }[event]
        result = runner.invoke(cli, ["patient", *words, "--yes"])
        assert result.exit_code == 0, result.output
    elif event == "planned_meanwhile":
        bot.run(_plan_one_more(harness, number))
    if event.endswith("death"):
        cohort.deceased.add(number)
    elif event.endswith("dispute") or event.endswith("dispute_on"):
        cohort.disputed.add(number)
    elif event.endswith("dispute_off"):
        cohort.disputed.discard(number)
    elif event.endswith("death_withdrawn"):
        cohort.deceased.discard(number)


async def _confirm_unless_unchanged(harness: BotHarness, command: str) -> None:
    """Send the command; press its confirmation when one is asked."""
    asked = len(harness.telegram.sent(ADMIN))
    await harness.text(ADMIN, command)
    if harness.telegram.last_buttons(ADMIN) and len(harness.telegram.sent(ADMIN)) > asked:
        await harness.press(ADMIN, harness.telegram.button(ADMIN, "pf:ok:"))
    else:
        assert "无需" in harness.telegram.last_text(ADMIN)


async def _plan_one_more(harness: BotHarness, number: str) -> None:
    """A row added for the patient, due now, by a planner that did not see any fact."""
    store, now = harness.services.store, harness.clock.now()
    episode = await store.episodes.latest_for(number)
    assert episode is not None
    for contact in await store.contacts.for_patient(episode.patient_id):
        planned = PlannedMessage(
            f"extra{next(extras)}",
            0,
            MessageKind.MEDICATION,
            "medication/reminder",
            now,
            now,
            payload={"drug": "阿司匹林", "dose": "100mg", "time": "08:00"},
        )
        await store.outbox.add(contact.id, contact.episode_id, contact.patient_id, planned, now)


@settings(max_examples=12, deadline=None, suppress_health_check=SLOW_OK)
@given(history=histories)
@example(history=[("import_dispute", 1, 0), ("planned_meanwhile", 1, 1)])
@example(history=[("chat_dispute_on", 0, 0), ("planned_meanwhile", 0, 0), ("nothing", 0, 30)])
@example(history=[("cli_death", 2, 0), ("planned_meanwhile", 2, 1), ("cli_dispute_off", 2, 30)])
@example(
    history=[
        ("chat_dispute_on", 1, 0),
        ("cli_death", 1, 1),
        ("cli_death_withdrawn", 1, 1),
        ("planned_meanwhile", 1, 1),
    ]
)
@example(
    history=[
        ("cli_dispute_on", 0, 0),
        ("chat_dispute_off", 0, 20),
        ("import_death", 0, 1),
        ("planned_meanwhile", 0, 1),
    ]
)
def test_nothing_reaches_a_deceased_or_disputed_patient(
    bench: Bench, history: list[tuple[str, int, int]]
) -> None:
    bot, harness = bench.bot, bench.bot.harness
    example = next(examples)
    cohort = bot.run(_cohort(harness, example))
    for event, index, hours in history:
        number = cohort.numbers[index]
        if event != "nothing":
            _apply(bench, cohort, event, number, example)
        before = len(harness.telegram.delivered)
        harness.clock.advance(timedelta(hours=hours))
        bot.run(harness.tick())
        sent_to = {int(c.params["chat_id"]) for c in harness.telegram.delivered[before:]}
        assert not sent_to & cohort.silent_chats(), (event, number)
