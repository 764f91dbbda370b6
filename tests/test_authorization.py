"""The authorization matrix: every command, button and message x every kind of user x chat.

Read MATRIX as a table. A row is something sent in a chat (a command or text, or a button
pressed); a column is a kind of user; a cell is what the design says happens:

  A  allowed   the real effect happens (EFFECTS says which: a case taken, a document sent…)
  R  refused   one polite line to that user only (one of REFUSALS: no stack trace, no
               error apology, no patient data, no figures), and nothing changes
  I  ignored   the bot sends nothing at all, and nothing changes

Columns (tests/authorization_world.py builds them): str stranger · pat patient 张三丰 (ZY001,
心内科) · fam his spouse, enrolled for him · oth another patient 李四光 (ZY002, 呼吸科) · stf
staff of 心内科 · stB staff of 呼吸科 · doc doctor, no department · suB supervisor of 呼吸科 ·
sup supervisor, whole hospital · adm admin · adB admin of 呼吸科. Cases: #1 张三丰's open
complaint (a forum topic in the staff group), #2 his closed complaint (its "were you satisfied
with the handling" question waits in his chat), #3 a red flag raised by his spouse's check-in,
#4 a red flag of 李四光. Chats: PRV a private chat with the bot, GRP the staff group, OTH
another group the bot is in. {names} are ids from the world (the patient's own rows and session).
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
import pytest_asyncio
from openpyxl import load_workbook
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot.demo.fake_telegram import Call, keyboard
from bot.storage.schema import scheduled_messages
from tests.authorization_world import (
    GROUP,
    OTHER_GROUP,
    PATIENT_DATA,
    USERS,
    World,
    build_world,
)
from tests.harness import HOSPITAL

PRV, GRP, OTH = "private", "staff group", "other group"
KINDS = tuple(USERS)  # the columns, in order
TOPIC_REPLY = "reply in case #1's topic"
GROUP_CHAT = "chat outside any case"
FREE_TEXT = "你好,想问一下复查的事。"
DRILL = "sd:red_flags:20261101:20261130:0"
BROADCAST_TO_A = "/broadcast plans/chronic/diet 科室=心内科"
FACT_BUTTON = "pf:ok:{zy001}:dec1"

# fmt: off
MATRIX: dict[tuple[str, str], str] = {
    #                                                 str pat fam oth stf stB doc suB sup adm adB
    (PRV, "/start"):                                 "A   A   A   A   A   A   A   A   A   A   A",
    (PRV, "/start {token}"):                         "A   A   A   A   A   A   A   A   A   A   A",
    (PRV, "/help"):                                  "A   A   A   A   A   A   A   A   A   A   A",
    (PRV, "/stop"):                                  "R   A   A   A   R   R   R   R   R   R   R",
    (PRV, "/complain"):                              "R   A   A   A   R   R   R   R   R   R   R",
    (PRV, "/praise"):                                "R   A   A   A   R   R   R   R   R   R   R",
    (PRV, "/language"):                              "R   A   A   A   R   R   R   R   R   R   R",
    (PRV, "lg:en"):                                  "R   A   A   A   R   R   R   R   R   R   R",
    (PRV, "/invite ZY001"):                          "R   R   R   R   A   R   A   R   R   A   R",
    (PRV, "/stats 2026-11"):                         "R   R   R   R   R   R   R   A   A   A   A",
    (PRV, "/chart 2026-11"):                         "R   R   R   R   R   R   R   A   A   A   A",
    (PRV, "/report 2026-11"):                        "R   R   R   R   R   R   R   A   A   A   A",
    (PRV, "/templates"):                             "R   R   R   R   R   R   R   R   R   A   A",
    (PRV, "/template stop/kept"):                    "R   R   R   R   R   R   R   R   R   A   A",
    (PRV, "/edit stop/kept zh_CN"):                  "R   R   R   R   R   R   R   R   R   A   A",
    (PRV, "/history stop/kept"):                     "R   R   R   R   R   R   R   R   R   A   A",
    (PRV, "/rollback stop/kept 1"):                  "R   R   R   R   R   R   R   R   R   A   A",
    (PRV, "/plans"):                                 "R   R   R   R   R   R   R   R   R   A   A",
    (PRV, "/plan general"):                          "R   R   R   R   R   R   R   R   R   A   A",
    (PRV, "/planstep general day7 offset=8d"):       "R   R   R   R   R   R   R   R   R   A   A",
    (PRV, "/broadcast plans/chronic/diet"):          "R   R   R   R   R   R   R   R   R   A   A",
    (PRV, BROADCAST_TO_A):                           "R   R   R   R   R   R   R   R   R   A   R",
    (PRV, "/audit"):                                 "R   R   R   R   R   R   R   R   R   A   A",
    (PRV, "/stopmed ZY001"):                         "R   R   R   R   A   R   A   R   A   A   R",
    (PRV, "/deceased ZY001"):                        "R   R   R   R   A   R   R   R   R   A   R",
    (PRV, "/dispute ZY001 on"):                      "R   R   R   R   A   R   R   R   R   A   R",
    (PRV, FACT_BUTTON):                              "R   R   R   R   A   R   R   R   R   A   R",
    (PRV, FREE_TEXT):                                "R   A   A   R   R   R   R   R   R   R   R",
    (PRV, DRILL):                                    "R   R   R   R   R   R   R   A   A   A   A",
    (PRV, "md:taken:{medication}"):                  "R   A   R   R   R   R   R   R   R   R   R",
    (PRV, "rx:confirm:{reexam}"):                    "R   A   R   R   R   R   R   R   R   R   R",
    (PRV, "mc:yes:{medcheck}"):                      "R   A   R   R   R   R   R   R   R   R   R",
    (PRV, "rd:1w"):                                  "R   A   R   R   R   R   R   R   R   R   R",
    (PRV, "ka:yes:{keep}"):                          "R   A   R   R   R   R   R   R   R   R   R",
    (PRV, "ch:2:yes"):                               "R   A   R   R   R   R   R   R   R   R   R",
    (PRV, "sv:{session}:new_symptoms:no"):           "R   R   A   R   R   R   R   R   R   R   R",
    (PRV, "cp:ok"):                                  "R   A   A   A   R   R   R   R   R   R   R",
    (PRV, "stop:yes"):                               "R   A   A   A   R   R   R   R   R   R   R",
    (PRV, "te:save"):                                "R   R   R   R   R   R   R   R   R   A   A",
    (PRV, "bc:ok"):                                  "R   R   R   R   R   R   R   R   R   A   A",
    (PRV, "en:c:yes"):                               "R   R   R   R   R   R   R   R   R   R   R",
    #                                                 str pat fam oth stf stB doc suB sup adm adB
    (GRP, TOPIC_REPLY):                              "I   I   I   I   A   I   A   I   A   A   I",
    (GRP, GROUP_CHAT):                               "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "cs:take:1"):                              "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, "cs:reply:1"):                             "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, "cs:close:1"):                             "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, "cs:outcome:1:resolved"):                  "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, "cs:reopen:2"):                            "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, "ack:{red_flag}"):                         "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, DRILL):                                    "R   R   R   R   R   R   R   R   R   R   R",
    (GRP, "/start"):                                 "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/start {token}"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/help"):                                  "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/stop"):                                  "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/complain"):                              "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/praise"):                                "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/language"):                              "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/invite ZY001"):                          "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/stats 2026-11"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/chart 2026-11"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/report 2026-11"):                        "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/templates"):                             "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/template stop/kept"):                    "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/edit stop/kept zh_CN"):                  "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/history stop/kept"):                     "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/rollback stop/kept 1"):                  "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/plans"):                                 "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/plan general"):                          "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/planstep general day7 offset=8d"):       "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/broadcast plans/chronic/diet"):          "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/audit"):                                 "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/stopmed ZY001"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/deceased ZY001"):                        "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/dispute ZY001 on"):                      "I   I   I   I   I   I   I   I   I   I   I",
    #                                                 str pat fam oth stf stB doc suB sup adm adB
    (OTH, FREE_TEXT):                                "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/start"):                                 "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/start {token}"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/help"):                                  "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/stop"):                                  "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/complain"):                              "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/praise"):                                "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/language"):                              "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/invite ZY001"):                          "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/stats 2026-11"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/chart 2026-11"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/report 2026-11"):                        "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/templates"):                             "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/template stop/kept"):                    "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/edit stop/kept zh_CN"):                  "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/history stop/kept"):                     "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/rollback stop/kept 1"):                  "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/plans"):                                 "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/plan general"):                          "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/planstep general day7 offset=8d"):       "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/broadcast plans/chronic/diet"):          "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/audit"):                                 "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/stopmed ZY001"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/deceased ZY001"):                        "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/dispute ZY001 on"):                      "I   I   I   I   I   I   I   I   I   I   I",
}
# fmt: on

# What a user does first, in the same chat, before the row's action (button rows only).
ARRANGE: dict[str, tuple[str, ...]] = {
    "cp:ok": ("/complain", "出院时的宣教很细致,但病房的热水总是不够。", "press cp:c:department"),
    "stop:yes": ("/stop",),
    "te:save": ("/edit stop/kept zh_CN", "好的,随访会继续。谢谢您!"),
    "bc:ok": ("/broadcast plans/chronic/diet",),
    "rd:1w": ("press rx:other:{reexam}",),  # "need another date" opens the date question
    FACT_BUTTON: ("/deceased ZY001",),
}
RESTART = {"te:save"}  # a saved template also lives in the renderer: start afresh after it
REFUSALS: tuple[tuple[str, dict[str, str]], ...] = (  # every polite refusal: key, variables
    ("staff/not_allowed", {}),
    ("staff/not_allowed_short", {}),
    ("stats/not_allowed", {}),
    ("templates/not_allowed", {}),
    ("audit/not_allowed", {}),
    ("broadcast/own_department", {"department": "呼吸科"}),
    ("common/question_closed", {}),
    ("common/not_understood", {}),
    ("complain/not_enrolled", {}),
    ("stop/not_enrolled", {}),
    ("language/not_enrolled", {}),
    ("language/staff", {}),
    ("staff/patient_not_found", {"hospital_no": "ZY001"}),  # also for a patient not there
)
APOLOGY = "系统暂时出了点问题"  # common/error: what a crash would show
BUTTON = re.compile(r"^[a-z]{2,5}:\S+$")  # callback data; anything else is sent as a message
IN_SCOPE = {  # whose data each kind may be shown in a private chat (None: any patient's)
    "stranger": (),
    "patient": ("ZY001",),
    "family": ("ZY001",),
    "other_patient": ("ZY002",),
    "staff": ("ZY001", "ZY003"),
    "staff_other_dept": ("ZY002",),
    "doctor": None,
    "dept_supervisor": ("ZY002",),
    "supervisor": None,
    "admin": None,
    "dept_admin": ("ZY002",),
}


@dataclass(frozen=True)
class Cell:
    chat: str
    action: str
    kind: str
    expected: str

    def __str__(self) -> str:
        return f"{self.chat}|{self.action}|{self.kind}|{self.expected}"


CELLS = [
    Cell(chat, action, kind, {"A": "allowed", "R": "refused", "I": "ignored"}[letter])
    for (chat, action), row in MATRIX.items()
    for kind, letter in zip(KINDS, row.split(), strict=True)
]


@dataclass
class Seen:
    """What one cell did: the calls to the Bot API, from the user's chat's point of view."""

    world: World
    cell: Cell
    chat_id: int
    calls: list[Call]

    @property
    def user_id(self) -> int:
        return USERS[self.cell.kind]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts and captions of what the bot sent to a chat (the user's by default)."""
        wanted = self.chat_id if chat_id is None else chat_id
        return [text_of(c) for c in self.calls if _chat_of(c) == wanted and text_of(c)]

    def render(self, template: str, /, **variables: object) -> str:
        return self.world.harness.services.renderer.render(template, "zh_CN", **variables)

    def buttons(self) -> list[str]:
        return [data for c in self.calls for _, data in keyboard(c.params.get("reply_markup"))]


def text_of(call: Call) -> str:
    if call.method == "answerCallbackQuery":
        return str(call.params.get("text", ""))
    return str(call.params.get("text", call.params.get("caption", "")))


def _chat_of(call: Call) -> int | None:
    chat = call.params.get("chat_id")
    return int(chat) if chat is not None else None


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    built = await build_world(tmp_path_factory.mktemp("authorization"))
    yield built
    built.close()
    await built.harness.stop()


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("cell", CELLS, ids=str)
async def test_authorization_matrix(world: World, cell: Cell) -> None:
    user = USERS[cell.kind]
    chat = {PRV: user, GRP: GROUP, OTH: OTHER_GROUP}[cell.chat]
    action = cell.action.format(**world.ids)
    try:
        for step in ARRANGE.get(cell.action, ()):
            what = step.removeprefix("press ").format(**world.ids)
            await _send(world, chat, user, what, step.startswith("press "))
        before, mark = world.version(), len(world.calls)
        await _send(world, chat, user, action, _is_button(action), cell.action == TOPIC_REPLY)
        seen = Seen(world, cell, chat, world.calls[mark:])
        assert not any(APOLOGY in text_of(c) or "Traceback" in text_of(c) for c in seen.calls)
        _assert_in_scope(seen, action)
        if cell.expected == "ignored":
            assert seen.calls == [], "the bot must not answer"
            assert world.version() == before, "nothing may change"
        elif cell.expected == "refused":
            _assert_refused(seen, action)
            assert world.version() == before, "a refusal changes nothing"
        else:
            await EFFECTS[cell.action](seen)
    finally:
        if cell.action in RESTART or world.changed:
            await world.restore(restart=cell.action in RESTART)


def _is_button(action: str) -> bool:
    return BUTTON.match(action) is not None


async def _send(
    world: World, chat: int, user: int, what: str, button: bool, topic: bool = False
) -> None:
    harness = world.harness
    if button:
        await harness.press(chat, what, user_id=user)
    elif what in (TOPIC_REPLY, GROUP_CHAT):
        thread = int(str(world.ids["topic"])) if topic else None
        await harness.text(chat, "您好,我们已联系病区核实。", user_id=user, thread_id=thread)
    else:
        await harness.text(chat, what, user_id=user)


def _assert_refused(seen: Seen, action: str) -> None:
    polite = {seen.render(key, **variables) for key, variables in REFUSALS}
    methods = {c.method for c in seen.calls}
    if _is_button(action):
        assert methods == {"answerCallbackQuery"}, "a refused press only gets an answer"
    else:
        assert methods == {"sendMessage"} and len(seen.calls) == 1, "one line, nothing else"
        assert _chat_of(seen.calls[0]) == seen.chat_id, "to the user who asked"
    for call in seen.calls:
        assert text_of(call) in polite


def _assert_in_scope(seen: Seen, action: str) -> None:
    """Nobody is shown, in their private chat, data of a patient they may not see."""
    allowed = IN_SCOPE[seen.cell.kind]
    if seen.chat_id < 0 or allowed is None:
        return
    for hospital_no, data in PATIENT_DATA.items():
        if hospital_no in allowed:
            continue
        for text in seen.texts():
            leaked = [d for d in data if d in text and d not in action]  # an echo is no leak
            assert not leaked, f"{seen.cell.kind} was shown {leaked}"


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
    assert _chat_of(photo) == seen.chat_id and photo.files
    assert "?start=" in text_of(photo) and "ZY001" in text_of(photo)


async def _stats_shown(seen: Seen) -> None:
    [text] = seen.texts()
    scope = "呼吸科" if seen.cell.kind in DEPARTMENT_B else seen.render("stats/whole_hospital")
    assert scope in text and DRILL in seen.buttons()


async def _charts_sent(seen: Seen) -> None:
    [album] = [c for c in seen.calls if c.method == "sendMediaGroup"]
    assert _chat_of(album) == seen.chat_id and len(album.files) == 2


async def _report_sent(seen: Seen) -> None:
    [document] = [c for c in seen.calls if c.method == "sendDocument"]
    assert _chat_of(document) == seen.chat_id
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
    if seen.cell.kind == "patient":  # into his open case's topic
        assert any(FREE_TEXT in text for text in seen.texts(GROUP))
        assert seen.texts() == [seen.render("case/patient_reply_sent", number=1)]
    else:  # the spouse's open check-in question wants a button
        assert seen.texts() == [seen.render("surveys/common/use_buttons")]


async def _fact_confirmation_asked(seen: Seen) -> None:
    [text] = seen.texts()
    assert "ZY001" in text and "张三丰" in text
    assert f"pf:ok:{seen.world.ids['zy001']}:" in seen.buttons()[0]
    assert not await _zy001_stopped(seen)  # nothing changes before the press


async def _death_recorded(seen: Seen) -> None:
    assert await _zy001_stopped(seen) and "ZY001" in seen.texts()[-1]


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


async def _relayed_to_patient(seen: Seen) -> None:
    [text] = seen.texts(USERS["patient"])
    assert "您好,我们已联系病区核实。" in text and HOSPITAL in text


async def _row_status(seen: Seen, name: str) -> str:
    row = await seen.world.harness.services.store.outbox.get(int(str(seen.world.ids[name])))
    assert row is not None
    return row.status


EFFECTS: dict[str, Effect] = {
    "/start": _started,
    "/start {token}": _invite_opened,
    "/help": _helped,
    "/stop": _asked_to_confirm_stop,
    "/complain": _case_dialog("complain/ask_text"),
    "/praise": _case_dialog("praise/ask_text"),
    "/invite ZY001": _invited,
    "/stats 2026-11": _stats_shown,
    "/chart 2026-11": _charts_sent,
    "/report 2026-11": _report_sent,
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
    "/dispute ZY001 on": _fact_confirmation_asked,
    FACT_BUTTON: _death_recorded,
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
    TOPIC_REPLY: _relayed_to_patient,
    "cs:take:1": _case_is(1, status="taken", assignee_id=ME),
    "cs:reply:1": _reply_prompted,
    "cs:close:1": _outcomes_offered,
    "cs:outcome:1:resolved": _case_is(1, status="closing", outcome="resolved"),
    "cs:reopen:2": _case_is(2, status="taken", outcome=None),
    "ack:{red_flag}": _case_is(3, acknowledged_by=ME),
}


@pytest.mark.asyncio(loop_scope="module")
async def test_the_matrix_has_a_row_for_every_registered_handler(world: World) -> None:
    assert world.harness.app is not None
    handlers = [h for group in world.harness.app.handlers.values() for h in group]
    commands = {name for h in handlers if isinstance(h, CommandHandler) for name in h.commands}
    assert commands == {action.split()[0][1:] for _, action in MATRIX if action.startswith("/")}
    pressed = [action.format(**world.ids) for _, action in MATRIX if BUTTON.match(action)]
    for handler in handlers:
        if isinstance(handler, CallbackQueryHandler):
            pattern = handler.pattern
            assert isinstance(pattern, re.Pattern)
            assert any(pattern.match(data) for data in pressed), pattern.pattern
    texts = [h for h in handlers if isinstance(h, MessageHandler)]
    assert len(texts) == 2  # private text (the FREE_TEXT rows) and the staff group's
    assert {(PRV, FREE_TEXT), (GRP, TOPIC_REPLY), (GRP, GROUP_CHAT)} <= set(MATRIX)
    assert len(CELLS) == len(MATRIX) * len(KINDS)
    assert {cell.action for cell in CELLS if cell.expected == "allowed"} <= set(EFFECTS)
