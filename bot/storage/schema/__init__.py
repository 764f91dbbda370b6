"""The tables. Alembic migrations under migrations/ create and change them.

Every table is importable from here, as it was when they all lived in one module.
"""

from __future__ import annotations

from bot.storage.schema.base import metadata
from bot.storage.schema.calls import call_attempts, call_reviews, call_tasks
from bot.storage.schema.cases import (
    case_drafts,
    case_events,
    cases,
    patient_messages,
    plan_overrides,
    template_versions,
)
from bot.storage.schema.messages import (
    OPEN_SURVEY,
    deliveries,
    scheduled_messages,
    step_answers,
    survey_answers,
    survey_sessions,
)
from bot.storage.schema.operations import (
    answer_tallies,
    audit_events,
    channel_chats,
    channel_inbound,
    channel_tallies,
    channel_tokens,
    episode_channels,
    failure_tallies,
    job_leases,
    medicine_stops,
    seen_updates,
    step_tallies,
)
from bot.storage.schema.people import (
    consent_events,
    contacts,
    departments,
    dialog_states,
    episodes,
    invites,
    patient_facts,
    patients,
    settings_cache,
    staff_members,
)
from bot.storage.schema.sms import sms_messages, sms_owed
from bot.storage.schema.web import web_feed, web_links, web_visits
from bot.storage.schema.windows import channel_windows, held_messages

__all__ = [
    "OPEN_SURVEY",
    "answer_tallies",
    "audit_events",
    "call_attempts",
    "call_reviews",
    "call_tasks",
    "case_drafts",
    "case_events",
    "cases",
    "channel_chats",
    "channel_inbound",
    "channel_tallies",
    "channel_tokens",
    "channel_windows",
    "consent_events",
    "contacts",
    "deliveries",
    "departments",
    "dialog_states",
    "episode_channels",
    "episodes",
    "failure_tallies",
    "held_messages",
    "invites",
    "job_leases",
    "medicine_stops",
    "metadata",
    "patient_facts",
    "patient_messages",
    "patients",
    "plan_overrides",
    "scheduled_messages",
    "seen_updates",
    "settings_cache",
    "sms_messages",
    "sms_owed",
    "staff_members",
    "step_answers",
    "step_tallies",
    "survey_answers",
    "survey_sessions",
    "template_versions",
    "web_feed",
    "web_links",
    "web_visits",
]
