"""Shared by the plan tests: the shipped plan book, local times and plan files on disk."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.plans.errors import PlanError
from bot.domain.plans.loader import load_plan_book
from bot.templating import LOCALES, MESSAGES_DIR, Renderer

SHANGHAI = ZoneInfo("Asia/Shanghai")
PLANS_DIR = MESSAGES_DIR / "plans"

renderer = Renderer()


def template_exists(key: str) -> bool:
    """Say whether a template key exists in every locale."""
    try:
        for locale in LOCALES:
            renderer.template_name(key, locale)
    except KeyError:
        return False
    return True


BOOK = load_plan_book(PLANS_DIR, template_exists)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def shanghai(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return a Shanghai wall-clock time as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


# A minimal good plan folder (one plan and its rules) that the error tests break on purpose.
BASIC = """\
key: basic
names: {zh_CN: 基础随访, en: Basic follow-up}
aliases: [基础]
steps:
  - key: day3
    kind: checkin
    offset: 3d
    template: plans/general/day3_checkin
    survey: checkin_first
  - key: tips
    kind: education
    offset: 1d
    template: plans/general/day1_home_care
"""
RULES = """\
default: basic
rules:
  - plan: basic
    departments: [心内科]
"""


def write_plans(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def load_error(tmp_path: Path, files: dict[str, str]) -> PlanError:
    folder = write_plans(tmp_path / "plans", files)
    with pytest.raises(PlanError) as caught:
        load_plan_book(folder, template_exists)
    return caught.value
