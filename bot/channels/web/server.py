"""The pages of a running bot: its page channel, its links, and the listener serving them.

Built when FOLLOWUP_PUBLIC_URL and FOLLOWUP_WEB_SECRET are set (messages to SMS contacts are
kept on their pages); served when `followup run --web-listen HOST:PORT` (or a test) asks.
Every form is protected by tornado's _xsrf cookie and field.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.channels.listen import parse_listen
from bot.channels.text.inbox import TextInbox
from bot.channels.web.base import HEADERS_SETTING, NotFound, PageContext
from bot.channels.web.channel import PageChannel, PageFeed
from bot.channels.web.guard import security_headers
from bot.channels.web.layout import PageLayout
from bot.channels.web.links import PageLinks
from bot.channels.web.pages import ComplaintPage, ConversationPage, StopPage
from bot.channels.web.replies import RepliesPage
from bot.domain.clock import Clock
from bot.domain.web_links import PATH_PREFIX, LinkPurpose
from bot.services.container import Services
from bot.settings import Settings
from bot.storage.store import Store
from bot.templating import Renderer

log = logging.getLogger(__name__)
access = logging.getLogger("tornado.access")
TOKEN_PATTERN = r"([A-Za-z0-9_-]{1,64})"
Route = tuple[str, Any, dict[str, Any]]
HANDLERS = {
    LinkPurpose.CONVERSATION: ConversationPage,
    LinkPurpose.COMPLAINT: ComplaintPage,
    LinkPurpose.STOP: StopPage,
    LinkPurpose.REPLIES: RepliesPage,
}


def log_request(handler: RequestHandler) -> None:
    """Log a page's answer by its kind of page and status, never its link (a capability)."""
    page = handler.request.path.split("/")[1][:1] if handler.request.path else ""
    access.info("web %s /%s/… %d", handler.request.method, page, handler.get_status())


def page_application(
    context: PageContext, secret: bytes, extra_routes: list[Route] | None = None
) -> Application:
    """The tornado Application answering /m/, /c/, /s/ and /r/ links (and extra_routes:
    the SMS provider's callbacks, when SMS is configured)."""
    cookie_secret = hmac.new(secret, b"page cookies", hashlib.sha256).hexdigest()
    routes: list[Route] = [
        (f"/{PATH_PREFIX[purpose]}/{TOKEN_PATTERN}", handler, {"context": context})
        for purpose, handler in HANDLERS.items()
    ]
    routes += extra_routes or []
    settings: dict[str, Any] = {
        HEADERS_SETTING: security_headers(context.layout.style_source),
        "log_function": log_request,
    }
    return Application(
        routes,
        default_handler_class=NotFound,
        default_handler_args={"context": context},
        xsrf_cookies=True,
        xsrf_cookie_kwargs={"httponly": True, "samesite": "Lax", "secure": context.secure},
        cookie_secret=cookie_secret,
        **settings,
    )


@dataclass
class WebRuntime:
    """The page channel, its links and feed; the listener once served."""

    links: PageLinks
    feed: PageFeed
    channel: PageChannel
    layout: PageLayout
    secret: bytes
    server: HTTPServer | None = None
    port: int | None = None

    async def serve(
        self, services: Services, listen: str, extra_routes: list[Route] | None = None
    ) -> int:
        """Serve the pages (and extra_routes) on HOST:PORT; return the port it listens on."""
        host, port = parse_listen(listen)
        secure = self.links.base_url.startswith("https://")
        context = PageContext(services, self.links, self.layout, TextInbox(services), secure)
        sockets = bind_sockets(port, host)
        self.server = HTTPServer(page_application(context, self.secret, extra_routes))
        self.server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        log.info("web pages: listening on %s:%d", host, self.port)
        return self.port

    async def close(self) -> None:
        """Stop serving the pages."""
        if self.server is not None:
            self.server.stop()
            await self.server.close_all_connections()
            self.server = None


def open_web(settings: Settings, store: Store, renderer: Renderer, clock: Clock) -> WebRuntime:
    """Build the pages from the settings (FOLLOWUP_PUBLIC_URL, FOLLOWUP_WEB_SECRET, checked)."""
    base_url, secret = settings.require_web()
    layout = PageLayout(renderer, settings.require_hospital_name())
    return WebRuntime(
        PageLinks(store, clock, base_url, secret),
        PageFeed(store),
        PageChannel(store, clock),
        layout,
        secret,
    )
