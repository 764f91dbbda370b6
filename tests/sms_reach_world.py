"""Shared by the who-gets-what tests: an SMS line, a small cohort of every kind of patient,
and what the sweep should make of each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import product

from sqlalchemy import update

from bot.channels.text.channel import TextChannel
from bot.demo.harness import BotHarness
from bot.dispatch.send_path import ChannelSender
from bot.domain.channel_messages import ChannelName
from bot.domain.discharge.model import DischargeRecord, ExclusionReason
from bot.domain.enrolment import ConsentDecision
from bot.domain.reach import PreferredChannel
from bot.storage.contacts import NewContact
from bot.storage.schema import patients
from tests.harness import RecordFields, local, record
from tests.text_line import RecordingLine

GENERAL: RecordFields = {"department": "呼吸科", "discharged_at": local("2026-11-20")}
STATES = ("followed", "excluded", "deceased", "erased")
PRIOR = ("none", "telegram", "declined")
PREFERRED = (None, PreferredChannel.SMS, PreferredChannel.PHONE, PreferredChannel.WECHAT)


def with_sms_line(harness: BotHarness) -> RecordingLine:
    """Reach SMS contacts through the plain-text adapter over a recording line: what the
    SMS adapter would hand to its provider (registered as the SMS channel of this run)."""
    line = RecordingLine()
    services = harness.services
    channel = TextChannel(
        services.store, services.renderer, services.clock, line, services.settings.locale
    )
    services.dispatcher.channels[ChannelName.SMS] = channel
    assert isinstance(services.sender, ChannelSender)
    services.sender.channels[ChannelName.SMS] = channel
    return line


@dataclass(frozen=True)
class Patient:
    """One generated patient of the cohort and what is true of them."""

    number: str
    consent: bool
    phone: bool
    state: str
    preferred: PreferredChannel | None
    prior: str

    @property
    def reached_by_sms(self) -> bool:
        """Say whether the sweep must give this patient an SMS contact (the rule, by hand)."""
        return (
            self.consent
            and self.phone
            and self.state == "followed"
            and self.preferred is not PreferredChannel.PHONE
            and self.prior == "none"
        )

    def record(self) -> DischargeRecord:
        """The patient's discharge row."""
        exclusion = ExclusionReason.ARREARS if self.state == "excluded" else None
        phone = f"1390000{self.number[2:]:0>4}" if self.phone else None
        return record(
            self.number,
            consent=self.consent,
            phone=phone,
            exclusion=exclusion,
            preferred_channel=self.preferred,
            **GENERAL,
        )


def cohort() -> list[Patient]:
    """Every combination that matters, one patient each."""
    return [
        Patient(f"ZY{n:03d}", consent, phone, state, preferred, prior)
        for n, (consent, phone, state, preferred, prior) in enumerate(
            product((True, False), (True, False), STATES, PREFERRED, PRIOR)
        )
        if not (prior != "none" and (not consent or state != "followed"))  # enrolled: eligible
    ]


async def arrange(harness: BotHarness, people: list[Patient]) -> None:
    """Give each patient their prior chat contact and their death or erasure."""
    store, now = harness.services.store, harness.clock.now()
    for chat, person in enumerate(people, start=7000):
        episode = await store.episodes.latest_for(person.number)
        assert episode is not None
        if person.prior != "none":
            granted = person.prior == "telegram"
            decision = ConsentDecision.GRANTED if granted else ConsentDecision.DECLINED
            new = NewContact(episode.patient_id, episode.id, chat, chat, "patient", None, "zh_CN")
            await store.contacts.link(new, decision, now - timedelta(hours=1), via="test")
        if person.state in ("deceased", "erased"):
            column = patients.c.deceased_at if person.state == "deceased" else patients.c.erased_at
            async with store.engine.begin() as conn:
                whose = patients.c.id == episode.patient_id
                await conn.execute(update(patients).where(whose).values({column: now}))
