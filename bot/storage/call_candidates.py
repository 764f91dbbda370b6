"""Who is owed a call: stays no chat reaches, check-ins that failed, cases to call back; and
which stays may no longer be called."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, exists, literal, or_, select

from bot.domain.calls import CallReason, CallStatus
from bot.domain.cases import CaseKind, CaseStatus
from bot.domain.channel_messages import ChannelName
from bot.domain.enrolment import ConsentDecision
from bot.domain.messages import FailureReason, MessageKind, MessageStatus
from bot.domain.patient_facts import PATIENT_LEVEL_EXCLUSIONS
from bot.domain.special_groups import SpecialGroups
from bot.storage.call_coverage import special_condition
from bot.storage.connections import Connections, reading
from bot.storage.outbox import followed_patients
from bot.storage.schema import call_tasks, cases, contacts, episodes, scheduled_messages

m = scheduled_messages
CHATS = (ChannelName.TELEGRAM.value, ChannelName.WECHAT.value, ChannelName.TEXT.value)
FAILED_FOR_CALL = (FailureReason.NO_ANSWER.value, FailureReason.UNREACHABLE.value)
STEP_REASONS = tuple(
    r.value
    for r in (CallReason.NO_MESSAGE_CHANNEL, CallReason.PREFERS_PHONE, CallReason.MESSAGES_FAILED)
)
# A phone or SMS contact's question is called back: no chat to write the answer to.
CALLED_BACK_CHANNELS = (ChannelName.SMS.value, ChannelName.PHONE.value)


@dataclass(frozen=True)
class FailedStep:
    """A check-in message that failed after its tries: the stay, the step, when it failed."""

    episode_id: int
    step_key: str
    occurrence: int
    failed_at: datetime


@dataclass(frozen=True)
class OpenCase:
    """A case to call back: its kind, stay and department, and when it was opened."""

    case_id: int
    kind: CaseKind
    episode_id: int
    created_at: datetime


def stay_eligible() -> ColumnElement[bool]:
    """A stay that may be called: consent on the list, not excluded, the patient followed
    (not deceased, in dispute or erased), no contact of the patient withdrawn."""
    withdrawn = contacts.alias("withdrawn_contact")
    return and_(
        episodes.c.consent.is_(True),
        or_(episodes.c.exclusion.is_(None), episodes.c.exclusion.in_(PATIENT_LEVEL_EXCLUSIONS)),
        episodes.c.patient_id.in_(followed_patients()),
        ~exists().where(
            withdrawn.c.patient_id == episodes.c.patient_id,
            withdrawn.c.consent == ConsentDecision.WITHDRAWN.value,
        ),
    )


def _no_chat() -> ColumnElement[bool]:
    """No consenting, reachable chat contact (Telegram, WeChat) on the stay."""
    chat = contacts.alias("chat")
    return ~exists().where(
        chat.c.episode_id == episodes.c.id,
        chat.c.channel.in_(CHATS),
        chat.c.consent == ConsentDecision.GRANTED.value,
        chat.c.reachable.is_(True),
        chat.c.superseded_at.is_(None),
    )


def _no_open_step_task() -> ColumnElement[bool]:
    return ~exists().where(
        call_tasks.c.episode_id == episodes.c.id,
        call_tasks.c.status == CallStatus.OPEN.value,
        call_tasks.c.reason.in_(STEP_REASONS),
    )


def _latest_stay() -> ColumnElement[bool]:
    later = episodes.alias("later")
    return ~exists().where(
        later.c.patient_id == episodes.c.patient_id,
        later.c.discharged_at > episodes.c.discharged_at,
    )


class CallCandidateRepository:
    def __init__(self, engine: Connections) -> None:
        self._engine = engine

    async def stays_without_chat(
        self, since: datetime, until: datetime, after_id: int, limit: int
    ) -> list[int]:
        """Return up to limit eligible latest stays (ids above after_id, in order)
        discharged between since and until that no chat reaches and that have no step call
        open."""
        query = (
            select(episodes.c.id)
            .where(episodes.c.discharged_at >= since, episodes.c.discharged_at <= until)
            .where(episodes.c.id > after_id)
            .where(stay_eligible(), _no_chat(), _no_open_step_task(), _latest_stay())
            .order_by(episodes.c.id)
            .limit(limit)
        )
        async with reading(self._engine) as conn:
            return list((await conn.execute(query)).scalars())

    async def stays_unanswered(
        self, since: datetime, until: datetime, groups: SpecialGroups
    ) -> list[int]:
        """Return the eligible latest stays of the special groups discharged between since
        and until with no check-in answered and no special call owed yet (the special rule's
        candidates: chosen in SQL, not read one by one)."""
        answered = select(m.c.episode_id).where(
            m.c.kind == MessageKind.CHECKIN.value, m.c.status == MessageStatus.ANSWERED.value
        )
        owed = select(call_tasks.c.episode_id).where(
            call_tasks.c.reason == CallReason.SPECIAL.value
        )
        query = (
            select(episodes.c.id)
            .where(episodes.c.discharged_at >= since, episodes.c.discharged_at <= until)
            .where(stay_eligible(), _latest_stay())
            .where(episodes.c.id.not_in(answered), episodes.c.id.not_in(owed))
            .order_by(episodes.c.discharged_at, episodes.c.id)
        )
        async with reading(self._engine) as conn:
            special = special_condition(groups, conn.dialect.name)
            return list((await conn.execute(query.where(special))).scalars())

    async def answered_steps(self, episode_id: int) -> set[tuple[str, int]]:
        """Return the stay's steps answered on any channel."""
        query = select(m.c.step_key, m.c.occurrence).where(
            m.c.episode_id == episode_id, m.c.status == MessageStatus.ANSWERED.value
        )
        async with reading(self._engine) as conn:
            return {(key, occurrence) for key, occurrence in (await conn.execute(query)).all()}

    async def answered_of(self, episode_ids: list[int]) -> set[tuple[int, str, int]]:
        """Return the steps (stay, step, occurrence) of these stays answered on any channel."""
        query = select(m.c.episode_id, m.c.step_key, m.c.occurrence).where(
            m.c.episode_id.in_(episode_ids), m.c.status == MessageStatus.ANSWERED.value
        )
        async with reading(self._engine) as conn:
            return {
                (e, key, occurrence) for e, key, occurrence in (await conn.execute(query)).all()
            }

    async def failed_checkins(self, since: datetime) -> list[FailedStep]:
        """Return check-ins of eligible stays that failed (unanswered, unreachable) since,
        not answered in another chat and not owed a call yet (each sweep reads new ones)."""
        query = (
            select(m.c.episode_id, m.c.step_key, m.c.occurrence, m.c.updated_at)
            .join(episodes, episodes.c.id == m.c.episode_id)
            .where(
                m.c.kind == MessageKind.CHECKIN.value,
                m.c.status == MessageStatus.FAILED.value,
                m.c.failure_reason.in_(FAILED_FOR_CALL),
                m.c.updated_at >= since,
                stay_eligible(),
                ~exists().where(call_tasks.c.key == _step_key_of(m)),
                ~exists().where(
                    answered.c.episode_id == m.c.episode_id,
                    answered.c.step_key == m.c.step_key,
                    answered.c.occurrence == m.c.occurrence,
                    answered.c.status == MessageStatus.ANSWERED.value,
                ),
            )
            .order_by(m.c.updated_at, m.c.id)
        )
        async with reading(self._engine) as conn:
            return [FailedStep(*row) for row in (await conn.execute(query)).all()]

    async def open_call_backs(self) -> list[OpenCase]:
        """Return the open red flags, and the open questions of patients with no chat."""
        sender = contacts.alias("sender")
        no_chat = ~exists().where(sender.c.id == cases.c.contact_id, sender.c.channel.in_(CHATS))
        query = (
            select(cases.c.id, cases.c.kind, cases.c.episode_id, cases.c.created_at)
            .join(episodes, episodes.c.id == cases.c.episode_id)
            .where(
                cases.c.status != CaseStatus.CLOSED.value,
                or_(
                    cases.c.kind == CaseKind.RED_FLAG.value,
                    and_(cases.c.kind == CaseKind.QUESTION.value, no_chat),
                ),
                stay_eligible(),
            )
            .order_by(cases.c.id)
        )
        async with reading(self._engine) as conn:
            rows = (await conn.execute(query)).all()
        return [OpenCase(row[0], CaseKind(row[1]), row[2], row[3]) for row in rows]

    async def closed_cases(self, case_ids: list[int]) -> set[int]:
        """Return which of these cases are closed."""
        query = select(cases.c.id).where(
            cases.c.id.in_(case_ids), cases.c.status == CaseStatus.CLOSED.value
        )
        async with reading(self._engine) as conn:
            return set((await conn.execute(query)).scalars())

    async def eligible_stays(self, episode_ids: list[int]) -> set[int]:
        """Return which of these stays may still be called."""
        query = select(episodes.c.id).where(episodes.c.id.in_(episode_ids), stay_eligible())
        async with reading(self._engine) as conn:
            return set((await conn.execute(query)).scalars())


answered = scheduled_messages.alias("answered_rows")


def _step_key_of(row: Any) -> ColumnElement[str]:
    """The key a step's call is owed under (bot.services.worklist.step_key), in SQL."""
    episode, occurrence = cast(row.c.episode_id, String), cast(row.c.occurrence, String)
    key: ColumnElement[str] = literal("step:") + episode + ":" + row.c.step_key + ":" + occurrence
    return key
