"""Net promoter score of 0-10 answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from bot.domain.surveys.model import SCALE_MAX, SCALE_MIN


def nps_category(score: int) -> str:
    """Return promoter (9-10), passive (7-8) or detractor (0-6)."""
    if not SCALE_MIN <= score <= SCALE_MAX:
        raise ValueError(f"an NPS score is {SCALE_MIN} to {SCALE_MAX}, not {score}")
    if score >= 9:
        return "promoter"
    return "passive" if score >= 7 else "detractor"


def nps(scores: Iterable[int]) -> float | None:
    """Return the net promoter score (-100..100): % promoters minus % detractors; None if none."""
    return nps_of_counts(Counter(scores))


def nps_of_counts(counts: Mapping[int, int]) -> float | None:
    """Return the net promoter score of answers counted per score (0-10)."""
    total = sum(counts.values())
    if total == 0:
        return None
    categories: Counter[str] = Counter()
    for score, count in counts.items():
        categories[nps_category(score)] += count
    return 100 * (categories["promoter"] - categories["detractor"]) / total
