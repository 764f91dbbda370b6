"""The notice SMS: a kind's registered template with the page link's code, within the
per-number daily limit (FOLLOWUP_SMS_DAILY_LIMIT, counted per local day), recorded without
its words; and the provider's receipts recorded on the text they concern.

Links in variables are refused by the providers, so the registered template holds the URL
pattern (…/m/${code}) and the one variable is the link's code. The wording to register is
messages/<locale>/sms/<kind>.txt (see `registered_texts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.channels.sms.provider import SmsProvider, SmsRequest
from bot.domain.channel_messages import Address, ChannelName, FaultKind, SendFault, Sent
from bot.domain.clock import Clock
from bot.domain.conversation_window import NoticeKind
from bot.domain.sms import SmsProviderName, SmsStatus, normalize_phone, sms_parts
from bot.settings_sms import SmsAccount
from bot.storage.sms_messages import SentSms, SmsMessageRepository
from bot.templating import Renderer

CODE = "code"  # the template's one variable
PLACEHOLDER = {  # how each provider's console writes that variable in a template
    SmsProviderName.ALIYUN: "${code}",
    SmsProviderName.TENCENT: "{1}",
    SmsProviderName.GENERIC: "{code}",
}
DAY = 24 * 3600.0


@dataclass(frozen=True)
class SmsReceipt:
    """A provider's word on a text: its id there, delivered or failed, and its code."""

    provider_id: str
    status: SmsStatus
    code: str


def registered_texts(
    renderer: Renderer,
    locale: str,
    link_prefix: str,
    provider: SmsProviderName,
    replies_prefix: str | None = None,
) -> dict[NoticeKind, str]:
    """Return each kind's wording to register: the page link's prefix (e.g.
    https://host/m/; a staff reply's: replies_prefix, e.g. https://host/r/, when given)
    followed by its code, written in the provider's syntax."""
    return {
        kind: renderer.render(
            f"sms/{kind.value}",
            locale,
            link=_prefix(kind, link_prefix, replies_prefix) + PLACEHOLDER[provider],
        ).strip()
        for kind in NoticeKind
    }


def _prefix(kind: NoticeKind, link_prefix: str, replies_prefix: str | None) -> str:
    if kind is NoticeKind.STAFF_REPLY and replies_prefix is not None:
        return replies_prefix
    return link_prefix


def next_local_day(now: datetime, zone: ZoneInfo) -> datetime:
    """Return the start of the next local day after now."""
    local = now.astimezone(zone)
    start = datetime(local.year, local.month, local.day, tzinfo=zone)
    return (start + timedelta(days=1)).astimezone(now.tzinfo)


class SmsNotices:
    """Send notice texts through the provider, within the per-number daily limit."""

    def __init__(
        self,
        provider: SmsProvider,
        account: SmsAccount,
        messages: SmsMessageRepository,
        zone: ZoneInfo,
        clock: Clock,
        texts: Mapping[NoticeKind, str] | None = None,
    ) -> None:
        self.provider, self.account, self.messages = provider, account, messages
        self.zone, self.clock = zone, clock
        self.texts = dict(texts or {})  # the registered wording, to count parts

    async def send(self, phone: str, kind: NoticeKind, token: str, now: datetime) -> Sent:
        """Send the kind's template with the link's code; raise SendFault when it cannot go."""
        number = normalize_phone(phone)
        if number is None:
            raise SendFault(FaultKind.UNREACHABLE, "sms_not_mobile", detail="not a mobile number")
        await self._within_limit(number, now)
        text = self.words(kind, token)
        request = SmsRequest(number, self.account.templates[kind], {CODE: token}, token, text)
        try:
            provider_id = await self.provider.send(request)
        except SendFault as fault:
            raise self._until_tomorrow(fault, now) from None
        parts = sms_parts(f"【{self.account.sign_name}】{text}") if text else 1
        sent = SentSms(self.account.provider, provider_id, number, kind, parts, now)
        await self.messages.record(sent)
        return Sent(Address(ChannelName.SMS, number), provider_id)

    def words(self, kind: NoticeKind, token: str) -> str:
        """Return the text as the person reads it (empty when the wording is not known)."""
        pattern = self.texts.get(kind, "")
        return pattern.replace(PLACEHOLDER[self.account.provider], token)

    async def on_receipt(self, receipt: SmsReceipt) -> bool:
        """Record a receipt on its text; False when no such text was sent."""
        return await self.messages.receipt(
            self.account.provider,
            receipt.provider_id,
            receipt.status,
            receipt.code,
            self.clock.now(),
        )

    async def _within_limit(self, number: str, now: datetime) -> None:
        local = now.astimezone(self.zone)
        day_start = datetime(local.year, local.month, local.day, tzinfo=self.zone)
        if await self.messages.sent_since(number, day_start) >= self.account.daily_limit:
            wait = (next_local_day(now, self.zone) - now).total_seconds()
            raise SendFault(FaultKind.RETRY, "sms_daily_limit", retry_after=wait)

    def _until_tomorrow(self, fault: SendFault, now: datetime) -> SendFault:
        """A provider's daily limit: wait until the next local day, not a fixed 24 hours."""
        if fault.kind is FaultKind.RETRY and (fault.retry_after or 0) >= DAY:
            fault.retry_after = (next_local_day(now, self.zone) - now).total_seconds()
        return fault
