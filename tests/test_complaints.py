"""Complaints and praise: the patient's dialog, one staff-group topic per case, the work."""

from __future__ import annotations

from sqlalchemy import update

from bot.demo.fake_telegram import Fault
from bot.demo.harness import BotHarness
from bot.demo.updates import photo_update
from bot.domain.roles import Role
from bot.storage.schema import contacts
from tests.harness import enrol, local, record, seed

CHAT = 611
GROUP = -1009999
STAFF = 7100
SUPERVISOR = 7200


async def setup(harness: BotHarness, department: str = "心内科") -> None:
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": GROUP})
    await harness.restart()
    await seed(harness.settings, record(department="呼吸科", nurse="王护士"))
    await enrol(harness, CHAT)
    now = harness.clock.now()
    staff = harness.services.store.staff
    await staff.upsert(STAFF, Role.STAFF, None, "刘护士长", now)
    await staff.upsert(SUPERVISOR, Role.SUPERVISOR, None, "张主任", now)


async def complain(
    harness: BotHarness, text: str = "夜里病房太吵,护士呼叫铃响了很久没人来。"
) -> None:
    await harness.text(CHAT, "/complain")
    await harness.text(CHAT, text)
    offered = harness.telegram.last_buttons(CHAT)
    assert "cp:c:department" in offered and "cp:c:other" in offered  # labels name them
    await harness.press(CHAT, "cp:c:department")
    await harness.press(CHAT, "cp:ok")


async def reply_to_patient(
    harness: BotHarness,
    number: int,
    text: str,
    thread: int | None,
    user: int = STAFF,
    quote_prompt: bool = False,
) -> None:
    """Press Reply on a case, write the message (in its topic, or quoting the prompt), and
    press Send under its preview."""
    await harness.press(GROUP, f"cs:reply:{number}", user_id=user)
    prompt = int(harness.telegram.sent(GROUP)[-1].result["message_id"]) if quote_prompt else None
    await harness.text(GROUP, text, user_id=user, thread_id=thread, reply_to=prompt)
    await harness.press(GROUP, harness.telegram.button(GROUP, f"cs:send:{number}:"), user_id=user)


def group_calls(harness: BotHarness, method: str) -> list[dict[str, object]]:
    return [
        c.params
        for c in harness.telegram.calls
        if c.method == method and int(c.params.get("chat_id", 0)) == GROUP
    ]


async def test_complaint_end_to_end_through_a_forum_topic(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness)
    submitted = harness.telegram.last_text(CHAT)
    assert "#1" in submitted and "2026-11-29" in submitted  # the promised answer date
    [topic] = group_calls(harness, "createForumTopic")
    assert topic["name"] == "#1 · 呼吸科"
    card = group_calls(harness, "sendMessage")[0]
    assert "夜里病房太吵" in str(card["text"]) and "ZY001" in str(card["text"])
    thread = int(str(card["message_thread_id"]))
    assert harness.telegram.button(GROUP, "cs:take:") == "cs:take:1"

    await harness.press(GROUP, "cs:take:1", user_id=STAFF)
    case = await harness.services.store.cases.get(1)
    assert case is not None and (case.status, case.assignee_id) == ("taken", STAFF)

    await harness.text(GROUP, "先查一下当晚的排班。", user_id=STAFF, thread_id=thread)
    assert "排班" not in harness.telegram.last_text(CHAT)  # a plain text is an internal note
    await reply_to_patient(harness, 1, "非常抱歉,我们已加强夜班巡视。", thread)
    relayed = harness.telegram.last_text(CHAT)
    assert "非常抱歉,我们已加强夜班巡视。" in relayed and "呼吸科" in relayed
    assert "刘护士长" not in relayed  # signed by the hospital, never by the staff member

    await harness.text(CHAT, "谢谢,希望以后能改进。")
    assert "希望以后能改进" in harness.telegram.last_text(GROUP)

    await harness.press(GROUP, "cs:close:1", user_id=STAFF)
    await harness.press(GROUP, "cs:outcome:1:resolved", user_id=STAFF)
    await harness.text(GROUP, "已与夜班护士沟通,增加巡视频次。", user_id=STAFF, thread_id=thread)
    texts = [c.params["text"] for c in harness.telegram.sent(CHAT)]
    assert not any("增加巡视频次" in str(t) for t in texts)  # the summary stays internal
    assert any("已处理完毕" in str(t) for t in texts)
    await harness.press(CHAT, harness.telegram.button(CHAT, "ch:1:yes"))
    case = await harness.services.store.cases.get(1)
    assert case is not None
    assert (case.status, case.outcome, case.handling_satisfaction) == (
        "closed",
        "resolved",
        "satisfied",
    )
    events = [e.kind for e in await harness.services.store.cases.events(1)]
    for expected in (
        "created",
        "posted",
        "taken",
        "note",
        "replied",
        "patient_reply",
        "outcome",
        "closed",
        "handling_feedback",
    ):
        assert expected in events


async def test_praise_is_registered_and_shown_to_the_department(harness: BotHarness) -> None:
    await setup(harness)
    await harness.text(CHAT, "/praise")
    await harness.text(CHAT, "王护士非常耐心,谢谢!")
    await harness.press(CHAT, "cp:c:nurse")
    await harness.press(CHAT, "cp:ok")
    case = await harness.services.store.cases.get(1)
    assert case is not None and (case.kind, case.concerned) == ("praise", "责任护士:王护士")
    card = group_calls(harness, "sendMessage")[-1]
    assert "王护士非常耐心" in str(card["text"]) and "处理情况:待处理" in str(card["text"])
    assert harness.telegram.last_buttons(GROUP) == ["cs:thank:1", "cs:passon:1"]


async def test_without_topics_the_card_reply_thread_is_the_case(harness: BotHarness) -> None:
    await setup(harness)
    harness.telegram.faults.append(
        Fault(
            method="createForumTopic",
            status=400,
            description="Bad Request: the chat is not a forum",
        )
    )
    await complain(harness)
    card = group_calls(harness, "sendMessage")[0]
    assert "message_thread_id" not in card
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.topic_id is None and case.staff_message_id is not None
    await harness.text(GROUP, "先核实一下。", user_id=STAFF, reply_to=case.staff_message_id)
    assert "内部备注" in harness.telegram.last_text(GROUP)  # a reply to the card is a note
    await reply_to_patient(harness, 1, "您好,我们会尽快核实。", None, quote_prompt=True)
    assert "我们会尽快核实" in harness.telegram.last_text(CHAT)
    assert "message_thread_id" not in harness.telegram.sent(GROUP)[-1].params


async def test_only_staff_may_press_or_be_relayed(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness)
    thread = int(str(group_calls(harness, "sendMessage")[0]["message_thread_id"]))
    now = harness.clock.now()
    await harness.services.store.staff.upsert(7300, Role.DOCTOR, "骨科", "外科医生", now)
    for user in (CHAT, 4242, 7300):  # the patient, a stranger, staff of another department
        for action in ("take", "reply", "close", "reopen"):
            await harness.press(GROUP, f"cs:{action}:1", user_id=user)
        await harness.text(GROUP, "我来回复", user_id=user, thread_id=thread)
    refusals = harness.telegram.answered_callbacks()[-12:]
    assert all(a.get("show_alert") for a in refusals)
    case = await harness.services.store.cases.get(1)
    assert case is not None and (case.status, case.assignee_id) == ("new", None)
    assert "我来回复" not in harness.telegram.last_text(CHAT)


async def test_deadline_reminders_and_escalation_happen_exactly_once(harness: BotHarness) -> None:
    harness.clock.advance(local("2026-11-20", "10:00") - harness.clock.now())  # a Friday
    await setup(harness)
    await complain(harness)
    case = await harness.services.store.cases.get(1)
    assert case is not None
    assert case.ack_due_at == local("2026-11-23", "10:00")  # one working day: Monday
    assert case.due_at == local("2026-11-27", "10:00")
    for moment in ("2026-11-22 10:00", "2026-11-22 11:00"):
        harness.clock.advance(local(*moment.split()) - harness.clock.now())
        await harness.tick()
    reminders = [
        p
        for p in group_calls(harness, "sendMessage")
        if "受理" in str(p["text"]) and "提醒" in str(p["text"])
    ]
    assert len(reminders) == 1
    harness.clock.advance(local("2026-11-23", "10:01") - harness.clock.now())
    await harness.tick()
    await harness.restart()
    await harness.tick()
    to_supervisor = harness.telegram.sent(SUPERVISOR)
    assert len(to_supervisor) == 1 and "#1" in str(to_supervisor[0].params["text"])
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.ack_overdue_at == local("2026-11-23", "10:01")


async def test_an_unreachable_staff_group_keeps_the_case_and_posts_it_later(
    harness: BotHarness,
) -> None:
    await setup(harness)
    harness.telegram.faults.append(
        Fault(
            method="sendMessage",
            chat_id=GROUP,
            status=403,
            description="Forbidden: bot was kicked",
            times=2,
        )
    )
    await complain(harness)
    assert "#1" in harness.telegram.last_text(CHAT)  # the patient still gets a case number
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.staff_message_id is None
    await harness.tick()  # the group still fails: supervisors are told, once
    await harness.tick()  # now it works: the case is posted
    assert len(harness.telegram.sent(SUPERVISOR)) == 1
    case = await harness.services.store.cases.get(1)
    assert case is not None and case.staff_message_id is not None


async def test_complaining_needs_enrolment_and_can_be_cancelled(harness: BotHarness) -> None:
    await setup(harness)
    await harness.text(5150, "/complain")
    assert "二维码" in harness.telegram.last_text(5150)
    await harness.text(CHAT, "/complain")
    await harness.text(CHAT, "想说一下")
    await harness.press(CHAT, "cp:c:other")
    await harness.press(CHAT, "cp:no")
    assert await harness.services.store.cases.get(1) is None
    await harness.press(CHAT, "cp:ok")  # stale: the dialog is over
    assert harness.telegram.answered_callbacks()[-1]["text"] == "抱歉,这个问题已经结束了。"


async def test_a_reply_drafted_across_restarts_still_reaches_the_patient(
    harness: BotHarness,
) -> None:
    await setup(harness)
    await complain(harness)
    thread = int(str(group_calls(harness, "sendMessage")[0]["message_thread_id"]))
    await harness.press(GROUP, "cs:reply:1", user_id=STAFF)
    await harness.restart()
    await harness.text(GROUP, "已收到,正在处理。", user_id=STAFF, thread_id=thread)
    assert "正在处理" not in harness.telegram.last_text(CHAT)  # only previewed so far
    await harness.restart()
    await harness.press(GROUP, harness.telegram.button(GROUP, "cs:send:1:"), user_id=STAFF)
    assert "正在处理" in harness.telegram.last_text(CHAT)


async def test_a_photo_with_a_caption_goes_to_the_case_thread(harness: BotHarness) -> None:
    await setup(harness)
    await harness.text(CHAT, "/complain")
    assert harness.app is not None
    update = photo_update(harness.app.bot, CHAT, "卫生间地面一直有积水", "photo-file-1")
    await harness.app.process_update(update)
    await harness.press(CHAT, "cp:c:department")
    await harness.press(CHAT, "cp:ok")
    case = await harness.services.store.cases.get(1)
    assert case is not None and (case.text, case.photo_file_id) == (
        "卫生间地面一直有积水",
        "photo-file-1",
    )
    [photo] = group_calls(harness, "sendPhoto")
    assert photo["photo"] == "photo-file-1" and photo["message_thread_id"]


async def test_the_card_says_in_words_who_raised_the_case(harness: BotHarness) -> None:
    await setup(harness)
    await complain(harness)
    card = str(group_calls(harness, "sendMessage")[0]["text"])
    assert "反映人:患者本人" in card and "我是" not in card
    async with harness.services.store.engine.begin() as conn:
        await conn.execute(update(contacts).values(respondent="family", relation="child"))
    await complain(harness, "护士说话态度很差。")
    cards = [
        str(c["text"]) for c in group_calls(harness, "sendMessage") if "态度很差" in str(c["text"])
    ]
    assert "反映人:家属(子女)" in cards[0] and "我是" not in cards[0]
