"""A plain-text line for tests: what the text channel would hand to an SMS gateway."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.channel_messages import Address


@dataclass
class RecordingLine:
    """Keeps every text delivered, per address, in order."""

    delivered: list[tuple[Address, str]] = field(default_factory=list)

    async def deliver(self, address: Address, text: str) -> str:
        """Record the text and return its position as the line's id for it."""
        self.delivered.append((address, text))
        return str(len(self.delivered))

    def texts_to(self, address: Address) -> list[str]:
        """Return the texts delivered to one address."""
        return [text for to, text in self.delivered if to == address]
