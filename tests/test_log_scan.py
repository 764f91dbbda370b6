"""A full run (the offline demo: enrolments, check-ins, a complaint, a red flag, reminders,
statistics, the report) logs no patient data: no name, phone, hospital number or message."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

import pytest

from bot.demo.runner import SAMPLE_HOSPITAL, run_demo
from bot.templating import Renderer, parse_words
from tests.harness import captured_logs


def _secrets() -> set[str]:
    """Every name, phone and hospital number of the sample hospital, and what people type."""
    with SAMPLE_HOSPITAL.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    found = {row[column] for row in rows for column in ("住院号", "姓名", "联系电话")}
    typed = parse_words(Renderer().render("cli/demo/script", "zh_CN")).values()
    return {value for value in (*found, *typed) if value}


@pytest.fixture
def log_lines(tmp_path: Path) -> list[str]:
    """Run the demo with every logger at DEBUG, in JSON; return the lines it logged."""
    with captured_logs("json", "DEBUG") as stream:
        asyncio.run(run_demo(tmp_path / "out", "zh_CN"))
    return stream.getvalue().splitlines()


def test_a_full_run_logs_no_patient_data(log_lines: list[str]) -> None:
    events = [json.loads(line) for line in log_lines]  # every line is one JSON event
    assert all({"time", "level", "logger", "message"} <= event.keys() for event in events)
    assert [e for e in events if e["logger"].startswith("bot.")]  # the bot did log
    text = "\n".join(log_lines)
    leaked = sorted(secret for secret in _secrets() if secret in text)
    assert leaked == []
    assert "13800138" not in text  # not even part of a phone
