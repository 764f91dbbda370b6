"""Capability links to the pages: minted for a chat and a purpose, checked when opened.

A token is checked in this order: its signature (a forgery costs no lookup), its stored row
(purpose, expiry), then the chat's consent now (a withdrawn, dead or erased patient's links
are dead). What failed is told apart only as "not found" and "no longer valid".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.clock import Clock
from bot.domain.enrolment import ConsentDecision
from bot.domain.web_links import (
    LIFETIME,
    PATH_PREFIX,
    LinkPurpose,
    is_signed,
    new_token,
    sibling_token,
    token_hash,
)
from bot.services.patient_facts import all_stopped
from bot.storage.store import Store
from bot.storage.web_pages import WebLink, WebPageRepository


class LinkProblem(StrEnum):
    UNKNOWN = "unknown"  # forged, never issued, or for another page: 404
    GONE = "gone"  # expired, or its patient no longer consents: 410


@dataclass(frozen=True)
class OpenedLink:
    """A link that opened: its token and what it stores."""

    token: str
    link: WebLink


class PageLinks:
    """Mints and checks the links to a chat's pages."""

    def __init__(self, store: Store, clock: Clock, base_url: str, secret: bytes) -> None:
        self.store, self.clock, self.base_url, self.secret = store, clock, base_url, secret

    def url(self, purpose: LinkPurpose, token: str) -> str:
        """Return the full URL of a page's token."""
        return f"{self.base_url}/{PATH_PREFIX[purpose]}/{token}"

    async def url_for(self, chat: int, purpose: LinkPurpose, now: datetime) -> str:
        """Mint a new link to a chat's page for a purpose; return its URL."""
        return self.url(purpose, await self.token_for(chat, purpose, now))

    async def token_for(
        self,
        chat: int,
        purpose: LinkPurpose,
        now: datetime,
        pages: WebPageRepository | None = None,
    ) -> str:
        """Mint a new link to a chat's page for a purpose; return its token (an SMS's code).
        With `pages` (a unit of work's), the link is stored in that transaction."""
        token = new_token(self.secret)
        await self._keep(token, chat, purpose, now, pages or self.store.web_pages)
        return token

    async def sibling_url(self, opened: OpenedLink, purpose: LinkPurpose) -> str:
        """Return the URL of the same chat's page for another purpose (the same every time)."""
        token = sibling_token(self.secret, opened.token, purpose)
        if await self.store.web_pages.link(token_hash(token)) is None:
            await self._keep(
                token, opened.link.chat_id, purpose, self.clock.now(), self.store.web_pages
            )
        return self.url(purpose, token)

    async def _keep(
        self,
        token: str,
        chat: int,
        purpose: LinkPurpose,
        now: datetime,
        pages: WebPageRepository,
    ) -> None:
        until = now + LIFETIME[purpose]
        await pages.keep_link(token_hash(token), chat, purpose, now, until)

    async def open(self, token: str, purpose: LinkPurpose) -> OpenedLink | LinkProblem:
        """Return the link a token opens for a purpose, or why it does not."""
        if not is_signed(self.secret, token):
            return LinkProblem.UNKNOWN
        link = await self.store.web_pages.link(token_hash(token))
        if link is None or link.purpose is not purpose:
            return LinkProblem.UNKNOWN
        if link.expires_at <= self.clock.now() or not await self._consenting(link.chat_id):
            return LinkProblem.GONE
        return OpenedLink(token, link)

    async def _consenting(self, chat: int) -> bool:
        """Say whether the chat still follows a patient: consent granted, not deceased or
        in dispute (erased contacts have left the chat)."""
        contacts = await self.store.contacts.for_chat(chat)
        granted = [c.patient_id for c in contacts if c.consent == ConsentDecision.GRANTED]
        return bool(granted) and not await all_stopped(self.store, granted)
