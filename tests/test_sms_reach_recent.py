"""Turning SMS on reaches the patients whose follow-up is still under way, not those
discharged more than a year ago (their plans have ended), and the newest first."""

from __future__ import annotations

from bot.demo.harness import BotHarness
from bot.domain.channel_messages import ChannelName
from bot.services.sms_reach import reach_by_sms
from tests.harness import local, record, seed

RECENT, YEAR_AGO, LONG_AGO = "ZY101", "ZY102", "ZY103"


async def test_only_stays_of_the_last_year_are_reached_newest_first(harness: BotHarness) -> None:
    await harness.with_sms()
    await seed(
        harness.settings,
        record(RECENT, department="呼吸科", discharged_at=local("2026-11-20"), phone="13900000101"),
        record(
            YEAR_AGO, department="呼吸科", discharged_at=local("2025-12-01"), phone="13900000102"
        ),
        record(
            LONG_AGO, department="呼吸科", discharged_at=local("2025-10-01"), phone="13900000103"
        ),
    )
    services = harness.services
    now = harness.clock.now()
    assert await reach_by_sms(services.store, services.scheduling, now, "zh_CN", limit=1) == 1
    assert await _reached(harness) == {RECENT}  # the newest first
    assert await reach_by_sms(services.store, services.scheduling, now, "zh_CN") == 1
    assert await _reached(harness) == {RECENT, YEAR_AGO}  # never the stay of 14 months ago


async def _reached(harness: BotHarness) -> set[str]:
    """Return the hospital numbers of the stays that have an SMS contact."""
    store = harness.services.store
    reached = set()
    for number in (RECENT, YEAR_AGO, LONG_AGO):
        episode = await store.episodes.latest_for(number)
        assert episode is not None
        contacts = await store.contacts.for_patient(episode.patient_id)
        if any(contact.channel == ChannelName.SMS for contact in contacts):
            reached.add(number)
    return reached
