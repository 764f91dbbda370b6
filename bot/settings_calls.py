"""The settings of the phone worklist and the office's targets (FOLLOWUP_CALL_*,
FOLLOWUP_TARGET_*), a part of the one Settings object."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings


class CallSettings(BaseSettings):
    """How calls are owed and worked, and the shares of discharges the office must reach."""

    # The calling hours: windows like send_windows, or "handbook" (the 003 seed's 回访时间,
    # summer 14:30-16:30 and 19:00-20:00, winter 14:00-16:30 and 18:00-19:00).
    call_hours: str = "handbook"
    call_tries: int = Field(3, ge=1, le=10)  # unanswered calls before the follow-up fails
    call_claim_minutes: int = Field(15, ge=1, le=240)  # a claimed call is locked this long
    # The 000 seed's targets: the office reaches over 70% of all discharges, clinical
    # departments over 40% of theirs, and the special groups 100%.
    target_rate: float = Field(0.70, gt=0, le=1)
    target_department_rate: float = Field(0.40, gt=0, le=1)
    target_special_rate: float = Field(1.0, gt=0, le=1)
    special_groups_file: Path | None = None  # default: messages/special_groups.yaml
