"""The callback endpoints, as tornado handlers for the web listener to mount:
/sms/<provider>/<FOLLOWUP_SMS_CALLBACK_SECRET>/reply and .../receipt.

They are authenticated by the secret in their path (the providers sign nothing), so they
skip the XSRF check. A reply is handed on as (Address(SMS, number), words); a receipt to
`on_receipt`. Each is answered in the provider's own shape once handed on; a body that is
not the provider's shape gets 400, and a failure while handing on gets 500 (the provider
tries again). Logs name the problem, never a number or words.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from tornado.web import RequestHandler

from bot.channels.sms.callbacks import (
    ACKNOWLEDGEMENT,
    CallbackError,
    parse_receipts,
    parse_replies,
)
from bot.channels.sms.notices import SmsReceipt
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.sms import SmsProviderName

log = logging.getLogger(__name__)

OnReply = Callable[[Address, str, str | None], Awaitable[None]]
OnReceipt = Callable[[SmsReceipt], Awaitable[object]]


@dataclass(frozen=True)
class SmsCallbacks:
    """What the endpoints hand on to: the provider's shape, and the two receivers."""

    provider: SmsProviderName
    on_reply: OnReply
    on_receipt: OnReceipt


class _CallbackHandler(RequestHandler):
    def initialize(self, callbacks: SmsCallbacks) -> None:
        self.callbacks = callbacks

    def check_xsrf_cookie(self) -> None:
        """Skip the XSRF check: the secret path authenticates the provider."""

    def _answer(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(body, ensure_ascii=False))

    def _refuse(self, what: str, error: Exception) -> None:
        provider = self.callbacks.provider
        log.warning("sms %s callback from %s refused: %s", what, provider, error)
        self._answer(HTTPStatus.BAD_REQUEST, {"error": str(error)})

    def _failed(self, what: str, error: Exception) -> None:
        provider = self.callbacks.provider
        log.error("sms %s from %s not handled: %s", what, provider, type(error).__name__)
        self._answer(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "not handled, try again"})


class ReplyHandler(_CallbackHandler):
    async def post(self) -> None:
        try:
            replies = parse_replies(self.callbacks.provider, self.request.body)
        except CallbackError as error:
            self._refuse("reply", error)
            return
        try:
            for reply in replies:
                await self.callbacks.on_reply(
                    Address(ChannelName.SMS, reply.phone), reply.text, reply.key
                )
        except Exception as error:  # handed on: any failure is answered 500, to be retried
            self._failed("reply", error)
            return
        self._answer(HTTPStatus.OK, ACKNOWLEDGEMENT[self.callbacks.provider])


class ReceiptHandler(_CallbackHandler):
    async def post(self) -> None:
        try:
            receipts = parse_receipts(self.callbacks.provider, self.request.body)
        except CallbackError as error:
            self._refuse("receipt", error)
            return
        try:
            for receipt in receipts:
                await self.callbacks.on_receipt(receipt)
        except Exception as error:  # handed on: any failure is answered 500, to be retried
            self._failed("receipt", error)
            return
        self._answer(HTTPStatus.OK, ACKNOWLEDGEMENT[self.callbacks.provider])


def callback_path(provider: SmsProviderName, secret: str, what: str) -> str:
    """Return the path of a callback endpoint (what: reply or receipt)."""
    return f"/sms/{provider.value}/{secret}/{what}"


def sms_routes(callbacks: SmsCallbacks, secret: str) -> list[tuple[str, Any, dict[str, Any]]]:
    """Return the tornado routes of the two callback endpoints."""
    kwargs = {"callbacks": callbacks}
    return [
        (callback_path(callbacks.provider, secret, "reply"), ReplyHandler, kwargs),
        (callback_path(callbacks.provider, secret, "receipt"), ReceiptHandler, kwargs),
    ]
