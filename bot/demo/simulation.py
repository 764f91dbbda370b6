"""Simulated people acting on the real bot, each act and every answer written to the transcript."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from bot.demo.fake_telegram import Call, keyboard
from bot.demo.harness import BotHarness
from bot.demo.transcript import Person, Transcript

TICK = timedelta(minutes=30)  # how often the dispatcher job runs in simulated time
# Nothing goes out between these times with the default send windows and quiet hours, so the
# simulated night passes in one step (what was due is swept and sent in the morning).
NIGHT_STARTS, NIGHT_ENDS = time(20, 30), time(7, 30)
THINKING = timedelta(seconds=20)  # how long a simulated person takes for each answer
STAFF_GROUP_SECTION = "staff_group"
SHOWN_TOKEN = 6  # characters of an invite token shown in the transcript


class DemoError(Exception):
    """The story expected something the bot did not show (a button, a question)."""


class Simulation:
    """Plays people against the bot; every Bot API call is written to the transcript."""

    def __init__(self, harness: BotHarness, transcript: Transcript, staff_group: int) -> None:
        self.harness, self.transcript, self.staff_group = harness, transcript, staff_group
        self.people: dict[int, Person] = {}
        self._seen = 0

    @property
    def now(self) -> datetime:
        """Return the simulated time."""
        return self.harness.clock.now()

    def add(self, person: Person, heading: str, full: bool = False) -> None:
        """Give a person a chat and a section of the transcript."""
        self.people[person.chat_id] = person
        self.transcript.open(person.section, heading, full)

    async def say(self, person: Person, text: str) -> None:
        """The person types text (a command, an answer) in their chat with the bot."""
        shown = text
        if text.startswith("/start ") and len(text) > len("/start ") + SHOWN_TOKEN:
            shown = f"{self.transcript.words['scanned']} {text[: len('/start ') + SHOWN_TOKEN]}…"
        self._note_input(person, shown)
        await self.harness.text(person.chat_id, text)
        self._collect(person, person)

    async def press(self, person: Person, pattern: str) -> str:
        """The person presses the newest button in their chat whose data matches; return it."""
        label, data, _thread = self.button(person.chat_id, pattern)
        self._note_input(person, f"[{label}]")
        await self.harness.press(person.chat_id, data)
        self._collect(person, person)
        return data

    async def staff_say(self, member: Person, about: Person, text: str, thread: int | None) -> None:
        """A staff member writes in the staff group (in a case's topic when thread is given)."""
        self._note_input(member, text, about, thread)
        await self.harness.text(self.staff_group, text, user_id=member.chat_id, thread_id=thread)
        self._collect(about, member)

    async def staff_press(self, member: Person, about: Person, pattern: str) -> str:
        """A staff member presses a button in the staff group; return its data."""
        label, data, thread = self.button(self.staff_group, pattern)
        self._note_input(member, f"[{label}]", about, thread)
        await self.harness.press(self.staff_group, data, user_id=member.chat_id)
        self._collect(about, member)
        return data

    async def run_until(self, moment: datetime) -> None:
        """Let time pass, running the dispatcher job every TICK as the bot would."""
        while self.now < moment:
            self.harness.clock.advance(min(self._next_tick(), moment) - self.now)
            await self.harness.tick()
            self._collect(None, None)

    def _next_tick(self) -> datetime:
        """Return the next whole TICK of the local clock, or the next morning at night."""
        zone = self.harness.settings.zone
        local = self.now.astimezone(zone)
        midnight = datetime.combine(local.date(), time(0), tzinfo=zone)
        step = midnight + TICK * ((local - midnight) // TICK + 1)
        if NIGHT_ENDS <= step.time() < NIGHT_STARTS:
            return step
        morning = step.date() if step.time() < NIGHT_ENDS else step.date() + timedelta(days=1)
        return datetime.combine(morning, NIGHT_ENDS, tzinfo=zone)

    def button(self, chat_id: int, pattern: str) -> tuple[str, str, int | None]:
        """Return the label, data and topic of the newest button in a chat matching pattern."""
        wanted = re.compile(pattern)
        for call in reversed(self.harness.telegram.calls):
            if _chat_of(call) != chat_id:
                continue
            for label, data in keyboard(call.params.get("reply_markup")):
                if wanted.search(data):
                    return label, data, self.transcript.topic_of(call)
        raise DemoError(f"no button matching {pattern!r} in chat {chat_id}")

    def note(self, person: Person, text: str) -> None:
        """Write a line of the story's own into a person's section."""
        self.transcript.add(person.section, self.now, None, "", text)

    def _note_input(
        self, person: Person, shown: str, about: Person | None = None, topic: int | None = None
    ) -> None:
        self.harness.clock.advance(THINKING)
        transcript = self.transcript
        listener = transcript.where(topic) if about is not None else transcript.words["bot"]
        section = (about or person).section
        transcript.add(section, self.now, person.speaker, listener, shown)

    def _collect(self, about: Person | None, actor: Person | None) -> None:
        """Write the calls made since the last look; staff-group ones go to `about`'s section.

        A pop-up answer to a button goes to the person who pressed it (the actor).
        """
        calls = self.harness.telegram.calls[self._seen :]
        self._seen += len(calls)
        for call in calls:
            self._write(call, about, actor)

    def _write(self, call: Call, about: Person | None, actor: Person | None) -> None:
        shown = self.transcript.describe(call)
        chat = actor.chat_id if call.method == "answerCallbackQuery" and actor else _chat_of(call)
        if shown is None or chat is None:
            return
        text, buttons = shown
        bot = self.transcript.words["bot"]
        if call.method == "answerCallbackQuery" and actor is not None:
            section, listener = (about or actor).section, actor.listener
        elif chat == self.staff_group:
            section = about.section if about is not None else STAFF_GROUP_SECTION
            listener = self.transcript.where(self.transcript.topic_of(call))
        elif chat in self.people:
            section, listener = self.people[chat].section, self.people[chat].listener
        else:
            return
        self.transcript.add(section, self.now, bot, listener, text, buttons)


def _chat_of(call: Call) -> int | None:
    chat = call.params.get("chat_id")
    return int(chat) if chat is not None else None
