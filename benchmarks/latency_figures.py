"""What benchmarks.interactive_latency reads from the fake Bot API, and the figures it prints.

A press's latency runs from the fake handing the update out to the bot (getUpdates) until
the bot's next sendMessage to that chat reaches the fake: the next question, or the
acknowledgement of a complaint the answer opened, or the thanks after the last question.
Its own handling runs from the bot answering the press's callback to that same message.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

LAST_QUESTION = "anything_else"  # the check-in's last question for the patients played
ROWS = (  # what the report prints: label, figure
    ("press -> answer sent", "latency"),
    ("press -> callback answered", "handler"),  # waiting for a turn, then the first reads
    ("callback answered -> answer sent", "own"),  # this press's own handling
)


@dataclass
class Seen:
    """What the fake saw: every stamp so far, the hand-out times, the steady presses."""

    client: httpx.AsyncClient
    stamps: list[dict[str, Any]] = field(default_factory=list)
    handed_out: dict[int, float] = field(default_factory=dict)
    presses: list[dict[str, Any]] = field(default_factory=list)
    last_to: dict[int, dict[str, Any]] = field(default_factory=dict)  # each chat's last message
    asked_last: dict[int, float] = field(default_factory=dict)  # when LAST_QUESTION was asked

    async def refresh(self) -> None:
        """Fetch what is new since the last refresh."""
        params = {"since": len(self.stamps), "presses": len(self.presses)}
        body = (await self.client.get("/bench", params=params)).json()
        self.stamps.extend(body["stamps"])
        self.presses.extend(body["presses"])
        self.handed_out = {int(k): v for k, v in body["handed_out"].items()}
        for stamp in body["stamps"]:
            if stamp["method"] != "sendMessage":
                continue
            self.last_to[stamp["chat"]] = stamp
            if any(f":{LAST_QUESTION}:" in d for d in stamp["data"]):
                self.asked_last[stamp["chat"]] = stamp["at"]

    def finished(self, chat: int) -> bool:
        """Say whether a chat was asked the last question and answered after it."""
        asked, last = self.asked_last.get(chat), self.last_to.get(chat)
        return asked is not None and last is not None and last["at"] > asked

    def questions(self, chats: set[int], question: str) -> dict[int, dict[str, Any]]:
        """Return, per chat, the first message carrying buttons of `question`."""
        found: dict[int, dict[str, Any]] = {}
        for stamp in self.stamps:
            if stamp["chat"] in chats and any(f":{question}:" in d for d in stamp["data"]):
                found.setdefault(stamp["chat"], stamp)
        return found


def figures(seen: Seen, presses: list[dict[str, Any]], patients: set[int]) -> dict[str, Any]:
    """Latency and its parts per press (in seconds), and the bulk rate meanwhile."""
    sends: dict[int, list[float]] = defaultdict(list)
    acks: dict[str, float] = {}
    for stamp in seen.stamps:
        if stamp["method"] == "sendMessage":
            sends[stamp["chat"]].append(stamp["at"])
        elif stamp["query"] is not None:
            acks[stamp["query"]] = stamp["at"]
    latency, handler, own, start, end = [], [], [], math.inf, 0.0
    for press in presses:
        received = seen.handed_out.get(press["update_id"])
        times = sends.get(press["chat"], [])
        if received is None:
            continue
        at = bisect.bisect_left(times, received)
        acked = acks.get(press["query"])
        if acked is not None:
            handler.append(acked - received)
        if at == len(times):
            continue
        latency.append(times[at] - received)
        own += [times[at] - acked] if acked is not None else []
        start, end = min(start, received), max(end, times[at])
    bulk = sum(
        len(t) - bisect.bisect_left(t, start) - (len(t) - bisect.bisect_right(t, end))
        for chat, t in sends.items()
        if chat not in patients and chat > 0
    )
    return {
        "latency": latency,
        "handler": handler,
        "own": own,
        "presses": len(presses),
        "unanswered": len(presses) - len(latency),
        "bulk_rate": bulk / (end - start) if end > start else 0.0,
        "seconds": end - start if end > start else 0.0,
    }


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of values (0 < share <= 1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def ms(values: list[float], share: float) -> float:
    """A percentile in milliseconds, rounded to 0.1 ms; NaN when there is none."""
    return round(1000 * percentile(values, share), 1) if values else math.nan


def print_figures(title: str, result: dict[str, Any]) -> None:
    """Print one mode's table."""
    print(title)
    print(f"{'ms':36}{'p50':>8}{'p90':>8}{'p99':>8}{'max':>8}{'count':>7}")
    for label, key in ROWS:
        values = result[key]
        cells = [ms(values, q) for q in (0.5, 0.9, 0.99, 1.0)]
        print(f"{label:36}" + "".join(f"{c:>8.1f}" for c in cells) + f"{len(values):>7}")
    print(
        f"presses {result['presses']}, unanswered {result['unanswered']}, over "
        f"{result['seconds']:.1f} s; bulk sent meanwhile: {result['bulk_rate']:.1f} msg/s"
    )
