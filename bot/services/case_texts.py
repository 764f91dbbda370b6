"""How a case reads to people: moments in the hospital's time, who raised it, and how."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.cases import Case
from bot.domain.channel_messages import ChannelName
from bot.domain.enrolment import Respondent
from bot.storage.unit_of_work import Repositories
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


async def relayed_by(store: Repositories, case: Case) -> str:
    """Name the nurse who entered a case raised on a phone call, or "" if it came otherwise."""
    contact = None if case.contact_id is None else await store.contacts.get(case.contact_id)
    if contact is None or contact.channel != ChannelName.PHONE:
        return ""
    nurse = await store.phone_calls.nurse_of_contact(contact.id)
    member = None if nurse is None else await store.staff.get(nurse)
    if member is None:
        return str(nurse or "")
    return member.name or str(member.user_id)


async def phone_line(store: Repositories, renderer: Renderer, locale: str, case: Case) -> str:
    """Return the line that says a case came on a phone call and who entered it, or ""."""
    nurse = await relayed_by(store, case)
    return renderer.render("phone/by_phone_line", locale, nurse=nurse) if nurse else ""
