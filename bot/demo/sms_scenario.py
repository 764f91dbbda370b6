"""The story's SMS patients: they never enrol; the check-in comes by SMS and they answer on
the page (over HTTP, as a phone's browser), read staff's reply behind the identity check,
or text "TD" to stop."""

from __future__ import annotations

import re

from bot.demo.cast import Cast
from bot.demo.phone_side import Phones
from bot.demo.scenario import MAX_QUESTIONS, PLEASED, nurse_replies
from bot.demo.simulation import DemoError, Simulation
from bot.demo.transcript import Person
from bot.demo.web_visitor import Page

STOP_WORD = "TD"  # what Chinese SMS users text to unsubscribe
IDENTITY_FIELD = "identity_answer"
TEXT_FIELD = "text"


def _phones(sim: Simulation) -> Phones:
    if sim.phones is None:
        raise DemoError("the demo runs without SMS")
    return sim.phones


def fresh(before: Page | None, after: Page) -> list[str]:
    """Return the messages the page shows that it did not show before (on a first visit:
    the latest)."""
    if before is None:
        return after.messages[-1:]
    shown = after.messages
    for new in range(len(shown) + 1):
        kept = shown[: len(shown) - new]
        if not kept or before.messages[-len(kept) :] == kept:
            return shown[len(shown) - new :]
    return shown


def show(sim: Simulation, person: Person, before: Page | None, after: Page) -> None:
    """Write what the page shows now: the conversation's new messages with the latest's
    buttons, or another page's words."""
    page = sim.transcript.words["page"]
    if not after.is_conversation:
        sim.saw(person, page, "\n".join(after.blocks))
        return
    new = fresh(before, after)
    buttons = " ".join(f"[{label}]" for label in after.choices)
    for index, text in enumerate(new):
        sim.saw(person, page, text, buttons if index == len(new) - 1 else "")


async def open_link(sim: Simulation, person: Person) -> Page:
    """The person taps the link in their newest text; the page opens."""
    phones, words = _phones(sim), sim.transcript.words
    url = phones.newest_link(person)
    sim.did(person, words["page"], words["opened"])
    page = await phones.browsers[person.chat_id].open(url)
    show(sim, person, None, page)
    return page


async def answer_on_page(
    sim: Simulation, person: Person, choices: dict[str, str], typed: dict[str, str]
) -> None:
    """Open the check-in's link and answer question by question: tap, or write where asked."""
    answers, page = {**PLEASED, **choices}, await open_link(sim, person)
    browser, store = _phones(sim).browsers[person.chat_id], sim.harness.services.store
    for _ in range(MAX_QUESTIONS):
        sessions = await store.surveys.open_for_chat(person.chat_id)
        question = sessions[0].current_question if sessions else None
        if question is None:
            return
        if question in typed:
            sim.did(person, sim.transcript.words["page"], typed[question])
            after = await browser.fill(page, TEXT_FIELD, typed[question])
        elif question in answers:
            wanted = re.compile(rf"^sv:\d+:{question}:{re.escape(answers[question])}$")
            offered = await store.channel_chats.offered(person.chat_id)
            label = next((c.label for c in offered if wanted.search(c.id)), None)
            if label is None:
                raise DemoError(f"the page offers no answer {answers[question]!r}")
            sim.did(person, sim.transcript.words["page"], f"[{label}]")
            after = await browser.tap(page, label)
        else:
            raise DemoError(f"the story has no answer to {question!r}")
        sim.settle(person)
        show(sim, person, page, after)
        page = after
    raise DemoError("the check-in did not end")


async def satisfied_by_sms(sim: Simulation, cast: Cast) -> None:
    """A 67-year-old patient who never enrolled: the check-in SMS, answered on the page."""
    await answer_on_page(sim, cast["sms_satisfied"].person, {}, {})


async def stop_by_sms(sim: Simulation, cast: Cast) -> None:
    """Texts back "TD" to the check-in SMS: nothing more is sent."""
    person = cast["sms_td"].person
    sim.did(person, sim.transcript.words["bot_sms"], STOP_WORD)
    await _phones(sim).reply(person, STOP_WORD)
    sim.settle(person)


async def unsatisfied_by_sms(sim: Simulation, cast: Cast) -> int:
    """Unhappy with the hospital's discharge: 不满意 on the page, with the reason; return
    the case's id."""
    patient, script = cast["sms_unsatisfied"], sim.transcript.script
    choices = {"sat_hospital": "unsatisfied", "recommend": "5"}
    await answer_on_page(sim, patient.person, choices, {"hospital_complaint": script["sms_why"]})
    episode = await sim.harness.services.store.episodes.latest_for(patient.hospital_no)
    cases = await sim.harness.services.store.cases.for_patient(episode.patient_id if episode else 0)
    if not cases:
        raise DemoError("the unsatisfied answer opened no case")
    return cases[-1].id


async def nurse_answers_by_sms(sim: Simulation, cast: Cast, case_id: int) -> None:
    """The nurse answers the SMS patient's case from the staff group; a text says so."""
    script = sim.transcript.script
    await nurse_replies(sim, cast, cast["sms_unsatisfied"].person, case_id, script["sms_reply"])


async def reads_reply(sim: Simulation, cast: Cast) -> None:
    """Taps the link in the reply's SMS, answers the identity check, reads the reply."""
    patient = cast["sms_unsatisfied"]
    person, words = patient.person, sim.transcript.words
    page = await open_link(sim, person)
    sim.did(person, words["page"], patient.identity)
    browser = _phones(sim).browsers[person.chat_id]
    show(sim, person, page, await browser.fill(page, IDENTITY_FIELD, patient.identity))
