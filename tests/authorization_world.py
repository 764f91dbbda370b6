"""The world the authorization matrix runs in: every kind of user, cases, rows and a snapshot.

Built once through the real Application (and the repositories where the bot would have done
it over days), then saved; a cell that changes the database gets the snapshot back.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from bot.demo.fake_telegram import Call
from bot.demo.harness import BotHarness
from bot.domain.cases import CaseKind, CaseSource
from bot.domain.enrolment import ConsentDecision
from bot.domain.messages import MessageKind
from bot.domain.patient_messages import PatientMessage, PatientMessageKind
from bot.domain.roles import Role
from bot.domain.triage import Triage
from bot.services.container import Services
from bot.services.invitations import invite_patient
from bot.services.planning import plan_contact
from bot.services.template_edits import load_overrides
from bot.storage.audit import Actor
from bot.storage.cases import NewCase
from bot.storage.contacts import NewContact
from bot.storage.outbox_records import PlannedMessage
from bot.storage.records import Contact
from bot.storage.schema import scheduled_messages
from bot.storage.surveys import NewSession
from tests.harness import START, enrol, make_settings, record, seed

GROUP = -1001000  # the staff group (FOLLOWUP_STAFF_CHAT_ID): a forum supergroup in the fake
OTHER_GROUP = -1002000  # another group the bot was added to
A, B = "心内科", "呼吸科"

# kind of user -> Telegram user id (a private chat with the bot has the same id)
USERS = {
    "stranger": 4242,
    "patient": 611,  # 张三丰, ZY001, 心内科
    "family": 612,  # 张三丰's spouse
    "other_patient": 613,  # 李四光, ZY002, 呼吸科
    "staff": 7101,  # staff of 心内科
    "staff_other_dept": 7102,  # staff of 呼吸科
    "doctor": 7103,  # doctor, no department
    "dept_supervisor": 7201,  # supervisor of 呼吸科
    "supervisor": 7202,  # supervisor, whole hospital
    "admin": 7301,  # admin, whole hospital
    "dept_admin": 7302,  # admin scoped to 呼吸科
}
STAFF = {
    "staff": (Role.STAFF, A, "刘护士长"),
    "staff_other_dept": (Role.STAFF, B, "陈护士"),
    "doctor": (Role.DOCTOR, None, "李医生"),
    "dept_supervisor": (Role.SUPERVISOR, B, "呼吸科主任"),
    "supervisor": (Role.SUPERVISOR, None, "医务科"),
    "admin": (Role.ADMIN, None, "信息科"),
    "dept_admin": (Role.ADMIN, B, "呼吸科秘书"),
}
COMPLAINT = "夜里病房太吵,护士呼叫铃响了很久没人来。"
CLOSED_COMPLAINT = "出院结算排队等了三个小时。"
# what each patient's data looks like in a message, to find it where it must not be
PATIENT_DATA = {
    "ZY001": ("张三丰", "ZY001", "13800138001", COMPLAINT, CLOSED_COMPLAINT),
    "ZY002": ("李四光", "ZY002", "13900139002"),
    "ZY003": ("王五福", "ZY003", "13700137003"),
}
EDITED = "stop/kept"  # the template the world has one saved version of


@dataclass
class World:
    harness: BotHarness
    live: Path
    snapshot: Path
    ids: dict[str, object] = field(default_factory=dict)
    services: Services | None = None
    _watch: sqlite3.Connection | None = None
    _clean: int = 0

    @property
    def calls(self) -> list[Call]:
        return self.harness.telegram.calls

    def version(self) -> int:
        """Return a digest of what the bot keeps: every table but the record of sends
        (`deliveries`: every message, a refusal too, is recorded there)."""
        if self._watch is None:
            self._watch = sqlite3.connect(self.live)
        tables = self._watch.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'deliveries'"
        ).fetchall()
        digest = hashlib.sha256()
        for (table,) in sorted(tables):
            for row in self._watch.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                digest.update(repr((table, row)).encode())
        return int.from_bytes(digest.digest()[:8], "big")

    @property
    def changed(self) -> bool:
        """Say whether the database differs from the snapshot."""
        return self.version() != self._clean

    async def save(self) -> None:
        """Take the snapshot every cell starts from."""
        await self.harness.services.store.engine.dispose()
        with sqlite3.connect(self.live) as source, sqlite3.connect(self.snapshot) as target:
            source.backup(target)
        self.services = self.harness.services
        self._clean = self.version()

    async def restore(self, restart: bool = False) -> None:
        """Put the snapshot back (and the services, which /planstep replaces)."""
        app = self.harness.app
        assert app is not None and self.services is not None
        await self.harness.services.store.engine.dispose()
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.live}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.snapshot, self.live)
        self._clean = self.version()
        if restart:  # an edited template also lives in the renderer
            await self.harness.restart()
            self.services = self.harness.services
            return
        app.bot_data.services = self.services
        await load_overrides(self.services.store, self.services.renderer)

    def close(self) -> None:
        """Close the connection that watches for changes."""
        if self._watch is not None:
            self._watch.close()


async def build_world(folder: Path) -> World:
    """Seed three patients, enrol three chats, staff of every role, and open some cases."""
    # always a SQLite file, whatever the suite runs on: the snapshot is a copy of that file
    # (who may do what does not depend on the database)
    database = f"sqlite+aiosqlite:///{folder}/followup.db"
    settings = make_settings(folder, staff_chat_id=GROUP, database_url=database)
    await seed(
        settings,
        record("ZY001", name="张三丰", department=A, phone="13800138001"),
        record("ZY002", name="李四光", department=B, phone="13900139002"),
        record("ZY003", name="王五福", department=A, phone="13700137003"),
    )
    harness = BotHarness(settings, START)
    await harness.start()
    world = World(harness, folder / "followup.db", folder / "snapshot.db")
    store, now = harness.services.store, harness.clock.now()
    for kind, (role, department, name) in STAFF.items():
        await store.staff.upsert(USERS[kind], role, department, name, now)
    patient = await enrol(harness, USERS["patient"], "ZY001")
    world.ids["zy001"] = patient.patient_id
    family = await _enrol_family(harness, USERS["family"], "ZY001")
    other = await enrol(harness, USERS["other_patient"], "ZY002")
    await _complain(harness, COMPLAINT)  # case 1, open
    await _complain(harness, CLOSED_COMPLAINT)  # case 2, closed below
    await _close_case(harness, 2)
    world.ids.update(await _red_flags(harness, family, other))
    spouse_wrote = PatientMessage(PatientMessageKind.TEXT, "我丈夫昨天去世了")
    world.ids["death_report"] = await store.patient_messages.record(
        family.patient_id, family.id, family.chat_id, spouse_wrote, Triage.DEATH, now
    )
    world.ids.update(await _sent_rows(harness, patient))
    case = await store.cases.get(1)
    assert case is not None
    world.ids["topic"] = case.topic_id
    await harness.text(USERS["admin"], f"/edit {EDITED} zh_CN")
    await harness.text(USERS["admin"], "好的,我们会继续为您随访。")
    await harness.press(USERS["admin"], "te:save")
    issued = await invite_patient(store, "ZY003", now, 30, Actor.staff(USERS["staff"]))
    world.ids["token"] = issued.token
    await world.save()
    return world


async def _enrol_family(harness: BotHarness, chat_id: int, hospital_no: str) -> Contact:
    services = harness.services
    episode = await services.store.episodes.latest_for(hospital_no)
    assert episode is not None
    new = NewContact(episode.patient_id, episode.id, chat_id, chat_id, "family", "spouse", "zh_CN")
    now = harness.clock.now()
    contact = await services.store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")
    await plan_contact(services.store, services.scheduling, contact, now)
    return contact


async def _complain(harness: BotHarness, text: str) -> None:
    chat = USERS["patient"]
    await harness.text(chat, "/complain")
    await harness.text(chat, text)
    await harness.press(chat, "cp:c:department")
    await harness.press(chat, "cp:ok")


async def _close_case(harness: BotHarness, number: int) -> None:
    staff = USERS["staff"]
    await harness.press(GROUP, f"cs:close:{number}", user_id=staff)
    await harness.press(GROUP, f"cs:outcome:{number}:resolved", user_id=staff)
    case = await harness.services.store.cases.get(number)
    assert case is not None and case.status == "closing"
    await harness.text(GROUP, "已向结算处核实并致歉。", user_id=staff, thread_id=case.topic_id)
    closed = await harness.services.store.cases.get(number)
    assert closed is not None and closed.status == "closed"


async def _red_flags(harness: BotHarness, family: Contact, other: Contact) -> dict[str, object]:
    """The family member answers a check-in: 'worse' raises a red flag (case 3) for 心内科.

    A red flag for 呼吸科's patient (case 4) is stored directly, for the drill-down.
    """
    store, now = harness.services.store, harness.clock.now()
    new = NewSession(
        None,
        family.id,
        family.patient_id,
        family.episode_id,
        "checkin_first",
        "general",
        "family",
        "spouse",
    )
    session = await store.surveys.open_for_message(new, "respondent", now, now + timedelta(days=3))
    for question, value in (
        ("respondent", "family"),
        ("good_time", "yes"),
        ("can_answer", "yes"),
        ("condition", "worse"),
    ):
        await harness.press(family.chat_id, f"sv:{session.id}:{question}:{value}")
    flags = [c for c in await store.cases.for_patient(family.patient_id) if c.kind == "red_flag"]
    assert [c.id for c in flags] == [3] and flags[0].staff_message_id is not None
    other_flag = NewCase(
        CaseKind.RED_FLAG,
        other.patient_id,
        other.episode_id,
        other.id,
        CaseSource.SURVEY,
        answer="worse",
    )
    assert (await store.cases.open(other_flag, now)).id == 4
    return {"session": session.id, "red_flag": 3}


async def _sent_rows(harness: BotHarness, patient: Contact) -> dict[str, object]:
    """A medicine reminder, a re-examination reminder, a keep-receiving and a still-taking
    question, sent."""
    store, now = harness.services.store, harness.clock.now()
    ids: dict[str, object] = {}
    for name, kind, template in (
        ("medication", "medication", "medication/reminder"),
        ("reexam", "reexam_reminder", "reexam/reminder"),
        ("keep", "keep_asking", "keep/ask"),
        ("medcheck", "medication_check", "medication/still_taking"),
    ):
        planned = PlannedMessage(f"authz_{name}", 0, MessageKind(kind), template, now, now)
        await store.outbox.add(patient.id, patient.episode_id, patient.patient_id, planned, now)
        [row] = await store.outbox.rows(scheduled_messages.c.step_key == f"authz_{name}")
        async with store.engine.begin() as conn:
            await conn.execute(
                update(scheduled_messages)
                .where(scheduled_messages.c.id == row.id)
                .values(status="sent", tries=1, attempts=1)
            )
        ids[name] = row.id
    return ids
