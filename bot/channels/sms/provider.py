"""One interface to the SMS providers: send a template with its variables to a number.

Every provider answers with its own id for the text (for receipts), or raises a neutral
`SendFault`: RETRY (limits, the network, the provider's trouble), UNREACHABLE (the number
is wrong, gone or unsubscribed) or FAILED (the template, signature or settings are wrong).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from bot.channels.http import ApiSession, NoAnswer, Reply
from bot.domain.channel_messages import FaultKind, SendFault

TIMEOUT = 15.0  # seconds for one request to the provider


@dataclass(frozen=True)
class SmsRequest:
    """A text to send: the number (11 digits), the template code, its variables in the
    template's order, our own id for it (echoed back in receipts where supported), and its
    words (for a gateway without templates; never recorded)."""

    phone: str
    template: str
    params: dict[str, str]
    out_id: str = ""
    text: str = ""


class SmsProvider(Protocol):
    """A provider's SendSms over one HTTP session."""

    async def send(self, request: SmsRequest) -> str:
        """Send one text; return the provider's id for it, or raise SendFault."""
        ...

    async def aclose(self) -> None:
        """Close the HTTP session."""
        ...


def new_session() -> ApiSession:
    """Return a session for a provider's calls, with the provider timeout."""
    return ApiSession(read_timeout=TIMEOUT)


async def post(
    session: ApiSession,
    url: str,
    data: bytes | Mapping[str, str],
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """POST, turning a timeout or a lost connection into a RETRY fault."""
    try:
        return await session.request("POST", url, data=data, headers=headers)
    except NoAnswer as error:
        if error.timed_out:
            raise SendFault(FaultKind.RETRY, "sms_timeout") from None
        raise SendFault(FaultKind.RETRY, "sms_network", detail=error.error) from None


def server_fault(response: Reply) -> SendFault | None:
    """Return a RETRY fault for a 5xx answer or a 429, else None."""
    if response.status_code >= 500 or response.status_code == 429:
        return SendFault(FaultKind.RETRY, f"sms_http_{response.status_code}")
    return None
