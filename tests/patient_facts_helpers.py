"""Helpers of the death and dispute tests: a cohort, imports of later stays, staff commands."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from bot.demo.harness import BotHarness
from bot.domain.enrolment import ConsentDecision
from bot.domain.roles import Role
from bot.services.importing import ImportReport, import_discharge_list
from bot.services.planning import plan_contact
from bot.storage.audit import Actor
from bot.storage.contacts import NewContact
from bot.storage.outbox_records import MessageStatus
from bot.storage.records import Contact
from bot.storage.schema import scheduled_messages
from tests.harness import SHANGHAI

STAFF = 7101  # staff of 呼吸科
HEADER = "住院号,姓名,联系电话,出生日期,科室,出院时间,是否同意回访,出院情况,特殊标记\n"


async def add_staff(harness: BotHarness, role: Role = Role.STAFF, user: int = STAFF) -> None:
    department = None if role is Role.ADMIN else "呼吸科"
    now = harness.clock.now()
    await harness.services.store.staff.upsert(user, role, department, "刘护士长", now)


async def add_contact(
    harness: BotHarness, chat_id: int, hospital_no: str, respondent: str = "patient"
) -> Contact:
    """Link a chat to the patient's latest stay with consent, and plan it."""
    services = harness.services
    episode = await services.store.episodes.latest_for(hospital_no)
    assert episode is not None
    relation = "child" if respondent == "family" else None
    new = NewContact(
        episode.patient_id, episode.id, chat_id, chat_id, respondent, relation, "zh_CN"
    )
    now = harness.clock.now()
    contact = await services.store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")
    await plan_contact(services.store, services.scheduling, contact, now)
    return contact


def row(hospital_no: str, discharged: datetime, condition: str = "好转", flags: str = "") -> str:
    """One CSV line of a discharge list (呼吸科: the general plan)."""
    when = discharged.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return f"{hospital_no},张三丰,13800138001,1958-03-04,呼吸科,{when},是,{condition},{flags}\n"


async def import_rows(harness: BotHarness, folder: Path, name: str, *lines: str) -> ImportReport:
    """Import a discharge list file through the import service, as `followup import` does."""
    path = folder / name
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    store, now = harness.services.store, harness.clock.now()
    report = await import_discharge_list(store, path, SHANGHAI, now, actor=Actor.cli())
    assert not report.parsed.errors, report.parsed.errors
    return report


async def pending_for(harness: BotHarness, patient_id: int) -> int:
    """Count the patient's messages waiting to be sent."""
    m = scheduled_messages
    query = select(m.c.id).where(
        m.c.patient_id == patient_id, m.c.status == MessageStatus.PENDING.value
    )
    async with harness.services.store.engine.connect() as conn:
        return len((await conn.execute(query)).all())


async def confirm(harness: BotHarness, command: str, user: int = STAFF) -> None:
    """Send a staff command and press its confirmation button."""
    await harness.text(user, command)
    await harness.press(user, harness.telegram.button(user, "pf:ok:"))
