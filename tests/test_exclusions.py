"""Diagnoses and departments kept out of follow-up by rule (issue 13, point 9): 性病, 男科."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.domain.exclusions import ExclusionRuleError, ExclusionRules, load_exclusion_rules
from bot.services.importing import EXCLUSIONS_FILE
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.store import Store

runner = CliRunner()
HEADER = "住院号,姓名,联系电话,出生日期,科室,诊断,出院时间,是否同意回访,出院情况\n"
ROWS = (
    "A1,王一,13800000001,1960-01-01,男科,前列腺炎,2026-11-20 10:00,是,好转\n"
    "A2,王二,13800000002,1960-01-01,皮肤科,性病(梅毒)复查,2026-11-20 10:00,是,好转\n"
    "A3,王三,13800000003,1960-01-01,皮肤科,湿疹,2026-11-20 10:00,是,好转\n"
    "A4,王四,13800000004,1960-01-01,男 科,前列腺炎,2026-11-20 10:00,否,好转\n"
    "A5,王五,13800000005,1960-01-01,男科,前列腺癌,2026-11-20 10:00,是,死亡\n"
)


def _exclusions(settings: Settings) -> dict[str, str | None]:
    async def read() -> dict[str, str | None]:
        store = Store.open(settings.database_url)
        await migrate.upgrade(store.engine)
        found = {}
        for number in ("A1", "A2", "A3", "A4", "A5"):
            episode = await store.episodes.latest_for(number)
            found[number] = episode.exclusion if episode else "missing"
        await store.close()
        return found

    return asyncio.run(read())


def _list(tmp_path: Path) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    return path


def test_the_shipped_rule_keeps_venereal_and_andrology_patients_out(
    cli_env: Settings, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["import", str(_list(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "按规定不随访的科室 2" in result.output and "按规定不随访的诊断 1" in result.output
    assert "随访已停止:死亡 1 人" in result.output  # A5's death is the patient's
    assert _exclusions(cli_env) == {
        "A1": "excluded_department",
        "A2": "excluded_diagnosis",
        "A3": None,
        "A4": "excluded_department",  # the rule says more than the missing consent
        "A5": "deceased",  # a death comes first
    }
    refused = runner.invoke(app, ["invite", "A1", "--bot-username", "b"])
    assert refused.exit_code == 1 and "按规定不随访的科室" in refused.output
    assert runner.invoke(app, ["invite", "A3", "--bot-username", "b"]).exit_code == 0


def test_the_office_can_configure_its_own_rule(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = tmp_path / "exclusions.yaml"
    rule.write_text("departments: [皮肤科]\ndiagnosis_keywords: []\n", encoding="utf-8")
    monkeypatch.setenv("FOLLOWUP_EXCLUSIONS_FILE", str(rule))
    result = runner.invoke(app, ["import", str(_list(tmp_path))])
    assert result.exit_code == 0, result.output
    assert _exclusions(cli_env) == {
        "A1": None,
        "A2": "excluded_department",
        "A3": "excluded_department",
        "A4": "no_consent",
        "A5": "deceased",
    }


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("departments: 男科\n", "line 1, field departments: expected a list"),
        ("departments: [男科]\nwards: [一病区]\n", "line 2, field wards: unknown field"),
        ("diagnosis_keywords:\n  - 性病\n  - 12\n", "line 3, field diagnosis_keywords: expected"),
        ("diagnosis_keywords: ['  ']\n", "line 1, field diagnosis_keywords: must not be empty"),
        ("departments: [男科\n", "is not valid YAML at line 2"),
        ("- 男科\n", "line 1: expected a mapping of fields"),
        ("departments: [男科]\ndepartments: [性病科]\n", 'the key "departments" appears twice'),
    ],
)
def test_a_bad_rule_file_names_its_line_and_field(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "exclusions.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ExclusionRuleError) as error:
        load_exclusion_rules(path)
    assert "exclusions.yaml" in str(error.value) and expected in str(error.value)


def test_a_bad_rule_file_stops_the_import_and_the_check(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = tmp_path / "exclusions.yaml"
    rule.write_text("departments: 男科\n", encoding="utf-8")
    monkeypatch.setenv("FOLLOWUP_EXCLUSIONS_FILE", str(rule))
    result = runner.invoke(app, ["import", str(_list(tmp_path))])
    assert result.exit_code == 1 and "line 1, field departments" in result.output
    assert "未导入任何数据" in result.output
    assert set(_exclusions(cli_env).values()) == {"missing"}
    checked = runner.invoke(app, ["check"])
    assert checked.exit_code == 1 and "不予随访规则文件有误" in checked.output
    missing = tmp_path / "nowhere.yaml"
    monkeypatch.setenv("FOLLOWUP_EXCLUSIONS_FILE", str(missing))
    result = runner.invoke(app, ["import", str(_list(tmp_path))])
    assert result.exit_code == 1 and "file not found" in result.output


def test_the_shipped_file_is_the_seeds_default() -> None:
    rules = load_exclusion_rules(EXCLUSIONS_FILE)
    assert rules == ExclusionRules(("男科", "性病科"), ("性病", "男科疾病"))
    assert rules.reason("妇科", "非淋菌性尿道炎") is None  # 非淋 has its own gynaecology plan
    assert rules.reason("妇科", "尖锐湿疣") is None
