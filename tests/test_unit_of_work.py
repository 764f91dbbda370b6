"""One transaction per use case: a unit of work writes everything at its end, or nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.demo.harness import BotHarness
from bot.domain.consent import ConsentVia
from bot.domain.enrolment import ConsentDecision
from bot.domain.surveys.status import SurveyStatus
from bot.storage.records import Contact
from bot.storage.schema import scheduled_messages as m
from bot.storage.store import Store
from bot.storage.surveys import NewSession, SurveySession
from tests.backends import on_postgres
from tests.harness import enrol, local, record, seed
from tests.test_answers import go_to

CHAT = 888
FAIL_ON_SURVEY_UPDATE = {  # a database that refuses the last step of a withdrawal
    "sqlite": [
        "CREATE TRIGGER refuse_survey_update BEFORE UPDATE ON survey_sessions "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_survey_update() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RAISE EXCEPTION 'disk trouble'; END $$",
        "CREATE TRIGGER refuse_survey_update BEFORE UPDATE ON survey_sessions "
        "FOR EACH ROW EXECUTE FUNCTION refuse_survey_update()",
    ],
}


class Interrupted(Exception):
    """A failure in the middle of a use case."""


async def enrolled(harness: BotHarness) -> Contact:
    """Seed a discharge and enrol CHAT for it, with its plan's messages pending."""
    await seed(harness.settings, record(department="呼吸科", discharged_at=local("2026-11-20")))
    return await enrol(harness, CHAT)


async def pending(store: Store) -> int:
    """Return how many messages wait to be sent."""
    return len(await store.outbox.rows(m.c.status == "pending"))


async def open_survey(harness: BotHarness, contact: Contact) -> SurveySession:
    """Open a survey session for the contact, as a check-in being answered would."""
    new = NewSession(
        None, contact.id, contact.patient_id, contact.episode_id, "checkin", None, "patient", None
    )
    now = harness.clock.now()
    return await harness.services.store.surveys.open_for_message(
        new, "condition", now, now + timedelta(days=1)
    )


async def survey_status(harness: BotHarness, session_id: int) -> str:
    session = await harness.services.store.surveys.get(session_id)
    assert session is not None
    return session.status


async def test_an_error_inside_a_unit_of_work_leaves_nothing_written(
    harness: BotHarness,
) -> None:
    contact = await enrolled(harness)
    store, now = harness.services.store, harness.clock.now()
    waiting = await pending(store)
    assert waiting > 0
    with pytest.raises(Interrupted):
        async with store.unit_of_work() as uow:
            await uow.contacts.set_consent([contact.id], ConsentDecision.WITHDRAWN, now, "test")
            await uow.outbox.cancel_pending_for_contacts([contact.id], now, "withdrawn")
            seen = await uow.contacts.get(contact.id)  # reads see the unit's own writes
            assert seen is not None and seen.consent == ConsentDecision.WITHDRAWN
            raise Interrupted
    after = await store.contacts.get(contact.id)
    assert after is not None and after.consent == ConsentDecision.GRANTED
    assert await pending(store) == waiting
    assert [d for d, _, _ in await store.contacts.consent_history(contact.id)] == ["granted"]


async def test_a_unit_of_work_commits_when_it_ends(harness: BotHarness) -> None:
    contact = await enrolled(harness)
    store, now = harness.services.store, harness.clock.now()
    async with store.unit_of_work() as uow:
        await uow.contacts.set_consent([contact.id], ConsentDecision.WITHDRAWN, now, "test")
        await uow.outbox.cancel_pending_for_contacts([contact.id], now, "withdrawn")
    after = await store.contacts.get(contact.id)
    assert after is not None and after.consent == ConsentDecision.WITHDRAWN
    assert await pending(store) == 0


async def test_stop_withdraws_nothing_when_the_database_fails_midway(
    harness: BotHarness,
) -> None:
    contact = await enrolled(harness)
    session = await open_survey(harness, contact)
    store = harness.services.store
    waiting = await pending(store)
    async with store.engine.begin() as conn:
        for statement in FAIL_ON_SURVEY_UPDATE["postgresql" if on_postgres() else "sqlite"]:
            await conn.execute(text(statement))
    await harness.text(CHAT, "/stop")
    await harness.press(CHAT, "stop:yes")
    assert "已为您停止" not in harness.telegram.last_text(CHAT)  # an apology instead
    after = await store.contacts.get(contact.id)
    assert after is not None and after.consent == ConsentDecision.GRANTED
    assert await pending(store) == waiting
    assert await survey_status(harness, session.id) == SurveyStatus.OPEN
    async with store.engine.begin() as conn:
        await conn.execute(
            text(
                "DROP TRIGGER refuse_survey_update"
                + (" ON survey_sessions" if on_postgres() else "")
            )
        )
    await harness.press(CHAT, "stop:yes")  # the same button works once the database does
    assert "已为您停止" in harness.telegram.last_text(CHAT)
    assert await survey_status(harness, session.id) == SurveyStatus.PARTIAL
    assert await pending(store) == 0


async def test_keep_asking_no_closes_open_surveys_like_stop(harness: BotHarness) -> None:
    contact = await enrolled(harness)
    moment = local("2026-11-22", "10:00")
    while moment < local("2026-12-27"):  # three check-ins unanswered: "keep receiving?"
        await go_to(harness, moment)
        moment += timedelta(hours=6)
    assert "还希望继续接收" in harness.telegram.last_text(CHAT)
    session = await open_survey(harness, contact)
    await harness.press(CHAT, harness.telegram.button(CHAT, "ka:no"))
    assert "已为您停止" in harness.telegram.last_text(CHAT)
    assert await survey_status(harness, session.id) == SurveyStatus.PARTIAL
    history = await harness.services.store.contacts.consent_history(contact.id)
    assert history[-1][0::2] == ("withdrawn", ConsentVia.KEEP_ASKING)
    assert await pending(harness.services.store) == 0
