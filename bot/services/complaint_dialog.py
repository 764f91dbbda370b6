"""A complaint or praise told on any channel: what happened, who it concerns, confirm; then
a numbered case for staff. The dialog's state is in the database, keyed by chat."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.cases import Case, CaseKind
from bot.domain.dialogs import DialogKind, DialogStep
from bot.domain.enrolment import ConsentDecision
from bot.services.case_texts import local_text
from bot.services.cases import open_patient_case
from bot.services.container import Services
from bot.services.languages import locale_of_chat
from bot.services.messaging import say, say_in
from bot.storage.records import Contact, DialogState
from bot.storage.unit_of_work import Repositories

DIALOG_KIND = DialogKind.CASE
PREFIX = {CaseKind.COMPLAINT: "complain", CaseKind.PRAISE: "praise"}
CONCERNED = ("department", "doctor", "nurse", "other")
TEXT_LIMIT = 2000
EXPECTED_STEP = {"c": DialogStep.CONCERNED, "ok": DialogStep.CONFIRM, "no": DialogStep.CONFIRM}


@dataclass(frozen=True)
class CaseChoice:
    """A choice that answers the dialog's open step: concerned (with whom), ok or no."""

    state: DialogState
    action: str
    concerned: str = ""


async def consenting_contact(store: Repositories, chat_id: int) -> Contact | None:
    """Return the chat's most recent consenting patient link, if any."""
    contacts = await store.contacts.for_chat(chat_id)
    granted = [c for c in contacts if c.consent == ConsentDecision.GRANTED]
    return granted[-1] if granted else None


async def start_case_dialog(services: Services, chat_id: int, kind: CaseKind) -> None:
    """Ask what happened, if the chat belongs to a consenting patient or relative."""
    contact = await consenting_contact(services.store, chat_id)
    if contact is None:
        await say(services, chat_id, "complain/not_enrolled")
        return
    data: dict[str, object] = {"kind": kind.value, "contact_id": contact.id}
    await services.store.dialogs.save(
        chat_id, DIALOG_KIND, DialogStep.TEXT, data, services.clock.now()
    )
    await say(services, chat_id, f"{PREFIX[kind]}/ask_text")


async def take_case_text(
    services: Services, state: DialogState, text: str, photo: str | None = None
) -> None:
    """Take what happened (text, or a photo's caption), then ask who it concerns."""
    told = text.strip()[:TEXT_LIMIT]
    if state.step != DialogStep.TEXT or not told:
        needed = "complain/text_needed" if state.step == DialogStep.TEXT else "common/use_buttons"
        await say(services, state.chat_id, needed)
        return
    data = {**state.data, "text": told, "photo": photo}
    now = services.clock.now()
    await services.store.dialogs.save(state.chat_id, DIALOG_KIND, DialogStep.CONCERNED, data, now)
    values = await _concerned_values(services, state)
    rows = [
        [(f"buttons/concerned_{choice}", f"cp:c:{choice}")]
        for choice in CONCERNED
        if choice not in values or values[choice]
    ]
    await say(services, state.chat_id, f"{PREFIX[_kind(state)]}/ask_concerned", rows, **values)


async def read_case_choice(services: Services, chat_id: int, choice_id: str) -> CaseChoice | None:
    """Return the choice if it answers the chat's open complaint or praise step, else None."""
    state = await services.store.dialogs.get(chat_id)
    parts = choice_id.split(":")
    if state is None or state.kind != DIALOG_KIND or len(parts) < 2 or parts[0] != "cp":
        return None
    if EXPECTED_STEP.get(parts[1]) != state.step:
        return None
    if parts[1] == "c":
        valid = len(parts) == 3 and parts[2] in CONCERNED
        return CaseChoice(state, "c", parts[2]) if valid else None
    return CaseChoice(state, parts[1]) if len(parts) == 2 else None


async def take_case_choice(services: Services, choice: CaseChoice) -> None:
    """Go on from a chosen step: confirm who it concerns, submit, or cancel."""
    state = choice.state
    if choice.action == "c":
        await _confirm(services, state, choice.concerned)
    elif choice.action == "ok":
        await _submit(services, state)
    else:
        await services.store.dialogs.clear(state.chat_id)
        await say(services, state.chat_id, "complain/cancelled")


async def _confirm(services: Services, state: DialogState, concerned: str) -> None:
    # the case keeps the label in the hospital's language (staff read it); the patient
    # confirms it in their own
    locale = await locale_of_chat(services.store, services.settings, state.chat_id)
    data = {**state.data, "concerned": await _concerned_label(services, state, concerned)}
    now = services.clock.now()
    await services.store.dialogs.save(state.chat_id, DIALOG_KIND, DialogStep.CONFIRM, data, now)
    await say_in(
        services,
        locale,
        state.chat_id,
        f"{PREFIX[_kind(state)]}/confirm",
        [[("buttons/submit", "cp:ok"), ("buttons/cancel", "cp:no")]],
        text=str(state.data["text"]),
        concerned=await _concerned_label(services, state, concerned, locale),
    )


async def _submit(services: Services, state: DialogState) -> None:
    kind = _kind(state)
    contact = await _contact(services, state)
    photo = str(state.data["photo"]) if state.data.get("photo") else None
    concerned = str(state.data.get("concerned") or "")
    case = await open_patient_case(
        services, contact, kind, str(state.data["text"]), concerned, photo
    )
    await services.store.dialogs.clear(state.chat_id)
    due = local_text(services.settings.zone, case.due_at)[:10]
    await say(services, state.chat_id, f"{PREFIX[kind]}/submitted", number=case.id, due=due)


async def file_case(services: Services, chat_id: int, kind: CaseKind, text: str) -> Case | None:
    """File a complaint or praise told in one go (a web form, where the kind and the words
    come together): the same case, staff post and reply as the dialog; None if the chat has
    no consenting patient or the text is empty."""
    contact = await consenting_contact(services.store, chat_id)
    told = text.strip()[:TEXT_LIMIT]
    if contact is None or not told:
        return None
    case = await open_patient_case(services, contact, kind, told, "", None)
    due = local_text(services.settings.zone, case.due_at)[:10]
    await say(services, chat_id, f"{PREFIX[kind]}/submitted", number=case.id, due=due)
    return case


async def _concerned_values(services: Services, state: DialogState) -> dict[str, str]:
    """The department, doctor and nurse of the episode, as the concerned choices name them."""
    contact = await _contact(services, state)
    episode = await services.store.episodes.get(contact.episode_id)
    assert episode is not None
    return {
        "department": episode.department,
        "doctor": episode.attending_doctor or "",
        "nurse": episode.nurse or "",
    }


async def _concerned_label(
    services: Services, state: DialogState, choice: str, locale: str | None = None
) -> str:
    values = await _concerned_values(services, state)
    return services.renderer.render(
        f"buttons/concerned_{choice}", locale or services.locale, **values
    )


def _kind(state: DialogState) -> CaseKind:
    return CaseKind(str(state.data["kind"]))


async def _contact(services: Services, state: DialogState) -> Contact:
    contact = await services.store.contacts.get(int(str(state.data["contact_id"])))
    assert contact is not None
    return contact
