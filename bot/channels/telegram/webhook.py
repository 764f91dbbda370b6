"""Webhook mode: a small HTTP server that hands Telegram's updates to the Application.

Order of one chat's updates across several workers behind one URL: the webhook is set with
max_connections=1, and a worker answers Telegram only after it has processed the update, so
Telegram sends the next update (to whichever worker) only when the previous one is done.
All dialog state is in the database, so any worker continues any dialog. An update is
marked seen after it was handled: one that Telegram delivers again after it was handled is
skipped, one whose worker died while handling it is handled again (at least once).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from http import HTTPStatus
from urllib.parse import urlsplit

from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from bot.channels.listen import parse_listen
from bot.channels.telegram.context import AppType

__all__ = ["parse_listen", "serve_webhook", "url_path", "webhook_server"]

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CONNECTIONS = 1


class UpdateHandler(RequestHandler):
    """POST: check the secret, process the update, then answer 200."""

    def initialize(self, app: AppType, secret: str) -> None:
        self.app = app
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request refused: wrong or missing secret token")
            self.send_error(HTTPStatus.FORBIDDEN)
            return
        update = _update(self.request.body, self.app)
        if update is None:
            self.send_error(HTTPStatus.BAD_REQUEST)
            return
        services = self.app.bot_data.services
        assert services is not None
        seen = services.store.seen_updates
        if not await seen.already(update.update_id):
            await self.app.process_update(update)  # errors go to the error handler
            await seen.mark(update.update_id, services.clock.now())  # after: a worker killed
            # while handling never answered, so Telegram sends the update again
        self.set_status(HTTPStatus.OK)

    def log_exception(self, *args: object) -> None:
        log.error("webhook request failed")  # without the request, which may hold a message


def _update(body: bytes, app: AppType) -> Update | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return Update.de_json(data, app.bot) if isinstance(data, dict) else None


def url_path(webhook_url: str) -> str:
    """The path the server answers on: the webhook URL's path."""
    return urlsplit(webhook_url).path or "/"


def webhook_server(app: AppType, webhook_url: str, secret: str) -> HTTPServer:
    """A server (not yet listening) that answers the webhook URL's path only."""
    routes = [(url_path(webhook_url), UpdateHandler, {"app": app, "secret": secret})]
    return HTTPServer(Application(routes))


async def serve_webhook(app: AppType, webhook_url: str, listen: str, secret: str) -> None:
    """Run the bot in webhook mode until SIGINT or SIGTERM, then stop cleanly."""
    host, port = parse_listen(listen)
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)
    await app.start()  # the JobQueue: the dispatcher's ticks
    await app.bot.set_webhook(
        webhook_url,
        secret_token=secret,
        max_connections=MAX_CONNECTIONS,
        allowed_updates=Update.ALL_TYPES,
    )
    server = webhook_server(app, webhook_url, secret)
    server.listen(port, host)
    log.info("webhook mode: listening on %s:%d%s", host, port, url_path(webhook_url))
    try:
        await _until_stopped()
    finally:
        server.stop()
        await app.stop()
        await app.post_shutdown(app)
        await app.shutdown()


async def _until_stopped() -> None:
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stopped.set)
    await stopped.wait()
