"""How a case reads to people: moments in the hospital's time, who raised it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.cases import Case
from bot.domain.enrolment import Respondent
from bot.templating import Renderer


def local_text(zone: ZoneInfo, moment: datetime | None) -> str:
    """Format a moment in the hospital's time zone, or "" for none."""
    if moment is None:
        return ""
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


def who_raised(renderer: Renderer, locale: str, case: Case) -> str:
    """Say in words who raised the case: the patient, or a relative (and which)."""
    return who_speaks(renderer, locale, case.respondent, case.relation)


def who_speaks(
    renderer: Renderer, locale: str, respondent: str | None, relation: str | None
) -> str:
    """Say in words who is writing: the patient, or a relative (and which)."""
    family = respondent == Respondent.FAMILY
    return renderer.render(
        "staff/who_raised",
        locale,
        respondent=Respondent.FAMILY.value if family else Respondent.PATIENT.value,
        relation=(relation or "") if family else "",
    )
