"""A hand-computed cohort for the statistics tests: stays, check-ins, answers and cases."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.demo.harness import BotHarness
from bot.domain.cases import CaseChange, CaseEventKind, CaseKind, CaseSource, CaseStatus, Deadline
from bot.domain.discharge.model import ExclusionReason
from bot.domain.enrolment import ConsentDecision
from bot.domain.messages import MessageKind
from bot.domain.periods import month_period
from bot.domain.stats import Stats
from bot.services.statistics import compute_stats
from bot.storage.cases import NewCase
from bot.storage.contacts import NewContact
from bot.storage.outbox_records import PlannedMessage
from bot.storage.surveys import NewSession
from tests.harness import START, local, make_settings, record, seed

NOVEMBER = month_period("2026-11")
A, B = "心内科", "呼吸科"


async def november_stats(harness: BotHarness, department: int | None = None) -> Stats:
    """Return the statistics of November (the cohort's month), any sample size ranked."""
    services = harness.services
    return await compute_stats(
        services.store,
        services.scheduling.surveys,
        services.settings.zone,
        NOVEMBER,
        department,
        min_answers=1,
    )


async def build_cohort(harness: BotHarness) -> None:
    """P1 A, P2 A, P3 B enrolled in November (P1, P2 on the general plan, P3 on the chronic
    one); P4 B no consent; P5 A in October; P6 B dispute."""
    await seed(
        harness.settings,
        record("P1", department=A, discharged_at=local("2026-11-05")),
        record("P2", department=A, discharged_at=local("2026-11-10")),
        record("P3", department=B, discharged_at=local("2026-11-12")),
        record(
            "P4",
            department=B,
            discharged_at=local("2026-11-15"),
            consent=False,
            exclusion=ExclusionReason.NO_CONSENT,
        ),
        record("P5", department=A, discharged_at=local("2026-10-30")),
        record(
            "P6",
            department=B,
            discharged_at=local("2026-11-20"),
            flags="纠纷",
            exclusion=ExclusionReason.DISPUTE,
        ),
    )
    store, now = harness.services.store, harness.clock.now()
    fingerprint = harness.services.scheduling.fingerprint
    for number, chat, plan in (("P1", 1, "general"), ("P2", 2, "general"), ("P3", 3, "chronic")):
        episode = await store.episodes.latest_for(number)
        assert episode is not None
        new = NewContact(episode.patient_id, episode.id, chat, chat, "patient", None, "zh_CN")
        contact = await store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")
        await store.contacts.set_plan(contact.id, plan, fingerprint)
    await _steps(harness)
    await _answers(harness)
    await _cases(harness)


async def add_outbox_row(
    harness: BotHarness,
    chat: int,
    key: str,
    kind: str,
    status: str,
    tries: int,
    answer: str | None = None,
    reason: str | None = None,
) -> None:
    store, now = harness.services.store, harness.clock.now()
    [contact] = await store.contacts.for_chat(chat)
    planned = PlannedMessage(key, 0, MessageKind(kind), "plans/general/day3_checkin", now, now)
    await store.outbox.add(contact.id, contact.episode_id, contact.patient_id, planned, now)
    [row] = [
        r for r in await store.outbox.rows() if r.contact_id == contact.id and r.step_key == key
    ]
    await store.outbox.record_answer(
        row, answer or "none", now, status=status, tries=tries, failure_reason=reason
    )


async def _steps(harness: BotHarness) -> None:
    await add_outbox_row(harness, 1, "day3", "checkin", "answered", 1, "good")
    await add_outbox_row(harness, 1, "day7", "checkin", "failed", 3, reason="no_answer")
    await add_outbox_row(harness, 1, "med0", "medication", "answered", 1, "taken")
    await add_outbox_row(harness, 1, "med1", "medication", "sent", 1)
    await add_outbox_row(harness, 2, "day3", "checkin", "sent", 1)
    await add_outbox_row(harness, 3, "day3", "checkin", "answered", 1, "good")
    await add_outbox_row(harness, 3, "reexam_1d", "reexam_reminder", "answered", 1, "attended")


async def _answers(harness: BotHarness) -> None:
    store, now = harness.services.store, harness.clock.now()
    given = {
        1: (("sat_doctors", "satisfied"), ("sat_hospital", "satisfied"), ("recommend", "10")),
        3: (("sat_doctors", "basically"), ("sat_hospital", "unsatisfied"), ("recommend", "6")),
    }
    for chat, answers in given.items():
        [contact] = await store.contacts.for_chat(chat)
        new = NewSession(
            None,
            contact.id,
            contact.patient_id,
            contact.episode_id,
            "checkin_first",
            "general",
            "patient",
            None,
        )
        session = await store.surveys.open_for_message(
            new, answers[0][0], now, now + timedelta(days=3)
        )
        for (question, value), following in zip(answers, [*answers[1:], (None, None)], strict=True):
            assert await store.surveys.record_answer(
                session, question, value, None, now, following[0], "open"
            )


async def _cases(harness: BotHarness) -> None:
    store, now = harness.services.store, harness.clock.now()
    contacts = {chat: (await store.contacts.for_chat(chat))[0] for chat in (1, 2, 3)}

    async def case(chat: int, kind: CaseKind) -> int:
        c = contacts[chat]
        opened = await store.cases.open(
            NewCase(
                kind,
                c.patient_id,
                c.episode_id,
                c.id,
                CaseSource.PATIENT,
                due_at=now + timedelta(days=7),
            ),
            now,
        )
        return opened.id

    on_time = await case(1, CaseKind.COMPLAINT)
    replied = CaseChange(CaseEventKind.REPLIED, now + timedelta(days=2), answer=True)
    assert await store.cases.transition(on_time, CaseStatus.NEW, replied)
    late = await case(3, CaseKind.COMPLAINT)
    assert await store.cases.mark_overdue(late, Deadline.ANSWER, now + timedelta(days=8))
    await case(3, CaseKind.PRAISE)
    for chat, minutes in ((1, 10), (2, 20)):
        flag = await case(chat, CaseKind.RED_FLAG)
        ack = CaseChange(
            CaseEventKind.ACKNOWLEDGED,
            now + timedelta(minutes=minutes),
            9,
            status=CaseStatus.ACKNOWLEDGED,
            acknowledge=True,
        )
        assert await store.cases.transition(flag, CaseStatus.NEW, ack)


def cohort_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the cohort in a database the CLI is pointed at."""
    settings = make_settings(tmp_path)

    async def build() -> None:
        harness = BotHarness(settings, START)
        await harness.start()
        await build_cohort(harness)
        await harness.stop()

    asyncio.run(build())
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", settings.database_url)
