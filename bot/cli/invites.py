"""`followup invite` and `followup invites`: enrolment links and QR codes for patients.

On Telegram an invite is a deep link to the bot; on WeChat it is the service account's
parametric QR code carrying the invite (scanning it follows the account and opens the
invite), valid as long as the invite, at most WeChat's 30 days.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from telegram import Bot
from telegram.error import TelegramError

from bot.channels.telegram.links import BOT_USERNAME_KEY, cache_bot_username
from bot.cli.common import fail, required, say, settings_or_exit, with_store
from bot.domain.channel_messages import SendFault
from bot.domain.clock import SystemClock
from bot.services.invitations import (
    InviteRefused,
    IssuedInvite,
    check_invitable,
    invite_patient,
    issue_invite,
)
from bot.settings import Settings
from bot.storage.audit import Actor
from bot.storage.store import Store
from bot.templating import Renderer

if TYPE_CHECKING:
    from bot.channels.wechat.faults import WeChatError

SAFE_FILE_NAME = re.compile(r"[^A-Za-z0-9_-]")


CHANNEL_HELP = "telegram (a deep link to the bot) or wechat (the service account's QR code)."
WECHAT_QR_LONGEST = 30 * 24 * 3600  # seconds: WeChat's longest temporary QR code


class InviteChannel(StrEnum):
    TELEGRAM = "telegram"
    WECHAT = "wechat"


LinkMaker = Callable[[IssuedInvite], Awaitable[str]]


def invite_command(
    hospital_no: str = typer.Argument(..., help="The patient's hospital number (住院号)."),
    qr: Path | None = typer.Option(None, "--qr", help="Also write the link as a QR PNG here."),
    bot_username: str | None = typer.Option(None, help="Skip asking Telegram (offline use)."),
    channel: InviteChannel = typer.Option(InviteChannel.TELEGRAM, help=CHANNEL_HELP),
) -> None:
    """Print the enrolment link of a patient's latest discharge (one line on stdout)."""
    settings = settings_or_exit()
    now = SystemClock().now()

    async def work(store: Store) -> str:
        async with link_maker(settings, store, now, channel, bot_username) as make_link:
            issued = await invite_patient(
                store, hospital_no, now, settings.invite_ttl_days, Actor.cli()
            )
            return await make_link(issued)

    try:
        link = with_store(settings, work)
    except InviteRefused as refused:
        fail(settings, "cli/invite_refused", hospital_no=hospital_no, reason=refused.reason)
    if qr is not None:
        write_qr(link, qr)
    typer.echo(link)


def invites_command(
    discharged_from: datetime = typer.Option(..., formats=["%Y-%m-%d"], help="First day."),
    discharged_to: datetime = typer.Option(..., formats=["%Y-%m-%d"], help="Last day."),
    out: Path = typer.Option(..., help="Folder for the QR PNGs and index.csv."),
    bot_username: str | None = typer.Option(None, help="Skip asking Telegram (offline use)."),
    channel: InviteChannel = typer.Option(InviteChannel.TELEGRAM, help=CHANNEL_HELP),
) -> None:
    """Write a QR PNG per eligible patient discharged in the date range, plus index.csv."""
    settings = settings_or_exit()
    now = SystemClock().now()
    start = _local_midnight(settings, discharged_from.date())
    end = _local_midnight(settings, discharged_to.date() + timedelta(days=1))

    async def work(store: Store) -> tuple[list[tuple[str, str, str]], int]:
        rows, skipped = [], 0
        async with link_maker(settings, store, now, channel, bot_username) as make_link:
            for episode in await store.episodes.discharged_between(start, end):
                try:
                    check_invitable(episode)
                except InviteRefused:
                    skipped += 1
                    continue
                ttl = settings.invite_ttl_days
                issued = await issue_invite(store, episode, now, ttl, Actor.cli())
                rows.append((episode.hospital_no, episode.name, await make_link(issued)))
        return rows, skipped

    rows, skipped = with_store(settings, work)
    write_invite_folder(out, rows)
    say(settings, "cli/invites_written", count=len(rows), skipped=skipped, folder=str(out))


def write_qr(link: str, path: Path) -> None:
    """Write a QR code PNG of link."""
    import segno  # the QR codes: not loaded by the other commands (start-up time)

    path.parent.mkdir(parents=True, exist_ok=True)
    segno.make(link, error="m").save(str(path), kind="png", scale=8, border=4)


def write_invite_folder(out: Path, rows: list[tuple[str, str, str]]) -> None:
    """Write one PNG per patient and index.csv (readable by its owner only: it holds names)."""
    out.mkdir(parents=True, exist_ok=True)
    for hospital_no, _name, link in rows:
        write_qr(link, out / f"{SAFE_FILE_NAME.sub('_', hospital_no)}.png")
    index = out / "index.csv"
    with index.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["hospital_no", "name", "link"])
        writer.writerows(rows)
    os.chmod(index, 0o600)


def _local_midnight(settings: Settings, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=settings.zone)


@asynccontextmanager
async def link_maker(
    settings: Settings,
    store: Store,
    now: datetime,
    channel: InviteChannel,
    bot_username: str | None,
) -> AsyncIterator[LinkMaker]:
    """Yield what turns an issued invite into the link its channel opens."""
    if channel is InviteChannel.TELEGRAM:
        username = bot_username or await _bot_username(settings, store, now)

        async def deep_link(issued: IssuedInvite) -> str:
            return issued.link(username)

        yield deep_link
        return
    # WeChat's modules: not loaded by `run` where WeChat is not configured (start-up time)
    from bot.channels.wechat.api import WeChatApi
    from bot.channels.wechat.faults import WeChatError

    account = required(settings.require_wechat)
    seconds = min(settings.invite_ttl_days * 24 * 3600, WECHAT_QR_LONGEST)
    async with WeChatApi(account, store.channel_tokens, SystemClock()) as api:

        async def wechat_qr(issued: IssuedInvite) -> str:
            try:
                return (await api.create_qr(issued.token, seconds)).url
            except (SendFault, WeChatError) as error:
                fail(settings, "cli/wechat_qr_refused", error=wechat_refusal(settings, error))

        yield wechat_qr


def wechat_refusal(settings: Settings, error: SendFault | WeChatError) -> str:
    """Say why WeChat refused, for an operator (the errcode and what it means)."""
    from bot.channels.wechat.faults import WeChatError, meaning  # see link_maker

    if isinstance(error, WeChatError):
        return f"{error.errcode}: {meaning(Renderer(), settings.locale, error.errcode)}"
    return error.reason


async def _bot_username(settings: Settings, store: Store, now: datetime) -> str:
    cached = await store.cache.get(BOT_USERNAME_KEY)
    if cached:
        return cached
    token = required(settings.require_token)
    try:
        async with Bot(token, base_url=settings.telegram_base_url) as bot:
            return await cache_bot_username(store, bot, now)
    except TelegramError as error:
        fail(settings, "cli/telegram_unreachable", error=type(error).__name__)
