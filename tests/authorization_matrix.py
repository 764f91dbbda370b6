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

import re
from dataclasses import dataclass

from bot.demo.fake_telegram import Call, keyboard
from tests.authorization_world import USERS, World

PRV, GRP, OTH = "private", "staff group", "other group"
KINDS = tuple(USERS)  # the columns, in order
TOPIC_REPLY = "reply in case #1's topic"
GROUP_CHAT = "chat outside any case"
RED_FLAG_NOTE = "reply to red flag #3's outcome prompt"
RED_FLAG_NOTE_TEXT = "已电话联系,患者已去急诊。"
FREE_TEXT = "你好,想问一下复查的事。"
UNKNOWN_COMMAND = "/abc"  # no such command: answered with the help in private chats
DRILL = "sd:red_flags:20261101:20261130:0"
BROADCAST_TO_A = "/broadcast plans/chronic/diet 科室=心内科"
FACT_BUTTON = "pf:ok:{zy001}:dec1"
COMMENT = "/comment 1 请本周内回复患者"  # a leadership comment on complaint #1 (心内科)
NEXT_CALL = "cl:0:n"  # "the next call" on the phone worklist
DEATH_REPORT = "dr:{death_report}"  # confirm the death the spouse reported
PHONE_RELAY = "pr:1:1:abcdef"  # an option relayed on a call: no call is in progress here

# fmt: off
MATRIX: dict[tuple[str, str], str] = {
    #                                                 str pat fam oth stf stB doc suB sup adm adB
    (PRV, "/start"):                                 "A   A   A   A   A   A   A   A   A   A   A",
    (PRV, "/start {token}"):                         "A   A   A   A   A   A   A   A   A   A   A",
    (PRV, "/help"):                                  "A   A   A   A   A   A   A   A   A   A   A",
    (PRV, UNKNOWN_COMMAND):                          "A   A   A   A   A   A   A   A   A   A   A",
    (PRV, "/stop"):                                  "R   A   A   A   R   R   R   R   R   R   R",
    (PRV, "/complain"):                              "R   A   A   A   R   R   R   R   R   R   R",
    (PRV, "/praise"):                                "R   A   A   A   R   R   R   R   R   R   R",
    (PRV, "/language"):                              "R   A   A   A   R   R   R   R   R   R   R",
    (PRV, "lg:en"):                                  "R   A   A   A   R   R   R   R   R   R   R",
    (PRV, "/invite ZY001"):                          "R   R   R   R   A   R   A   R   R   A   R",
    (PRV, "/stats 2026-11"):                         "R   R   R   R   R   R   R   A   A   A   A",
    (PRV, "/chart 2026-11"):                         "R   R   R   R   R   R   R   A   A   A   A",
    (PRV, "/report 2026-11"):                        "R   R   R   R   R   R   R   A   A   A   A",
    (PRV, "/calls stats 2026-11"):                   "R   R   R   R   R   R   R   A   A   A   A",
    (PRV, "/calls sample 3"):                        "R   R   R   R   R   R   R   A   A   A   A",
    (PRV, "cq:1:pass"):                              "R   R   R   R   R   R   R   R   R   R   R",
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
    (PRV, COMMENT):                                  "R   R   R   R   R   R   R   R   A   A   R",
    (PRV, "/dispute ZY001 on"):                      "R   R   R   R   A   R   R   R   R   A   R",
    (PRV, FACT_BUTTON):                              "R   R   R   R   A   R   R   R   R   A   R",
    (PRV, "/calls"):                                 "R   R   R   R   A   A   A   R   R   R   R",
    (PRV, NEXT_CALL):                                "R   R   R   R   A   A   A   R   R   R   R",
    (PRV, FREE_TEXT):                                "R   A   A   A   R   R   R   R   R   R   R",
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
    (PRV, PHONE_RELAY):                              "R   R   R   R   R   R   R   R   R   R   R",
    #                                                 str pat fam oth stf stB doc suB sup adm adB
    (GRP, TOPIC_REPLY):                              "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, GROUP_CHAT):                               "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "cs:take:1"):                              "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, "cs:reply:1"):                             "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, "cs:assign:1"):                            "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, "cs:close:1"):                             "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, "cs:outcome:1:resolved"):                  "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, "cs:reopen:2"):                            "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, "ack:{red_flag}"):                         "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, "rf:outcome:{red_flag}:called_patient"):   "R   R   R   R   A   R   A   R   A   A   R",
    (GRP, "rf:phone:{red_flag}"):                    "R   R   R   R   A   R   R   R   A   R   R",
    (GRP, RED_FLAG_NOTE):                            "I   I   I   I   A   I   A   I   A   A   I",
    (GRP, DEATH_REPORT):                             "R   R   R   R   A   R   R   R   R   A   R",
    (GRP, PHONE_RELAY):                              "R   R   R   R   R   R   R   R   R   R   R",
    (GRP, DRILL):                                    "R   R   R   R   R   R   R   R   R   R   R",
    (GRP, "cq:1:pass"):                              "R   R   R   R   R   R   R   R   R   R   R",
    (GRP, "/start"):                                 "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/start {token}"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/help"):                                  "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, UNKNOWN_COMMAND):                          "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/stop"):                                  "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/complain"):                              "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/praise"):                                "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/language"):                              "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/invite ZY001"):                          "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/stats 2026-11"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/chart 2026-11"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/report 2026-11"):                        "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/calls stats 2026-11"):                   "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/calls sample 3"):                        "I   I   I   I   I   I   I   I   I   I   I",
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
    (GRP, COMMENT):                                  "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/dispute ZY001 on"):                      "I   I   I   I   I   I   I   I   I   I   I",
    (GRP, "/calls"):                                 "I   I   I   I   I   I   I   I   I   I   I",
    #                                                 str pat fam oth stf stB doc suB sup adm adB
    (OTH, FREE_TEXT):                                "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/start"):                                 "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/start {token}"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/help"):                                  "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, UNKNOWN_COMMAND):                          "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/stop"):                                  "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/complain"):                              "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/praise"):                                "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/language"):                              "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/invite ZY001"):                          "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/stats 2026-11"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/chart 2026-11"):                         "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/report 2026-11"):                        "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/calls stats 2026-11"):                   "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/calls sample 3"):                        "I   I   I   I   I   I   I   I   I   I   I",
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
    (OTH, COMMENT):                                  "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/dispute ZY001 on"):                      "I   I   I   I   I   I   I   I   I   I   I",
    (OTH, "/calls"):                                 "I   I   I   I   I   I   I   I   I   I   I",
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
    RED_FLAG_NOTE: ("press rf:outcome:{red_flag}:called_patient",),
}
RESTART = {"te:save"}  # a saved template also lives in the renderer: start afresh after it
REFUSALS: tuple[tuple[str, dict[str, str]], ...] = (  # every polite refusal: key, variables
    ("staff/not_allowed", {}),
    ("staff/not_allowed_short", {}),
    ("redflag/phone_not_allowed", {}),
    ("stats/not_allowed", {}),
    ("templates/not_allowed", {}),
    ("audit/not_allowed", {}),
    ("broadcast/own_department", {"department": "呼吸科"}),
    ("common/question_closed", {}),
    ("phone/press_refused", {}),
    ("common/not_understood", {}),
    ("complain/not_enrolled", {}),
    ("stop/not_enrolled", {}),
    ("language/not_enrolled", {}),
    ("language/staff", {}),
    ("staff/patient_not_found", {"hospital_no": "ZY001"}),  # also for a patient not there
    ("staff/case_not_yours", {"number": "1"}),  # writing in a case's topic
    ("staff/comment_not_found", {"number": "1"}),  # also a case of another department
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
        return [text_of(c) for c in self.calls if chat_of(c) == wanted and text_of(c)]

    def render(self, template: str, /, **variables: object) -> str:
        return self.world.harness.services.renderer.render(template, "zh_CN", **variables)

    def buttons(self) -> list[str]:
        return [data for c in self.calls for _, data in keyboard(c.params.get("reply_markup"))]


def text_of(call: Call) -> str:
    if call.method == "answerCallbackQuery":
        return str(call.params.get("text", ""))
    return str(call.params.get("text", call.params.get("caption", "")))


def chat_of(call: Call) -> int | None:
    chat = call.params.get("chat_id")
    return int(chat) if chat is not None else None
