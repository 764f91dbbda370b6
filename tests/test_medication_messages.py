"""Medicine reminder messages: templates, buttons and import warnings in both locales."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import yaml

from bot.domain.medications.model import (
    BAD_DAYS,
    NO_DRUG,
    NO_FREQUENCY,
    PROBLEM_CODES,
    SNOOZE_MINUTES,
    WARNING_TEMPLATE,
    MedicationProblem,
)
from bot.templating import LOCALES, MESSAGES_DIR, Renderer

# --- messages -------------------------------------------------------------------------------

renderer = Renderer()
MEDICATION_KEYS = {
    "medication/reminder",
    "medication/taken",
    "medication/snoozed",
    "medication/skipped",
    WARNING_TEMPLATE,
    "buttons/med_taken",
    "buttons/med_snooze",
    "buttons/med_skip",
    "buttons/med_still_taking",
    "buttons/med_stopped",
    "medication/still_taking",
    "medication/still_taking_noted",
    "medication/stopped_noted",
    "medication/stop_usage",
    "medication/stop_list",
    "medication/stop_no_such",
    "medication/stop_done",
    "medication/stop_already",
    "staff/medicine_stopped",
}


def test_samples_cover_the_medication_templates() -> None:
    path = MESSAGES_DIR / "samples" / "medication.yaml"
    samples: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(samples) == MEDICATION_KEYS
    for locale in LOCALES:
        assert set(renderer.keys(locale)) >= MEDICATION_KEYS


def test_reminder_text() -> None:
    zh = renderer.render(
        "medication/reminder", "zh_CN", drug="阿司匹林肠溶片", dose="100mg", time="08:00"
    )
    assert zh == (
        "您好，现在是 08:00，请按医嘱服用 <b>阿司匹林肠溶片 100mg</b>。\n"
        "服用后请点击下方按钮告诉我们。"
    )
    en = renderer.render("medication/reminder", "en", drug="Aspirin", dose="", time="20:00")
    assert en.startswith("Hello, it is 20:00. Please take <b>Aspirin</b> as prescribed.")


def test_reminder_escapes_the_drug_name() -> None:
    text = renderer.render("medication/reminder", "en", drug="<i>A&B</i>", dose="1片", time="08:00")
    assert "<b>&lt;i&gt;A&amp;B&lt;/i&gt; 1片</b>" in text


def test_answers_and_buttons() -> None:
    assert f"{SNOOZE_MINUTES} 分钟后" in renderer.render(
        "medication/snoozed", "zh_CN", minutes=SNOOZE_MINUTES
    )
    assert "in 30 minutes" in renderer.render("medication/snoozed", "en", minutes=30)
    assert "咨询您的医生" in renderer.render("medication/skipped", "zh_CN")
    assert "ask your doctor" in renderer.render("medication/skipped", "en")
    labels = {
        locale: [renderer.render(f"buttons/med_{b}", locale) for b in ("taken", "snooze", "skip")]
        for locale in LOCALES
    }
    assert labels == {
        "zh_CN": ["已服用", f"{SNOOZE_MINUTES}分钟后提醒", "跳过"],
        "en": ["Taken", f"Remind me in {SNOOZE_MINUTES} min", "Skip"],
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_import_warning_explains_every_code(locale: str) -> None:
    fallback = renderer.render(WARNING_TEMPLATE, locale, line=7, text="x <y>", code="other")
    texts = {
        code: renderer.render(WARNING_TEMPLATE, locale, line=7, text="x <y>", code=code)
        for code in PROBLEM_CODES
    }
    assert len(set(texts.values())) == len(PROBLEM_CODES)
    for text in texts.values():
        assert text != fallback
        assert "7" in text
        assert "x <y>" in text


def test_import_warning_wording() -> None:
    text = renderer.render(
        WARNING_TEMPLATE, "zh_CN", line=7, text="二甲双胍 遵医嘱", code=NO_FREQUENCY
    )
    assert text.startswith("第 7 行：出院带药「二甲双胍 遵医嘱」无法识别用法")
    assert text.endswith("这一项不会发送用药提醒，原文已保存。")
    english = renderer.render(WARNING_TEMPLATE, "en", line=9, text="100mg qd", code=NO_DRUG)
    assert english.startswith('Line 9: discharge medication "100mg qd": no drug name was found.')


def test_problem_is_frozen() -> None:
    item = MedicationProblem("x", BAD_DAYS)
    assert replace(item, code=NO_DRUG) == MedicationProblem("x", NO_DRUG)
    with pytest.raises(AttributeError):
        item.code = NO_DRUG  # type: ignore[misc]
