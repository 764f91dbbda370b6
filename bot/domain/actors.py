"""Who did something that is audited: staff, a CLI user, a patient's contact, or the bot."""

from __future__ import annotations

from enum import StrEnum


class ActorKind(StrEnum):
    STAFF = "staff"  # a staff member (their Telegram user id)
    CLI = "cli"  # someone at the command line (their OS user)
    CONTACT = "contact"  # a patient's contact
    BOT = "bot"  # the bot itself (sweeps, deadlines)
