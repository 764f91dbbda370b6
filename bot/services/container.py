"""The services a running bot shares: settings, storage, templates, clock, plans, dispatcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bot.dispatch.dispatcher import Dispatcher
from bot.domain.clock import Clock
from bot.services.planning import Scheduling
from bot.services.ports import Sender, StaffDesk
from bot.services.staff_lane import StaffLane
from bot.services.worklist import Worklist, load_worklist
from bot.settings import Settings
from bot.storage.start_check import StartCheck
from bot.storage.store import Store
from bot.templating import Renderer


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: Store
    renderer: Renderer
    clock: Clock
    scheduling: Scheduling
    dispatcher: Dispatcher
    sender: Sender  # the one send path (bot.dispatch.send_path)
    staff_desk: StaffDesk  # where cases are posted and worked (the Telegram staff group)
    samples: dict[str, dict[str, Any]] = field(default_factory=dict)
    staff_lane: StaffLane = field(default_factory=StaffLane)  # staff posts after the reply
    start_check: StartCheck = field(default_factory=StartCheck.not_needed)  # sends wait for it

    @cached_property
    def worklist(self) -> Worklist:
        """Return the phone worklist's rules and calling hours (read once)."""
        return load_worklist(self.settings, self.scheduling)

    @property
    def locale(self) -> str:
        """Return the hospital's language: staff, the CLI, and chats that chose none.

        A patient's chat is written to in its own (bot.services.languages.locale_of_chat).
        """
        return self.settings.locale
