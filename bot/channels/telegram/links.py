"""The bot's username, asked of the Bot API once and cached in the database."""

from __future__ import annotations

from datetime import datetime

from telegram import Bot

from bot.storage.store import Store

BOT_USERNAME_KEY = "bot_username"


async def cache_bot_username(store: Store, bot: Bot, now: datetime) -> str:
    """Ask getMe for the bot's username and cache it."""
    me = await bot.get_me()
    if not me.username:
        raise RuntimeError("the Bot API returned no username for this bot")
    await store.cache.put(BOT_USERNAME_KEY, me.username, now)
    return me.username


async def bot_username(store: Store, bot: Bot, now: datetime) -> str:
    """Return the bot's username, from the cache or from getMe."""
    return await store.cache.get(BOT_USERNAME_KEY) or await cache_bot_username(store, bot, now)
