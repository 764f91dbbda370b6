"""Issue enrolment invites and their deep links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.invites import hash_token, identity_question, new_token
from bot.storage.audit import Actor
from bot.storage.records import Episode
from bot.storage.store import Store


class InviteRefused(Exception):
    """An invite cannot be issued; `reason` is a key such as `not_found` or `excluded`."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True)
class IssuedInvite:
    episode: Episode
    token: str

    def link(self, bot_username: str) -> str:
        """Return the deep link that opens the bot with this invite."""
        return f"https://t.me/{bot_username}?start={self.token}"


def check_invitable(episode: Episode) -> None:
    """Raise InviteRefused when the episode must not be invited."""
    if not episode.consent:
        raise InviteRefused("no_consent", "the patient did not consent to follow-up")
    if (reason := episode.stopped_by) is not None:
        raise InviteRefused(reason, f"the patient is excluded ({reason})")
    if identity_question(episode.phone, episode.birth_date) is None:
        raise InviteRefused(
            "no_identity", "no phone number or birth date on file to check identity against"
        )


async def issue_invite(
    store: Store, episode: Episode, now: datetime, ttl_days: int, actor: Actor
) -> IssuedInvite:
    """Create a fresh single-use invite for an eligible episode (audited)."""
    check_invitable(episode)
    token = new_token()
    ttl = timedelta(days=ttl_days)
    await store.invites.create(episode.id, hash_token(token), now, ttl, actor)
    return IssuedInvite(episode, token)


async def invite_patient(
    store: Store, hospital_no: str, now: datetime, ttl_days: int, actor: Actor
) -> IssuedInvite:
    """Create an invite for the patient's latest discharge."""
    episode = await store.episodes.latest_for(hospital_no.strip())
    if episode is None:
        raise InviteRefused("not_found", f"no patient with hospital number {hospital_no!r}")
    return await issue_invite(store, episode, now, ttl_days, actor)
