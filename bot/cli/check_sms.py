"""`followup check` for SMS: the provider's settings, each template's code and wording (in
parts, as the provider bills it), and the callback URLs to give the provider. Sends nothing."""

from __future__ import annotations

from bot.channels.sms.handlers import callback_path
from bot.channels.sms.notices import registered_texts
from bot.channels.sms.runtime import link_prefixes
from bot.domain.sms import sms_parts
from bot.settings import Settings, SettingsError
from bot.templating import Renderer

Finding = tuple[str, dict[str, object]]  # (template key, its variables)
SECRET_PLACE = "<FOLLOWUP_SMS_CALLBACK_SECRET>"  # the secret is the operator's: not printed


def sms_findings(settings: Settings, renderer: Renderer) -> tuple[list[Finding], list[Finding]]:
    """Return the SMS problems, and the report of a configured SMS channel."""
    if not settings.sms_configured:
        return [], []
    problems: list[Finding] = []
    for require in (settings.require_web, settings.require_sms):
        try:
            require()
        except SettingsError as error:
            problems.append(("check/setting", {"error": str(error)}))
    if problems:
        return problems, []
    return [], _report(settings, renderer)


def _report(settings: Settings, renderer: Renderer) -> list[Finding]:
    account = settings.require_sms()
    public_url, _secret = settings.require_web()
    conversation, replies = link_prefixes(public_url)
    texts = registered_texts(renderer, settings.locale, conversation, account.provider, replies)
    report: list[Finding] = [
        ("check/sms_ok", {"provider": account.provider.value, "sign_name": account.sign_name})
    ]
    for kind, code in account.templates.items():
        words = texts[kind]
        parts = sms_parts(f"【{account.sign_name}】{words}")
        variables: dict[str, object] = {"kind": kind.value, "code": code, "parts": parts}
        variables["words"] = words
        report.append(("check/sms_template", variables))
    base = public_url.rstrip("/")
    urls: dict[str, object] = {
        what: base + callback_path(account.provider, SECRET_PLACE, what)
        for what in ("reply", "receipt")
    }
    report.append(("check/sms_callbacks", urls))
    return report
