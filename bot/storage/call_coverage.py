"""The follow-up rate over all discharges: per department, the stays discharged and those
reached (any channel, each stay once), by chat, by SMS/web and by phone; the special groups'.

Each figure is one grouped query over the period's stays (the statistics index) or over the
stays' channels and the reached calls; no query looks at each stay's calls one by one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.call_figures import Coverage
from bot.domain.calls import CallOutcome
from bot.domain.channel_messages import ChannelName
from bot.domain.special_groups import SpecialGroups
from bot.domain.word_lists import fold
from bot.storage.schema import (
    call_attempts,
    call_tasks,
    channel_tallies,
    departments,
    episode_channels,
    episodes,
)
from bot.storage.schema.people import FLAGGED_STAYS
from bot.storage.stats_scope import Scope

a, t, ec, e, ct = call_attempts, call_tasks, episode_channels, episodes, channel_tallies
CHAT = (ChannelName.TELEGRAM.value, ChannelName.WECHAT.value, ChannelName.TEXT.value)
SMS_WEB = (ChannelName.SMS.value,)
FIGURES = 5  # discharged, reached, chat, sms_web, phone


def _sum(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def reached_by_phone() -> ColumnElement[bool]:
    """The stay was reached by a call (or its phone contact answered a check-in): looked up
    for each stay of the period by key, not read from every call ever made."""
    called = (
        select(t.c.id)
        .select_from(t.join(a, a.c.task_id == t.c.id))
        .where(t.c.episode_id == e.c.id, a.c.outcome == CallOutcome.REACHED.value)
    )
    relayed = select(ec.c.episode_id).where(
        ec.c.episode_id == e.c.id,
        ec.c.channel == ChannelName.PHONE.value,
        ec.c.reached_at.is_not(None),
    )
    return or_(called.exists(), relayed.exists())


def special_condition(groups: SpecialGroups, dialect: str) -> ColumnElement[bool]:
    """The stay is in a special group: its plan listed, or a word in its flags or diagnosis
    (without diagnosis words, only flagged stays can be: their index is read, not the month)."""
    found: list[ColumnElement[bool]] = []
    flagged = [] if groups.diagnosis_keywords else [FLAGGED_STAYS]
    if groups.plans:
        found.append(e.c.plan.in_(groups.plans))
    for column, words in (
        (e.c.flags, groups.flag_keywords),
        (e.c.diagnosis, groups.diagnosis_keywords),
    ):
        found += [_mentions(column, fold(word), dialect) for word in words]
    return and_(*flagged, or_(*found)) if found else false()


Counts = dict[int, list[int]]  # department id -> discharged, reached, chat, sms_web, phone
Part = Callable[[AsyncConnection], Awaitable[Any]]  # one query, on its own connection


def _add(counts: Counts, department: int, index: int, value: Any) -> None:
    counts.setdefault(department, [0] * FIGURES)[index] += int(value or 0)


def parts(scope: Scope, groups: SpecialGroups, counts: Counts) -> tuple[Part, ...]:
    """The queries of the figures: each adds its own counts; the last returns the special
    groups' figures. They may run side by side, each on its own connection."""
    return (
        lambda conn: _stays(conn, scope, counts),
        lambda conn: _by_phone(conn, scope, counts),
        lambda conn: _by_message(conn, scope, counts),
        lambda conn: _special(conn, scope, groups),
    )


async def named(conn: AsyncConnection, counts: Counts) -> list[Coverage]:
    """Return the counts as each department's figures, by name."""
    names = await _names(conn, set(counts))
    listed = [Coverage(names[d], *_five(values)) for d, values in counts.items()]
    return sorted(listed, key=lambda c: c.name)


def _five(values: list[int]) -> tuple[int, int, int, int, int]:
    discharged, reached, chat, sms_web, phone = values
    return discharged, reached, chat, sms_web, phone


async def _stays(conn: AsyncConnection, scope: Scope, counts: Counts) -> None:
    """The stays discharged, and reached on a check-in (the statistics index alone)."""
    query = select(e.c.department_id, func.count(), _sum(e.c.reached_at.is_not(None)))
    rows = await conn.execute(query.where(*scope.episodes()).group_by(e.c.department_id))
    for department, discharged, reached in rows:
        _add(counts, department, 0, discharged)
        _add(counts, department, 1, reached)


async def _by_phone(conn: AsyncConnection, scope: Scope, counts: Counts) -> None:
    """The stays reached by phone; those reached by phone alone add to the reached."""
    query = select(e.c.department_id, func.count(), _sum(e.c.reached_at.is_(None)))
    query = query.where(*scope.episodes(), reached_by_phone())
    for department, phone, phone_only in await conn.execute(query.group_by(e.c.department_id)):
        _add(counts, department, 4, phone)
        _add(counts, department, 1, phone_only)


async def _by_message(conn: AsyncConnection, scope: Scope, counts: Counts) -> None:
    """The stays that answered a check-in by chat, and by SMS/web, from the channels' tallies
    (a stay counts once on each channel; one that answered on both Telegram and WeChat
    counts on each, as /stats shows them per channel)."""
    groups = case((ct.c.channel.in_(CHAT), 2), else_=3).label("figure")
    query = (
        select(ct.c.department_id, groups, func.sum(ct.c.reached))
        .where(*scope.tallies(ct), ct.c.channel.in_(CHAT + SMS_WEB))
        .group_by(ct.c.department_id, literal_column("figure"))
    )
    for department, index, reached in await conn.execute(query):
        _add(counts, department, int(index), reached)


async def _special(conn: AsyncConnection, scope: Scope, groups: SpecialGroups) -> Coverage:
    """The special groups' stays, and those reached on a check-in or by phone."""
    reached = or_(e.c.reached_at.is_not(None), reached_by_phone())
    query = select(func.count(), _sum(reached)).where(
        *scope.episodes(), special_condition(groups, conn.dialect.name)
    )
    discharged, reached_stays = (await conn.execute(query)).one()
    return Coverage("", int(discharged or 0), int(reached_stays or 0))


def _mentions(column: Any, word: str, dialect: str) -> ColumnElement[bool]:
    """The text holds the (folded) word: found by position when case cannot matter (Chinese),
    else compared in lower case."""
    if word.lower() == word.upper():
        position = func.strpos if dialect == "postgresql" else func.instr
        return position(column, word) > 0
    return func.lower(column).contains(word, autoescape=True)


async def _names(conn: AsyncConnection, ids: set[int]) -> dict[int, str]:
    query = select(departments.c.id, departments.c.name).where(departments.c.id.in_(ids))
    return {row.id: row.name for row in await conn.execute(query)}
