"""The office's figures against the seeds' targets, and the phone calls' figures. Pure: the
counts come from storage."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.calls import CallOutcome
from bot.domain.stats import median, rate

PER_MILLE = 1000  # targets compared in whole per-mille, free of float rounding


def target_met(reached: int, discharged: int, target: float) -> bool | None:
    """Say whether reached/discharged is at least the target (a 0-1 share); None: no stays."""
    if discharged == 0:
        return None
    return reached * PER_MILLE >= round(target * PER_MILLE) * discharged


@dataclass
class Coverage:
    """Discharged stays of a period and how many were reached, overall and per channel group
    (a stay counts once overall, and once under each group that reached it)."""

    name: str = ""  # a department's name; "" for the whole hospital or the special groups
    discharged: int = 0
    reached: int = 0
    chat: int = 0  # Telegram, WeChat (and plain text)
    sms_web: int = 0  # SMS, answered on the mobile pages
    phone: int = 0  # a call that reached the patient
    met: bool | None = None  # against its target, once judged

    @property
    def rate(self) -> float | None:
        """Return reached / discharged, in %."""
        return rate(self.reached, self.discharged)

    def judge(self, target: float) -> Coverage:
        """Mark whether the target (a 0-1 share) is met; return self."""
        self.met = target_met(self.reached, self.discharged, target)
        return self


def total_coverage(listed: list[Coverage]) -> Coverage:
    """Add departments' figures up (a stay belongs to one department: no stay twice)."""
    return Coverage(
        "",
        sum(c.discharged for c in listed),
        sum(c.reached for c in listed),
        sum(c.chat for c in listed),
        sum(c.sms_web for c in listed),
        sum(c.phone for c in listed),
    )


@dataclass(frozen=True)
class Targets:
    """The seeds' targets as 0-1 shares: office, each department, the special groups."""

    hospital: float
    department: float
    special: float

    def percent(self, share: float) -> float:
        """Return a share as a percentage with one decimal."""
        return round(share * 100, 1)

    @property
    def hospital_percent(self) -> float:
        """Return the office's target in %."""
        return self.percent(self.hospital)

    @property
    def department_percent(self) -> float:
        """Return a department's target in %."""
        return self.percent(self.department)

    @property
    def special_percent(self) -> float:
        """Return the special groups' target in %."""
        return self.percent(self.special)


@dataclass
class CoverageFigures:
    """The follow-up rate over all discharges, whole hospital, per department, special groups."""

    targets: Targets
    hospital: Coverage = field(default_factory=Coverage)
    departments: list[Coverage] = field(default_factory=list)
    special: Coverage = field(default_factory=Coverage)

    def judged(self) -> CoverageFigures:
        """Mark every figure met or not against its target; return self."""
        self.hospital.judge(self.targets.hospital)
        self.special.judge(self.targets.special)
        for department in self.departments:
            department.judge(self.targets.department)
        return self


@dataclass
class Workload:
    """One staff member's calls in the period (工作量统计)."""

    name: str
    outcomes: dict[str, int] = field(default_factory=dict)  # CallOutcome value -> attempts

    @property
    def attempts(self) -> int:
        """Return every finished attempt."""
        return sum(self.outcomes.values())

    @property
    def reached(self) -> int:
        """Return the attempts that reached the patient."""
        return self.outcomes.get(CallOutcome.REACHED, 0)


@dataclass
class CallBacks:
    """Red flags' call backs: minutes from the red flag to the first call, and those waiting."""

    minutes: list[float] = field(default_factory=list)
    waiting: int = 0

    @property
    def median_minutes(self) -> float | None:
        """Return the median minutes to the first call."""
        found = median(self.minutes)
        return None if found is None else round(found, 1)

    @property
    def max_minutes(self) -> float | None:
        """Return the longest minutes to the first call."""
        return round(max(self.minutes), 1) if self.minutes else None


@dataclass
class ReCalls:
    """Calls that found no one (no answer, off, out of service, unreachable) in the period."""

    unreachable: int = 0  # tasks with such an attempt
    called_again: int = 0  # of them, called again after it before the period's end
    still_open: int = 0  # of them, still waiting for a call


@dataclass
class SampleCounts:
    """The quality sample of the period (每周对回访录音进行抽查)."""

    sampled: int = 0
    passed: int = 0
    needs_work: int = 0


@dataclass
class CallFigures:
    """Every call figure of a period for a scope."""

    coverage: CoverageFigures
    workload: list[Workload] = field(default_factory=list)
    call_backs: CallBacks = field(default_factory=CallBacks)
    re_calls: ReCalls = field(default_factory=ReCalls)
    sample: SampleCounts = field(default_factory=SampleCounts)
