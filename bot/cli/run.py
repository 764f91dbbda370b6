"""`followup run`: migrate, check Telegram answers, then poll for updates."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import typer
from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.channels.listen import parse_listen
from bot.channels.telegram.context import AppType
from bot.channels.telegram.http_request import AiohttpRequest
from bot.channels.telegram.webhook import serve_webhook
from bot.cli.common import EXIT_SETTINGS, fail, required, say, settings_or_exit, with_store
from bot.domain.data_files import DataFileError
from bot.domain.office_holidays import HolidayFileError
from bot.logs import configure_logging, parse_log_format, parse_log_level
from bot.settings import Settings
from bot.storage.backup import BackupError, hold_run_lock
from bot.storage.clean_stop import record_clean_stop, stopped_cleanly
from bot.storage.database import sqlite_path
from bot.storage.start_check import StartCheck

log = logging.getLogger(__name__)

TelegramProblem = tuple[str, dict[str, str]]  # what to say (a message key) and its variables


def run_command(
    log_format: str | None = typer.Option(
        None, "--log-format", help="text or json (default: FOLLOWUP_LOG_FORMAT, else text)."
    ),
    log_level: str | None = typer.Option(
        None, "--log-level", help="DEBUG, INFO, WARNING or ERROR (default: FOLLOWUP_LOG_LEVEL)."
    ),
    webhook: str | None = typer.Option(
        None, "--webhook", help="Webhook mode: the public HTTPS URL Telegram posts updates to."
    ),
    listen: str = typer.Option(
        "127.0.0.1:8443", "--listen", help="Webhook mode: HOST:PORT to serve on."
    ),
    wechat_listen: str | None = typer.Option(
        None,
        "--wechat-listen",
        help="HOST:PORT to serve WeChat's callbacks on (path /wechat); needs FOLLOWUP_WECHAT_*.",
    ),
    web_listen: str | None = typer.Option(
        None,
        "--web-listen",
        help="HOST:PORT to serve the mobile web pages on; needs FOLLOWUP_PUBLIC_URL and "
        "FOLLOWUP_WEB_SECRET.",
    ),
) -> None:
    """Migrate the database if needed and run the bot: Telegram (long polling, or a
    webhook), and WeChat when it is configured."""
    from bot.app import build_app

    settings = settings_or_exit()
    database = sqlite_path(settings.database_url)
    require_staff_desk_token(settings)
    required(settings.require_hospital_name)
    check_wechat_listen(settings, wechat_listen)
    check_web_listen(settings, web_listen)
    start_logging(settings, log_format, log_level)
    try:
        lock = hold_run_lock(database) if database is not None else None
    except BackupError as error:
        fail(settings, "cli/backup_failed", error=str(error))
    check = begin_start_check(database)
    try:
        app = build_app(
            settings, wechat_listen=wechat_listen, web_listen=web_listen, start_check=check
        )  # validates the plans first
    except (DataFileError, HolidayFileError) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(EXIT_SETTINGS) from None
    secret = required(settings.require_webhook_secret) if webhook else None
    with_store(settings, lambda _store: preflight(settings, check))
    if webhook is not None and secret is not None:
        _serve_webhook(settings, app, webhook, listen, secret)
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    refuse_damage(settings, check)  # found while the bot ran: no clean stop is recorded
    if database is not None and lock is not None:
        record_clean_stop(database)  # every connection is closed: the next start may skip
        lock.close()


def begin_start_check(database: Path | None) -> StartCheck:
    """Start checking the SQLite file beside start-up when it may be damaged (a first start
    has no file yet: the migrations make it)."""
    if database is None or not database.exists() or not needs_integrity_check(database):
        return StartCheck.not_needed()
    return StartCheck.begin(database)


def refuse_damage(settings: Settings, check: StartCheck) -> None:
    """Exit with the damage the start check found, and how to restore a backup."""
    if check.failed:
        fail(settings, "cli/database_damaged", error=check.problem)


def needs_integrity_check(database: Path | None) -> bool:
    """Check a SQLite file at start only when its last run did not stop cleanly."""
    if database is None:
        return False  # PostgreSQL keeps its own integrity; SQLite's PRAGMAs do not apply
    if stopped_cleanly(database):
        log.info("database check skipped: the last run stopped cleanly and nothing wrote since")
        return False
    log.info("checking the database (PRAGMA quick_check): no clean stop recorded since it changed")
    return True


def require_staff_desk_token(settings: Settings) -> None:
    """The Telegram token is needed even when patients are on WeChat: the staff desk is the
    Telegram group; say so when WeChat is configured and the token is not."""
    if settings.telegram_token is None and settings.wechat_configured:
        say(settings, "cli/staff_desk_token")
        raise typer.Exit(EXIT_SETTINGS)
    required(settings.require_token)


def check_wechat_listen(settings: Settings, wechat_listen: str | None) -> None:
    """Refuse --wechat-listen without WeChat's settings, or with a bad HOST:PORT; check the
    settings of a configured account."""
    if settings.wechat_configured:
        required(settings.require_wechat)
    elif wechat_listen is not None:
        say(settings, "cli/wechat_not_configured")
        raise typer.Exit(EXIT_SETTINGS)
    if wechat_listen is None:
        return
    try:
        parse_listen(wechat_listen)
    except ValueError as error:
        say(settings, "cli/bad_listen", option="--wechat-listen", error=str(error))
        raise typer.Exit(EXIT_SETTINGS) from None


def check_web_listen(settings: Settings, web_listen: str | None) -> None:
    """Refuse --web-listen without the pages' URL and secret, or with a bad HOST:PORT."""
    if web_listen is None:
        return
    if not settings.web_configured:
        say(settings, "cli/web_not_configured")
        raise typer.Exit(EXIT_SETTINGS)
    try:
        parse_listen(web_listen)
    except ValueError as error:
        say(settings, "cli/bad_listen", option="--web-listen", error=str(error))
        raise typer.Exit(EXIT_SETTINGS) from None


def _serve_webhook(settings: Settings, app: AppType, url: str, listen: str, secret: str) -> None:
    try:
        parse_listen(listen)
    except ValueError as error:
        say(settings, "cli/bad_listen", option="--listen", error=str(error))
        raise typer.Exit(EXIT_SETTINGS) from None
    asyncio.run(serve_webhook(app, url, listen, secret))


def start_logging(settings: Settings, log_format: str | None, log_level: str | None) -> None:
    """Configure the logs from the options, else the settings; a bad option exits with 2."""
    try:
        configure_logging(
            parse_log_format(log_format or settings.log_format),
            parse_log_level(log_level or settings.log_level),
        )
    except ValueError as error:
        say(settings, "cli/bad_log_option", error=str(error))
        raise typer.Exit(EXIT_SETTINGS) from None


async def preflight(settings: Settings, check: StartCheck) -> None:
    """Refuse to start on a database the start check has found damaged within
    FOLLOWUP_START_CHECK_WAIT (the rest of the check goes on beside start-up), or on a token
    Telegram refuses. Telegram is asked while the check runs; damage is said first."""
    asked = asyncio.create_task(telegram_problem(settings))
    await asyncio.to_thread(check.wait, settings.start_check_wait)
    if check.failed:
        asked.cancel()  # its answer no longer matters
        await asyncio.gather(asked, return_exceptions=True)  # its connection closed
    refuse_damage(settings, check)
    refuse_telegram_problem(settings, await asked)


def refuse_telegram_problem(settings: Settings, problem: TelegramProblem | None) -> None:
    """Exit with the line saying what Telegram's answer was, if it was a problem."""
    if problem is not None:
        key, variables = problem
        fail(settings, key, **variables)


async def telegram_problem(settings: Settings) -> TelegramProblem | None:
    """Ask Telegram who the bot is; return what to say when it refuses or cannot be reached."""
    # The bot's own HTTP client: PTB's default (httpx) would load a second one at every start.
    request = AiohttpRequest(1)
    bot = Bot(
        settings.require_token(),
        base_url=settings.telegram_base_url,
        request=request,
        get_updates_request=request,
    )
    base_url = settings.telegram_base_url
    try:
        await bot.initialize()  # getMe
    except InvalidToken:
        return "cli/token_refused", {}
    except NetworkError as error:
        return "cli/run_unreachable", {"base_url": base_url, "error": type(error).__name__}
    except TelegramError as error:
        return "cli/run_unreachable", {"base_url": base_url, "error": str(error)}
    finally:
        await request.shutdown()  # its session closed, even when the question is called off
    return None
