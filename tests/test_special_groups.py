"""The patients the office must reach 100% (000 seed): the special groups file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.domain.special_groups import SpecialGroupsError, load_special_groups
from bot.services.special_groups import SPECIAL_GROUPS_FILE
from bot.settings import Settings

runner = CliRunner()


def test_the_shipped_file_marks_the_seeds_groups() -> None:
    groups = load_special_groups(SPECIAL_GROUPS_FILE)
    assert groups.is_special("慢病", None, None)
    assert groups.is_special("高龄 危重", "肺炎", "general")
    assert groups.is_special(None, "慢性阻塞性肺疾病", "chronic")  # by its plan
    assert not groups.is_special("术后", "急性阑尾炎", "post_surgery")
    assert not groups.is_special(None, None, None)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("plans: chronic\n", "line 1, field plans: expected a list"),
        ("plans: [chronic]\nwards: [一病区]\n", "line 2, field wards: unknown field"),
        ("flag_keywords:\n  - 慢病\n  - 3\n", "line 3, field flag_keywords: expected text"),
    ],
)
def test_a_bad_file_names_its_line_and_field(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "special_groups.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SpecialGroupsError) as error:
        load_special_groups(path)
    assert "special_groups.yaml" in str(error.value) and expected in str(error.value)


def test_the_check_names_a_bad_file(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "special_groups.yaml"
    path.write_text("plans: chronic\n", encoding="utf-8")
    monkeypatch.setenv("FOLLOWUP_SPECIAL_GROUPS_FILE", str(path))
    checked = runner.invoke(app, ["check"])
    assert checked.exit_code == 1 and "特殊人群规则文件有误" in checked.output
    assert "line 1, field plans" in checked.output
