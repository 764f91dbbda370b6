"""The story's phone calls: the patients no chat reaches are on the nurse's worklist from
their first check-in's date; she calls them in the calling hours, enters a reached patient's
answers as the relay of the check-in, and an unanswered number comes back the next working day."""

from __future__ import annotations

import re

from bot.demo.cast import NURSE
from bot.demo.scenario import MAX_QUESTIONS, PLEASED
from bot.demo.simulation import DemoError, Simulation
from bot.demo.transcript import Person
from bot.domain.calls import CallOutcome, CallReason
from bot.domain.phone_relay import encode_end, encode_relay
from bot.storage.phone_calls import CallInProgress

SECTION = "calls"
UNHAPPY = {"sat_hospital": "unsatisfied"}  # the reached patient: unhappy with the ward


def on_the_phone(sim: Simulation) -> Person:
    """Give the nurse's own chat with the bot a section of the transcript (her calls)."""
    user_id, name = NURSE[0], NURSE[1]
    speaker = f"{sim.transcript.words['staff']} {name}"
    nurse = Person(SECTION, user_id, speaker, speaker)
    heading = sim.transcript.text(
        "cli/demo/heading", who=speaker, department="", story=sim.transcript.stories[SECTION]
    )
    sim.add(nurse, heading)
    return nurse


async def worklist_note(sim: Simulation, nurse: Person) -> None:
    """Write how many patients no chat reaches are on the worklist, and since when."""
    reason = CallReason.NO_MESSAGE_CHANNEL
    owed = await sim.harness.services.store.call_tasks.stays_owed(reason)
    sim.note(nurse, sim.transcript.text("cli/demo/worklist_note", patients=owed))


async def first_calls(sim: Simulation, nurse: Person) -> None:
    """Monday afternoon: no answer at the first number; the next patient is reached and
    answers the check-in through the nurse, unhappy with the ward (a complaint)."""
    await sim.staff_command(nurse, "/calls")
    await sim.staff_tap(nurse, rf":o:{CallOutcome.NO_ANSWER}$")
    await sim.staff_command(nurse, "/calls")
    await sim.staff_tap(nurse, rf":o:{CallOutcome.REACHED}$")
    call = await _call(sim, nurse)
    await tap_offered(sim, nurse, call, r"^pr:who:patient$")  # the patient answered
    typed = {"hospital_complaint": sim.transcript.script["call_complaint"]}
    await relay_checkin(sim, nurse, call, {**PLEASED, **UNHAPPY}, typed)
    await sim.staff_tap(nurse, f"^{re.escape(encode_end(call.attempt_id))}$")


async def call_again(sim: Simulation, nurse: Person) -> None:
    """The next working day: the unanswered number is first on the list again; the phone
    is off this time."""
    await sim.staff_command(nurse, "/calls")
    await sim.staff_tap(nurse, rf":o:{CallOutcome.PHONE_OFF}$")


async def relay_checkin(
    sim: Simulation,
    nurse: Person,
    call: CallInProgress,
    answers: dict[str, str],
    typed: dict[str, str],
) -> None:
    """Enter the patient's answers question by question, as the nurse hears them."""
    store = sim.harness.services.store
    contact = await store.contacts.get(call.contact_id or 0)
    if contact is None:
        raise DemoError("the reached call has no phone contact")
    for _ in range(MAX_QUESTIONS):
        sessions = await store.surveys.open_for_chat(contact.chat_id)
        question = sessions[0].current_question if sessions else None
        if question is None:
            return
        if question in typed:
            await sim.staff_command(nurse, typed[question])
            continue
        if question not in answers:
            raise DemoError(f"the story has no answer to {question!r}")
        await tap_offered(sim, nurse, call, rf"^sv:\d+:{question}:{re.escape(answers[question])}$")
    raise DemoError("the phone check-in did not end")


async def tap_offered(sim: Simulation, nurse: Person, call: CallInProgress, pattern: str) -> None:
    """Press the nurse's button for the option of the relayed question whose id matches."""
    contact = await sim.harness.services.store.contacts.get(call.contact_id or 0)
    offered = (
        []
        if contact is None
        else await sim.harness.services.store.channel_chats.offered(contact.chat_id)
    )
    wanted = re.compile(pattern)
    found = [n for n, choice in enumerate(offered, start=1) if wanted.match(choice.id)]
    if not found:
        raise DemoError(f"no option matching {pattern!r} is offered on the call")
    data = encode_relay(call.attempt_id, found[0], offered[found[0] - 1].id)
    await sim.staff_tap(nurse, f"^{re.escape(data)}$")


async def _call(sim: Simulation, nurse: Person) -> CallInProgress:
    call = await sim.harness.services.store.phone_calls.in_progress_for_staff(nurse.chat_id)
    if call is None or call.contact_id is None:
        raise DemoError("the nurse is not on a reached call")
    return call
