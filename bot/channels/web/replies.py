"""The page of staff's replies to the patient's cases, shown after an identity check (the
enrolment's question); wrong answers are counted per link, five lock it for an hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus

from bot.channels.web.base import PageHandler
from bot.domain.cases import CaseEventKind
from bot.domain.invites import IdentityQuestion, identity_matches, identity_question
from bot.domain.web_links import LinkPurpose
from bot.services.complaint_dialog import consenting_contact
from bot.storage.records import Episode

ATTEMPTS = 5
LOCKED_FOR = timedelta(hours=1)
SESSION = timedelta(minutes=30)
COOKIE = "verified"
ANSWER_FIELD = "identity_answer"
REPLY_KINDS = (CaseEventKind.REPLIED, CaseEventKind.AFTER_CLOSE_MESSAGE)
QUESTION_WORDS = {
    IdentityQuestion.PHONE_LAST4: "identity_phone_last4",
    IdentityQuestion.BIRTH_YEAR: "identity_birth_year",
}


@dataclass(frozen=True)
class ReplyView:
    date: str
    text: str


@dataclass(frozen=True)
class CaseView:
    kind: str
    number: int
    date: str
    text: str
    replies: list[ReplyView]


class RepliesPage(PageHandler):
    purpose = LinkPurpose.REPLIES

    async def get(self, _token: str) -> None:
        """Show the cases and replies to a verified visitor, else the identity question."""
        episode = await self._episode()
        if episode is None:
            self.notice("not_enrolled", HTTPStatus.GONE)
        elif self._verified():
            self.show("replies", cases=await self._cases(episode))
        else:
            self._ask(episode)

    async def post(self, _token: str) -> None:
        """Check an identity answer: right, keep the visitor verified; wrong, count it."""
        episode = await self._episode()
        link, now = self.opened.link, self.services.clock.now()
        if episode is None:
            self.notice("not_enrolled", HTTPStatus.GONE)
            return
        question = identity_question(episode.phone, episode.birth_date)
        if link.locked_until is not None and link.locked_until > now:
            self.notice("identity_locked", HTTPStatus.TOO_MANY_REQUESTS)
            return
        answer = self.get_body_argument(ANSWER_FIELD, "")[:16]
        if question and identity_matches(question, answer, episode.phone, episode.birth_date):
            await self.services.store.web_pages.clear_failed_checks(link.id)
            self._remember(now + SESSION)
            self.redirect(self.request.path, status=HTTPStatus.SEE_OTHER)
            return
        pages = self.services.store.web_pages
        left = await pages.record_failed_check(link.id, ATTEMPTS, now, LOCKED_FOR)
        if left == 0:
            self.notice("identity_locked", HTTPStatus.TOO_MANY_REQUESTS)
            return
        self._ask(
            episode, self.context.layout.words(self.locale_name, "identity_wrong", remaining=left)
        )

    def _ask(self, episode: Episode, problem: str | None = None) -> None:
        question = identity_question(episode.phone, episode.birth_date)
        if question is None:
            self.notice("cannot_verify")
            return
        words = self.context.layout.words(self.locale_name, QUESTION_WORDS[question])
        self.show("identity", question=words, problem=problem)

    async def _episode(self) -> Episode | None:
        store = self.services.store
        contact = await consenting_contact(store, self.chat)
        return await store.episodes.get(contact.episode_id) if contact else None

    def _remember(self, until: datetime) -> None:
        """Keep this visitor verified for this link until `until` (a signed cookie)."""
        value = f"{self.opened.link.id}:{int(until.timestamp())}"
        self.set_signed_cookie(
            COOKIE,
            value,
            expires_days=None,
            path=self.request.path,
            httponly=True,
            secure=self.context.secure,
            samesite="Lax",
        )

    def _verified(self) -> bool:
        raw = self.get_signed_cookie(COOKIE, max_age_days=1)
        link_id, _, until = (raw or b"").decode("ascii", "replace").partition(":")
        now = self.services.clock.now().timestamp()
        return link_id == str(self.opened.link.id) and until.isdecimal() and int(until) > now

    async def _cases(self, episode: Episode) -> list[CaseView]:
        services, locale = self.services, self.locale_name
        zone = services.settings.zone
        views = []
        for case in reversed(await services.store.cases.for_patient(episode.patient_id)):
            events = await services.store.cases.events(case.id)
            replies = [
                ReplyView(f"{event.at.astimezone(zone):%Y-%m-%d}", event.detail)
                for event in events
                if event.kind in REPLY_KINDS and event.detail
            ]
            kind = services.renderer.label("case_kind", case.kind, locale)
            date = f"{case.created_at.astimezone(zone):%Y-%m-%d}"
            views.append(CaseView(kind, case.id, date, case.text or "", replies))
        return views
