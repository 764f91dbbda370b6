"""`followup demo --channel wechat`: the same story with the patients on WeChat: enrolment by
QR code, check-ins answered by menu clicks and typed words, notices outside the 48-hour
window, a complaint answered from the Telegram staff group; WeChat's rules never broken."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.channels.wechat.notice import FIELD_LIMITS
from bot.demo.fake_wechat_state import OUTSIDE_WINDOW, OVER_QUOTA
from bot.demo.runner import DemoResult, run_demo
from bot.templating import Renderer, parse_words

SCRIPT = parse_words(Renderer().render("cli/demo/script", "zh_CN"))
CUSTOM, NOTICE = "message/custom/send", "message/template/send"
NOTICE_KINDS = ("check_in", "education", "medicine", "other", "reexam", "staff_reply")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoResult, dict[str, str]]:
    """Play the WeChat demo once for the module; return its result and transcript sections."""
    output = tmp_path_factory.mktemp("wxdemo") / "demo-output"
    result = asyncio.run(run_demo(output, "zh_CN", "wechat"))
    text = (output / "transcript.txt").read_text(encoding="utf-8")
    parts = re.split(r"^=== .*· (.+?) ===$", text, flags=re.M)
    stories = {s.split(":")[0]: body for s, body in zip(parts[1::2], parts[2::2], strict=True)}
    return result, stories


def test_the_patients_enrol_by_qr_code_and_answer_by_menu(
    demo: tuple[DemoResult, dict[str, str]],
) -> None:
    result, stories = demo
    assert result.wechat is not None
    assert len([c for c in result.wechat.calls if c.endpoint == "qrcode/create"]) == 6
    assert "本机模拟的微信(患者)和 Telegram(员工群)" in result.transcript
    satisfied = stories["满意的患者"]
    assert "患者 王** → bot:(扫描出院小结上的二维码)" in satisfied
    assert "患者 王** → bot:8101" in satisfied  # typed
    assert "患者 王** → bot:[我是患者本人]" in satisfied  # clicked
    assert satisfied.count("患者 王** → bot:[已服用]") == 3
    assert "患者 王** → bot:[9]" in satisfied  # a 0-10 scale is answered by its number
    clicked = [c for c in result.wechat.calls if "bizmsgmenuid" in str(c.payload)]
    menus = [c for c in result.wechat.calls if c.payload.get("msgtype") == "msgmenu"]
    assert menus and not clicked  # menus reached the patients (clicks are callbacks)


def test_a_checkin_outside_the_window_starts_with_a_notice(
    demo: tuple[DemoResult, dict[str, str]],
) -> None:
    story = demo[1]["不满意的患者"]
    noticed = story.index("bot → 患者:(服务通知) 出院随访")
    replied = story.index("患者 赵** → bot:" + SCRIPT["notice_reply"])
    asked = story.index("请问您现在方便回答几个简单的问题吗")
    assert noticed < replied < asked  # the held check-in comes after the reply to the notice


def test_a_complaint_is_answered_from_the_telegram_staff_group(
    demo: tuple[DemoResult, dict[str, str]],
) -> None:
    story = demo[1]["不满意的患者"]
    assert "患者 赵** → bot:" + SCRIPT["complaint"] in story
    assert "staff 李护士 → 员工群 «#1 · 普外科»:[发送给患者]" in story
    relayed = story.index("bot → 患者:【示范医院普外科】关于您反映的问题(编号 #1)")
    assert SCRIPT["staff_reply"] in story[relayed:]
    assert "患者对本次处理表示满意" in story


def test_the_silent_patient_gets_notices_and_fails(
    demo: tuple[DemoResult, dict[str, str]],
) -> None:
    story = demo[1]["一直不回复的患者"]
    assert story.count("bot → 患者:(服务通知)") >= 1
    assert "day3 回访发送 3 次均无应答,记为失败" in story


def test_no_message_broke_the_window(demo: tuple[DemoResult, dict[str, str]]) -> None:
    result = demo[0]
    assert result.wechat is not None
    calls = result.wechat.calls
    assert [c for c in calls if c.errcode in (OUTSIDE_WINDOW, OVER_QUOTA)] == []
    assert [c for c in calls if c.endpoint in (CUSTOM, NOTICE) and c.errcode != 0] == []
    assert any(c.endpoint == NOTICE for c in calls)


def test_an_unknown_channel_is_refused(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    result = CliRunner().invoke(app, ["demo", "--channel", "sms", "--output", str(tmp_path)])
    assert result.exit_code != 0 and "--channel" in result.output


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_notices_words_fit_their_fields_uncut(locale: str) -> None:
    renderer = Renderer()
    keys = [f"channels/wechat/notice_title_{kind}" for kind in NOTICE_KINDS]
    for key in [*keys, "channels/wechat/notice_action"]:
        words = renderer.render(key, locale).strip()
        assert len(words) <= FIELD_LIMITS["thing"], (key, words)  # a `thing` field, never cut
