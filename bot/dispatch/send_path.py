"""The one send path: every message to a patient or to staff goes through a channel here."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.services.ports import Address, Channel, ChannelName, Outgoing, SendFault, Sent

log = logging.getLogger(__name__)


class ChannelSender:
    """Sends neutral messages through the channel of their address."""

    def __init__(self, channels: Mapping[ChannelName, Channel]) -> None:
        self.channels = dict(channels)

    async def send(self, address: Address, message: Outgoing) -> Sent | None:
        """Send a message now; None (and a log line without content) when it was refused."""
        channel = self.channels[address.channel]
        try:
            return await channel.transmit(address, message)
        except SendFault as fault:
            log.warning("%s message not sent: %s", address.channel, fault.reason)
            return None
