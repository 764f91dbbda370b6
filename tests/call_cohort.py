"""Shared by the worklist tests: a cohort of every kind of stay, staff, and sweeping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from bot.demo.harness import BotHarness
from bot.domain.calls import CallReason
from bot.domain.channel_messages import ChannelName
from bot.domain.discharge.model import DischargeRecord, ExclusionReason
from bot.domain.enrolment import ConsentDecision
from bot.domain.messages import FailureReason, MessageKind, MessageStatus
from bot.domain.reach import PreferredChannel
from bot.domain.roles import Role
from bot.services.planning import plan_contact
from bot.services.worklist_upkeep import sweep_worklist
from bot.storage.contacts import NewContact
from bot.storage.records import Contact
from bot.storage.schema import call_tasks, contacts, episodes, patients, scheduled_messages
from bot.storage.store import Store
from tests.harness import RecordFields, local, record, seed

WARD: RecordFields = {"department": "呼吸科", "discharged_at": local("2026-11-20")}
OTHER_WARD: RecordFields = {"department": "消化科", "discharged_at": local("2026-11-20")}
DAY3_CALLS_OPEN = local("2026-11-23", "14:00")  # day 3 (a Monday), winter calling hours
NURSE, OTHER_NURSE, DOCTOR, HEAD = 8101, 8102, 8103, 8104  # 呼吸科, 呼吸科, 呼吸科, all wards


@dataclass(frozen=True)
class Stay:
    """One generated stay and whether the worklist must owe it a call on day 3."""

    number: str
    state: str  # see STATES
    fields: RecordFields

    def record(self) -> DischargeRecord:
        """The stay's discharge row."""
        extra: RecordFields = {}
        if self.state == "excluded":
            extra["exclusion"] = ExclusionReason.ARREARS
        if self.state == "no_consent":
            extra["consent"] = False
        if self.state == "prefers_phone":
            extra["preferred_channel"] = PreferredChannel.PHONE
        if self.state == "special":
            extra["flags"] = "病危"
        return record(self.number, **{**self.fields, **extra})


CALLED = ("no_channel", "prefers_phone", "sms", "special", "other_ward")
NOT_CALLED = ("excluded", "no_consent", "deceased", "disputed", "erased", "withdrawn", "chat")


def cohort() -> list[Stay]:
    """One stay of each kind (other_ward: 消化科, the rest 呼吸科)."""
    kinds = CALLED + NOT_CALLED
    return [
        Stay(f"ZY{n:03d}", kind, OTHER_WARD if kind == "other_ward" else WARD)
        for n, kind in enumerate(kinds, start=1)
    ]


async def arrange(harness: BotHarness, stays: list[Stay]) -> dict[str, Contact]:
    """Store the stays, give each its contacts and facts; return the SMS and chat contacts."""
    await seed(harness.settings, *(stay.record() for stay in stays))
    contacts: dict[str, Contact] = {}
    for chat, stay in enumerate(stays, start=7000):
        if stay.state in ("sms", "chat", "withdrawn"):
            contacts[stay.number] = await link(harness, stay.number, chat, stay.state)
        if stay.state in ("deceased", "disputed", "erased"):
            await set_fact(harness, stay.number, stay.state)
    return contacts


async def link(harness: BotHarness, number: str, chat: int, kind: str) -> Contact:
    """Give the stay a contact: a consenting SMS or chat one, or a withdrawn chat one."""
    store, now = harness.services.store, harness.clock.now()
    episode = await store.episodes.latest_for(number)
    assert episode is not None
    channel = ChannelName.SMS if kind == "sms" else ChannelName.TELEGRAM
    new = NewContact(
        episode.patient_id, episode.id, chat, chat, "patient", None, "zh_CN",
        channel=channel.value, handle="13800138001" if kind == "sms" else None,
    )  # fmt: skip
    decision = ConsentDecision.WITHDRAWN if kind == "withdrawn" else ConsentDecision.GRANTED
    contact = await store.contacts.link(new, decision, now, via="test")
    if decision is ConsentDecision.GRANTED:
        await plan_contact(store, harness.services.scheduling, contact, now)
    return contact


async def set_fact(harness: BotHarness, number: str, state: str) -> None:
    """Mark the stay's patient deceased, in dispute or erased."""
    column = {"deceased": "deceased_at", "disputed": "dispute_since", "erased": "erased_at"}[state]
    store = harness.services.store
    episode = await store.episodes.latest_for(number)
    assert episode is not None
    async with store.engine.begin() as conn:
        whose = patients.c.id == episode.patient_id
        await conn.execute(update(patients).where(whose).values({column: harness.clock.now()}))


async def add_staff(harness: BotHarness) -> None:
    """Two 呼吸科 nurses, a 呼吸科 doctor, and a head nurse of every ward (no department)."""
    store, now = harness.services.store, harness.clock.now()
    await store.staff.upsert(NURSE, Role.STAFF, "呼吸科", "王护士", now)
    await store.staff.upsert(OTHER_NURSE, Role.STAFF, "呼吸科", "赵护士", now)
    await store.staff.upsert(DOCTOR, Role.DOCTOR, "呼吸科", "李医生", now)
    await store.staff.upsert(HEAD, Role.STAFF, None, "刘护士长", now)


async def sweep(harness: BotHarness, at: datetime | None = None, stays: int = 500) -> int:
    """Move the clock to `at` (if given) and run the worklist's sweep (over `stays` stays)."""
    if at is not None:
        harness.clock.advance(at - harness.clock.now())
    services = harness.services
    now = services.clock.now()
    worklist = services.worklist
    return await sweep_worklist(services.store, services.scheduling, worklist, now, stays)


async def tasks_by_number(harness: BotHarness) -> dict[str, tuple[str, str, int, datetime]]:
    """Return each stay's task (reason, status, priority, due), by hospital number."""
    t = call_tasks
    query = select(patients.c.hospital_no, t.c.reason, t.c.status, t.c.priority, t.c.due_at)
    query = query.join(episodes, episodes.c.id == t.c.episode_id)
    query = query.join(patients, patients.c.id == episodes.c.patient_id)
    async with harness.services.store.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return {row[0]: (row[1], row[2], row[3], row[4]) for row in rows}


async def answer_step(harness: BotHarness, contact: Contact, step: str) -> None:
    """Mark the contact's row of a step answered (as the SMS page records an answer)."""
    await set_step(harness, contact, step, status=MessageStatus.ANSWERED.value)


async def fail_step(harness: BotHarness, contact: Contact, step: str) -> None:
    """Mark the contact's check-in of a step failed after its tries, as the sweeps do."""
    failed = MessageStatus.FAILED.value
    await set_step(harness, contact, step, status=failed, failure_reason=FailureReason.NO_ANSWER)


async def set_step(harness: BotHarness, contact: Contact, step: str, **values: str) -> None:
    """Set columns of the contact's row of a step (its status, why it failed)."""
    m = scheduled_messages
    async with harness.services.store.engine.begin() as conn:
        await conn.execute(
            update(m)
            .where(m.c.contact_id == contact.id, m.c.step_key == step)
            .values(**values, updated_at=harness.clock.now())
        )


def later(moment: datetime, **delta: float) -> datetime:
    """Return moment + timedelta(**delta)."""
    return moment + timedelta(**delta)


async def demo_sms_stays(database: Path) -> tuple[set[int], set[int]]:
    """Return the SMS patients' stays whose first check-in came, and those owed a call."""
    m = scheduled_messages
    store = Store.open(f"sqlite+aiosqlite:///{database}")
    try:
        async with store.engine.connect() as conn:
            end = (await conn.execute(select(func.max(m.c.updated_at)))).scalar_one()
            first = (
                select(m.c.episode_id, func.min(m.c.due_at).label("first"))
                .join(contacts, contacts.c.id == m.c.contact_id)
                .where(contacts.c.channel == ChannelName.SMS.value)
                .where(m.c.kind == MessageKind.CHECKIN.value)
                .group_by(m.c.episode_id)
                .subquery()
            )
            came = select(first.c.episode_id).where(first.c.first <= end)
            owed = set((await conn.execute(came)).scalars())
            reason = call_tasks.c.reason == CallReason.NO_MESSAGE_CHANNEL.value
            tasks = select(call_tasks.c.episode_id).where(reason)
            return owed, set((await conn.execute(tasks)).scalars())
    finally:
        await store.close()
