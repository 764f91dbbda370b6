"""A unit of work: the repositories over one connection, committed once or not at all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.audit import AuditRepository
from bot.storage.cache import CacheRepository
from bot.storage.call_attempts import CallAttemptRepository
from bot.storage.call_candidates import CallCandidateRepository
from bot.storage.call_stats import CallStatsRepository
from bot.storage.call_tasks import CallTaskRepository
from bot.storage.case_drafts import CaseDraftRepository
from bot.storage.cases import CaseRepository
from bot.storage.channel_chats import ChannelChatRepository
from bot.storage.channel_tokens import ChannelInboundRepository, ChannelTokenRepository
from bot.storage.channel_windows import ChannelWindowRepository
from bot.storage.connections import Connections, SharedConnection
from bot.storage.contacts import ContactRepository
from bot.storage.deliveries import DeliveryRepository
from bot.storage.dialogs import DialogRepository
from bot.storage.episodes import EpisodeRepository
from bot.storage.invites import InviteRepository
from bot.storage.leases import LeaseRepository, SeenUpdates
from bot.storage.medicines import MedicineRepository
from bot.storage.outbox import OutboxRepository
from bot.storage.patient_facts import PatientFactRepository
from bot.storage.patient_messages import PatientMessageRepository
from bot.storage.phone_calls import PhoneCallRepository
from bot.storage.plan_edits import PlanEditRepository
from bot.storage.reach import ReachRepository
from bot.storage.reports import ReportRepository
from bot.storage.revisits import RevisitRepository
from bot.storage.sms_messages import SmsMessageRepository
from bot.storage.sms_owed import SmsOwedRepository
from bot.storage.staff import StaffRepository
from bot.storage.stats import StatsRepository
from bot.storage.surveys import SurveyRepository
from bot.storage.templates import TemplateRepository
from bot.storage.web_pages import WebPageRepository


@dataclass(frozen=True)
class Repositories:
    """Every repository, all taking their connections from the same place."""

    episodes: EpisodeRepository
    invites: InviteRepository
    contacts: ContactRepository
    dialogs: DialogRepository
    staff: StaffRepository
    cache: CacheRepository
    outbox: OutboxRepository
    surveys: SurveyRepository
    cases: CaseRepository
    stats: StatsRepository
    reports: ReportRepository
    templates: TemplateRepository
    plan_edits: PlanEditRepository
    audit: AuditRepository
    leases: LeaseRepository
    seen_updates: SeenUpdates
    medicine_stops: MedicineRepository
    revisits: RevisitRepository
    facts: PatientFactRepository
    channel_chats: ChannelChatRepository
    deliveries: DeliveryRepository
    case_drafts: CaseDraftRepository
    patient_messages: PatientMessageRepository
    channel_windows: ChannelWindowRepository
    channel_tokens: ChannelTokenRepository
    channel_inbound: ChannelInboundRepository
    sms_messages: SmsMessageRepository
    sms_owed: SmsOwedRepository
    web_pages: WebPageRepository
    reach: ReachRepository
    call_tasks: CallTaskRepository
    call_attempts: CallAttemptRepository
    call_candidates: CallCandidateRepository
    phone_calls: PhoneCallRepository
    call_stats: CallStatsRepository

    @classmethod
    def over(cls, connections: Connections, **extra: Any) -> Self:
        """Build every repository over connections (extra: the subclass's own fields)."""
        return cls(
            episodes=EpisodeRepository(connections),
            invites=InviteRepository(connections),
            contacts=ContactRepository(connections),
            dialogs=DialogRepository(connections),
            staff=StaffRepository(connections),
            cache=CacheRepository(connections),
            outbox=OutboxRepository(connections),
            surveys=SurveyRepository(connections),
            cases=CaseRepository(connections),
            stats=StatsRepository(connections),
            reports=ReportRepository(connections),
            templates=TemplateRepository(connections),
            plan_edits=PlanEditRepository(connections),
            audit=AuditRepository(connections),
            leases=LeaseRepository(connections),
            seen_updates=SeenUpdates(connections),
            medicine_stops=MedicineRepository(connections),
            revisits=RevisitRepository(connections),
            facts=PatientFactRepository(connections),
            channel_chats=ChannelChatRepository(connections),
            deliveries=DeliveryRepository(connections),
            case_drafts=CaseDraftRepository(connections),
            patient_messages=PatientMessageRepository(connections),
            channel_windows=ChannelWindowRepository(connections),
            channel_tokens=ChannelTokenRepository(connections),
            channel_inbound=ChannelInboundRepository(connections),
            sms_messages=SmsMessageRepository(connections),
            sms_owed=SmsOwedRepository(connections),
            web_pages=WebPageRepository(connections),
            reach=ReachRepository(connections),
            call_tasks=CallTaskRepository(connections),
            call_attempts=CallAttemptRepository(connections),
            call_candidates=CallCandidateRepository(connections),
            phone_calls=PhoneCallRepository(connections),
            call_stats=CallStatsRepository(connections),
            **extra,
        )


@dataclass(frozen=True)
class UnitOfWork(Repositories):
    """The repositories of one use case, sharing one connection and one transaction.

    Every write through them commits together when the `async with` block ends, or none
    does when it raises. Reads see the writes made before them in the same block.
    """

    connection: AsyncConnection


@asynccontextmanager
async def unit_of_work(connections: Connections) -> AsyncIterator[UnitOfWork]:
    """Open one transaction; commit it when the block ends, roll it back if it raises."""
    async with connections.begin() as connection:
        yield UnitOfWork.over(SharedConnection(connection), connection=connection)
