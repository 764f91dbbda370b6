"""The pages' request handlers share this: headers, polite error pages, opening the link."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, ClassVar

from markupsafe import Markup
from tornado.web import HTTPError, RequestHandler

from bot.channels.text.inbox import TextInbox
from bot.channels.web.guard import GuessLimiter
from bot.channels.web.layout import PageLayout
from bot.channels.web.links import LinkProblem, OpenedLink, PageLinks
from bot.domain.channel_messages import Address
from bot.domain.languages import effective_locale
from bot.domain.web_links import LinkPurpose
from bot.services.container import Services

log = logging.getLogger(__name__)
ERROR_WORDS: dict[int, str] = {
    HTTPStatus.FORBIDDEN: "error_forbidden",  # a form without its _xsrf token
    HTTPStatus.NOT_FOUND: "error_unknown",
    HTTPStatus.GONE: "error_gone",
    HTTPStatus.TOO_MANY_REQUESTS: "error_too_many",
}
HEADERS_SETTING = "page_headers"  # the Application setting holding the security headers
PROBLEM_STATUS = {LinkProblem.UNKNOWN: HTTPStatus.NOT_FOUND, LinkProblem.GONE: HTTPStatus.GONE}


@dataclass
class PageContext:
    """What every page needs: the services, the links, the layouts, the guess counter."""

    services: Services
    links: PageLinks
    layout: PageLayout
    inbox: TextInbox
    secure: bool  # https: cookies are sent over https only
    guesses: GuessLimiter = field(default_factory=GuessLimiter)


class WebHandler(RequestHandler):
    """Security headers on every answer; errors as polite pages in the hospital's language."""

    def initialize(self, context: PageContext) -> None:
        self.context = context
        self.locale_name = context.services.settings.locale

    def set_default_headers(self) -> None:
        # called before initialize(): the headers come from the application's settings
        for name, value in self.application.settings[HEADERS_SETTING].items():
            self.set_header(name, value)
        self.clear_header("Server")  # the server's name and version help nobody here

    def show(self, layout: str, status: int = HTTPStatus.OK, **variables: Any) -> None:
        """Answer with a page (its forms carry the _xsrf token)."""
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        xsrf = Markup(self.xsrf_form_html())  # tornado's own escaped input field
        here = self.request.path
        self.finish(
            self.context.layout.render(layout, self.locale_name, here=here, xsrf=xsrf, **variables)
        )

    def notice(self, key: str, status: int = HTTPStatus.OK, **variables: Any) -> None:
        """Answer with a short page saying one thing."""
        text = self.context.layout.words(self.locale_name, key, **variables)
        self.show("notice", status, text=text, back=None)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.clear()  # headers set before the error are dropped; ours are set again
        self.set_default_headers()
        key = ERROR_WORDS.get(status_code, "error_other")  # HTTPStatus keys are ints
        self.notice(key, status_code)

    def log_exception(
        self, typ: type[BaseException] | None, value: BaseException | None, tb: Any
    ) -> None:
        # never the request: its path is a capability, its form a patient's words
        if not isinstance(value, HTTPError):
            log.error("web page failed: %s", typ.__name__ if typ else "?", exc_info=False)


class NotFound(WebHandler):
    """Any other path: the polite "cannot open" page."""

    def prepare(self) -> None:
        raise HTTPError(HTTPStatus.NOT_FOUND)


class PageHandler(WebHandler):
    """A page reached by a link: opened (or refused politely) before the method runs."""

    purpose: ClassVar[LinkPurpose]
    opened: OpenedLink

    async def prepare(self) -> None:
        context, client = self.context, self.request.remote_ip or "-"
        now = context.services.clock.now()
        if context.guesses.blocked(client, now):
            self.notice("error_too_many", HTTPStatus.TOO_MANY_REQUESTS)
            return
        opened = await context.links.open(str(self.path_args[0]), self.purpose)
        if isinstance(opened, LinkProblem):
            if opened is LinkProblem.UNKNOWN:
                context.guesses.count(client, now)
            self.notice(ERROR_WORDS[PROBLEM_STATUS[opened]], PROBLEM_STATUS[opened])
            return
        self.opened = opened
        store = context.services.store
        own = await store.contacts.locale_of_chat(self.chat)
        self.locale_name = effective_locale(own, context.services.settings.locale)
        await store.web_pages.touch(self.chat, now)

    @property
    def chat(self) -> int:
        """Return the chat the link belongs to."""
        return self.opened.link.chat_id

    @property
    def services(self) -> Services:
        """Return the running bot's services."""
        return self.context.services

    async def address(self) -> Address:
        """Return the address behind the link's chat."""
        address = await self.services.store.channel_chats.address_of(self.chat)
        if address is None:
            raise HTTPError(HTTPStatus.GONE)
        return address
