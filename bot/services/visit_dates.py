"""Asking a patient who needs another re-examination date which day instead, on any channel:
a ready-made date, a typed one, or staff asked to arrange it. The question is kept in the
database (dialog_states), so a restart continues it."""

from __future__ import annotations

from datetime import date

from bot.domain.choices import ASK_STAFF, VisitDate, decode_visit_date, encode_visit_date
from bot.domain.dialogs import DialogKind, DialogStep
from bot.domain.patient_messages import PatientMessage, PatientMessageKind
from bot.domain.visits import DateProblem, VisitChoice, choice_date, read_visit_date
from bot.services.container import Services
from bot.services.inbox import take_patient_message
from bot.services.messaging import ChoiceRow, say
from bot.services.revisits import reschedule_visit
from bot.storage.audit import Actor
from bot.storage.outbox_records import OutboxRow
from bot.storage.records import DialogState, Episode

DIALOG_KIND = DialogKind.REEXAM_DATE
MISREADS_BEFORE_STAFF = 2  # a date not understood is asked again once, then goes to staff
ASK_DATE = "reexam/ask_date"
DATE_RETRY = "reexam/date_retry"
DATE_PASSED_ON = "steps/date_passed_on"
MISREADS = "misreads"  # dates not understood so far, kept with the question
DATE_CHOICES: list[ChoiceRow] = [
    [
        ("buttons/reexam_in_1w", encode_visit_date(VisitChoice.IN_1W)),
        ("buttons/reexam_in_2w", encode_visit_date(VisitChoice.IN_2W)),
    ],
    [("buttons/reexam_in_1mo", encode_visit_date(VisitChoice.IN_1MO))],
    [("buttons/reexam_ask_staff", encode_visit_date(ASK_STAFF))],
]


def local_today(services: Services) -> date:
    """Return today's date where the hospital is."""
    return services.clock.now().astimezone(services.scheduling.zone).date()


async def ask_visit_date(services: Services, row: OutboxRow) -> None:
    """Ask which day instead of the visit a re-examination reminder named."""
    data: dict[str, object] = {
        "episode": row.episode_id,
        "contact": row.contact_id,
        "old": str(row.payload.get("revisit_date", "")),
    }
    await services.store.dialogs.save(
        row.chat_id, DIALOG_KIND, DialogStep.DATE, data, services.clock.now()
    )
    await _prompt(services, row.chat_id, ASK_DATE)


async def _prompt(services: Services, chat_id: int, template: str, **variables: object) -> None:
    """Ask for the date, with the ready-made dates (and "let staff call me") as choices."""
    today = local_today(services)
    dates = {f"in_{c.value}": choice_date(c, today).isoformat() for c in VisitChoice}
    await say(services, chat_id, template, DATE_CHOICES, **dates, **variables)


async def open_date_question(services: Services, chat_id: int) -> DialogState | None:
    """Return the chat's open date question, if any."""
    state = await services.store.dialogs.get(chat_id)
    return state if state is not None and state.kind == DIALOG_KIND else None


async def read_date_choice(
    services: Services, chat_id: int, choice_id: str
) -> tuple[DialogState, VisitDate] | None:
    """Return the open date question and the ready-made answer a choice id gives it, or None."""
    choice = decode_visit_date(choice_id)
    state = None if choice is None else await open_date_question(services, chat_id)
    return None if state is None or choice is None else (state, choice)


async def take_date_choice(services: Services, state: DialogState, choice: VisitDate) -> None:
    """Move the visit to a ready-made date, or ask staff to arrange one."""
    if isinstance(choice, VisitChoice):
        await move_visit(services, state, choice_date(choice, local_today(services)))
    else:  # "let staff call me"
        await leave_to_staff(services, state)


async def take_typed_date(services: Services, state: DialogState, text: str) -> None:
    """Move the visit to a typed date, or ask again; the second date not understood goes to
    staff with the patient's words, and staff arrange the date."""
    read = read_visit_date(text, local_today(services))
    if read.problem is None and read.day is not None:
        await move_visit(services, state, read.day)
        return
    misreads = int(str(state.data.get(MISREADS, 0)))
    if read.problem is DateProblem.UNREADABLE:
        misreads += 1
    if misreads >= MISREADS_BEFORE_STAFF:
        await _pass_words_to_staff(services, state, text)
        return
    data = {**state.data, MISREADS: misreads}
    await services.store.dialogs.save(
        state.chat_id, DIALOG_KIND, DialogStep.DATE, data, services.clock.now()
    )
    problem = read.problem.value if read.problem else ""
    await _prompt(services, state.chat_id, DATE_RETRY, problem=problem)


async def move_visit(services: Services, state: DialogState, visit: date) -> None:
    """Move the re-examination to visit, end the question, tell the patient and staff."""
    actor = Actor.contact(int(str(state.data["contact"])))
    episode = await _reschedule(services, state, visit, actor)
    await say(services, state.chat_id, "reexam/rescheduled", new_date=visit.isoformat())
    if episode is not None:
        old = episode.revisit_at.isoformat() if episode.revisit_at else str(state.data["old"])
        await services.staff_desk.post_alert(
            "staff/reexam_rescheduled", episode, old_date=old, new_date=visit.isoformat()
        )


async def _reschedule(
    services: Services, state: DialogState, visit: date, actor: Actor
) -> Episode | None:
    """Move the visit and end the question in one transaction; return the stay as it was."""
    now, episode_id = services.clock.now(), int(str(state.data["episode"]))
    async with services.store.unit_of_work() as uow:
        episode = await reschedule_visit(uow, services.scheduling, episode_id, visit, actor, now)
        await uow.dialogs.clear(state.chat_id)
    return episode


async def leave_to_staff(services: Services, state: DialogState) -> None:
    """End the question, ask staff to arrange the date and tell the patient so."""
    await _alert_staff(services, state)
    await say(services, state.chat_id, "reexam/reschedule_requested")


async def _alert_staff(services: Services, state: DialogState) -> None:
    """End the question and hand the new date to staff, as before patients could choose one."""
    store = services.store
    await store.dialogs.clear(state.chat_id)
    episode = await store.episodes.get(int(str(state.data["episode"])))
    if episode is not None:
        payload = {"revisit_date": str(state.data["old"])}
        await services.staff_desk.post_alert("staff/reexam_reschedule", episode, payload=payload)


async def _pass_words_to_staff(services: Services, state: DialogState, text: str) -> None:
    """Ask staff to arrange the date, say so, and put the patient's words before them."""
    await _alert_staff(services, state)
    await say(services, state.chat_id, DATE_PASSED_ON)
    message = PatientMessage(PatientMessageKind.TEXT, text)
    await take_patient_message(services, state.chat_id, message)
