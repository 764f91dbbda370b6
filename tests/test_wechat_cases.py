"""Complaints and praise from WeChat: the dialog in WeChat, the case in the staff group, the
staff's reply relayed to the patient inside the window, or held behind one notice outside it."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from tests.harness import record, seed
from tests.test_complaints import GROUP, STAFF, group_calls, reply_to_patient
from tests.wechat_patients import (
    clicks,
    event,
    invite_qr,
    menu_choice,
    notices,
    says,
    scans,
    start_with_wechat,
    texts,
)


async def enrolled_on_wechat(harness: BotHarness) -> None:
    await start_with_wechat(harness, GROUP)
    await seed(harness.settings, record(department="呼吸科", nurse="王护士"))
    await scans(harness, await invite_qr(harness))
    await says(harness, "8001")
    await clicks(harness, menu_choice(harness, "我是患者本人"))
    await clicks(harness, menu_choice(harness, "同意"))
    await harness.services.store.staff.upsert(
        STAFF, Role.STAFF, None, "刘护士长", harness.clock.now()
    )


async def complain_by(harness: BotHarness, start: str) -> None:
    """Open the complaint dialog by the menu or by typing, describe, choose, confirm."""
    if start == "menu":
        await event(harness, "CLICK", "FOLLOWUP_COMPLAIN")
    else:
        await says(harness, "投诉")
    await says(harness, "夜里病房太吵,护士呼叫铃响了很久没人来。")
    await clicks(harness, "cp:c:department")
    await clicks(harness, "cp:ok")


async def case_thread(harness: BotHarness) -> int:
    card = group_calls(harness, "sendMessage")[-1]
    assert "夜里病房太吵" in str(card["text"]) and "ZY001" in str(card["text"])
    return int(str(card["message_thread_id"]))


async def test_a_menu_complaint_is_posted_and_the_reply_reaches_wechat(
    harness: BotHarness,
) -> None:
    await enrolled_on_wechat(harness)
    fake = harness.wechat
    assert fake is not None
    await complain_by(harness, "menu")
    assert "#1" in texts(fake)[-1]
    [topic] = group_calls(harness, "createForumTopic")
    assert topic["name"] == "#1 · 呼吸科"
    case = await harness.services.store.cases.get(1)
    assert case is not None and (case.kind, case.concerned) == ("complaint", "科室:呼吸科")
    await reply_to_patient(harness, 1, "非常抱歉,我们已加强夜班巡视。", await case_thread(harness))
    relayed = texts(fake)[-1]
    assert "非常抱歉,我们已加强夜班巡视。" in relayed and "呼吸科" in relayed
    assert "刘护士长" not in relayed
    assert notices(fake) == []
    await says(harness, "谢谢,希望以后能改进。")
    assert "希望以后能改进" in harness.telegram.last_text(GROUP)


async def test_a_reply_after_the_window_closed_is_held_behind_one_notice(
    harness: BotHarness,
) -> None:
    await enrolled_on_wechat(harness)
    fake = harness.wechat
    assert fake is not None
    await complain_by(harness, "typed")
    thread = await case_thread(harness)
    harness.clock.advance(timedelta(hours=49))
    sent_before = len(texts(fake))
    await reply_to_patient(harness, 1, "非常抱歉,我们已加强夜班巡视。", thread)
    await reply_to_patient(harness, 1, "护士长会再与您联系。", thread)
    assert len(texts(fake)) == sent_before  # nothing in conversation outside the window
    [notice] = notices(fake)
    assert notice["data"]["thing1"]["value"] == "医护人员回复"
    assert "夜班" not in str(notice)  # a notice names the kind, never the words
    await says(harness, "谢谢,希望以后能改进。")  # words of their own, as they fetch it
    assert "希望以后能改进" in harness.telegram.last_text(GROUP)
    released = texts(fake)[sent_before:]
    assert any("非常抱歉,我们已加强夜班巡视。" in t for t in released)
    assert any("护士长会再与您联系。" in t for t in released)
    assert len(notices(fake)) == 1


async def test_praise_from_wechat_is_registered_for_the_department(harness: BotHarness) -> None:
    await enrolled_on_wechat(harness)
    fake = harness.wechat
    assert fake is not None
    await event(harness, "CLICK", "FOLLOWUP_PRAISE")
    await says(harness, "王护士非常耐心,谢谢!")
    await clicks(harness, "cp:c:nurse")
    await clicks(harness, "cp:ok")
    case = await harness.services.store.cases.get(1)
    assert case is not None and (case.kind, case.concerned) == ("praise", "责任护士:王护士")
    card = group_calls(harness, "sendMessage")[-1]
    assert "王护士非常耐心" in str(card["text"])
    assert harness.telegram.last_buttons(GROUP) == ["cs:thank:1", "cs:passon:1"]
