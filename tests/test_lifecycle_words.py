"""Lifecycle words (statuses, kinds, outcomes) are written as enum members, never bare strings.

The check reads every module of `bot/` (migrations excepted: their SQL is frozen history) and
fails on a string literal that equals a value of a guarded enum, except where the word is
not a lifecycle value:
- a docstring;
- the body of an enum class (the definitions themselves, wherever they live);
- a field looked up by name: `row["status"]`, `data.get("concerned")`, `Column("sent")`;
- a dict key that is a column of the schema (`{"sent": n}` counts a column, not a status);
  other dict keys are checked, as `{"checkin": ...}` maps a lifecycle.
Whole literals are compared, so template keys and paths ("plans/checkin") and log texts never
match. Values that are also ordinary names in this code (commands, fields) are not checked;
ORDINARY lists each with its reason."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

from bot.dispatch.faults import Verdict
from bot.domain.actors import ActorKind
from bot.domain.case_drafts import DraftPurpose, DraftStatus
from bot.domain.cases import (
    CaseEventKind,
    CaseKind,
    CaseStatus,
    Deadline,
    Outcome,
    Posting,
    PraiseStep,
    Refusal,
)
from bot.domain.channel_messages import FaultKind
from bot.domain.consent import ConsentVia
from bot.domain.dialogs import DialogKind, DialogStep
from bot.domain.enrolment import ConsentDecision
from bot.domain.messages import (
    DeliveryOutcome,
    FailureReason,
    MessageKind,
    MessageStatus,
    WaitReason,
)
from bot.domain.patient_facts import FactEffect
from bot.domain.sms import SmsProviderName, SmsStatus
from bot.domain.step_answers import StepAnswer
from bot.domain.surveys.status import SurveyStatus
from bot.storage.database import StorageProblem
from bot.storage.schema import metadata

BOT = Path(__file__).resolve().parent.parent / "bot"
MIGRATIONS = BOT / "storage" / "migrations"

GUARDED: tuple[type[StrEnum], ...] = (
    MessageKind,
    MessageStatus,
    DeliveryOutcome,
    FailureReason,
    WaitReason,
    FaultKind,
    DialogKind,
    DialogStep,
    CaseKind,
    CaseStatus,
    CaseEventKind,
    Posting,
    Outcome,
    Refusal,
    Deadline,
    PraiseStep,
    DraftPurpose,
    DraftStatus,
    SurveyStatus,
    StepAnswer,
    ConsentDecision,
    ConsentVia,
    ActorKind,
    FactEffect,
    Verdict,
    StorageProblem,
    SmsStatus,
    SmsProviderName,
)
ORDINARY = {  # values that are also ordinary names here: not checked
    "template": "a plan step's and a broadcast's field",
    "message": "a field of a log record and of a Telegram update",
    "question": "a field of survey files",
    "text": "a field of a Telegram update and of a dialog's data",
    "date": "a field of a Telegram update",
    "contact": "a field of a dialog's data",
    "broadcast": "a command",
    "stop": "a command",
    "start": "a command",
    "invite": "a command",
    "praise": "a command",
    "staff": "a role and a CLI group",
    "cli": "where a patient fact was recorded (with 'chat')",
    "yes": "survey answers and YAML booleans",
    "no": "survey answers and YAML booleans",
    "outcome": "a case button's action",
    "reply": "a case button's action",
    "red_flag": "a survey file's action and the demo's cast",
    "unknown": "an OS user who cannot be named",
    "rescheduled": "an audit detail",
}


def test_lifecycle_words_are_enum_members() -> None:
    words = {member.value for enum in GUARDED for member in enum} - set(ORDINARY)
    found = [
        f"{path.relative_to(BOT.parent)}:{line}: {word!r}"
        for path in sorted(BOT.rglob("*.py"))
        if MIGRATIONS not in path.parents
        for line, word in bare_words(ast.parse(path.read_text(encoding="utf-8")), words)
    ]
    assert found == [], "use the enum member instead of:\n" + "\n".join(found)


def test_the_check_finds_a_bare_status() -> None:
    code = 'STATUS = "pending"\nrow = {"kind": "checkin", "sent": 1}\n'
    assert list(bare_words(ast.parse(code), {"pending", "checkin", "sent"})) == [
        (1, "pending"),
        (2, "checkin"),
    ]


def test_the_check_spares_enum_bodies_docstrings_and_field_names() -> None:
    code = (
        '"""pending"""\n'
        "class Status(StrEnum):\n"
        '    PENDING = "pending"\n'
        'total = row["status"] + row.get("pending") + len({"answered": 1})\n'
    )
    assert list(bare_words(ast.parse(code), {"pending", "status", "answered"})) == []


def bare_words(tree: ast.Module, words: set[str]) -> Iterator[tuple[int, str]]:
    """Yield (line, word) for each string literal that is a lifecycle word out of place."""
    spared = _spared(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value in words
            and id(node) not in spared
        ):
            yield node.lineno, node.value


def _spared(tree: ast.Module) -> set[int]:
    columns = {column.name for table in metadata.tables.values() for column in table.columns}
    spared: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(_is_enum(base) for base in node.bases):
            spared.update(id(inner) for inner in ast.walk(node))
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                spared.add(id(first.value))
        spared.update(id(key) for key in _looked_up(node))
        if isinstance(node, ast.Dict):
            spared.update(
                id(key)
                for key in node.keys
                if isinstance(key, ast.Constant) and key.value in columns
            )
    return spared


def _looked_up(node: ast.AST) -> list[ast.expr]:
    """Return the field names a node looks up: x["field"], x.get("field"), Column("field")."""
    if isinstance(node, ast.Subscript):
        return [node.slice]
    if isinstance(node, ast.Call) and node.args:
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name in ("get", "Column"):
            return [node.args[0]]
    return []


def _is_enum(base: ast.expr) -> bool:
    name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
    return name.endswith("Enum")
