"""What each allowed action of the authorization matrix does (EFFECTS), checked after it ran."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable

from openpyxl import load_workbook

from bot.storage.schema import scheduled_messages
from tests.authorization_matrix import (
    BROADCAST_TO_A,
    COMMENT,
    DEATH_REPORT,
    DRILL,
    FACT_BUTTON,
    FREE_TEXT,
    NEXT_CALL,
    RED_FLAG_NOTE,
    RED_FLAG_NOTE_TEXT,
    TOPIC_REPLY,
    UNKNOWN_COMMAND,
    Seen,
    chat_of,
    text_of,
)
from tests.authorization_world import GROUP, STAFF, USERS
from tests.harness import HOSPITAL

# ------------------------------------------------------------- what "allowed" does
Effect = Callable[[Seen], Awaitable[None]]
PATIENTS = ("patient", "family", "other_patient")
DEPARTMENT_B = ("staff_other_dept", "dept_supervisor", "dept_admin")
ME = object()


async def _started(seen: Seen) -> None:
    if seen.cell.kind == "family":  # the spouse's check-in is open: its question again
        [text] = seen.texts()
        assert "接着上次的随访" in text and seen.buttons()[0].startswith("sv:")
        return
    key = "start/enrolled" if seen.cell.kind in PATIENTS else "start/how_to_enrol"
    assert seen.texts() == [seen.render(key, hospital=HOSPITAL)]


async def _invite_opened(seen: Seen) -> None:
    assert seen.texts() == [
        seen.render("enrol/greeting", hospital=HOSPITAL, question="phone_last4")
    ]
    state = await seen.world.harness.services.store.dialogs.get(seen.chat_id)
    assert state is not None and state.step == "identity"


async def _helped(seen: Seen) -> None:
    assert seen.texts() == [seen.render("start/help", hospital=HOSPITAL)]


async def _asked_to_confirm_stop(seen: Seen) -> None:
    assert seen.texts() == [seen.render("stop/confirm")] and "stop:yes" in seen.buttons()


def _case_dialog(key: str) -> Effect:
    async def effect(seen: Seen) -> None:
        assert seen.texts() == [seen.render(key)]
        state = await seen.world.harness.services.store.dialogs.get(seen.chat_id)
        assert state is not None and state.kind == "case"

    return effect


async def _invited(seen: Seen) -> None:
    [photo] = [c for c in seen.calls if c.method == "sendPhoto"]
    assert chat_of(photo) == seen.chat_id and photo.files
    assert "?start=" in text_of(photo) and "ZY001" in text_of(photo)


async def _stats_shown(seen: Seen) -> None:
    [text] = seen.texts()
    scope = "呼吸科" if seen.cell.kind in DEPARTMENT_B else seen.render("stats/whole_hospital")
    assert scope in text and DRILL in seen.buttons()


async def _call_stats_shown(seen: Seen) -> None:
    [text] = seen.texts()
    scope = "呼吸科" if seen.cell.kind in DEPARTMENT_B else seen.render("stats/whole_hospital")
    assert f"电话回访统计 · {scope}" in text and "目标" in text


async def _charts_sent(seen: Seen) -> None:
    [album] = [c for c in seen.calls if c.method == "sendMediaGroup"]
    assert chat_of(album) == seen.chat_id and len(album.files) == 2


async def _report_sent(seen: Seen) -> None:
    [document] = [c for c in seen.calls if c.method == "sendDocument"]
    assert chat_of(document) == seen.chat_id
    workbook = load_workbook(io.BytesIO(next(iter(document.files.values()))))
    cells = {str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row}
    shows_cardiology = any("ZY001" in v for v in cells)
    assert shows_cardiology is (seen.cell.kind not in DEPARTMENT_B)  # its own department only
    store, now = seen.world.harness.services.store, seen.world.harness.clock.now()
    entries = await store.audit.since(now, str(seen.user_id))
    assert [e.action for e in entries].count("report.read") == 1


def _replied_with(fragment: str) -> Effect:
    async def effect(seen: Seen) -> None:
        assert any(fragment in text for text in seen.texts()), seen.texts()

    return effect


async def _edit_started(seen: Seen) -> None:
    assert seen.texts() == [seen.render("templates/send_new", key="stop/kept", locale="zh_CN")]


async def _rolled_back(seen: Seen) -> None:
    history = await seen.world.harness.services.store.templates.history("stop/kept")
    assert len(history) == 2 and "第 1 版" in seen.texts()[0]


async def _plan_changed(seen: Seen) -> None:
    assert "day7" in seen.texts()[0]
    [change] = await seen.world.harness.services.store.plan_edits.all()
    assert (change.plan_key, change.step_key, change.value) == ("general", "day7", "8d")


def _broadcast_previewed(count: int, scoped_count: int) -> Effect:
    async def effect(seen: Seen) -> None:
        reaches = scoped_count if seen.cell.kind in DEPARTMENT_B else count
        assert f"<b>{reaches}</b>" in seen.texts()[0] and "bc:ok" in seen.buttons()

    return effect


async def _audit_listed(seen: Seen) -> None:
    assert "审计日志" in seen.texts()[0]


async def _relayed_or_answered(seen: Seen) -> None:
    if seen.cell.kind in ("patient", "other_patient"):  # his open case's topic, or a new one
        assert any(FREE_TEXT in text for text in seen.texts(GROUP))
        [told] = seen.texts()
        assert "详细记录" in told and ("#1" in told) is (seen.cell.kind == "patient")
    else:  # not an answer to the spouse's open check-in question: asked again, numbered
        [asked_again] = seen.texts()
        lead = seen.render("understanding/ask_again", question="", options=[]).splitlines()[0]
        assert asked_again.startswith(lead.strip()) and "\n1. " in asked_again


async def _fact_confirmation_asked(seen: Seen) -> None:
    [text] = seen.texts()
    assert "ZY001" in text and "张三丰" in text
    assert f"pf:ok:{seen.world.ids['zy001']}:" in seen.buttons()[0]
    assert not await _zy001_stopped(seen)  # nothing changes before the press


async def _death_recorded(seen: Seen) -> None:
    assert await _zy001_stopped(seen) and "ZY001" in seen.texts()[-1]


async def _reported_death_recorded(seen: Seen) -> None:
    assert await _zy001_stopped(seen) and "已确认" in seen.texts()[-1]


async def _zy001_stopped(seen: Seen) -> bool:
    facts = seen.world.harness.services.store.facts
    state = await facts.state(int(str(seen.world.ids["zy001"])))
    assert state is not None
    return state.stopped


async def _drilled(seen: Seen) -> None:
    [text] = seen.texts()
    assert "ZY002" in text and ("ZY001" in text) is (seen.cell.kind not in DEPARTMENT_B)


async def _medicine_taken(seen: Seen) -> None:
    assert seen.texts() == [seen.render("medication/taken")]
    assert await _row_status(seen, "medication") == "answered"


async def _reexam_confirmed(seen: Seen) -> None:
    assert seen.texts() == [seen.render("reexam/confirmed")]
    assert await _row_status(seen, "reexam") == "answered"


async def _still_taking(seen: Seen) -> None:
    assert seen.texts() == [seen.render("medication/still_taking_noted", drug="")]
    assert await _row_status(seen, "medcheck") == "answered"


async def _visit_moved(seen: Seen) -> None:
    [text] = seen.texts()
    assert "已为您把复诊日期改为" in text
    assert any("复诊已改期" in t for t in seen.texts(GROUP))
    episode = await seen.world.harness.services.store.episodes.latest_for("ZY001")
    assert episode is not None and episode.revisit_at is not None


async def _kept(seen: Seen) -> None:
    assert seen.texts() == [seen.render("keep/continue")]
    assert await _row_status(seen, "keep") == "answered"


async def _handling_rated(seen: Seen) -> None:
    case = await seen.world.harness.services.store.cases.get(2)
    assert case is not None and case.handling_satisfaction == "satisfied"


async def _survey_answered(seen: Seen) -> None:
    session_id = int(str(seen.world.ids["session"]))
    answers = await seen.world.harness.services.store.surveys.answers(session_id)
    assert answers["new_symptoms"] == "no"


async def _case_opened(seen: Seen) -> None:
    store = seen.world.harness.services.store
    [contact] = await store.contacts.for_chat(seen.chat_id)
    case = await store.cases.get(5)
    assert case is not None and case.patient_id == contact.patient_id and case.kind == "complaint"
    assert "#5" in seen.texts()[-1]


async def _languages_offered(seen: Seen) -> None:
    assert seen.texts() == [seen.render("language/choose", current="中文")]
    assert seen.buttons() == ["lg:zh_CN", "lg:en"]


async def _language_chosen(seen: Seen) -> None:
    store, renderer = seen.world.harness.services.store, seen.world.harness.services.renderer
    assert seen.texts() == [renderer.render("language/changed", "en")]
    assert {c.locale for c in await store.contacts.for_chat(seen.chat_id)} == {"en"}


async def _stopped(seen: Seen) -> None:
    [contact] = await seen.world.harness.services.store.contacts.for_chat(seen.chat_id)
    assert contact.consent == "withdrawn" and seen.texts() == [seen.render("stop/done")]


async def _template_saved(seen: Seen) -> None:
    assert seen.texts()[-1] == seen.render(
        "templates/saved", key="stop/kept", locale="zh_CN", version=2
    )


async def _broadcast_queued(seen: Seen) -> None:
    store = seen.world.harness.services.store
    rows = await store.outbox.rows(scheduled_messages.c.step_key.startswith("bc:"))
    chats = {row.chat_id for row in rows}
    whole = {USERS[kind] for kind in PATIENTS}
    assert chats == ({USERS["other_patient"]} if seen.cell.kind in DEPARTMENT_B else whole)


def _case_is(number: int, **wanted: object) -> Effect:
    """The case's fields have these values afterwards (ME: the user who pressed)."""

    async def effect(seen: Seen) -> None:
        case = await seen.world.harness.services.store.cases.get(number)
        assert case is not None
        expected = {name: seen.user_id if value is ME else value for name, value in wanted.items()}
        assert {name: getattr(case, name) for name in wanted} == expected

    return effect


async def _reply_prompted(seen: Seen) -> None:
    events = await seen.world.harness.services.store.cases.events(1)
    assert (events[-1].kind, events[-1].actor_id) == ("reply_prompt", seen.user_id)
    assert seen.texts(GROUP)


async def _outcomes_offered(seen: Seen) -> None:
    assert "cs:outcome:1:resolved" in seen.buttons()


async def _noted_internally(seen: Seen) -> None:
    assert seen.texts(USERS["patient"]) == []  # plain text in a topic never reaches the patient
    assert seen.texts(GROUP) == [
        seen.render(
            "staff/case_note_recorded",
            number=1,
            other=None,
            forwarded=False,
            media=False,
            worked=True,
        )
    ]
    events = await seen.world.harness.services.store.cases.events(1)
    assert (events[-1].kind, events[-1].actor_id) == ("note", seen.user_id)
    assert events[-1].detail == "您好,我们已联系病区核实。"


async def _assignees_offered(seen: Seen) -> None:
    offered = [b for b in seen.buttons() if b.startswith("cs:assign:1:")]
    assert f"cs:assign:1:{USERS['staff']}" in offered
    assert f"cs:assign:1:{USERS['staff_other_dept']}" not in offered  # another department


async def _commented(seen: Seen) -> None:
    assert seen.texts() == [seen.render("staff/comment_recorded", number=1)]
    events = await seen.world.harness.services.store.cases.events(1)
    assert (events[-1].kind, events[-1].actor_id) == ("leader_comment", seen.user_id)
    assert events[-1].detail == "请本周内回复患者"


async def _phone_shown(seen: Seen) -> None:
    [answer] = [c for c in seen.calls if c.method == "answerCallbackQuery"]
    assert "13800138001" in text_of(answer) and answer.params.get("show_alert")
    assert [c.method for c in seen.calls] == ["answerCallbackQuery"]  # to the presser alone


async def _red_flag_noted(seen: Seen) -> None:
    case = await seen.world.harness.services.store.cases.get(3)
    assert case is not None and case.summary == RED_FLAG_NOTE_TEXT
    assert seen.texts(GROUP) == [
        seen.render("redflag/note_recorded", number=3, who=STAFF[seen.cell.kind][2])
    ]
    assert {chat_of(c) for c in seen.calls} == {GROUP}  # nothing reaches the family


async def _row_status(seen: Seen, name: str) -> str:
    row = await seen.world.harness.services.store.outbox.get(int(str(seen.world.ids[name])))
    assert row is not None
    return row.status


EFFECTS: dict[str, Effect] = {
    "/start": _started,
    "/start {token}": _invite_opened,
    "/help": _helped,
    UNKNOWN_COMMAND: _helped,
    "/stop": _asked_to_confirm_stop,
    "/complain": _case_dialog("complain/ask_text"),
    "/praise": _case_dialog("praise/ask_text"),
    "/invite ZY001": _invited,
    "/stats 2026-11": _stats_shown,
    "/chart 2026-11": _charts_sent,
    "/report 2026-11": _report_sent,
    "/calls stats 2026-11": _call_stats_shown,
    "/calls sample 3": _replied_with("近 7 天没有可抽查的电话回访"),
    "/templates": _replied_with("stop("),
    "/template stop/kept": _replied_with("好的,我们会继续为您随访。"),
    "/edit stop/kept zh_CN": _edit_started,
    "/history stop/kept": _replied_with("第 1 版"),
    "/rollback stop/kept 1": _rolled_back,
    "/plans": _replied_with("<code>general</code>"),
    "/plan general": _replied_with("<code>day7</code>"),
    "/planstep general day7 offset=8d": _plan_changed,
    "/broadcast plans/chronic/diet": _broadcast_previewed(3, 1),
    BROADCAST_TO_A: _broadcast_previewed(2, 0),
    "/audit": _audit_listed,
    "/deceased ZY001": _fact_confirmation_asked,
    "/calls": _replied_with("回访电话"),
    NEXT_CALL: _replied_with("回访电话"),
    COMMENT: _commented,
    "/dispute ZY001 on": _fact_confirmation_asked,
    FACT_BUTTON: _death_recorded,
    DEATH_REPORT: _reported_death_recorded,
    FREE_TEXT: _relayed_or_answered,
    DRILL: _drilled,
    "md:taken:{medication}": _medicine_taken,
    "rx:confirm:{reexam}": _reexam_confirmed,
    "ka:yes:{keep}": _kept,
    "mc:yes:{medcheck}": _still_taking,
    "rd:1w": _visit_moved,
    "/stopmed ZY001": _replied_with("出院带药"),
    "ch:2:yes": _handling_rated,
    "sv:{session}:new_symptoms:no": _survey_answered,
    "cp:ok": _case_opened,
    "stop:yes": _stopped,
    "/language": _languages_offered,
    "lg:en": _language_chosen,
    "te:save": _template_saved,
    "bc:ok": _broadcast_queued,
    TOPIC_REPLY: _noted_internally,
    "cs:assign:1": _assignees_offered,
    "cs:take:1": _case_is(1, status="taken", assignee_id=ME),
    "cs:reply:1": _reply_prompted,
    "cs:close:1": _outcomes_offered,
    "cs:outcome:1:resolved": _case_is(1, status="closing", outcome="resolved"),
    "cs:reopen:2": _case_is(2, status="taken", outcome=None),
    "ack:{red_flag}": _case_is(3, acknowledged_by=ME),
    "rf:outcome:{red_flag}:called_patient": _case_is(
        3, status="closed", red_flag_outcome="called_patient", acknowledged_by=ME
    ),
    "rf:phone:{red_flag}": _phone_shown,
    RED_FLAG_NOTE: _red_flag_noted,
}
