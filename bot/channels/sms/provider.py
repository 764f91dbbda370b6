"""One interface to the SMS providers: send a template with its variables to a number.

Every provider answers with its own id for the text (for receipts), or raises a neutral
`SendFault`: RETRY (limits, the network, the provider's trouble), UNREACHABLE (the number
is wrong, gone or unsubscribed) or FAILED (the template, signature or settings are wrong).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx

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
    """A provider's SendSms over one HTTP client."""

    async def send(self, request: SmsRequest) -> str:
        """Send one text; return the provider's id for it, or raise SendFault."""
        ...

    async def aclose(self) -> None:
        """Close the HTTP client."""
        ...


def new_client(client: httpx.AsyncClient | None) -> httpx.AsyncClient:
    """Return the given client, or a new one with the provider timeout."""
    return client if client is not None else httpx.AsyncClient(timeout=TIMEOUT)


async def post(client: httpx.AsyncClient, url: str, **kwargs: object) -> httpx.Response:
    """POST, turning a timeout or a lost connection into a RETRY fault."""
    try:
        return await client.post(url, **kwargs)  # type: ignore[arg-type]
    except httpx.TimeoutException:
        raise SendFault(FaultKind.RETRY, "sms_timeout") from None
    except httpx.TransportError as error:
        raise SendFault(FaultKind.RETRY, "sms_network", detail=type(error).__name__) from None


def server_fault(response: httpx.Response) -> SendFault | None:
    """Return a RETRY fault for a 5xx answer or a 429, else None."""
    if response.status_code >= 500 or response.status_code == 429:
        return SendFault(FaultKind.RETRY, f"sms_http_{response.status_code}")
    return None
