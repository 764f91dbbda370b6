"""Statistics maths: rates, shares, NPS, ranking. Pure: the figures come from storage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.domain.step_answers import StepAnswer
from bot.domain.surveys.nps import nps_of_counts

SATISFACTION_LEVELS = ("satisfied", "basically", "unsatisfied")


def rate(part: int, whole: int) -> float | None:
    """Return part/whole as a percentage with one decimal, or None when whole is 0."""
    return None if whole == 0 else round(100 * part / whole, 1)


def shares(
    counts: Mapping[str, int], levels: Iterable[str] = SATISFACTION_LEVELS
) -> dict[str, float | None]:
    """Return each level's percentage of all answers."""
    total = sum(counts.get(level, 0) for level in levels)
    return {level: rate(counts.get(level, 0), total) for level in levels}


def median(values: Iterable[float]) -> float | None:
    """Return the median, or None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass
class Satisfaction:
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Return how many answered."""
        return sum(self.counts.values())

    @property
    def shares(self) -> dict[str, float | None]:
        """Return the share of each level."""
        return shares(self.counts)


@dataclass
class StepReplies:
    plan: str  # the plan's key ("" for steps sent before plans were recorded with them)
    step: str
    sent: int
    answered: int

    @property
    def reply_rate(self) -> float | None:
        """Return answered/sent in %."""
        return rate(self.answered, self.sent)


@dataclass
class DepartmentFigures:
    """One department's figures for the table, the ranking and the chart."""

    name: str
    discharged: int = 0
    followed_up: int = 0
    reached: int = 0
    satisfied: int = 0  # overall "satisfied" answers
    answers: int = 0  # overall satisfaction answers
    complaints: int = 0
    complaints_on_time: int = 0
    rank: int | None = None  # None: too few answers to be ranked

    @property
    def success_rate(self) -> float | None:
        """Return reached / followed up, in %."""
        return rate(self.reached, self.followed_up)

    @property
    def satisfied_share(self) -> float | None:
        """Return satisfied / answers, in %."""
        return rate(self.satisfied, self.answers)

    @property
    def on_time_rate(self) -> float | None:
        """Return complaints answered on time / complaints received, in %."""
        return rate(self.complaints_on_time, self.complaints)


@dataclass
class ChannelFigures:
    """The stays followed up and reached on one channel (a stay may count on two)."""

    channel: str  # a ChannelName value, named for people by labels/channel
    followed_up: int = 0  # stays sent a check-in on this channel
    reached: int = 0  # stays that answered a check-in on this channel

    @property
    def success_rate(self) -> float | None:
        """Return reached / followed up, in %."""
        return rate(self.reached, self.followed_up)


@dataclass
class Stats:
    discharged: int = 0
    eligible: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    enrolled: int = 0
    followed_up: int = 0
    reached: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    missed: int = 0
    superseded: int = 0  # caught up late, a later step went instead: neither failed nor unanswered
    satisfaction: dict[str, Satisfaction] = field(default_factory=dict)
    nps_counts: dict[int, int] = field(default_factory=dict)  # score (0-10) -> answers
    complaints: int = 0
    complaints_on_time: int = 0
    complaints_answered: int = 0
    complaints_overdue: int = 0
    praise: int = 0
    red_flags: int = 0
    red_flag_ack_minutes: list[float] = field(default_factory=list)
    red_flags_late: int = 0  # acknowledged after FOLLOWUP_RED_FLAG_ACK_MINUTES, or never
    medication: dict[str, int] = field(default_factory=dict)
    reexam: dict[str, int] = field(default_factory=dict)
    steps: list[StepReplies] = field(default_factory=list)
    departments: list[DepartmentFigures] = field(default_factory=list)
    channels: list[ChannelFigures] = field(default_factory=list)  # telegram, wechat, sms first

    @property
    def success_rate(self) -> float | None:
        """Return reached / followed up, in %."""
        return rate(self.reached, self.followed_up)

    @property
    def follow_up_rate(self) -> float | None:
        """Return followed up / enrolled, in %."""
        return rate(self.followed_up, self.enrolled)

    @property
    def nps(self) -> float | None:
        """Return the net promoter score."""
        score = nps_of_counts(self.nps_counts)
        return None if score is None else round(score, 1)

    @property
    def nps_answers(self) -> int:
        """Return how many answered the 0-10 question."""
        return sum(self.nps_counts.values())

    @property
    def on_time_rate(self) -> float | None:
        """Return complaints answered on time / complaints received, in %."""
        return rate(self.complaints_on_time, self.complaints)

    @property
    def median_ack_minutes(self) -> float | None:
        """Return the median minutes from red flag to acknowledgement."""
        return median(self.red_flag_ack_minutes)

    @property
    def adherence(self) -> float | None:
        """Return medicines taken / reminders answered or due, in %."""
        due = sum(self.medication.values())
        return rate(self.medication.get(StepAnswer.TAKEN, 0), due)


def rank_departments(
    figures: Iterable[DepartmentFigures], min_answers: int
) -> list[DepartmentFigures]:
    """Rank departments with at least `min_answers` answers by their satisfied share, best
    first (equal shares share a rank); the others follow, unranked, by name."""
    listed = list(figures)
    enough = [d.answers > 0 and d.answers >= min_answers for d in listed]
    ranked = sorted(
        (d for d, ok in zip(listed, enough, strict=True) if ok),
        key=lambda d: (-(d.satisfied_share or 0.0), d.name),
    )
    previous: tuple[float | None, int] = (None, 0)
    for position, department in enumerate(ranked, start=1):
        share = department.satisfied_share
        department.rank = previous[1] if share == previous[0] else position
        previous = (share, department.rank)
    unranked = sorted(
        (d for d, ok in zip(listed, enough, strict=True) if not ok), key=lambda d: d.name
    )
    for department in unranked:
        department.rank = None
    return ranked + unranked
