"""Turn an outbox row into message text and answer buttons."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.storage.outbox_records import OutboxRow
from bot.templating import Renderer

# kind -> rows of (label template, callback action); the row id is added to the data
ANSWER_BUTTONS: dict[str, list[list[tuple[str, str]]]] = {
    "checkin": [
        [
            ("buttons/checkin_good", "ci:good"),
            ("buttons/checkin_same", "ci:same"),
            ("buttons/checkin_worse", "ci:worse"),
        ]
    ],
    "medication": [
        [
            ("buttons/med_taken", "md:taken"),
            ("buttons/med_snooze", "md:snooze"),
            ("buttons/med_skip", "md:skip"),
        ]
    ],
    "reexam_reminder": [
        [("buttons/reexam_confirm", "rx:confirm")],
        [("buttons/reexam_other", "rx:other"), ("buttons/reexam_done", "rx:done")],
    ],
    "keep_asking": [[("buttons/keep_yes", "ka:yes"), ("buttons/keep_no", "ka:no")]],
}


def compose_text(renderer: Renderer, row: OutboxRow, hospital: str) -> str:
    """Render the row's template with the patient's context and the row's payload."""
    variables: dict[str, object] = {
        "hospital": hospital,
        "department": row.department,
        "patient_name": row.patient_name,
        **row.payload,
    }
    return renderer.render(row.template, row.locale, **variables)


def compose_buttons(renderer: Renderer, row: OutboxRow) -> InlineKeyboardMarkup | None:
    """Return the answer buttons for the row's kind, or None."""
    layout = ANSWER_BUTTONS.get(row.kind)
    if layout is None:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    renderer.render(label, row.locale), callback_data=f"{action}:{row.id}"
                )
                for label, action in line
            ]
            for line in layout
        ]
    )
