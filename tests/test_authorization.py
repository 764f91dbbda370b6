"""The authorization matrix (tests/authorization_matrix.py) run cell by cell against one world."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from tests.authorization_effects import EFFECTS
from tests.authorization_matrix import (
    APOLOGY,
    ARRANGE,
    BUTTON,
    CELLS,
    FREE_TEXT,
    GROUP_CHAT,
    GRP,
    IN_SCOPE,
    KINDS,
    MATRIX,
    OTH,
    PRV,
    RED_FLAG_NOTE,
    RED_FLAG_NOTE_TEXT,
    REFUSALS,
    RESTART,
    TOPIC_REPLY,
    UNKNOWN_COMMAND,
    Cell,
    Seen,
    chat_of,
    text_of,
)
from tests.authorization_world import GROUP, OTHER_GROUP, PATIENT_DATA, USERS, World, build_world


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
    elif what == RED_FLAG_NOTE:  # a reply to the newest message in the group: the note prompt
        newest = next(
            c for c in reversed(world.calls) if c.method == "sendMessage" and chat_of(c) == chat
        )
        reply_to = int(newest.result["message_id"])
        await harness.text(chat, RED_FLAG_NOTE_TEXT, user_id=user, reply_to=reply_to)
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
        assert chat_of(seen.calls[0]) == seen.chat_id, "to the user who asked"
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


@pytest.mark.asyncio(loop_scope="module")
async def test_the_matrix_has_a_row_for_every_registered_handler(world: World) -> None:
    assert world.harness.app is not None
    handlers = [h for group in world.harness.app.handlers.values() for h in group]
    commands = {name for h in handlers if isinstance(h, CommandHandler) for name in h.commands}
    named = {action.split()[0][1:] for _, action in MATRIX if action.startswith("/")}
    assert commands == named - {UNKNOWN_COMMAND[1:]}
    pressed = [action.format(**world.ids) for _, action in MATRIX if BUTTON.match(action)]
    for handler in handlers:
        if isinstance(handler, CallbackQueryHandler):
            pattern = handler.pattern
            assert isinstance(pattern, re.Pattern)
            assert any(pattern.match(data) for data in pressed), pattern.pattern
    texts = [h for h in handlers if isinstance(h, MessageHandler)]
    # private text (FREE_TEXT; a nurse's on a call first: tests/test_phone_relay), unknown
    # commands, the staff group's, red-flag notes; and anything but text from a private
    # chat (voice, photos…: tests/test_patient_media)
    assert len(texts) == 6
    rows = {(PRV, FREE_TEXT), (GRP, TOPIC_REPLY), (GRP, GROUP_CHAT), (GRP, RED_FLAG_NOTE)}
    assert rows <= set(MATRIX)
    assert len(CELLS) == len(MATRIX) * len(KINDS)
    assert {cell.action for cell in CELLS if cell.expected == "allowed"} <= set(EFFECTS)
