"""A generic HTTP gateway, for hospitals whose SMS goes through their own or a local one.

Sending: POST {FOLLOWUP_SMS_API_BASE}/send with "Authorization: Bearer <FOLLOWUP_SMS_KEY_SECRET>"
and the JSON {"to": "13800000000", "template": "<code>", "params": {"code": "..."},
"text": "<the words, when the gateway has no templates>", "out_id": "<our id>"}; a 2xx
answer is {"id": "<the gateway's id for the text>"}. Refusals are HTTP statuses: 429 and
5xx are tried again later (a Retry-After in seconds is honoured), 404 and 410 mean the
number cannot be reached, any other 4xx means the text cannot go as it is.

Callbacks the gateway posts (JSON): a reply {"from": "13800000000", "text": "TD"} to
.../reply, and a receipt {"id": "<its id>", "status": "delivered"|"failed", "detail": ".."}
to .../receipt; each is answered {"ok": true}.
"""

from __future__ import annotations

import json

from bot.channels.http import Reply
from bot.channels.sms.provider import SmsRequest, new_session, post, server_fault
from bot.domain.channel_messages import FaultKind, SendFault
from bot.settings_sms import SmsAccount

GONE = {404, 410}
JSON = {"Content-Type": "application/json"}


class GenericSms:
    """The gateway's /send (FOLLOWUP_SMS_API_BASE)."""

    def __init__(self, account: SmsAccount) -> None:
        self.account = account
        self.client = new_session()

    async def send(self, request: SmsRequest) -> str:
        """Send one text; return the gateway's id for it."""
        body = {
            "to": request.phone,
            "template": request.template,
            "params": request.params,
            "text": request.text,
            "out_id": request.out_id,
        }
        headers = {"Authorization": f"Bearer {self.account.key_secret}", **JSON}
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        response = await post(self.client, self.account.api_base + "/send", content, headers)
        if response.is_success:
            return _id(response)
        raise _fault(response)

    async def aclose(self) -> None:
        """Close the HTTP session."""
        await self.client.close()


def _id(response: Reply) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not body.get("id"):
        raise SendFault(FaultKind.FAILED, "generic:no_id", detail="the answer has no id")
    return str(body["id"])


def _fault(response: Reply) -> SendFault:
    status = response.status_code
    detail = response.text[:200]
    retry = server_fault(response)
    if retry is not None:
        wait = response.headers.get("Retry-After", "")
        retry.retry_after = float(wait) if wait.isdigit() else None
        retry.detail = detail
        return retry
    kind = FaultKind.UNREACHABLE if status in GONE else FaultKind.FAILED
    return SendFault(kind, f"generic:http_{status}", detail=detail)
