"""Each patient in their own language, staff in the hospital's: list, app, /language, fallback."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.fake_telegram import Call, keyboard
from bot.demo.harness import BotHarness
from bot.domain.roles import Role
from bot.services.invitations import invite_patient
from bot.settings import Settings
from bot.storage.audit import Actor
from bot.storage.schema import audit_events, contacts, episodes, patients
from bot.storage.store import Store
from tests.harness import HOSPITAL, RecordFields, enrol, local, record, seed

CHAT = 731
STAFF_GROUP = -1007777
# proper names stay as the list has them; /language names 中文 in Chinese in every language
NAMES = (HOSPITAL, "呼吸科", "张三丰", "张", "李医生", "王护士", "阿司匹林肠溶片", "中文")
CJK = re.compile(r"[\u4e00-\u9fff]")
STAY: RecordFields = {"department": "呼吸科", "discharged_at": local("2026-11-20")}
runner = CliRunner()


def words_of(call: Call) -> str:
    """Return a message's text and button labels, without the proper names it may carry."""
    text = str(call.params.get("text", "")) + " ".join(
        label for label, _ in keyboard(call.params.get("reply_markup"))
    )
    for name in NAMES:
        text = text.replace(name, "")
    return text


def in_english(call: Call) -> bool:
    """Say whether a message (text and buttons) is written in English."""
    return (
        CJK.search(words_of(call)) is None and re.search(r"[A-Za-z]{3}", words_of(call)) is not None
    )


def in_chinese(call: Call) -> bool:
    """Say whether a message is written in Chinese (beyond the names it carries)."""
    return CJK.search(words_of(call)) is not None


async def with_staff_group(harness: BotHarness, **overrides: Any) -> None:
    """Restart the bot with a staff group (and any other settings)."""
    updated = {"staff_chat_id": STAFF_GROUP, **overrides}
    harness.settings = harness.settings.model_copy(update=updated)
    await harness.restart()


async def enrol_by_dialog(harness: BotHarness, app_language: str | None) -> None:
    """Open an invite and go through identity, respondent and consent as a patient would."""
    issued = await invite_patient(
        harness.services.store, "ZY001", harness.clock.now(), 30, Actor.cli()
    )
    await harness.text(CHAT, f"/start {issued.token}", language_code=app_language)
    await harness.text(CHAT, "8001", language_code=app_language)
    await harness.press(CHAT, "en:r:patient")
    await harness.press(CHAT, "en:c:yes")


async def answer(harness: BotHarness, question: str, value: str) -> None:
    """Press the answer button for question/value on the chat's newest buttons."""
    pattern = re.compile(rf"^sv:\d+:{question}:{value}$")
    pressable = (
        data
        for call in reversed(harness.telegram.sent(CHAT))
        for _label, data in keyboard(call.params.get("reply_markup"))
    )
    await harness.press(CHAT, next(d for d in pressable if pattern.match(d)))


async def stored_locale(harness: BotHarness) -> str:
    [contact] = await harness.services.store.contacts.for_chat(CHAT)
    return contact.locale


async def test_a_patient_listed_in_english_gets_english_and_staff_still_get_chinese(
    harness: BotHarness,
) -> None:
    await with_staff_group(harness)
    assert harness.settings.locale == "zh_CN"
    await seed(harness.settings, record(language="en", **STAY))
    await enrol_by_dialog(harness, app_language="zh-hans")  # the list beats the app
    enrolment = harness.telegram.sent(CHAT)
    assert len(enrolment) == 4 and all(in_english(c) for c in enrolment)
    assert "last 4 digits" in str(enrolment[0].params["text"])
    assert await stored_locale(harness) == "en"

    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    await answer(harness, "good_time", "yes")
    await answer(harness, "condition", "worse")  # a red flag: staff are alerted
    plan_and_survey = harness.telegram.sent(CHAT)[4:]
    assert any(c.params.get("reply_markup") for c in plan_and_survey)
    assert plan_and_survey and all(in_english(c) for c in plan_and_survey)
    assert "let the care team know" in " ".join(words_of(c) for c in plan_and_survey)

    alert = harness.telegram.sent(STAFF_GROUP)[-1]
    assert "ZY001" in str(alert.params["text"]) and in_chinese(alert)


@pytest.mark.parametrize(
    ("app_language", "hospital", "expected"),
    [
        ("en-GB", "zh_CN", "en"),
        ("en", "zh_CN", "en"),
        ("zh-hant", "en", "zh_CN"),
        ("fr", "zh_CN", "zh_CN"),
        ("fr", "en", "en"),
        (None, "en", "en"),
    ],
)
async def test_the_app_language_is_a_suggestion_when_the_list_gives_none(
    harness: BotHarness, app_language: str | None, hospital: str, expected: str
) -> None:
    await with_staff_group(harness, locale=hospital)
    await seed(harness.settings, record(**STAY))
    await enrol_by_dialog(harness, app_language)
    check = in_english if expected == "en" else in_chinese
    assert all(check(c) for c in harness.telegram.sent(CHAT))
    assert await stored_locale(harness) == expected


async def test_language_switches_mid_plan_and_the_next_messages_follow(
    harness: BotHarness,
) -> None:
    await seed(harness.settings, record(**STAY))
    contact = await enrol(harness, CHAT)  # enrolled in the hospital's Chinese
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    assert in_chinese(harness.telegram.sent(CHAT)[-1])

    await harness.text(CHAT, "/language")
    choose = harness.telegram.sent(CHAT)[-1]
    assert in_chinese(choose) and harness.telegram.last_buttons(CHAT) == ["lg:zh_CN", "lg:en"]
    await harness.press(CHAT, "lg:en")
    assert in_english(harness.telegram.sent(CHAT)[-1])
    assert await stored_locale(harness) == "en"

    mark = len(harness.telegram.sent(CHAT))
    await answer(harness, "good_time", "yes")  # the open check-in goes on in English
    await harness.text(CHAT, "/help")
    harness.clock.advance(local("2026-11-27") - harness.clock.now())
    await harness.tick()  # the day-7 check-in
    after = harness.telegram.sent(CHAT)[mark:]
    assert len(after) >= 3 and all(in_english(c) for c in after)

    await harness.text(CHAT, "/language")
    await harness.press(CHAT, "lg:zh_CN")
    assert in_chinese(harness.telegram.sent(CHAT)[-1])
    query = select(audit_events.c.action, audit_events.c.subject, audit_events.c.detail).where(
        audit_events.c.action == "language"
    )
    async with harness.services.store.engine.connect() as conn:
        changes = (await conn.execute(query)).all()
    subject = f"contact:{contact.id}"
    assert changes == [("language", subject, "en"), ("language", subject, "zh_CN")]


async def test_strangers_and_staff_are_told_politely_and_nothing_changes(
    harness: BotHarness,
) -> None:
    await harness.services.store.staff.upsert(7001, Role.STAFF, None, "刘护士", harness.clock.now())
    await harness.text(7001, "/language")
    assert harness.telegram.last_text(7001) == harness.services.renderer.render(
        "language/staff", "zh_CN"
    )
    await harness.text(7002, "/language")
    assert "还没有登记" in harness.telegram.last_text(7002)
    await harness.press(7002, "lg:en")
    assert harness.telegram.answered_callbacks()[-1]["text"] == "抱歉,这个问题已经结束了。"
    async with harness.services.store.engine.connect() as conn:
        assert (await conn.execute(select(audit_events.c.action))).all() == []


async def test_an_unsupported_stored_language_falls_back_to_the_hospitals(
    harness: BotHarness,
) -> None:
    await seed(harness.settings, record(**STAY))
    await enrol(harness, CHAT)
    async with harness.services.store.engine.begin() as conn:
        await conn.execute(update(contacts).values(locale="fr"))
    await harness.text(CHAT, "/help")
    harness.clock.advance(local("2026-11-23") - harness.clock.now())
    await harness.tick()
    sent = harness.telegram.sent(CHAT)
    assert len(sent) >= 2 and all(in_chinese(c) for c in sent)


def test_the_list_language_is_read_and_stored(cli_env: Settings, tmp_path: Path) -> None:
    body = "住院号,姓名,科室,出院时间,是否同意回访,语言\n" + "".join(
        f"ZY{i},患者{i},心内科,2026-11-20 10:00,是,{word}\n"
        for i, word in enumerate(["英文", "English", "en-US", "中文", "zh_CN", "汉语", ""])
    )
    path = tmp_path / "list.csv"
    path.write_text(body, encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert stored_languages(cli_env) == ["en", "en", "en", "zh_CN", "zh_CN", "zh_CN", None]


def test_an_unsupported_language_is_reported_and_nothing_is_written(
    cli_env: Settings, tmp_path: Path
) -> None:
    body = (
        "住院号,姓名,科室,出院时间,是否同意回访,语言\n"
        "ZY1,王小明,心内科,2026-11-20 10:00,是,English\n"
        "ZY2,李四,骨科,2026-11-20 10:00,是,法语\n"
    )
    path = tmp_path / "list.csv"
    path.write_text(body, encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert "第 3 行「语言」填写的「法语」是暂不支持的语言" in result.output
    assert "zh_CN, en" in result.output and "未写入任何数据" in result.output
    assert stored_languages(cli_env) == []


def stored_languages(settings: Settings) -> list[str | None]:
    """Return the stored episodes' languages, by hospital number."""

    async def read() -> list[str | None]:
        store = Store.open(settings.database_url)
        query = (
            select(episodes.c.language)
            .join(patients, patients.c.id == episodes.c.patient_id)
            .order_by(patients.c.hospital_no)
        )
        async with store.engine.connect() as conn:
            found = list((await conn.execute(query)).scalars())
        await store.close()
        return found

    return asyncio.run(read())


async def test_a_case_is_worked_in_chinese_and_told_to_the_patient_in_english(
    harness: BotHarness,
) -> None:
    await with_staff_group(harness)
    await seed(harness.settings, record(language="en", nurse="王护士", **STAY))
    await enrol_by_dialog(harness, app_language=None)
    await harness.services.store.staff.upsert(
        7100, Role.STAFF, None, "刘护士长", local("2026-11-22")
    )
    await harness.text(CHAT, "/complain")
    await harness.text(CHAT, "The ward was very noisy at night.")
    await harness.press(CHAT, "cp:c:department")
    await harness.press(CHAT, "cp:ok")
    card = harness.telegram.sent(STAFF_GROUP)[0]
    assert "ZY001" in str(card.params["text"]) and in_chinese(card)
    thread = int(str(card.params["message_thread_id"]))

    await harness.press(STAFF_GROUP, "cs:take:1", user_id=7100)
    await harness.text(STAFF_GROUP, "Sorry, night rounds are now more frequent.", 7100, thread)
    await harness.press(STAFF_GROUP, "cs:close:1", user_id=7100)
    await harness.press(STAFF_GROUP, "cs:outcome:1:resolved", user_id=7100)
    await harness.text(STAFF_GROUP, "Spoke with the night nurses.", 7100, thread)
    to_patient = harness.telegram.sent(CHAT)[4:]  # after the four enrolment messages
    assert len(to_patient) >= 6 and all(in_english(c) for c in to_patient)
    assert harness.telegram.last_buttons(CHAT) == ["ch:1:yes", "ch:1:no"]
    staff_side = harness.telegram.sent(STAFF_GROUP)
    assert all(in_chinese(c) for c in staff_side if "night" not in str(c.params["text"]))


async def test_reminders_and_broadcasts_go_to_each_patient_in_their_language(
    harness: BotHarness,
) -> None:
    medicine: RecordFields = {"medications": "阿司匹林肠溶片 100mg qd 30天", **STAY}
    await seed(
        harness.settings,
        record(language="en", revisit_at=local("2026-12-02").date(), **medicine),
        record("ZY002", name="李四光", **medicine),
    )
    await enrol_by_dialog(harness, app_language=None)
    await enrol(harness, 732, "ZY002")
    mark = len(harness.telegram.sent(CHAT))
    for day, button in (("2026-11-23 08:00", "md:taken:"), ("2026-11-29 09:00", "rx:confirm:")):
        harness.clock.advance(local(*day.split()) - harness.clock.now())
        await harness.tick()
        await harness.press(CHAT, harness.telegram.button(CHAT, button))
    assert in_chinese(harness.telegram.sent(732)[0])  # the other patient's first reminder

    admin = 7300
    await harness.services.store.staff.upsert(admin, Role.ADMIN, None, None, local("2026-11-29"))
    await harness.text(admin, "/broadcast plans/chronic/diet 科室=呼吸科")
    assert in_chinese(harness.telegram.sent(admin)[-1])  # the admin's preview
    await harness.press(admin, "bc:ok")
    await harness.tick()
    assert in_chinese(harness.telegram.sent(732)[-1])
    to_patient = harness.telegram.sent(CHAT)[mark:]
    assert len(to_patient) >= 5 and all(in_english(c) for c in to_patient)
    tip = {"hospital": HOSPITAL, "department": "呼吸科", "patient_name": "张三丰"}
    diet = harness.services.renderer.render("plans/chronic/diet", "en", **tip)
    assert to_patient[-1].params["text"] == diet
