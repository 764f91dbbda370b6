"""Patients on SMS, end to end: the bot with SMS and the pages against the fake provider,
the day-3 check-in sent, and the links the texts carry opened as a phone would."""

from __future__ import annotations

from bot.demo.fake_sms import FakeSend, FakeSms
from bot.demo.harness import BotHarness
from bot.domain.conversation_window import NoticeKind
from bot.domain.roles import Role
from bot.domain.sms import SmsProviderName
from bot.storage.records import Contact
from tests.harness import local, record, seed
from tests.test_complaints import GROUP, STAFF
from tests.test_survey_flow import GENERAL
from tests.web_patients import PHONE, sms_contact

KINDS = list(NoticeKind)


def template_of(kind: NoticeKind) -> str:
    """Return the template code the fake's settings give a kind (check_in=SMS_1, …)."""
    return f"SMS_{KINDS.index(kind) + 1}"


def code_of(send: FakeSend) -> str:
    """Return the link's code a text carries (its one variable)."""
    [code] = send.params.values()
    return code


def texts(fake: FakeSms) -> list[FakeSend]:
    """Return the texts the fake sent to the patient's number."""
    return fake.state.sent_to(PHONE.chat)


def page_of(harness: BotHarness, send: FakeSend) -> str:
    """Return the page a text links to: the replies page for a staff reply's."""
    assert harness.app is not None and harness.app.bot_data.web is not None
    page = "r" if send.template == template_of(NoticeKind.STAFF_REPLY) else "m"
    return f"{harness.app.bot_data.web.links.base_url}/{page}/{code_of(send)}"


async def sms_patient(
    harness: BotHarness,
    provider: SmsProviderName = SmsProviderName.ALIYUN,
    **settings: object,
) -> tuple[FakeSms, Contact]:
    """Start the bot with SMS and a staff group, link the consenting patient's phone, and
    reach the day-3 check-in (10:00, sent by the tick)."""
    update = {"staff_chat_id": GROUP, **settings}
    harness.settings = harness.settings.model_copy(update=update)
    fake = await harness.with_sms(provider)
    await seed(harness.settings, record(**GENERAL))
    contact = await sms_contact(harness)
    now = harness.clock.now()
    await harness.services.store.staff.upsert(STAFF, Role.STAFF, None, "刘护士长", now)
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    return fake, contact
