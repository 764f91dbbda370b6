"""The repositories together, over one engine."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.audit import AuditRepository
from bot.storage.cache import CacheRepository
from bot.storage.cases import CaseRepository
from bot.storage.contacts import ContactRepository
from bot.storage.database import create_engine
from bot.storage.deliveries import DeliveryRepository
from bot.storage.dialogs import DialogRepository
from bot.storage.episodes import EpisodeRepository
from bot.storage.invites import InviteRepository
from bot.storage.leases import LeaseRepository, SeenUpdates
from bot.storage.medicines import MedicineRepository
from bot.storage.outbox import OutboxRepository
from bot.storage.patient_facts import PatientFactRepository
from bot.storage.plan_edits import PlanEditRepository
from bot.storage.reports import ReportRepository
from bot.storage.revisits import RevisitRepository
from bot.storage.staff import StaffRepository
from bot.storage.stats import StatsRepository
from bot.storage.surveys import SurveyRepository
from bot.storage.templates import TemplateRepository


@dataclass(frozen=True)
class Store:
    engine: AsyncEngine
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
    deliveries: DeliveryRepository

    @classmethod
    def open(cls, url: str) -> Store:
        """Open the database at url (no I/O until first use)."""
        engine = create_engine(url)
        return cls(
            engine=engine,
            episodes=EpisodeRepository(engine),
            invites=InviteRepository(engine),
            contacts=ContactRepository(engine),
            dialogs=DialogRepository(engine),
            staff=StaffRepository(engine),
            cache=CacheRepository(engine),
            outbox=OutboxRepository(engine),
            surveys=SurveyRepository(engine),
            cases=CaseRepository(engine),
            stats=StatsRepository(engine),
            reports=ReportRepository(engine),
            templates=TemplateRepository(engine),
            plan_edits=PlanEditRepository(engine),
            audit=AuditRepository(engine),
            leases=LeaseRepository(engine),
            seen_updates=SeenUpdates(engine),
            medicine_stops=MedicineRepository(engine),
            revisits=RevisitRepository(engine),
            facts=PatientFactRepository(engine),
            deliveries=DeliveryRepository(engine),
        )

    async def close(self) -> None:
        """Release the database connections."""
        await self.engine.dispose()
