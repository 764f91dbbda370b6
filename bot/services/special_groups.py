"""The special groups file: FOLLOWUP_SPECIAL_GROUPS_FILE, else the one shipped in messages/.

On its own (not in services.importing) so that the worklist and call figures load it without
the import's readers (start-up time)."""

from __future__ import annotations

from pathlib import Path

from bot.domain.special_groups import SpecialGroups, load_special_groups
from bot.templating import MESSAGES_DIR

SPECIAL_GROUPS_FILE = MESSAGES_DIR / "special_groups.yaml"


def special_groups(configured: Path | None) -> SpecialGroups:
    """Load the special groups file (FOLLOWUP_SPECIAL_GROUPS_FILE, else the shipped one)."""
    return load_special_groups(configured or SPECIAL_GROUPS_FILE)
