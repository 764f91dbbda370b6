"""The patients of benchmarks.interactive_latency, played inside the fake Bot API's process.

Burst: every patient's press comes in one getUpdates answer. Steady: each patient presses an
answer 1-3 s (seeded) after the bot's question reaches the fake, through the whole check-in,
so presses come as people make them; `complaining` patients answer 不满意 about the doctors
(a complaint is opened and posted to the staff group) and skip the reason.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random
from typing import Any

from bot.demo.fake_telegram import BOT_ID
from bot.domain.choices import decode_survey
from bot.domain.surveys.model import SKIP_VALUE

# the answer each question gets: a patient doing well, with no questions (no red flag, no
# free text); any other question gets its first button
PREFERRED = {
    "good_time": "yes",
    "new_symptoms": "no",
    "doctor_question": "no",
    "recommend": "10",
    "anything_else": "no_thanks",
}
COMPLAINT = {"sat_doctors": "unsatisfied"}  # what a complaining patient answers instead


def press_update(chat: int, message_id: int, data: str, query: str) -> dict[str, Any]:
    """Bot API JSON of a button press (the fake gives it its update_id)."""
    message = {"message_id": message_id, "date": int(time.time()), "text": "…"}
    message |= {"chat": {"id": chat, "type": "private"}}
    message |= {"from": {"id": BOT_ID, "is_bot": True, "first_name": "Followup"}}
    user = {"id": chat, "is_bot": False, "first_name": f"User{chat}"}
    callback = {"id": query, "from": user, "chat_instance": str(chat)}
    return {"callback_query": callback | {"message": message, "data": data}}


def choose(data: list[str], complaining: bool) -> str | None:
    """Return the button a patient presses among a question's buttons, or None."""
    answers = [(d, decode_survey(d)) for d in data]
    offered = [(d, a) for d, a in answers if a is not None]
    if not offered:
        return None
    question = offered[0][1].question
    wanted = (COMPLAINT.get(question) if complaining else None) or PREFERRED.get(question)
    for value in (wanted, SKIP_VALUE):
        found = next((d for d, a in offered if a.value == value), None)
        if found is not None:
            return found
    return offered[0][0]


@dataclass
class SteadyPatients:
    """Patients who answer each question a short while after it arrives."""

    add_update: Callable[[dict[str, Any]], int]
    chats: set[int] = field(default_factory=set)
    complaining: set[int] = field(default_factory=set)
    think: tuple[float, float] = (1.0, 3.0)
    random: Random = field(default_factory=Random)
    presses: list[dict[str, Any]] = field(default_factory=list)

    def configure(self, body: dict[str, Any]) -> None:
        """Take the patients (chats, complaining chats, think time, seed); [] stops them."""
        self.chats, self.complaining = set(body["chats"]), set(body.get("complaining", []))
        self.think = (float(body["think"][0]), float(body["think"][1]))
        self.random = Random(int(body.get("seed", 0)))

    def heard(self, chat: int | None, message_id: int | None, data: list[str]) -> None:
        """A message reached a chat: its patient presses an answer after thinking."""
        if chat not in self.chats or message_id is None:
            return
        button = choose(data, chat in self.complaining)
        if button is None:
            return
        delay = self.random.uniform(*self.think)
        asyncio.get_running_loop().call_later(delay, self._press, chat, message_id, button)

    def _press(self, chat: int, message_id: int, button: str) -> None:
        if chat not in self.chats:
            return
        query = f"q{chat}_{len(self.presses)}"
        update_id = self.add_update(press_update(chat, message_id, button, query))
        self.presses.append({"chat": chat, "update_id": update_id, "query": query})
