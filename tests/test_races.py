"""Work done twice at once happens once: one open survey per chat, one staff post per case."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import insert, select, text

from bot.demo.fake_telegram import Fault, Hold
from bot.demo.harness import BotHarness
from bot.domain.messages import MessageKind
from bot.storage import migrate
from bot.storage.audit import Actor
from bot.storage.erasure import erase_patient, erasure_scope
from bot.storage.outbox_records import OutboxRow, PlannedMessage
from bot.storage.records import Contact
from bot.storage.schema import scheduled_messages as m
from bot.storage.schema import survey_sessions
from bot.storage.surveys import NewSession
from tests.harness import enrol, local, record, seed
from tests.test_complaints import GROUP, SUPERVISOR, complain, group_calls, setup

CHAT = 321
WAIT = 10  # seconds before a test that hangs fails instead


async def two_checkins_due(harness: BotHarness) -> tuple[Contact, list[OutboxRow]]:
    """Enrol a patient and make two check-ins due in the chat at the same moment."""
    await seed(harness.settings, record(department="呼吸科", discharged_at=local("2026-11-20")))
    contact = await enrol(harness, CHAT)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    now = harness.clock.now()
    extra = PlannedMessage(
        "extra",
        0,
        MessageKind.CHECKIN,
        "plans/general/day7_checkin",
        now,
        now,
        survey="checkin_short",
    )
    store = harness.services.store
    await store.outbox.add(contact.id, contact.episode_id, contact.patient_id, extra, now)
    rows = await store.outbox.rows(m.c.survey.is_not(None), m.c.send_at <= now)
    assert len(rows) == 2
    return contact, rows


def cards(harness: BotHarness) -> list[dict[str, object]]:
    """Return the case cards posted to the staff group (not its reminders)."""
    return [p for p in group_calls(harness, "sendMessage") if "投诉登记" in str(p["text"])]


def session_for(row: OutboxRow) -> NewSession:
    return NewSession(
        row.id,
        row.contact_id,
        row.patient_id,
        row.episode_id,
        row.survey or "",
        row.plan_key,
        row.respondent,
        row.relation,
    )


async def test_two_checkins_composed_at_once_open_one_survey(harness: BotHarness) -> None:
    _, rows = await two_checkins_due(harness)
    composer = harness.services.dispatcher.composer
    composed = await asyncio.gather(*(composer.compose(row) for row in rows))
    assert len([c for c in composed if c is not None]) == 1  # the other waits its turn
    assert len(await harness.services.store.surveys.open_for_chat(CHAT)) == 1


async def test_a_survey_opened_meanwhile_in_another_transaction_makes_the_chat_busy(
    harness: BotHarness,
) -> None:
    # The first check-in opens in a transaction still under way when the second one looks:
    # on PostgreSQL the second sees no open survey, inserts, and the database refuses it.
    _, (first, second) = await two_checkins_due(harness)
    store, now = harness.services.store, harness.clock.now()
    expires = now + timedelta(days=3)
    async with store.engine.begin() as conn:
        values = {**session_for(first).__dict__, "chat_id": CHAT, "status": "open"}
        times = {"started_at": now, "updated_at": now, "expires_at": expires}
        await conn.execute(insert(survey_sessions).values(**values, **times))
        racing = asyncio.create_task(
            store.surveys.open_unless_busy(session_for(second), CHAT, "respondent", now, expires)
        )
        await asyncio.sleep(0.2)  # let it read (and, on PostgreSQL, wait on the index)
    assert await asyncio.wait_for(racing, WAIT) is None
    [open_one] = await store.surveys.open_for_chat(CHAT)
    assert open_one.message_id == first.id


async def test_the_migration_leaves_one_open_survey_per_chat(harness: BotHarness) -> None:
    contact, rows = await two_checkins_due(harness)
    store, now = harness.services.store, harness.clock.now()
    await migrate.downgrade(store.engine, "0015")
    insert_open = text(
        "INSERT INTO survey_sessions (message_id, contact_id, patient_id, episode_id, survey, "
        "respondent, status, current_question, started_at, updated_at, expires_at) VALUES "
        "(:message, :contact, :patient, :episode, 'checkin_first', 'patient', 'open', "
        "'good_time', :now, :now, :expires)"
    )
    async with store.engine.begin() as conn:
        for row in rows:  # what the race left behind: two surveys open in one chat
            await conn.execute(
                insert_open,
                {
                    "message": row.id,
                    "contact": contact.id,
                    "patient": contact.patient_id,
                    "episode": contact.episode_id,
                    "now": now,
                    "expires": now + timedelta(days=3),
                },
            )
    await migrate.upgrade(store.engine)
    [still_open] = await store.surveys.open_for_chat(CHAT)
    assert still_open.message_id == max(row.id for row in rows)  # the newest stays open
    older = await store.surveys.get(still_open.id - 1)
    assert older is not None and older.status == "partial"


async def test_erasing_a_patient_closes_the_open_survey_and_forgets_its_chat(
    harness: BotHarness,
) -> None:
    _, rows = await two_checkins_due(harness)
    store = harness.services.store
    assert await harness.services.dispatcher.composer.compose(rows[0]) is not None
    scope = await erasure_scope(store.engine, "ZY001")
    assert scope is not None
    await erase_patient(store.engine, scope, "ZY001", harness.clock.now(), Actor.cli())
    query = select(survey_sessions.c.status, survey_sessions.c.chat_id)
    async with store.engine.connect() as conn:
        assert (await conn.execute(query)).all() == [("partial", 0)]


async def test_the_sweep_does_not_post_a_case_whose_post_is_under_way(
    harness: BotHarness,
) -> None:
    await setup(harness)
    slow = Hold("createForumTopic", chat_id=GROUP)  # near the group's rate limit
    harness.telegram.holds.append(slow)
    submitting = asyncio.create_task(complain(harness))
    await asyncio.wait_for(slow.reached.wait(), WAIT)
    await harness.tick()  # the deadline sweep runs while the first post is in flight
    slow.release.set()
    await asyncio.wait_for(submitting, WAIT)
    await harness.tick()
    assert len(group_calls(harness, "createForumTopic")) == 1
    [card] = cards(harness)
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.topic_id == int(str(card["message_thread_id"]))
    assert harness.telegram.sent(SUPERVISOR) == []  # nobody is told the group is unreachable


async def test_a_failed_post_is_retried_by_the_sweep_once(harness: BotHarness) -> None:
    await setup(harness)
    harness.telegram.faults.append(Fault(method="createForumTopic", chat_id=GROUP))
    await complain(harness)
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.staff_message_id is None
    await harness.tick()
    await harness.tick()
    assert len(group_calls(harness, "createForumTopic")) == 2  # failed, then posted
    assert len(cards(harness)) == 1


async def test_a_post_cut_short_by_a_crash_is_retried_once_its_claim_lapses(
    harness: BotHarness,
) -> None:
    await setup(harness)
    crash = Fault(method="createForumTopic", chat_id=GROUP, crash_after_delivery=True)
    harness.telegram.faults.append(crash)
    submitting = asyncio.create_task(complain(harness))
    await asyncio.wait_for(asyncio.gather(submitting, return_exceptions=True), WAIT)
    await harness.restart()  # the process died while posting: its claim is left behind
    await harness.tick()
    assert cards(harness) == []
    harness.clock.advance(timedelta(minutes=11))
    await harness.tick()
    assert len(cards(harness)) == 1
