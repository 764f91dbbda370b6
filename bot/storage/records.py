"""Dataclasses the repositories return."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.channel_messages import Address, ChannelName
from bot.domain.dialogs import DialogKind
from bot.domain.patient_facts import PATIENT_LEVEL_EXCLUSIONS, PatientFact
from bot.domain.roles import Role


@dataclass(frozen=True)
class Episode:
    id: int
    patient_id: int
    hospital_no: str
    name: str
    phone: str | None
    birth_date: date | None
    department_id: int
    department: str
    attending_doctor: str | None
    discharged_at: datetime
    consent: bool
    exclusion: str | None
    plan: str | None = None
    diagnosis: str | None = None
    revisit_at: date | None = None
    medications: str | None = None
    nurse: str | None = None
    language: str | None = None  # the list's language for this stay, if it names one
    flags: str | None = None  # 特殊标记, e.g. "术后;高龄"
    treated_on: date | None = None  # 治疗日期/手术日期
    preferred_channel: str | None = None  # 回访方式 (a PreferredChannel), if the list named one
    deceased: bool = False  # the patient's facts, whatever stay this is
    in_dispute: bool = False

    @property
    def patient_fact(self) -> PatientFact | None:
        """Return the fact that stops everything sent to this patient, if any."""
        if self.deceased:
            return PatientFact.DECEASED
        return PatientFact.DISPUTE if self.in_dispute else None

    @property
    def stopped_by(self) -> str | None:
        """Return why this stay may not be followed up (a patient's fact first), if any."""
        if self.patient_fact is not None:
            return self.patient_fact.value
        if self.exclusion in PATIENT_LEVEL_EXCLUSIONS:  # the patient's fact decides
            return None
        return self.exclusion

    @property
    def eligible(self) -> bool:
        """Say whether this episode may be invited and contacted."""
        return self.consent and self.stopped_by is None


@dataclass(frozen=True)
class Invite:
    id: int
    episode_id: int
    expires_at: datetime
    used_at: datetime | None
    failed_attempts: int
    locked_at: datetime | None


@dataclass(frozen=True)
class Contact:
    id: int
    patient_id: int
    episode_id: int
    chat_id: int
    respondent: str
    relation: str | None
    consent: str
    locale: str
    channel: str = ChannelName.TELEGRAM.value
    handle: str | None = None  # the address on its channel (the chat as text on Telegram)

    @property
    def address(self) -> Address:
        """Return where this contact is written to."""
        return Address(ChannelName(self.channel), self.handle or str(self.chat_id))


@dataclass(frozen=True)
class DialogState:
    chat_id: int
    kind: DialogKind
    step: str  # an EnrolStep or a DialogStep
    data: dict[str, object]

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", DialogKind(self.kind))


@dataclass(frozen=True)
class StaffMember:
    user_id: int
    role: Role
    department_id: int | None
    department: str | None
    name: str | None


@dataclass
class ImportCounts:
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    erased: int = 0  # rows of patients erased at their request, left out
    excluded: dict[str, int] = field(default_factory=dict)
    stopped: dict[str, int] = field(default_factory=dict)  # patients a death/dispute stopped
