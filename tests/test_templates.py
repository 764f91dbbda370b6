"""Every template renders in every locale with sample data; both locales are complete."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jinja2 import UndefinedError
from jinja2.exceptions import SecurityError

from bot.templating import LOCALES, MESSAGES_DIR, Renderer

renderer = Renderer()


def _samples() -> dict[str, dict[str, Any]]:
    samples: dict[str, dict[str, Any]] = {}
    for path in sorted((MESSAGES_DIR / "samples").glob("*.yaml")):
        samples.update(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return samples


SAMPLES = _samples()
ALL_KEYS = sorted(set().union(*(renderer.keys(locale) for locale in LOCALES)))


def test_locales_have_the_same_templates() -> None:
    assert renderer.keys("zh_CN") == renderer.keys("en")
    assert len(ALL_KEYS) > 40


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", ALL_KEYS)
def test_template_renders(key: str, locale: str) -> None:
    text = renderer.render(key, locale, **SAMPLES.get(key, {}))
    assert text.strip()
    assert len(text) <= 4096


def test_sample_keys_name_real_templates() -> None:
    assert set(SAMPLES) <= set(ALL_KEYS)


def test_undefined_variable_is_an_error() -> None:
    with pytest.raises(UndefinedError):
        renderer.render("enrol/greeting", "zh_CN")


def test_html_templates_escape_values() -> None:
    text = renderer.render("staff/patient_not_found", "en", hospital_no="<b>&x</b>")
    assert "&lt;b&gt;&amp;x&lt;/b&gt;" in text


def test_plain_text_templates_are_not_escaped(tmp_path: Path) -> None:
    text = renderer.render("cli/staff_not_found", "en", user_id="<1&2>")
    assert "<1&2>" in text


def test_no_line_loses_its_break_after_a_block_tag() -> None:
    # With trim_blocks, "text{% endif %}" at the end of a line swallows the line break.
    block_at_end = re.compile(r"\{%-?\s*(endif|endfor|else|elif|if |for |set )[^%]*%\}$")
    offenders = []
    for path in sorted(MESSAGES_DIR.glob("*/**/*")):
        if path.suffix not in (".html", ".txt"):
            continue
        lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        for number, line in enumerate(lines[:-1], start=1):
            if block_at_end.search(line) and not re.fullmatch(r"\s*\{%.*%\}\s*", line):
                offenders.append(f"{path.relative_to(MESSAGES_DIR)}:{number}")
    assert offenders == []


def test_staff_alert_keeps_the_doctor_and_question_on_separate_lines() -> None:
    text = renderer.render(
        "surveys/common/red_flag_staff",
        "zh_CN",
        name="王建国",
        hospital_no="ZY1",
        department="心内科",
        doctor="李明华",
        question="病情",
        answer="不太好",
        minutes=30,
    )
    assert "李明华\n" in text


@pytest.mark.parametrize(
    "source", ["{{ 9 ** (9 ** 9) }}", "{{ 'x' * 10 ** 10 }}", "{{ [0] * 10 ** 9 }}"]
)
def test_an_edited_template_cannot_compute_forever_or_fill_memory(source: str) -> None:
    with pytest.raises(SecurityError):
        renderer.compile("enrol/agreed", "zh_CN", source).render()
    assert renderer.compile("enrol/agreed", "zh_CN", "{{ 2 ** 10 }}{{ 'ab' * 3 }}").render() == (
        "1024ababab"
    )
