"""`followup demo`: the story really happens in the real bot, and the files are written."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.fake_telegram import TOKEN
from bot.demo.runner import DATABASE, STAFF_GROUP, demo_settings
from bot.domain.cases import CaseEventKind
from bot.domain.channel_messages import ChannelName
from bot.domain.consent import ConsentVia
from bot.domain.enrolment import ConsentDecision
from bot.storage.store import Store
from bot.templating import Renderer, parse_words
from tests.call_cohort import demo_sms_stays

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
        "出院 20 人,可随访 18 人,已开通 18 人",  # 6 in chats, 12 reached by SMS
        "已随访 15 人,成功 7 人,成功率 46.7%",  # one reached on the phone
        "按渠道(已随访 / 成功):Telegram 5 / 4 人,微信 0 / 0 人,短信 10 / 2 人,电话 1 / 1 人",
        "随访失败:无应答 8",
        "投诉 3 件,按时答复 2 件(66.7%),超期 0 件",  # chat, SMS; the phone's is not due
        "表扬 1 件",
        "病情预警 1 次",
        "已服 3,跳过 0,未回复 33",  # the SMS patients leave their reminders unanswered
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
        "电话回访与目标",
    ]
    assert len(list(book["投诉登记表"].iter_rows(values_only=True))) == 1 + 3
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


@dataclass(frozen=True)
class SmsStory:
    case: str | None
    replies: list[str | None]
    stopped: tuple[str, str]
    history: list[str]


async def _sms_story(database: Path) -> SmsStory:
    """Read what the SMS story left in the demo's database."""
    store = Store.open(f"sqlite+aiosqlite:///{database}")
    try:
        unhappy = await store.episodes.latest_for("SF2511019")
        stopped = await store.episodes.latest_for("SF2511010")
        assert unhappy is not None and stopped is not None
        [case] = await store.cases.for_patient(unhappy.patient_id)
        events = await store.cases.events(case.id)
        [contact] = await store.contacts.for_patient(stopped.patient_id)
        history = await store.contacts.consent_history(contact.id)
        return SmsStory(
            case.text,
            [event.detail for event in events if event.kind == CaseEventKind.REPLIED],
            (contact.channel, contact.consent),
            [via for _decision, _at, via in history],
        )
    finally:
        await store.close()


def test_patients_who_never_enrol_are_followed_up_by_sms_and_the_pages(
    demo: tuple[Path, str],
) -> None:
    output, console = demo
    stories = sections(output)
    assert "短信:名单上 12 位同意回访" in console  # how many were reached, not every text
    pleased = stories["短信随访的患者"]
    texted = re.search(r"bot\(短信\) → 患者:【示范医院】请填写出院随访问卷 (\S+) 回TD退订", pleased)
    assert texted is not None and re.fullmatch(r"http://127\.0\.0\.1:\d+/m/[\w-]{6}…", texted[1])
    opened = pleased.index("患者 陈** → 网页:(点开短信里的链接)")
    asked = pleased.index("网页 → 患者:请问您对住院期间医生的医疗技术和服务是否满意?")
    assert texted.start() < opened < asked < pleased.index("患者 陈** → 网页:[满意]")
    assert "网页 → 患者:您的回答我们已经记录好了" in pleased
    book = load_workbook(output / "report-2025-11.xlsx", read_only=True)
    answered = [r for r in book["全部回答"].iter_rows(values_only=True) if r[1] == "SF2511012"]
    assert ("对医生的满意度", "满意") in [(row[6], row[7]) for row in answered]
    assert len(answered) == 15


def test_an_unhappy_sms_patient_reads_the_nurses_reply_and_td_stops_texts(
    demo: tuple[Path, str],
) -> None:
    stories = sections(demo[0])
    found = asyncio.run(_sms_story(demo[0] / DATABASE))
    assert found.case == SCRIPT["sms_why"] and found.replies == [SCRIPT["sms_reply"]]
    unhappy = stories["短信随访不满意的患者"]
    assert "staff 李护士 → 员工群 «#4 · 妇科»:[发送给患者]" in unhappy
    told = unhappy.index("bot(短信) → 患者:【示范医院】医护人员已回复您 http://127.0.0.1:")
    checked = unhappy.index("患者 冯** → 网页:8119", told)  # the identity check
    assert SCRIPT["sms_reply"] in unhappy[checked:]
    assert SCRIPT["sms_reply"] not in unhappy[told:checked]
    assert found.stopped == (ChannelName.SMS, ConsentDecision.WITHDRAWN)
    assert found.history[-1] == ConsentVia.SMS_STOP
    stopped = stories["短信退订的患者"].strip().splitlines()
    assert stopped[-1].endswith("患者 唐** → bot(短信):TD")  # nothing reached them after


def test_every_patient_reached_by_sms_is_on_the_worklist_from_the_first_step(
    demo: tuple[Path, str],
) -> None:
    owed, called = asyncio.run(demo_sms_stays(demo[0] / DATABASE))
    assert len(owed) >= 10 and owed == called  # the stays whose first check-in came


def test_the_nurse_works_the_worklist_and_stats_show_the_rate_against_the_target(
    demo: tuple[Path, str],
) -> None:
    calls = sections(demo[0])["电话回访"]
    first, again = calls.index("[11-17 14:05]"), calls.index("[11-18 14:05]")
    monday, tuesday = calls[first:again], calls[again:]
    assert "staff 李护士 → bot:[无人接听]" in monday
    assert "将于 11-18 14:00 再次拨打" in monday  # the next working day's calling hours
    assert "staff 李护士 → bot:[已接通]" in monday and "staff 李护士 → bot:[患者本人]" in monday
    assert "📝 投诉登记" in monday and "来源:电话回访,由 李护士 代为录入" in monday
    assert f"staff 李护士 → bot:{SCRIPT['call_complaint']}" in monday
    assert "您的回答我们已经记录好了" in monday  # the whole check-in, to its end
    assert "此前拨打:\n              · 11-17 14:05 李护士 无人接听" in tuesday
    stats = sections(demo[0])["主管"]
    assert "出院患者回访率(以本期全部出院患者为分母)" in stats
    assert "目标 70% 未达标" in stats
    assert "短信/网页 2 人,电话 1 人" in stats
