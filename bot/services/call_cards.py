"""The worklist's messages to a nurse, as neutral messages any staff desk can show."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.calls import CallOutcome, CallReason
from bot.domain.channel_messages import Choice, Choices, Outgoing
from bot.domain.worklist.choices import CallAction, encode_call
from bot.domain.worklist.timing import Later
from bot.storage.call_attempts import CallAttempt
from bot.storage.call_tasks import CallTask
from bot.storage.records import Episode
from bot.templating import Renderer

OUTCOME_ROWS = (
    (CallOutcome.REACHED,),
    (CallOutcome.NO_ANSWER, CallOutcome.PHONE_OFF),
    (CallOutcome.OUT_OF_SERVICE, CallOutcome.UNREACHABLE),
    (CallOutcome.WRONG_NUMBER, CallOutcome.REFUSED),
    (CallOutcome.DECEASED, CallOutcome.CALL_LATER),
)
# The opening lines read to the patient (004 seed's 开始语), by why the call is made.
SCRIPTS = {
    CallReason.RED_FLAG: "calls/script_red_flag",
    CallReason.QUESTION: "calls/script_call_back",
    CallReason.STAFF_REPLY: "calls/script_call_back",
}
DEFAULT_SCRIPT = "calls/script_follow_up"


MAINLAND_MOBILE = re.compile(r"^1\d{10}$")


def dialable(phone: str | None) -> str:
    """Write a number so Telegram offers to dial it when tapped: a mainland mobile with its
    +86 (the clients link international numbers; a tel: link is not allowed in messages)."""
    if not phone:
        return ""
    return f"+86 {phone}" if MAINLAND_MOBILE.match(phone) else phone


class CallCards:
    """Builds the worklist's messages in one language."""

    def __init__(self, renderer: Renderer, locale: str, zone: ZoneInfo) -> None:
        self.renderer, self.locale, self.zone = renderer, locale, zone

    def _label(self, key: str) -> str:
        return self.renderer.render(key, self.locale)

    def _outcome(self, task_id: int, outcome: CallOutcome) -> Choice:
        label = self.renderer.label("call_outcome", outcome.value, self.locale)
        return Choice(encode_call(task_id, CallAction.OUTCOME, outcome.value), label)

    def card(
        self,
        task: CallTask,
        episode: Episode,
        attempts: list[CallAttempt],
        names: dict[int, str],
        hospital: str,
    ) -> Outgoing:
        """Show a claimed call: the patient, why, earlier tries, the script, the outcomes."""
        script = self.renderer.render(
            SCRIPTS.get(task.reason, DEFAULT_SCRIPT), self.locale, hospital=hospital,
            department=episode.department, name=episode.name,
        )  # fmt: skip
        text = self.renderer.render(
            "calls/card", self.locale,
            name=episode.name, phone=dialable(episode.phone), department=episode.department,
            discharged=self._date(episode.discharged_at), diagnosis=episode.diagnosis or "",
            reason=self.renderer.label("call_reason", task.reason.value, self.locale),
            attempts=[self._attempt(a, names) for a in attempts], script=script,
        )  # fmt: skip
        rows: list[tuple[Choice, ...]] = [
            tuple(self._outcome(task.id, outcome) for outcome in row) for row in OUTCOME_ROWS
        ]
        release = encode_call(task.id, CallAction.RELEASE)
        rows.append((Choice(release, self._label("buttons/call_release")),))
        return Outgoing(text, tuple(rows))

    def _date(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%Y-%m-%d")

    def _attempt(self, attempt: CallAttempt, names: dict[int, str]) -> dict[str, str]:
        when = attempt.started_at.astimezone(self.zone)
        outcome = attempt.outcome.value if attempt.outcome else ""
        return {
            "when": when.strftime("%m-%d %H:%M"),
            "who": names.get(attempt.staff_user, ""),
            "outcome": self.renderer.label("call_outcome", outcome, self.locale),
        }

    def when(self, task_id: int) -> Outgoing:
        """Ask when to call back."""
        row = tuple(
            Choice(
                encode_call(task_id, CallAction.LATER, later.value),
                self._label(f"buttons/call_{later.value}"),
            )
            for later in Later
        )
        return Outgoing(self._label("calls/when"), (row,))

    def next_choice(self) -> Choices:
        """Offer the next call."""
        return ((Choice(encode_call(0, CallAction.NEXT), self._label("buttons/call_next")),),)

    def recorded(self, outcome: CallOutcome, due_again: datetime | None, failed: bool) -> Outgoing:
        """Say the outcome is recorded, and when the patient is called again, if at all."""
        again = "" if due_again is None else self._moment(due_again)
        text = self.renderer.render(
            "calls/recorded", self.locale,
            outcome=self.renderer.label("call_outcome", outcome.value, self.locale),
            again=again, failed=failed, reached=outcome is CallOutcome.REACHED,
        )  # fmt: skip
        return Outgoing(text, self.next_choice())

    def _moment(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%m-%d %H:%M")

    def plain(self, key: str, **variables: object) -> Outgoing:
        """Say one thing (nothing due, released, a stale button), offering the next call."""
        return Outgoing(self.renderer.render(key, self.locale, **variables), self.next_choice())
