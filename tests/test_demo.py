"""`followup demo`: the story really happens in the real bot, and the files are written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.fake_telegram import TOKEN
from bot.demo.runner import STAFF_GROUP, demo_settings
from bot.templating import Renderer, parse_words

SCRIPT = parse_words(Renderer().render("cli/demo/script", "zh_CN"))
HOSTILE_ENVIRONMENT = {  # a developer's shell: none of this may reach the demo
    "FOLLOWUP_TELEGRAM_TOKEN": "not-a-token",
    "FOLLOWUP_DATABASE_URL": "postgresql+asyncpg://nowhere/followup",
    "FOLLOWUP_STAFF_CHAT_ID": "-42",
    "FOLLOWUP_LOCALE": "en",
    "FOLLOWUP_SEND_WINDOWS": "03:00-04:00",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Run `followup demo` once for the module; return its folder and what it printed."""
    output = tmp_path_factory.mktemp("demo") / "demo-output"
    result = CliRunner().invoke(app, ["demo", "--output", str(output)], env=HOSTILE_ENVIRONMENT)
    assert result.exit_code == 0, result.output
    return output, result.stdout


def sections(output: Path) -> dict[str, str]:
    """Split the complete transcript into its sections, by the story in each heading."""
    text = (output / "transcript.txt").read_text(encoding="utf-8")
    parts = re.split(r"^=== .*· (.+?) ===$", text, flags=re.M)
    return {story.split(":")[0]: body for story, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_a_complaint_is_taken_answered_relayed_and_closed(demo: tuple[Path, str]) -> None:
    story = sections(demo[0])["不满意的患者"]
    assert "患者 赵** → bot:" + SCRIPT["complaint"] in story
    assert "新建话题 «#1 · 普外科»" in story
    assert "staff 李护士 → 员工群 «#1 · 普外科»:[受理]" in story
    previewed = story.index("#1 预览")
    relayed = story.index("bot → 患者:【示范医院普外科】关于您反映的问题(编号 #1)")
    assert previewed < story.index("[发送给患者]") < relayed
    assert SCRIPT["staff_reply"] in story[relayed:]
    closing = story[story.index("#1 已由 李护士 结案") :]
    assert SCRIPT["summary"] in closing and "患者看不到" in closing
    told = [line for line in story.splitlines() if "bot → 患者:" in line]
    assert any("已处理完毕" in line for line in told)
    assert not any(SCRIPT["summary"] in line for line in told)  # the summary is internal
    assert "#1 已由 李护士 结案" in story and "患者对本次处理表示满意" in story


def test_a_red_flag_alerts_staff_and_is_acknowledged(demo: tuple[Path, str]) -> None:
    story = sections(demo[0])["病情预警"]
    assert "bot → 员工群:⚠️ 随访提示" in story
    assert "通知了医护人员" in story  # the patient's safety advice
    assert "staff 黄医生 → 员工群:[已知悉,处理中]" in story
    assert "已由 黄医生 于" in story


def test_the_silent_patient_is_asked_three_times_then_fails(demo: tuple[Path, str]) -> None:
    story = sections(demo[0])["一直不回复的患者"]
    assert story.count("bot → 患者:周国强,您好!这里是示范医院呼吸内科出院随访。") == 3
    assert "患者 周** → bot:[" not in story.split("[同意]")[-1]  # never answers after consent
    assert "day3 回访发送 3 次均无应答,记为失败" in story


def test_enrolment_family_proxy_stop_medicine_and_reexam(demo: tuple[Path, str]) -> None:
    stories = sections(demo[0])
    assert "家属 李**的女儿 → bot:[子女]" in stories["家属代答"]
    assert "请问李秀兰现在的身体情况" in stories["家属代答"]
    assert SCRIPT["praise"] in stories["家属代答"]
    assert "staff 李护士 → 员工群 «#3 · " in stories["家属代答"]
    assert "[已转达被表扬人]" in stories["家属代答"]
    assert "已为您停止随访消息" in stories["不想接收消息的患者"]
    satisfied = stories["满意的患者"]
    assert satisfied.count("患者 王** → bot:[已服用]") == 3
    assert satisfied.count("已记录您本次已服药") == 3
    assert satisfied.count("患者 王** → bot:[确认按时复诊]") == 2
    assert "非常感谢您的支持与配合" in satisfied


def test_the_supervisors_figures_match_the_story(demo: tuple[Path, str]) -> None:
    stats = sections(demo[0])["主管"]
    for figure in (
        "出院 20 人,可随访 18 人,已开通 6 人",
        "已随访 5 人,成功 4 人,成功率 80.0%",
        "随访失败:无应答 1",
        "投诉 1 件,按时答复 1 件(100.0%),超期 0 件",
        "表扬 1 件",
        "病情预警 1 次",
        "已服 3,跳过 0,未回复 0",  # the red-flag patient has no medicines
        "复诊:确认 2",
    ):
        assert figure in stats
    assert "出院随访统计 · 全院" in demo[1]  # printed on the console too


def test_the_report_and_the_charts_are_written(demo: tuple[Path, str]) -> None:
    output = demo[0]
    book = load_workbook(output / "report-2025-11.xlsx", read_only=True)
    assert book.sheetnames == [
        "月报概览",
        "统计汇总",
        "科室",
        "投诉登记表",
        "表扬登记表",
        "随访失败",
        "全部回答",
    ]
    assert len(list(book["投诉登记表"].iter_rows(values_only=True))) == 1 + 1
    header, praised = book["表扬登记表"].iter_rows(values_only=True)
    assert str(praised[header.index("表扬处理情况")]).startswith("已转达被表扬人(李护士,")
    for chart in ("chart-trend-2025-11.png", "chart-departments-2025-11.png"):
        content = (output / chart).read_bytes()
        assert content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) > 10_000


def test_the_settings_ignore_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in HOSTILE_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    settings = demo_settings(Path("/tmp/x.db"), "zh_CN", "示范医院")
    assert settings.require_token() == TOKEN
    assert settings.database_url == "sqlite+aiosqlite:////tmp/x.db"
    assert (settings.staff_chat_id, settings.locale) == (STAFF_GROUP, "zh_CN")
    assert settings.send_windows == "09:00-11:30,15:00-20:00"


def test_an_unknown_locale_is_refused() -> None:
    result = CliRunner().invoke(app, ["demo", "--locale", "fr"])
    assert result.exit_code != 0 and "--locale" in result.output
