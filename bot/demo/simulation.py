"""Simulated people acting on the real bot, each act and every answer written to the transcript."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.demo.fake_telegram import Call
from bot.demo.harness import BotHarness
from bot.demo.patient_side import DemoError, PatientSide, TelegramSide, chat_of_call, newest_button
from bot.demo.phone_side import Phones
from bot.demo.transcript import Person, Transcript

__all__ = ["STAFF_GROUP_SECTION", "DemoError", "Simulation"]

TICK = timedelta(minutes=30)  # how often the dispatcher job runs in simulated time
# Nothing goes out between these times with the default send windows and quiet hours, so the
# simulated night passes in one step (what was due is swept and sent in the morning).
NIGHT_STARTS, NIGHT_ENDS = time(20, 30), time(7, 30)
THINKING = timedelta(seconds=20)  # how long a simulated person takes for each answer
STAFF_GROUP_SECTION = "staff_group"


class Simulation:
    """Plays people against the bot; every Bot API call is written to the transcript.

    Patients are on `side` (Telegram unless given); staff are always in the Telegram group."""

    def __init__(
        self,
        harness: BotHarness,
        transcript: Transcript,
        staff_group: int,
        side: PatientSide | None = None,
    ) -> None:
        self.harness, self.transcript, self.staff_group = harness, transcript, staff_group
        self.side: PatientSide = side or TelegramSide(harness)
        self.people: dict[int, Person] = {}
        self.phones: Phones | None = None  # the story's SMS patients, when SMS is on
        self._seen = 0

    @property
    def now(self) -> datetime:
        """Return the simulated time."""
        return self.harness.clock.now()

    def add(self, person: Person, heading: str, full: bool = False) -> None:
        """Give a person a chat and a section of the transcript."""
        self.people[person.chat_id] = person
        self.transcript.open(person.section, heading, full)

    async def enrol(self, person: Person, token: str) -> None:
        """The person opens their invite (scans its QR code)."""
        self.harness.clock.advance(THINKING)
        shown = await self.side.enrol(person, token, self.transcript.words["scanned"])
        self.transcript.add(person.section, self.now, person.speaker, self._bot(), shown)
        self._collect(person, person)

    async def say(self, person: Person, text: str) -> None:
        """The person types text (a command, an answer) in their chat with the bot."""
        await self._answer_notice(person)
        await self._type(person, text)

    async def _type(self, person: Person, text: str) -> None:
        self._note_input(person, text)
        await self.side.type(person, text)
        self._collect(person, person)

    async def press(self, person: Person, pattern: str) -> str:
        """The person presses the newest button (clicks the newest menu choice) in their
        chat whose id matches; return the id."""
        await self._answer_notice(person)
        label, data = await self.side.choice(person, pattern)
        self._note_input(person, f"[{label}]")
        await self.side.choose(person, data)
        self._collect(person, person)
        return data

    async def _answer_notice(self, person: Person) -> None:
        """Outside WeChat's window a notice came first: the person answers it, and what was
        held reaches them."""
        if self.side.owes_reply(person):
            await self._type(person, self.transcript.script["notice_reply"])

    def did(self, person: Person, listener: str, shown: str) -> None:
        """Write what a person did elsewhere than in a chat (on a page, by SMS)."""
        self.harness.clock.advance(THINKING)
        self.transcript.add(person.section, self.now, person.speaker, listener, shown)

    def saw(self, person: Person, speaker: str, text: str, buttons: str = "") -> None:
        """Write what a person was shown elsewhere than in a chat (a page)."""
        self.transcript.add(person.section, self.now, speaker, person.listener, text, buttons)

    def settle(self, person: Person) -> None:
        """Write what the bot did since the last look because of the person's act."""
        self._collect(person, person)

    def _bot(self) -> str:
        return self.transcript.words["bot"]

    async def staff_command(self, member: Person, text: str) -> None:
        """A staff member types a command in their own Telegram chat with the bot."""
        self._note_input(member, text)
        await self.harness.text(member.chat_id, text)
        self._collect(member, member)

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

    async def staff_tap(self, member: Person, pattern: str) -> str:
        """A staff member presses a button in their own chat with the bot; return its data."""
        label, data, _ = self.button(member.chat_id, pattern)
        self._note_input(member, f"[{label}]")
        await self.harness.press(member.chat_id, data, user_id=member.chat_id)
        self._collect(member, member)
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
        return newest_button(self.harness.telegram.calls, chat_id, pattern, self.transcript)

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
        texts = self.phones.collect() if self.phones is not None else []
        for shown in [*self.side.collect(), *texts]:
            person = self.people[shown.chat]
            speaker = shown.speaker or self._bot()
            self.transcript.add(
                person.section, self.now, speaker, person.listener, shown.text, shown.buttons
            )

    def _write(self, call: Call, about: Person | None, actor: Person | None) -> None:
        shown = self.transcript.describe(call)
        chat = (
            actor.chat_id if call.method == "answerCallbackQuery" and actor else chat_of_call(call)
        )
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
