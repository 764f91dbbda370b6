"""The staff desk on Telegram: a case is a forum topic (or a card whose replies are the thread).

Every message goes through the send path; creating a topic and editing a card are not new
messages, so they stay Bot calls here.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.channels.telegram.transport import inline_keyboard
from bot.domain.cases import (
    WORKED_KINDS,
    Case,
    CaseEventKind,
    CaseKind,
    CaseStatus,
    Outcome,
    Posting,
    StaffPost,
)
from bot.domain.channel_messages import (
    Choice,
    Choices,
    Media,
    MediaKind,
    Original,
    Outgoing,
    SendPurpose,
    telegram_chat,
)
from bot.domain.choices import Prefix
from bot.domain.clock import Clock
from bot.domain.red_flags import RedFlagAction, RedFlagOutcome
from bot.services.alerts import patient_variables
from bot.services.case_texts import local_text, phone_line, relayed_by, who_raised
from bot.services.ports import Sender
from bot.settings import Settings
from bot.storage.records import Episode
from bot.storage.store import Store
from bot.templating import Renderer

log = logging.getLogger(__name__)
# A post slowed by the group's rate limit finishes well within this; a crashed one is retried
# by the sweep once it has passed.
POST_CLAIM = timedelta(minutes=10)
CLOSED_BUTTONS = [[("buttons/case_reopen", "reopen"), ("buttons/case_after_close", "tell")]]
OPEN_BUTTONS = [
    [
        ("buttons/case_take", "take"),
        ("buttons/case_reply", "reply"),
        ("buttons/case_close", "close"),
    ],
    [("buttons/case_assign", "assign")],
]
PRAISE_STEPS = (("buttons/praise_thanked", "thank"), ("buttons/praise_passed_on", "passon"))
ACK_LABEL = "buttons/case_ack"
PHONE_LABEL = "buttons/red_flag_phone"
Rows = tuple[tuple[Choice, ...], ...]


class TelegramStaffDesk:
    """Posts and works cases in the staff group (FOLLOWUP_STAFF_CHAT_ID)."""

    def __init__(
        self,
        bot: Bot,
        settings: Settings,
        store: Store,
        renderer: Renderer,
        clock: Clock,
        sender: Sender,
    ) -> None:
        self.bot, self.settings, self.store = bot, settings, store
        self.renderer, self.clock, self.sender = renderer, clock, sender

    def _render(self, key: str, /, **variables: object) -> str:
        return self.renderer.render(key, self.settings.locale, **variables)

    async def post_case(self, case: Case) -> Posting:
        """Open the case's topic (or card) in the staff group, once, whoever calls first."""
        chat_id = self.settings.staff_chat_id
        episode = await self.store.episodes.get(case.episode_id)
        if chat_id is None or episode is None:
            log.warning("case %s not posted: no staff group configured", case.id)
            return Posting.FAILED
        now = self.clock.now()
        if not await self.store.cases.claim_posting(case.id, now, now + POST_CLAIM):
            return Posting.CLAIMED
        claimed = await self.store.cases.get(case.id)  # a failed try may have left its topic
        assert claimed is not None
        try:
            where = await self._post(chat_id, claimed, episode)
        except TelegramError as error:
            log.warning("case %s: no topic in the staff group: %s", case.id, type(error).__name__)
            where = None
        if where is None:
            await self.store.cases.release_posting(case.id)
            return Posting.FAILED
        await self.store.cases.mark_posted(case.id, self.clock.now(), where)
        if claimed.photo_file_id:
            photo = Media(MediaKind.PHOTO, ref=claimed.photo_file_id)
            reply_to = None if where.topic_id else str(where.message_id)
            address = telegram_chat(chat_id, where.topic_id)
            await self.sender.send(address, Outgoing("", media=photo, reply_to=reply_to))
        return Posting.POSTED

    async def _post(self, chat_id: int, case: Case, episode: Episode) -> StaffPost | None:
        """Open the case's topic (unless an earlier try did) and send its card."""
        topic_id = case.topic_id
        if topic_id is None:
            topic_id = await self._open_topic(chat_id, case, episode)
            if topic_id is not None:  # kept even if the card fails: the retry reuses it
                await self.store.cases.record_topic(case.id, topic_id)
        card = Outgoing(await self._card_text(case, episode), self._card_choices(case))
        sent = await self.sender.send(telegram_chat(chat_id, topic_id), card)
        if sent is None:
            return None
        return StaffPost(chat_id, int(sent.ref), topic_id)

    async def _open_topic(self, chat_id: int, case: Case, episode: Episode) -> int | None:
        """Create the case's forum topic; None when topics are off (cards and replies instead)."""
        name = self._render("staff/case_topic_name", number=case.id, department=episode.department)
        try:
            topic = await self.bot.create_forum_topic(chat_id, name[:128])
        except BadRequest as error:  # not a forum, or the bot may not manage topics
            log.info("case %s: no forum topic (%s); posting a card", case.id, error.message)
            return None
        return topic.message_thread_id

    async def _card_text(self, case: Case, episode: Episode) -> str:
        """Render the case card (the register the seeds' 投诉登记表 describes)."""
        assignee = ""
        if case.assignee_id is not None:
            member = await self.store.staff.get(case.assignee_id)
            assignee = member.name if member and member.name else str(case.assignee_id)
        key = "staff/praise_card" if case.kind is CaseKind.PRAISE else "staff/case_card"
        zone = self.settings.zone
        return self._render(
            key,
            number=case.id,
            kind=case.kind.value,
            **patient_variables(self.settings, episode),
            who=who_raised(self.renderer, self.settings.locale, case),
            by_phone=await relayed_by(self.store, case),
            concerned=case.concerned or "",
            text=case.text or "",
            received=local_text(zone, case.created_at),
            due=local_text(zone, case.due_at),
            status=case.status.value,
            assignee=assignee,
            handling=case.summary or "",
        )

    def _card_choices(self, case: Case) -> Rows:
        """Return the card's choices for the case's status (praise: the steps not yet taken)."""
        if case.kind is CaseKind.PRAISE:
            steps = [(label, action) for label, action in PRAISE_STEPS if self._open(case, action)]
            row = tuple(Choice(f"cs:{a}:{case.id}", self._render(label)) for label, a in steps)
            return (row,) if row else ()
        layout = CLOSED_BUTTONS if case.status is CaseStatus.CLOSED else OPEN_BUTTONS
        return tuple(
            tuple(Choice(f"cs:{action}:{case.id}", self._render(label)) for label, action in row)
            for row in layout
        )

    @staticmethod
    def _open(case: Case, praise_step: str) -> bool:
        """Say whether a praise's step is still to be taken."""
        return case.answered_at is None if praise_step == "thank" else not case.closed

    async def refresh_card(self, case_id: int) -> None:
        """Show the case's current status and buttons on its card."""
        case = await self.store.cases.get(case_id)
        if case is None or case.staff_chat_id is None or case.staff_message_id is None:
            return
        episode = await self.store.episodes.get(case.episode_id)
        if episode is None:
            return
        card = Outgoing(await self._card_text(case, episode), self._card_choices(case))
        try:
            await self.bot.edit_message_text(
                card.text,
                case.staff_chat_id,
                case.staff_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=inline_keyboard(card),
            )
        except TelegramError as error:
            log.info("case %s: card not refreshed: %s", case.id, type(error).__name__)

    async def post_note(self, case: Case, key: str, /, **variables: object) -> str | None:
        """Post a note in the case's thread (its topic, or as a reply to its card)."""
        return await self._in_thread(case, Outgoing(self._render(key, number=case.id, **variables)))

    async def offer(
        self, case: Case, key: str, choices: Rows, /, **variables: object
    ) -> str | None:
        """Post a note with choices in the case's thread (its topic, or under its card)."""
        text = self._render(key, number=case.id, **variables)
        return await self._in_thread(case, Outgoing(text, choices))

    async def offer_outcomes(self, case: Case) -> None:
        """Ask in the case's thread which outcome closes it, one button per outcome."""
        choices = tuple(
            (Choice(f"cs:outcome:{case.id}:{o.value}", self._render(f"buttons/outcome_{o}")),)
            for o in Outcome
        )
        text = self._render("staff/case_outcome_prompt", number=case.id)
        await self._in_thread(case, Outgoing(text, choices), reply_to_card=False)

    async def _in_thread(
        self, case: Case, message: Outgoing, reply_to_card: bool = True
    ) -> str | None:
        if case.staff_chat_id is None:
            return None
        if reply_to_card and case.topic_id is None and case.staff_message_id is not None:
            message = replace(message, reply_to=str(case.staff_message_id))
        sent = await self.sender.send(telegram_chat(case.staff_chat_id, case.topic_id), message)
        if sent is None:
            return None
        if case.topic_id is None and case.kind in WORKED_KINDS:  # a card's replies are its thread
            await self.store.cases.record_event(
                case.id, CaseEventKind.THREAD_POST, self.clock.now(), None, sent.ref
            )
        return sent.ref

    async def copy_into(self, case: Case, original: Original) -> str | None:
        """Show a copy of a patient's own message (voice, photo…) in the case's thread."""
        return await self._in_thread(case, Outgoing("", copy_of=original))

    async def attach(self, case: Case, media: Media) -> str | None:
        """Post a file a patient sent on a channel that cannot copy (a WeChat voice note)."""
        return await self._in_thread(case, Outgoing("", media=media))

    async def post_alert(
        self,
        key: str,
        episode: Episode,
        /,
        acknowledge: int | None = None,
        choices: Choices = (),
        **variables: object,
    ) -> StaffPost | None:
        """Post a template about a patient to the staff group; None if it could not be posted."""
        chat_id = self.settings.staff_chat_id
        if chat_id is None:
            log.warning("no staff group configured; %s not posted", key)
            return None
        text = self._render(key, **patient_variables(self.settings, episode), **variables)
        if acknowledge is not None:
            choices = self._red_flag_choices(acknowledge, acknowledged=False, closed=False)
            text = await self._with_phone_line(text, acknowledge)
        message = Outgoing(text, choices)
        sent = await self.sender.send(telegram_chat(chat_id), message, SendPurpose.NOTICE)
        if sent is None:
            log.warning("staff post %s failed", key)
        return StaffPost(chat_id, int(sent.ref), None) if sent is not None else None

    async def _with_phone_line(self, text: str, case_id: int) -> str:
        """Add to a red flag's alert who entered it, when it came on a phone call."""
        case = await self.store.cases.get(case_id)
        line = (
            ""
            if case is None
            else await phone_line(self.store, self.renderer, self.settings.locale, case)
        )
        return f"{text}\n{line}" if line else text

    def _red_flag_choices(self, case_id: int, *, acknowledged: bool, closed: bool) -> Rows:
        """Acknowledge, then the outcomes once acknowledged; the phone button throughout."""
        phone_id = f"{Prefix.RED_FLAG}:{RedFlagAction.PHONE}:{case_id}"
        phone = Choice(phone_id, self._render(PHONE_LABEL))
        if closed:
            return ((phone,),)
        if not acknowledged:
            return ((Choice(f"{Prefix.CASE_ACK}:{case_id}", self._render(ACK_LABEL)), phone),)
        outcomes = tuple(
            (
                Choice(
                    f"{Prefix.RED_FLAG}:{RedFlagAction.OUTCOME}:{case_id}:{outcome}",
                    self._render(f"buttons/red_flag_{outcome}"),
                ),
            )
            for outcome in RedFlagOutcome
        )
        return (*outcomes, (phone,))

    async def refresh_red_flag(self, case_id: int) -> None:
        """Show a red flag's current choices on its alert."""
        case = await self.store.cases.get(case_id)
        if case is None or case.staff_chat_id is None or case.staff_message_id is None:
            return
        acknowledged = case.acknowledged_at is not None
        rows = self._red_flag_choices(case.id, acknowledged=acknowledged, closed=case.closed)
        try:
            await self.bot.edit_message_reply_markup(
                case.staff_chat_id,
                case.staff_message_id,
                reply_markup=inline_keyboard(Outgoing("", rows)),
            )
        except TelegramError as error:
            log.info("red flag %s: choices not refreshed: %s", case.id, type(error).__name__)

    async def tell_member(self, user_id: int, key: str, /, **variables: object) -> bool:
        """Write to a staff member's private chat with the bot; False if refused."""
        message = Outgoing(self._render(key, **variables))
        return (
            await self.sender.send(telegram_chat(user_id), message, SendPurpose.NOTICE) is not None
        )

    async def relay_to_member(self, user_id: int, message: Outgoing) -> str | None:
        """Show a staff member privately what to read out to a patient on their call."""
        sent = await self.sender.send(telegram_chat(user_id), message, SendPurpose.REPLY)
        return None if sent is None else sent.ref
