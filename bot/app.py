"""build_app: the one place handlers are registered and services created."""

from __future__ import annotations

from telegram import BotCommand
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.context import AppContext, AppType, BotData, Services
from bot.conversations.consent import on_enrol_button
from bot.domain.clock import Clock, SystemClock
from bot.handlers.errors import on_error
from bot.handlers.staff import on_invite
from bot.handlers.start import on_help, on_private_text, on_start
from bot.handlers.stop import on_stop, on_stop_button
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.store import Store
from bot.templating import Renderer

PATIENT_COMMANDS = ("start", "stop", "help")


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    rate_limit: bool = True,
) -> AppType:
    """Build the Application; services are opened in post_init and closed in post_shutdown."""
    chosen_clock = clock or SystemClock()
    settings.require_hospital_name()

    async def post_init(app: AppType) -> None:
        store = Store.open(settings.database_url)
        await migrate.upgrade(store.engine)
        renderer = Renderer()
        app.bot_data.services = Services(settings, store, renderer, chosen_clock)
        await app.bot.set_my_commands(patient_commands(renderer, settings.locale))

    async def post_shutdown(app: AppType) -> None:
        if app.bot_data.services is not None:
            await app.bot_data.services.store.close()
            app.bot_data.services = None

    builder = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.telegram_base_url)
        .context_types(ContextTypes(context=AppContext, bot_data=BotData))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if rate_limit:
        limiter = AIORateLimiter(max_retries=3)
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]  # builder starts untyped
    app: AppType = builder.build()  # type: ignore[assignment]
    register_handlers(app)
    return app


def patient_commands(renderer: Renderer, locale: str) -> list[BotCommand]:
    """Return the command menu every private chat sees."""
    return [
        BotCommand(name, renderer.render(f"commands/{name}", locale)) for name in PATIENT_COMMANDS
    ]


def register_handlers(app: Application) -> None:  # type: ignore[type-arg]
    """Register every handler, private-chat ones limited to private chats."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", on_start, filters=private))
    app.add_handler(CommandHandler("help", on_help, filters=private))
    app.add_handler(CommandHandler("stop", on_stop, filters=private))
    app.add_handler(CommandHandler("invite", on_invite, filters=private))
    app.add_handler(CallbackQueryHandler(on_enrol_button, pattern=r"^en:"))
    app.add_handler(CallbackQueryHandler(on_stop_button, pattern=r"^stop:"))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_private_text))
    app.add_error_handler(on_error)
