"""The story: one small function per simulated person (the days are in timeline.py)."""

from __future__ import annotations

import re

from bot.demo.cast import Cast, Patient
from bot.demo.simulation import DemoError, Simulation
from bot.demo.transcript import Person
from bot.domain.messages import MessageKind, MessageStatus
from bot.services.invitations import invite_patient
from bot.storage.audit import Actor

MAX_QUESTIONS = 40
PLEASED = {  # how a recovering patient answers the check-in; people differ on some questions
    "respondent": "patient",
    "good_time": "yes",
    "can_answer": "yes",
    "condition": "better",
    "new_symptoms": "no",
    "wound": "healing",
    "gyn_bleeding": "normal",
    "breathing": "better",
    "home_monitoring": "regular",
    "medicines": "yes",
    "diet": "good",
    "sleep": "good",
    "exercise": "good",
    "reexam": "booked",
    "doctor_question": "no",
    "sat_doctors": "satisfied",
    "sat_nurses": "satisfied",
    "sat_hospital": "satisfied",
    "recommend": "9",
    "anything_else": "no_thanks",
}


async def enrol(sim: Simulation, patient: Patient, cast: Cast) -> None:
    """Scan the invite's QR code, pass the identity check, say who answers, consent."""
    store, person = sim.harness.services.store, patient.person
    ttl = sim.harness.settings.invite_ttl_days
    issued = await invite_patient(
        store, patient.hospital_no, sim.now, ttl, Actor.staff(cast.nurse.chat_id)
    )
    await sim.enrol(person, issued.token)
    await sim.say(person, patient.identity)
    if patient.relation is None:
        await sim.press(person, r"^en:r:patient$")
    else:
        await sim.press(person, r"^en:r:family$")
        await sim.press(person, rf"^en:rel:{patient.relation}$")
    await sim.press(person, r"^en:c:yes$")


async def answer_checkin(
    sim: Simulation, person: Person, choices: dict[str, str], typed: dict[str, str]
) -> None:
    """Answer the open check-in question by question: buttons, or text where it is asked."""
    answers = {**PLEASED, **choices}
    for _ in range(MAX_QUESTIONS):
        sessions = await sim.harness.services.store.surveys.open_for_chat(person.chat_id)
        question = sessions[0].current_question if sessions else None
        if question is None:
            return
        if question in typed:
            await sim.say(person, typed[question])
        elif question in answers:
            await sim.press(person, rf"^sv:\d+:{question}:{re.escape(answers[question])}$")
        else:
            raise DemoError(f"the story has no answer to {question!r}")
    raise DemoError("the check-in did not end")


async def satisfied_patient(sim: Simulation, cast: Cast) -> None:
    """Recovering well: answers the whole check-in happily."""
    await answer_checkin(sim, cast["satisfied"].person, {}, {})


async def take_medicine(sim: Simulation, cast: Cast, section: str = "satisfied") -> None:
    """Answer the newest medicine reminder: taken."""
    await sim.press(cast[section].person, r"^md:taken:\d+$")


async def confirm_reexam(sim: Simulation, cast: Cast) -> None:
    """Answer the re-examination reminder: will come."""
    await sim.press(cast["satisfied"].person, r"^rx:confirm:\d+$")


async def unsatisfied_patient(sim: Simulation, cast: Cast) -> None:
    """Unhappy with a nurse (a complaint), says why, and finishes the check-in."""
    complaint = sim.transcript.script["complaint"]
    choices = {"sat_nurses": "unsatisfied", "sat_hospital": "basically", "hospital_better": "skip"}
    choices["recommend"] = "6"
    await answer_checkin(sim, cast["unsatisfied"].person, choices, {"nurses_complaint": complaint})


async def nurse_answers_complaint(sim: Simulation, cast: Cast) -> int:
    """The nurse takes the case, writes a reply, checks its preview and sends it; the patient
    answers. Return the case's id."""
    patient, script = cast["unsatisfied"].person, sim.transcript.script
    case_id = await nurse_replies(sim, cast, patient, None, script["staff_reply"])
    await sim.say(patient, script["patient_reply"])
    return case_id


async def nurse_replies(
    sim: Simulation, cast: Cast, patient: Person, case_id: int | None, text: str
) -> int:
    """The nurse takes the case (the newest unless given), writes a reply, checks its
    preview and sends it. Return the case's id."""
    wanted = str(case_id) if case_id is not None else r"\d+"
    taken = await sim.staff_press(cast.nurse, patient, rf"^cs:take:{wanted}$")
    case_id = int(taken.rsplit(":", 1)[1])
    await sim.staff_press(cast.nurse, patient, rf"^cs:reply:{case_id}$")
    await sim.staff_say(cast.nurse, patient, text, await _topic(sim, case_id))
    await sim.staff_press(cast.nurse, patient, rf"^cs:send:{case_id}:\d+$")
    return case_id


async def nurse_closes_complaint(sim: Simulation, cast: Cast, case_id: int) -> None:
    """The nurse closes the case (resolved, with an internal summary); the patient is told
    the outcome and rates the handling."""
    patient = cast["unsatisfied"].person
    await sim.staff_press(cast.nurse, patient, rf"^cs:close:{case_id}$")
    await sim.staff_press(cast.nurse, patient, rf"^cs:outcome:{case_id}:resolved$")
    summary = sim.transcript.script["summary"]
    await sim.staff_say(cast.nurse, patient, summary, await _topic(sim, case_id))
    await sim.press(patient, rf"^ch:{case_id}:yes$")


async def red_flag_patient(sim: Simulation, cast: Cast) -> None:
    """After gynaecological surgery: more bleeding, which alerts the staff group."""
    await answer_checkin(sim, cast["red_flag"].person, {"gyn_bleeding": "more"}, {})


async def doctor_acknowledges(sim: Simulation, cast: Cast) -> None:
    """The department's doctor acknowledges the alert in the staff group."""
    await sim.staff_press(cast.doctor, cast["red_flag"].person, r"^ack:\d+$")


async def family_member(sim: Simulation, cast: Cast) -> None:
    """A daughter answers for her mother and praises the nurse; the praise is passed on."""
    praise = sim.transcript.script["praise"]
    choices = {"respondent": "family", "anything_else": "praise"}
    await answer_checkin(sim, cast["family"].person, choices, {"praise": praise})
    await sim.staff_press(cast.nurse, cast["family"].person, r"^cs:passon:\d+$")


async def stopping_patient(sim: Simulation, cast: Cast) -> None:
    """Does not want messages: /stop, then confirms."""
    person = cast["stopping"].person
    await sim.say(person, "/stop")
    await sim.press(person, r"^stop:yes$")


async def silent_patient(sim: Simulation, cast: Cast) -> None:
    """Never answers: the check-in is sent again, then counted as failed (noted in the story)."""
    person = cast["silent"].person
    store = sim.harness.services.store
    [contact] = await store.contacts.for_chat(person.chat_id)
    for row in await store.outbox.of_kind_for_contact(contact.id, MessageKind.CHECKIN):
        if row.status is MessageStatus.FAILED:
            note = sim.transcript.text("cli/demo/failed_note", step=row.step_key, tries=row.tries)
            sim.note(person, note)


async def supervisor_reports(sim: Simulation, cast: Cast) -> None:
    """The supervisor asks for this month's statistics, the calls' figures, the Excel report
    and the charts."""
    for command in ("/stats", "/calls stats", "/report", "/chart"):
        await sim.staff_command(cast.supervisor, command)


async def _topic(sim: Simulation, case_id: int) -> int | None:
    case = await sim.harness.services.store.cases.get(case_id)
    if case is None:
        raise DemoError(f"case {case_id} is missing")
    return case.topic_id
