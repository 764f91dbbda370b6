"""Data minimisation: the staff group sees the configured fields; logs carry no patient data."""

from __future__ import annotations

import json
import logging

import pytest
from pydantic import ValidationError

from bot.demo.harness import BotHarness
from tests.harness import captured_logs, make_settings
from tests.test_complaints import complain, group_calls, setup


async def _card(harness: BotHarness, fields: str | None) -> str:
    if fields is not None:
        harness.settings = harness.settings.model_copy(update={"staff_fields": fields})
    await setup(harness)
    await complain(harness)
    return str(group_calls(harness, "sendMessage")[0]["text"])


async def test_the_card_shows_name_number_department_and_doctor_by_default(
    harness: BotHarness,
) -> None:
    card = await _card(harness, None)
    for shown in ("张三丰", "ZY001", "呼吸科", "李医生"):
        assert shown in card
    assert "13800138001" not in card and "王护士" not in card  # phone and nurse are not


async def test_a_hospital_may_show_less(harness: BotHarness) -> None:
    card = await _card(harness, "hospital_no,department")
    assert "ZY001" in card and "呼吸科" in card
    assert "张三丰" not in card and "李医生" not in card


async def test_or_more(harness: BotHarness) -> None:
    card = await _card(harness, "name,phone,nurse")
    assert "13800138001" in card and "王护士" in card and "ZY001" not in card


def test_an_unknown_field_is_refused_with_the_valid_ones(tmp_path: object) -> None:
    with pytest.raises(ValidationError) as raised:
        make_settings(tmp_path, staff_fields="name,idcard")  # type: ignore[arg-type]
    assert "idcard" in str(raised.value) and "hospital_no" in str(raised.value)


def _logged(log_format: str) -> list[str]:
    with captured_logs(log_format, "INFO") as stream:
        log = logging.getLogger("bot.test")
        log.info("case %s posted", 12, extra={"case_id": 12})
        try:
            raise ValueError("张三丰 13800138001")  # an error message that quotes data
        except ValueError:
            log.exception("update %s failed", 7)
    return stream.getvalue().splitlines()


def test_json_logs_are_one_object_per_line_and_errors_hide_their_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FOLLOWUP_DEBUG", raising=False)
    first, second = (json.loads(line) for line in _logged("json"))
    assert (first["level"], first["message"], first["case_id"]) == ("INFO", "case 12 posted", 12)
    assert second["error"].startswith("ValueError at ")
    assert "张三丰" not in second["error"] and "1380013" not in second["error"]


def test_text_logs_are_one_line_per_event(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FOLLOWUP_DEBUG", raising=False)
    lines = _logged("text")
    assert len(lines) == 2 and "case_id=12" in lines[0] and "error=ValueError" in lines[1]
