"""`followup check`: configuration, database, plans, templates, token, staff group and SMS."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date

import typer
from telegram import Bot, ChatMemberAdministrator
from telegram.error import TelegramError

from bot.cli.common import EXIT_FAILED, say, settings_or_exit, text
from bot.cli.erasures import ledger_of
from bot.domain.channel_messages import SendFault
from bot.domain.clock import SystemClock
from bot.domain.data_files import DataFileError
from bot.domain.exclusions import ExclusionRuleError
from bot.domain.office_holidays import HolidayFileError
from bot.domain.special_groups import SpecialGroupsError
from bot.domain.worklist.rules import load_worklist_rules
from bot.services.planning import holiday_warning, load_scheduling
from bot.services.special_groups import special_groups
from bot.services.template_edits import check_all, load_samples
from bot.settings import Settings, SettingsError
from bot.storage import migrate
from bot.storage.database import create_engine, integrity_problem
from bot.storage.erasure_ledger import LedgerError, LedgerProblem, read_ledger
from bot.storage.store import Store
from bot.templating import Renderer

Finding = tuple[str, dict[str, object]]  # (template key of the problem, its variables)


def check_command() -> None:
    """Check everything the bot needs; print each problem with how to fix it (exit 0 if none)."""
    settings = settings_or_exit()
    checked, passed = asyncio.run(_async_checks(settings))
    from bot.cli.check_sms import sms_findings  # the SMS modules: not loaded by `run` (start-up)

    sms_problems, sms_report = sms_findings(settings, Renderer())
    problems = _configuration(settings) + _plans(settings) + checked + sms_problems
    passed += sms_report
    for key, variables in problems:
        typer.echo(text(settings, key, **variables), err=True)
    for key, variables in passed:
        say(settings, key, **variables)
    if (warning := _holiday_data(settings)) is not None:
        typer.echo(text(settings, warning[0], **warning[1]), err=True)
    say(settings, "check/summary", problems=len(problems))
    if problems:
        raise typer.Exit(EXIT_FAILED)


def _configuration(settings: Settings) -> list[Finding]:
    found: list[Finding] = []
    if settings.telegram_token is None and settings.wechat_configured:
        found.append(("cli/staff_desk_token", {}))  # WeChat's staff desk is the Telegram group
    getters: list[Callable[[], str]] = [settings.require_hospital_name]
    if not settings.wechat_configured:
        getters.insert(0, settings.require_token)
    for getter in getters:
        try:
            getter()
        except SettingsError as error:
            found.append(("check/setting", {"error": str(error)}))
    if settings.staff_chat_id is None:
        found.append(("check/no_staff_group", {}))
    if settings.wechat_configured:
        try:
            settings.require_wechat()
        except SettingsError as error:
            found.append(("check/setting", {"error": str(error)}))
    return found + _erasure_ledger(settings)


def _erasure_ledger(settings: Settings) -> list[Finding]:
    """A damaged ledger is found now, not at the restore that needs it (none yet is fine)."""
    path = ledger_of(settings)
    try:
        read_ledger(path)
    except LedgerError as error:
        if error.problem is LedgerProblem.DAMAGED:
            return [("check/erasure_ledger", {"file": str(path), "line": error.line})]
    return []


def _plans(settings: Settings) -> list[Finding]:
    from bot.services.importing import exclusion_rules  # not loaded by `run` (start-up time)

    renderer = Renderer()
    try:
        scheduling = load_scheduling(settings, renderer)
    except DataFileError as error:  # plans, surveys, the lexicons
        return [("check/plans", {"error": str(error)})]
    except HolidayFileError as error:
        return [("check/holiday_file", {"error": str(error)})]
    try:
        exclusion_rules(settings.exclusions_file)
    except ExclusionRuleError as error:
        return [("check/exclusions", {"error": str(error)})]
    try:
        special_groups(settings.special_groups_file)
    except SpecialGroupsError as error:
        return [("check/special_groups", {"error": str(error)})]
    try:
        load_worklist_rules()
    except DataFileError as error:
        return [("check/worklist", {"error": str(error)})]
    found: list[Finding] = [
        ("check/template", {"locale": locale, "key": key, "error": problem.detail})
        for locale, key, problem in check_all(renderer, load_samples(), {})
    ]
    if (ended := holiday_warning(scheduling, date.today())) is not None and ended.days_left < 0:
        found.append(("check/holiday_data_ended", {"year": ended.next_year}))
    return found


def _holiday_data(settings: Settings) -> Finding | None:
    """Return a warning (not a failure) when holiday data ends within 60 days."""
    try:
        scheduling = load_scheduling(settings, Renderer())
    except (DataFileError, HolidayFileError):
        return None  # already reported
    warning = holiday_warning(scheduling, date.today())
    if warning is None or warning.days_left < 0:
        return None
    variables = {"last_day": warning.last_day.isoformat(), "days": warning.days_left}
    return ("check/holiday_data_ending", {**variables, "year": warning.next_year})


async def _async_checks(settings: Settings) -> tuple[list[Finding], list[Finding]]:
    """Return the problems, and each channel found working (Telegram when a token is set,
    WeChat when it is configured)."""
    found = await _database(settings)
    passed: list[Finding] = []
    channels = (
        (_telegram, "check/telegram_ok", settings.telegram_token is not None),
        (_wechat, "check/wechat_ok", _wechat_ready(settings)),
    )
    for check, working, wanted in channels:
        problems = await check(settings)
        found += problems
        if wanted and not problems:
            passed.append((working, {}))
    return found, passed


def _wechat_ready(settings: Settings) -> bool:
    """Say whether WeChat is configured with every setting it needs."""
    try:
        return settings.wechat_configured and bool(settings.require_wechat())
    except SettingsError:
        return False


async def _database(settings: Settings) -> list[Finding]:
    engine = create_engine(settings.database_url)
    try:
        current = await migrate.current_revision(engine)
        found: list[Finding] = []
        if current != migrate.HEAD_REVISION:
            found.append(
                ("check/migrations", {"current": current or "-", "head": migrate.HEAD_REVISION})
            )
        damage = await integrity_problem(engine)
        if damage is not None:
            found.append(("check/integrity", {"error": damage}))
        return found
    finally:
        await engine.dispose()


async def _telegram(settings: Settings) -> list[Finding]:
    if settings.telegram_token is None:
        return []
    try:
        async with Bot(settings.require_token(), base_url=settings.telegram_base_url) as bot:
            return await _staff_group(bot, settings.staff_chat_id)
    except TelegramError as error:
        return [("check/telegram", {"error": type(error).__name__, "detail": str(error)})]


async def _wechat(settings: Settings) -> list[Finding]:
    """Fetch an access token: proves the app id, the secret and the IP whitelist."""
    if not settings.wechat_configured:
        return []
    try:
        account = settings.require_wechat()
    except SettingsError:
        return []  # already reported with the configuration
    # WeChat's modules: not loaded by `run` where WeChat is not configured (start-up time)
    from bot.channels.wechat.api import WeChatApi
    from bot.channels.wechat.faults import meaning

    store = Store.open(settings.database_url)
    try:
        async with WeChatApi(account, store.channel_tokens, SystemClock()) as api:
            errcode = await api.token_errcode()
    except SendFault as fault:
        return [("check/wechat_unreachable", {"reason": fault.reason})]
    finally:
        await store.close()
    if errcode:
        words = meaning(Renderer(), settings.locale, errcode)
        return [("check/wechat_token", {"errcode": errcode, "meaning": words})]
    return []


async def _staff_group(bot: Bot, chat_id: int | None) -> list[Finding]:
    if chat_id is None:
        return []
    try:
        chat = await bot.get_chat(chat_id)
        member = await bot.get_chat_member(chat_id, bot.id)
    except TelegramError as error:
        return [("check/staff_group", {"error": str(error)})]
    found: list[Finding] = []
    if not isinstance(member, ChatMemberAdministrator):
        found.append(("check/not_admin", {}))
    elif not member.can_manage_topics:
        found.append(("check/no_topic_right", {}))
    if not chat.is_forum:
        found.append(("check/no_topics", {}))
    return found
