"""SMS sends take turns of their own, not Telegram's: at FOLLOWUP_RATE with no per-chat
spacing (Telegram's one a second per chat is not the provider's rule), so a burst of texts
neither waits behind Telegram's sends nor holds them up."""

from __future__ import annotations

from bot.demo.harness import BotHarness
from bot.dispatch.send_path import ChannelSender
from bot.domain.channel_messages import ChannelName
from tests.sms_patients import sms_patient, texts


async def test_sms_rows_are_paced_by_their_own_pacer_not_telegrams(harness: BotHarness) -> None:
    fake, _ = await sms_patient(harness)
    assert texts(fake)  # the day-3 check-in's notice went through the dispatcher
    dispatcher = harness.services.dispatcher
    own, telegram = dispatcher.pacers[ChannelName.SMS], dispatcher.pacer
    assert own is not telegram
    assert own.rate == harness.settings.rate
    assert own.windows.limits.private is None and own.windows.limits.group is None
    sender = harness.services.sender
    assert isinstance(sender, ChannelSender)
    assert sender.pacers[ChannelName.SMS] is own  # replies take the same turns
