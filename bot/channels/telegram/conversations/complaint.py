"""/complain and /praise: what happened, who it concerns, confirm; then a numbered case."""

from __future__ import annotations

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import chat_locale, refuse_button, send, send_in, settle
from bot.domain.cases import CaseKind
from bot.domain.dialogs import DialogKind, DialogStep
from bot.domain.enrolment import ConsentDecision
from bot.services.case_texts import local_text
from bot.services.cases import open_patient_case
from bot.storage.records import Contact, DialogState

DIALOG_KIND = DialogKind.CASE
PREFIX = {CaseKind.COMPLAINT: "complain", CaseKind.PRAISE: "praise"}
CONCERNED = ("department", "doctor", "nurse", "other")


async def on_complain(update: Update, context: AppContext) -> None:
    """Start a complaint."""
    await _start(update, context, CaseKind.COMPLAINT)


async def on_praise(update: Update, context: AppContext) -> None:
    """Start a praise."""
    await _start(update, context, CaseKind.PRAISE)


async def _start(update: Update, context: AppContext, kind: CaseKind) -> None:
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    contact = await consenting_contact(context, chat_id)
    if contact is None:
        await send(context, chat_id, "complain/not_enrolled")
        return
    data: dict[str, object] = {"kind": kind.value, "contact_id": contact.id}
    now = context.services.clock.now()
    await context.services.store.dialogs.save(chat_id, DIALOG_KIND, DialogStep.TEXT, data, now)
    await send(context, chat_id, f"{PREFIX[kind]}/ask_text")


async def consenting_contact(context: AppContext, chat_id: int) -> Contact | None:
    """Return the chat's most recent consenting patient link, if any."""
    contacts = await context.services.store.contacts.for_chat(chat_id)
    granted = [c for c in contacts if c.consent == ConsentDecision.GRANTED]
    return granted[-1] if granted else None


async def take_case_text(update: Update, context: AppContext, state: DialogState) -> None:
    """Take what happened (text, or a photo with a caption), then ask who it concerns."""
    message = update.effective_message
    assert message is not None
    text = (message.text or message.caption or "").strip()[:2000]
    if state.step != DialogStep.TEXT or not text:
        await send(
            context,
            state.chat_id,
            "complain/text_needed" if state.step == DialogStep.TEXT else "common/use_buttons",
        )
        return
    photo = message.photo[-1].file_id if message.photo else None
    data = {**state.data, "text": text, "photo": photo}
    now = context.services.clock.now()
    await context.services.store.dialogs.save(
        state.chat_id, DIALOG_KIND, DialogStep.CONCERNED, data, now
    )
    kind = CaseKind(str(state.data["kind"]))
    values = await _concerned_values(context, state)
    buttons = [
        [(f"buttons/concerned_{choice}", f"cp:c:{choice}")]
        for choice in CONCERNED
        if choice not in values or values[choice]
    ]
    await send(context, state.chat_id, f"{PREFIX[kind]}/ask_concerned", buttons, **values)


async def _concerned_values(context: AppContext, state: DialogState) -> dict[str, str]:
    """The department, doctor and nurse of the episode, as the concerned buttons name them."""
    contact = await _contact(context, int(str(state.data["contact_id"])))
    episode = await context.services.store.episodes.get(contact.episode_id)
    assert episode is not None
    return {
        "department": episode.department,
        "doctor": episode.attending_doctor or "",
        "nurse": episode.nurse or "",
    }


async def on_case_button(update: Update, context: AppContext) -> None:
    """Take the concerned person or the confirmation of a complaint or praise."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    state = await context.services.store.dialogs.get(update.effective_chat.id)
    parts = (query.data or "").split(":")
    expected = {"c": DialogStep.CONCERNED, "ok": DialogStep.CONFIRM, "no": DialogStep.CONFIRM}
    if (
        state is None
        or state.kind != DIALOG_KIND
        or len(parts) < 2
        or (expected.get(parts[1]) != state.step)
        or (parts[1] == "c" and (len(parts) != 3 or parts[2] not in CONCERNED))
    ):
        await refuse_button(context, query)
        return
    await settle(query)
    if parts[1] == "c":
        await _confirm(context, state, parts[2])
    elif parts[1] == "ok":
        await _submit(context, state)
    else:
        await context.services.store.dialogs.clear(state.chat_id)
        await send(context, state.chat_id, "complain/cancelled")


async def _confirm(context: AppContext, state: DialogState, choice: str) -> None:
    # the case keeps the label in the hospital's language (staff read it); the patient
    # confirms it in their own
    locale = await chat_locale(context, state.chat_id)
    data = {**state.data, "concerned": await _concerned_label(context, state, choice)}
    now = context.services.clock.now()
    await context.services.store.dialogs.save(
        state.chat_id, DIALOG_KIND, DialogStep.CONFIRM, data, now
    )
    kind = CaseKind(str(state.data["kind"]))
    await send_in(
        context,
        locale,
        state.chat_id,
        f"{PREFIX[kind]}/confirm",
        [[("buttons/submit", "cp:ok"), ("buttons/cancel", "cp:no")]],
        text=str(state.data["text"]),
        concerned=await _concerned_label(context, state, choice, locale),
    )


async def _concerned_label(
    context: AppContext, state: DialogState, choice: str, locale: str | None = None
) -> str:
    values = await _concerned_values(context, state)
    return context.services.renderer.render(
        f"buttons/concerned_{choice}", locale or context.services.locale, **values
    )


async def _submit(context: AppContext, state: DialogState) -> None:
    services = context.services
    kind = CaseKind(str(state.data["kind"]))
    contact_id = int(str(state.data["contact_id"]))
    contact = await _contact(context, contact_id)
    case = await open_patient_case(
        services,
        contact,
        kind,
        str(state.data["text"]),
        str(state.data.get("concerned") or ""),
        str(state.data["photo"]) if state.data.get("photo") else None,
    )
    await services.store.dialogs.clear(state.chat_id)
    await send(
        context,
        state.chat_id,
        f"{PREFIX[kind]}/submitted",
        number=case.id,
        due=local_text(services.settings.zone, case.due_at)[:10],
    )


async def _contact(context: AppContext, contact_id: int) -> Contact:
    contact = await context.services.store.contacts.get(contact_id)
    assert contact is not None
    return contact
