"""How many typed replies are understood: the table of real-looking replies in
tests/data/typed_replies.yaml read as the bot reads them (tests/test_typed_replies.py asserts
none is read wrong). Run: `python -m benchmarks.reply_understanding`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from bot.domain.surveys.loader import load_surveys
from bot.domain.surveys.model import SURVEY_LOCALES, Survey
from bot.domain.surveys.rescheduling import offered_options, typed_time
from bot.domain.understanding.lexicon import Lexicon, load_lexicon
from bot.domain.understanding.reading import Asked, read_reply
from bot.services.planning import templates_exist
from bot.templating import MESSAGES_DIR, Renderer

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tests" / "data" / "typed_replies.yaml"
HUMAN = "human"  # a person must read the reply
TIME_PREFIX = "at "  # "at 12-08 15:00": a typed call-back time, local


@dataclass(frozen=True)
class Row:
    survey: str
    question: str
    text: str
    expected: str  # an answer value, "at MM-DD HH:MM", or HUMAN
    part: str = "replies"  # "untuned": written after the lexicon, to test it on new words


@dataclass(frozen=True)
class Outcome:
    row: Row
    kind: str  # the question's type
    read: str | None  # as the bot read it ("at MM-DD HH:MM" for a typed time)

    @property
    def wrong(self) -> bool:
        return self.read is not None and self.read != self.row.expected

    @property
    def understood(self) -> bool:
        return self.read is not None and self.read == self.row.expected


def load_rows(path: Path = TABLE) -> tuple[datetime, list[Row]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    now = datetime.fromisoformat(data["now"]).replace(tzinfo=ZoneInfo(data["zone"]))
    rows = [
        Row(survey, question, str(text), str(expected), part)
        for part in ("replies", "added_later", "untuned")
        for survey, questions in data[part].items()
        for question, readings in questions.items()
        for expected, texts in readings.items()
        for text in texts
    ]
    return now, rows


def read_all(now: datetime, rows: list[Row]) -> list[Outcome]:
    """Read every row as the bot would, against the question as it would be shown at now."""
    renderer, lexicon = Renderer(), load_lexicon(MESSAGES_DIR / "understanding")
    surveys = load_surveys(MESSAGES_DIR / "surveys", templates_exist(renderer))
    return [_read(surveys[row.survey], row, now, renderer, lexicon) for row in rows]


def _read(survey: Survey, row: Row, now: datetime, renderer: Renderer, lexicon: Lexicon) -> Outcome:
    question = survey.question(row.question)
    assert question is not None, f"{row.survey} has no question {row.question}"
    zone = now.tzinfo
    assert isinstance(zone, ZoneInfo)
    offered = offered_options(question, now, zone)
    labels = {
        o.value: tuple(renderer.render(o.label, locale) for locale in SURVEY_LOCALES)
        for o in offered
    }
    read = read_reply(Asked(survey.key, question, offered, labels, now, zone), row.text, lexicon)
    moment = typed_time(read) if read is not None else None
    if moment is not None:
        read = f"{TIME_PREFIX}{moment.astimezone(zone):%m-%d %H:%M}"
    return Outcome(row, question.type.value, read)


def shares(outcomes: list[Outcome]) -> dict[str, tuple[int, int, int]]:
    """Return, per question type and overall: (understood, readable replies, read wrong)."""
    table: dict[str, Counter[str]] = {}
    for outcome in outcomes:
        for key in (outcome.kind, "overall"):
            counts = table.setdefault(key, Counter())
            counts["readable"] += outcome.row.expected != HUMAN
            counts["understood"] += outcome.understood
            counts["wrong"] += outcome.wrong
    return {k: (c["understood"], c["readable"], c["wrong"]) for k, c in table.items()}


def main() -> None:
    now, rows = load_rows()
    outcomes = read_all(now, rows)
    humans = sum(row.expected == HUMAN for row in rows)
    print(f"{len(rows)} typed replies ({humans} that a person must read), read at {now:%F %R}")
    print(f"{'question type':<15} {'understood':>10} {'readable':>9} {'share':>7} {'wrong':>6}")
    for kind, (understood, readable, wrong) in sorted(shares(outcomes).items()):
        share = understood / readable if readable else 0.0
        print(f"{kind:<15} {understood:>10} {readable:>9} {share:>7.1%} {wrong:>6}")
    untuned = [o for o in outcomes if o.row.part == "untuned"]
    understood, readable, wrong = shares(untuned).get("overall", (0, 0, 0))
    print(f"written after the lexicon (untuned): {understood}/{readable} understood, {wrong} wrong")
    for outcome in outcomes:
        if outcome.wrong:
            row = outcome.row
            print(f"WRONG {row.question} {row.text!r}: {outcome.read} (expected {row.expected})")


if __name__ == "__main__":
    main()
