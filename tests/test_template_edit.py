"""Admins edit templates in chat: checked, previewed, saved as versions, rolled back."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import app
from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from bot.settings import Settings

ADMIN = 901


async def admin(harness: BotHarness) -> None:
    now = harness.clock.now()
    await harness.services.store.staff.upsert(ADMIN, Role.ADMIN, None, "信息科", now)


async def edit(harness: BotHarness, key: str, locale: str, text: str) -> None:
    await harness.text(ADMIN, f"/edit {key} {locale}")
    await harness.text(ADMIN, text)


async def test_edit_preview_save_history_rollback(harness: BotHarness) -> None:
    await admin(harness)
    await edit(harness, "stop/kept", "zh_CN", "好的,随访将继续,<b>谢谢您</b>!")
    assert harness.telegram.last_text(ADMIN) == "好的,随访将继续,<b>谢谢您</b>!"  # the preview
    await harness.press(ADMIN, "te:save")
    assert "第 1 版" in harness.telegram.last_text(ADMIN)
    assert (
        harness.services.renderer.render("stop/kept", "zh_CN") == "好的,随访将继续,<b>谢谢您</b>!"
    )
    await harness.restart()  # saved versions override the shipped files after a restart too
    assert (
        harness.services.renderer.render("stop/kept", "zh_CN") == "好的,随访将继续,<b>谢谢您</b>!"
    )
    await edit(harness, "stop/kept", "zh_CN", "第二版")
    await harness.press(ADMIN, "te:save")
    await harness.text(ADMIN, "/history stop/kept")
    assert "第 1 版" in harness.telegram.last_text(
        ADMIN
    ) and "第 2 版" in harness.telegram.last_text(ADMIN)
    await harness.text(ADMIN, "/rollback stop/kept 1")
    assert "第 3 版" in harness.telegram.last_text(ADMIN)
    assert (
        harness.services.renderer.render("stop/kept", "zh_CN") == "好的,随访将继续,<b>谢谢您</b>!"
    )
    assert harness.services.renderer.render("stop/kept", "en").startswith("All right")


async def test_every_kind_of_bad_edit_is_refused_with_its_reason(harness: BotHarness) -> None:
    await admin(harness)
    cases = {
        "您好 {{ hospital ": "语法错误",
        "您好 {{ patient_phone }}": "此模板没有这个变量",
        "{{ ''.__class__ }}": "不允许访问内部属性",
        "{{ hospital | attr('__class__') }}": "不允许访问内部属性",
        "<div>您好</div>": "HTML 格式不正确",
        "<b>您好": "HTML 格式不正确",
        "{{ hospital * 700 }}": "超过 4096",
    }
    for text, reason in cases.items():
        await edit(harness, "start/how_to_enrol", "zh_CN", text)
        assert reason in harness.telegram.last_text(ADMIN), text
        assert "未保存" in harness.telegram.last_text(ADMIN)
    assert await harness.services.store.templates.history("start/how_to_enrol") == []


async def test_english_edits_and_cancel(harness: BotHarness) -> None:
    await admin(harness)
    await edit(harness, "start/how_to_enrol", "en", "Hello from {{ hospital }}.")
    assert harness.telegram.last_text(ADMIN) == "Hello from 市第一人民医院."
    await harness.press(ADMIN, "te:cancel")
    assert await harness.services.store.templates.history("start/how_to_enrol") == []
    await harness.press(ADMIN, "te:save")  # stale: nothing to save any more
    assert harness.telegram.answered_callbacks()[-1]["text"] == "抱歉,这个问题已经结束了。"


async def test_the_preview_names_the_configured_hospital(harness: BotHarness) -> None:
    harness.settings = harness.settings.model_copy(update={"hospital_name": "县人民医院"})
    await harness.restart()
    await admin(harness)
    await edit(harness, "start/how_to_enrol", "zh_CN", "欢迎使用{{ hospital }}随访服务。")
    assert harness.telegram.last_text(ADMIN) == "欢迎使用县人民医院随访服务。"


async def test_only_admins_may_edit(harness: BotHarness) -> None:
    now = harness.clock.now()
    await harness.services.store.staff.upsert(902, Role.SUPERVISOR, None, None, now)
    for user in (902, 903):
        for command in (
            "/templates",
            "/template stop/kept",
            "/edit stop/kept zh_CN",
            "/history stop/kept",
            "/rollback stop/kept 1",
        ):
            await harness.text(user, command)
            assert "仅限管理员" in harness.telegram.last_text(user)


def test_templates_check_cli(cli_env: Settings) -> None:
    result = CliRunner().invoke(app, ["templates", "check"])
    assert result.exit_code == 0, result.output
    assert "发现 0 个问题" in result.output


async def test_stop_cancels_an_edit_under_way(harness: BotHarness) -> None:
    await admin(harness)
    await harness.text(ADMIN, "/edit stop/kept zh_CN")
    await harness.text(ADMIN, "/stop")
    assert "已取消" in harness.telegram.last_text(ADMIN)
    assert await harness.services.store.dialogs.get(ADMIN) is None


async def test_chat_admins_see_only_what_chats_show(harness: BotHarness) -> None:
    await admin(harness)
    await harness.text(ADMIN, "/templates")
    areas = harness.telegram.last_text(ADMIN)
    assert "• staff(" in areas and "• case(" in areas and "• surveys(" in areas
    for command_line_area in ("cli", "check", "import"):  # the operator's terminal's texts
        assert f"• {command_line_area}(" not in areas
        await harness.text(ADMIN, f"/templates {command_line_area}")
        assert "该分类下没有模板" in harness.telegram.last_text(ADMIN)
    await harness.text(ADMIN, "/template cli/demo/script")
    assert "cli/demo/script" in harness.telegram.last_text(ADMIN)
    assert "staff_reply=" not in harness.telegram.last_text(ADMIN)  # unknown here, not shown
    assert "check/exclusions" in harness.services.renderer.keys("zh_CN")  # it exists
    await harness.text(ADMIN, "/edit check/exclusions zh_CN")
    assert await harness.services.store.dialogs.get(ADMIN) is None  # no edit started
    await harness.text(ADMIN, "/templates staff")
    assert "staff/case_note_recorded" in harness.telegram.last_text(ADMIN)
