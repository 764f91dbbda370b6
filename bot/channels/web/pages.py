"""The conversation page (the chat's feed, answered by tapping or typing), the complaint or
praise form, and the stop page. Answers go through the same use cases as chat."""

from __future__ import annotations

from dataclasses import replace
from http import HTTPStatus

from bot.channels.web.base import PageHandler
from bot.domain.cases import CaseKind
from bot.domain.consent import ConsentVia
from bot.domain.web_links import LinkPurpose
from bot.services.complaint_dialog import consenting_contact, file_case
from bot.services.enrolment import mask_name
from bot.services.stopping import withdraw_without_asking
from bot.storage.web_pages import FeedEntry

SHOWN = 10  # messages on the page: the latest, and older ones above it
TEXT_LIMIT = 2000
LATE = "answered_late"  # the query flag: the answer posted was to a question no longer open
FORM_KINDS = (CaseKind.COMPLAINT, CaseKind.PRAISE)
FORM_LAYOUT = "case_form"  # messages/web/case_form.html


def _number(value: str) -> int | None:
    """Read a form's number (ASCII digits only), else None."""
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 12 else None


def masked(entry: FeedEntry, name: str) -> FeedEntry:
    """Return a feed message with the patient's name masked (张三丰 → 张**)."""
    return replace(entry, text=entry.text.replace(name, mask_name(name))) if name else entry


class ConversationPage(PageHandler):
    purpose = LinkPurpose.CONVERSATION

    async def get(self, _token: str) -> None:
        """Show the masked name, the last messages, the latest one's choices as buttons."""
        store = self.services.store
        contact = await consenting_contact(store, self.chat)
        episode = await store.episodes.get(contact.episode_id) if contact else None
        entries = await store.web_pages.latest(self.chat, SHOWN)
        if episode is not None:  # whoever holds the link sees the masked name, never the name
            entries = [masked(entry, episode.name) for entry in entries]
        links = self.context.links
        self.show(
            "conversation",
            masked_name=mask_name(episode.name) if episode else "",
            older=entries[:-1],
            latest=entries[-1] if entries else None,
            closed=self.get_query_argument(LATE, "") == "1",
            links={
                purpose.value: await links.sibling_url(self.opened, purpose)
                for purpose in (LinkPurpose.COMPLAINT, LinkPurpose.STOP, LinkPurpose.REPLIES)
            },
        )

    async def post(self, _token: str) -> None:
        """Take typed words or a tapped choice as chat would; then show the page again."""
        text = self.get_body_argument("text", "").strip()
        address = await self.address()
        answered = True
        if text:
            await self.context.inbox.receive(address, text[:TEXT_LIMIT])
        elif self.get_body_argument("choice", ""):
            answered = await self._choose()  # else an empty box was sent: nothing to take
        flag = "" if answered else f"?{LATE}=1"
        self.redirect(self.request.path + flag, status=HTTPStatus.SEE_OTHER)

    async def _choose(self) -> bool:
        """Answer the tapped choice if its message is still the latest with it open; the
        choice's id comes from what was offered, never from the form."""
        feed_id = _number(self.get_body_argument("feed", ""))
        index = _number(self.get_body_argument("choice", ""))
        store = self.services.store
        latest: list[FeedEntry] = await store.web_pages.latest(self.chat, 1)
        offered = await store.channel_chats.offered(self.chat)
        if feed_id is None or index is None or not latest or latest[0].id != feed_id:
            return False
        shown = [choice.id for choice in latest[0].choices]
        if index >= len(shown) or [choice.id for choice in offered] != shown:
            return False
        await self.context.inbox.receive_choice(await self.address(), shown[index])
        return True


class ComplaintPage(PageHandler):
    purpose = LinkPurpose.COMPLAINT

    def _form(self, problem: str | None = None) -> None:
        words = self.context.layout.words
        kinds = [
            (kind.value, words(self.locale_name, f"complaint_is_{kind.value}"))
            for kind in FORM_KINDS
        ]
        self.show(FORM_LAYOUT, kinds=kinds, problem=problem)

    async def get(self, _token: str) -> None:
        """Show the form: complaint or praise, and what happened."""
        self._form()

    async def post(self, _token: str) -> None:
        """File the case as the chat's dialog would, then thank the person."""
        chosen = self.get_body_argument("kind", "")
        kind = next((kind for kind in FORM_KINDS if kind.value == chosen), None)
        text = self.get_body_argument("text", "").strip()
        if kind is None or not text:
            self._form(self.context.layout.words(self.locale_name, "complaint_text_needed"))
            return
        case = await file_case(self.services, self.chat, kind, text[:TEXT_LIMIT])
        if case is None:
            self.notice("not_enrolled", HTTPStatus.GONE)
            return
        zone = self.services.settings.zone
        due = f"{case.due_at.astimezone(zone):%Y-%m-%d}" if case.due_at else ""
        self.notice("complaint_thanks", number=case.id, due=due)


class StopPage(PageHandler):
    purpose = LinkPurpose.STOP

    async def get(self, _token: str) -> None:
        """Explain what stopping means and ask to confirm."""
        self.show("stop")

    async def post(self, _token: str) -> None:
        """Withdraw consent for every patient the chat follows; say it is done."""
        await withdraw_without_asking(self.services, self.chat, ConsentVia.WEB_PAGE)
        self.notice("stop_done")
