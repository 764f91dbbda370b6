"""/stop withdraws consent, /start re-consents, plain /start explains."""

from __future__ import annotations

from sqlalchemy import update

from bot.demo.harness import BotHarness
from bot.storage.schema import contacts
from tests.test_enrolment import CHAT, enrol_to_consent


async def test_plain_start_explains_how_to_enrol(harness: BotHarness) -> None:
    await harness.text(CHAT, "/start")
    assert "二维码" in harness.telegram.last_text(CHAT)


async def test_stop_asks_then_withdraws_and_start_reconsents(harness: BotHarness) -> None:
    await enrol_to_consent(harness)
    await harness.press(CHAT, "en:c:yes")
    await harness.text(CHAT, "/stop")
    assert harness.telegram.last_buttons(CHAT) == ["stop:yes", "stop:no"]
    await harness.press(CHAT, "stop:yes")
    assert "已为您停止" in harness.telegram.last_text(CHAT)
    [contact] = await harness.services.store.contacts.for_chat(CHAT)
    assert contact.consent == "withdrawn"

    await harness.press(CHAT, "stop:yes")  # pressing again changes nothing
    assert harness.telegram.answered_callbacks()[-1].get("text")

    await harness.text(CHAT, "/start")
    assert harness.telegram.last_buttons(CHAT) == ["en:c:yes", "en:c:no"]
    await harness.press(CHAT, "en:c:yes")
    [contact] = await harness.services.store.contacts.for_chat(CHAT)
    assert contact.consent == "granted"
    history = await harness.services.store.contacts.consent_history(contact.id)
    assert [(d, via) for d, _, via in history] == [
        ("granted", "invite"),
        ("withdrawn", "stop"),
        ("granted", "start"),
    ]


async def test_stop_can_be_cancelled(harness: BotHarness) -> None:
    await enrol_to_consent(harness)
    await harness.press(CHAT, "en:c:yes")
    await harness.text(CHAT, "/stop")
    await harness.press(CHAT, "stop:no")
    [contact] = await harness.services.store.contacts.for_chat(CHAT)
    assert contact.consent == "granted"
    assert "随访将继续" in harness.telegram.last_text(CHAT)


async def test_stop_during_enrolment_cancels_it(harness: BotHarness) -> None:
    await enrol_to_consent(harness)
    await harness.text(CHAT, "/stop")
    assert "已取消" in harness.telegram.last_text(CHAT)
    assert await harness.services.store.dialogs.get(CHAT) is None
    await harness.press(CHAT, "en:c:yes")
    assert await harness.services.store.contacts.for_chat(CHAT) == []


async def test_stop_when_not_enrolled(harness: BotHarness) -> None:
    await harness.text(CHAT, "/stop")
    assert "没有接收" in harness.telegram.last_text(CHAT)


async def test_enrolled_start_and_help(harness: BotHarness) -> None:
    await enrol_to_consent(harness)
    await harness.press(CHAT, "en:c:yes")
    await harness.text(CHAT, "/start")
    assert "已开通" in harness.telegram.last_text(CHAT)
    await harness.text(CHAT, "/help")
    assert "/stop" in harness.telegram.last_text(CHAT)
    assert "120" in harness.telegram.last_text(CHAT)


async def test_command_menu_is_set_at_start(harness: BotHarness) -> None:
    call, english = [c for c in harness.telegram.calls if c.method == "setMyCommands"]
    assert "language_code" not in call.params  # the hospital's language, for everyone
    assert call.params["commands"][4] == {"command": "stop", "description": "停止接收随访消息"}
    assert [c["command"] for c in call.params["commands"]] == [
        "start",
        "complain",
        "praise",
        "language",
        "stop",
        "help",
    ]
    assert english.params["language_code"] == "en"  # for apps set to English
    assert english.params["commands"][3] == {
        "command": "language",
        "description": "Choose your language",
    }


async def test_an_unknown_command_gets_the_help_in_the_chats_language(
    harness: BotHarness,
) -> None:
    await harness.text(CHAT, "/abc")
    assert "/stop" in harness.telegram.last_text(CHAT)
    assert "停止" in harness.telegram.last_text(CHAT)
    await enrol_to_consent(harness)
    await harness.press(CHAT, "en:c:yes")
    async with harness.services.store.engine.begin() as conn:
        await conn.execute(update(contacts).values(locale="en"))
    await harness.text(CHAT, "/abc")
    assert "/stop stop receiving follow-up messages" in harness.telegram.last_text(CHAT)
