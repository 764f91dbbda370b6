"""Who plays in the demo: patients of the sample hospital, a family member, staff."""

from __future__ import annotations

from dataclasses import dataclass

from bot.demo.simulation import STAFF_GROUP_SECTION, DemoError, Simulation
from bot.demo.transcript import Person
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.roles import Role
from bot.services.enrolment import mask_name

STORY_PATIENTS = {  # section: (hospital number in sample_hospital.csv, chat id)
    "satisfied": ("SF2511001", 101),
    "unsatisfied": ("SF2511002", 102),
    "red_flag": ("SF2511003", 103),
    "silent": ("SF2511004", 104),
    "stopping": ("SF2511005", 105),
    "family": ("SF2511006", 106),
}
SMS_PATIENTS = {  # section: hospital number; they never enrol, the bot reaches them by SMS
    "sms_satisfied": "SF2511012",
    "sms_td": "SF2511010",
    "sms_unsatisfied": "SF2511019",
}
FAMILY_RELATION = "child"
NURSE = (9001, "李护士", Role.STAFF, None)
DOCTOR = (9002, "黄医生", Role.DOCTOR, "妇科")
SUPERVISOR = (9003, "张主任", Role.SUPERVISOR, None)


@dataclass(frozen=True)
class Patient:
    """A patient's chat (or their family member's) and what they know to enrol."""

    person: Person
    hospital_no: str
    identity: str  # the last 4 digits of the phone on file, asked at enrolment
    relation: str | None = None  # set when a family member answers for the patient
    phone: str = ""  # the phone on file (the SMS patients' address)


@dataclass(frozen=True)
class Cast:
    patients: dict[str, Patient]  # in chats: they enrol
    nurse: Person
    doctor: Person
    supervisor: Person
    texted: dict[str, Patient]  # on SMS and the pages (empty when SMS is off)

    def __getitem__(self, section: str) -> Patient:
        return self.patients[section] if section in self.patients else self.texted[section]


async def cast_of(sim: Simulation) -> Cast:
    """Add the staff, and give each person of the story a chat and a transcript section."""
    patients = {
        section: await _patient(sim, section, hospital_no, chat)
        for section, (hospital_no, chat) in STORY_PATIENTS.items()
    }
    texted = {}
    if sim.phones is not None:
        for section, hospital_no in SMS_PATIENTS.items():
            texted[section] = await _texted(sim, section, hospital_no)
    nurse, doctor = await _staff(sim, *NURSE), await _staff(sim, *DOCTOR)
    supervisor = await _staff(sim, *SUPERVISOR)
    group = sim.transcript.words["staff_group"]
    sim.transcript.open(STAFF_GROUP_SECTION, _heading(sim, group, "", STAFF_GROUP_SECTION))
    sim.add(supervisor, _heading(sim, supervisor.speaker, "", "supervisor"), full=True)
    return Cast(patients, nurse, doctor, supervisor, texted)


async def _texted(sim: Simulation, section: str, hospital_no: str) -> Patient:
    """A patient who never enrols: their phone, and the chat the number is (the bot's SMS
    contact for them is made by the dispatcher's sweep)."""
    store, words = sim.harness.services.store, sim.transcript.words
    episode = await store.episodes.latest_for(hospital_no)
    if episode is None or not episode.phone or sim.phones is None:
        raise DemoError(f"{hospital_no} is missing from the sample hospital")
    chat = await store.channel_chats.key_for(Address(ChannelName.SMS, episode.phone))
    person = Person(
        section, chat, f"{words['patient']} {mask_name(episode.name)}", words["patient"]
    )
    sim.add(person, _heading(sim, person.speaker, episode.department, section))
    sim.phones.add(person, episode.phone)
    return Patient(person, hospital_no, episode.phone[-4:], phone=episode.phone)


async def _patient(sim: Simulation, section: str, hospital_no: str, chat: int) -> Patient:
    store, words = sim.harness.services.store, sim.transcript.words
    episode = await store.episodes.latest_for(hospital_no)
    if episode is None or not episode.phone:
        raise DemoError(f"{hospital_no} is missing from the sample hospital")
    masked, chat = mask_name(episode.name), await sim.side.chat_of(chat)
    relation = FAMILY_RELATION if section == "family" else None
    if relation is None:
        person = Person(section, chat, f"{words['patient']} {masked}", words["patient"])
    else:
        speaker = sim.transcript.text("cli/demo/family_speaker", patient=masked)
        person = Person(section, chat, speaker, words["family"])
    sim.add(person, _heading(sim, person.speaker, episode.department, section))
    return Patient(person, hospital_no, episode.phone[-4:], relation)


async def _staff(
    sim: Simulation, user_id: int, name: str, role: Role, department: str | None
) -> Person:
    """Add a staff member; their own section (if any) is named after their role."""
    await sim.harness.services.store.staff.upsert(user_id, role, department, name, sim.now)
    speaker = f"{sim.transcript.words['staff']} {name}"
    return Person(role.value, user_id, speaker, speaker)


def _heading(sim: Simulation, who: str, department: str, section: str) -> str:
    story = sim.transcript.stories[section]
    return sim.transcript.text("cli/demo/heading", who=who, department=department, story=story)
