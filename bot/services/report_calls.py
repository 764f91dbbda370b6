"""The monthly report's calls sheet: the follow-up rate over all discharges by channel and
department against the targets, the calls per staff member, red flag call backs, re-calls
and the quality sample, one figure a row (项目, 范围, 数值)."""

from __future__ import annotations

from typing import Any

from bot.domain.call_figures import CallFigures, Coverage
from bot.services.labels import LabelGroup, Labels

Row = tuple[str, str, Any]


def call_rows(figures: CallFigures, words: dict[str, str], labels: Labels) -> list[Row]:
    """Return the calls sheet's rows, named in the report's language."""
    coverage, targets = figures.coverage, figures.coverage.targets
    rows = _coverage(coverage.hospital, words["hospital"], targets.hospital_percent, words)
    rows += _coverage(coverage.special, words["special"], targets.special_percent, words)
    for department in coverage.departments:
        rows += _coverage(department, department.name, targets.department_percent, words)
    for member in figures.workload:
        rows += [(words["attempts"], member.name, member.attempts)]
        rows += [(words["reached_calls"], member.name, member.reached)]
        rows += [
            (f"{words['outcome']}:{labels.word(LabelGroup.CALL_OUTCOME, outcome)}", member.name, n)
            for outcome, n in sorted(member.outcomes.items())
        ]
    return rows + _others(figures, words)


def _coverage(c: Coverage, scope: str, target: float, words: dict[str, str]) -> list[Row]:
    met = words["no_stays"] if c.met is None else words["met" if c.met else "not_met"]
    return [
        (words["discharged"], scope, c.discharged),
        (words["reached"], scope, c.reached),
        (words["chat"], scope, c.chat),
        (words["sms_web"], scope, c.sms_web),
        (words["phone"], scope, c.phone),
        (words["rate"], scope, c.rate),
        (words["target"], scope, target),
        (words["judged"], scope, met),
    ]


def _others(figures: CallFigures, words: dict[str, str]) -> list[Row]:
    backs, again, sample = figures.call_backs, figures.re_calls, figures.sample
    scope = words["scope"]
    return [
        (words["called_back"], scope, len(backs.minutes)),
        (words["median_minutes"], scope, backs.median_minutes),
        (words["max_minutes"], scope, backs.max_minutes),
        (words["waiting"], scope, backs.waiting),
        (words["unreachable"], scope, again.unreachable),
        (words["called_again"], scope, again.called_again),
        (words["still_open"], scope, again.still_open),
        (words["sampled"], scope, sample.sampled),
        (words["passed"], scope, sample.passed),
        (words["needs_work"], scope, sample.needs_work),
    ]
