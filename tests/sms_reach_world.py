"""Shared by the who-gets-what tests: the real SMS channel against the fake provider, what
reached each number, a small cohort of every kind of patient, and what the sweep should make
of each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus
from itertools import product

from sqlalchemy import update

from bot.demo.fake_sms import FakeSend, FakeSms
from bot.demo.harness import BotHarness
from bot.domain.channel_messages import Address
from bot.domain.discharge.model import DischargeRecord, ExclusionReason
from bot.domain.enrolment import ConsentDecision
from bot.domain.reach import PreferredChannel
from bot.storage.contacts import NewContact
from bot.storage.schema import patients
from bot.storage.web_pages import FeedEntry
from tests.harness import RecordFields, local, record

GENERAL: RecordFields = {"department": "呼吸科", "discharged_at": local("2026-11-20")}
STATES = ("followed", "excluded", "deceased", "erased")
PRIOR = ("none", "telegram", "declined")
PREFERRED = (None, PreferredChannel.SMS, PreferredChannel.PHONE, PreferredChannel.WECHAT)
FEED_ALL = 10_000  # more than any test's page holds


@dataclass
class SmsReached:
    """What reached SMS patients on the real SMS channel: their page feed (every message)
    and the notice texts the fake provider took (each telling them a message waits)."""

    harness: BotHarness
    fake: FakeSms

    async def shown_to(self, address: Address) -> list[FeedEntry]:
        """Return the messages on the number's page, oldest first (none if never reached)."""
        store = self.harness.services.store
        chat = await store.channel_chats.find(address)
        if chat is None:
            return []
        return await store.web_pages.latest(chat, FEED_ALL)

    def notices_to(self, address: Address) -> list[FakeSend]:
        """Return the notice texts sent to the number, oldest first."""
        return self.fake.state.sent_to(address.chat)

    async def count(self, address: Address) -> int:
        """Return how much reached the number: messages on its page plus notice texts."""
        return len(await self.shown_to(address)) + len(self.notices_to(address))

    async def reply(self, address: Address, text: str) -> None:
        """The person texts back (through the provider's reply callback)."""
        assert await self.fake.user_replies(address.chat, text) == HTTPStatus.OK


async def with_sms(harness: BotHarness) -> SmsReached:
    """Restart the running bot with the SMS channel and its pages, against the fake provider."""
    return SmsReached(harness, await harness.with_sms())


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
