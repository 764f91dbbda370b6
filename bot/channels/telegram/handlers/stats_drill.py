"""Drill-down from /stats: the patients behind a figure, ten at a time (supervisors)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.replies import answer_message, refuse_button, text_of
from bot.domain.cases import CaseKind
from bot.domain.channel_messages import Choice, Choices, Outgoing
from bot.domain.choices import DrillPage, decode_drill, encode_drill
from bot.domain.periods import Period
from bot.domain.roles import Permission, is_allowed
from bot.domain.step_answers import StepAnswer
from bot.domain.surveys.model import SCALE_MAX, Measure, Survey
from bot.domain.surveys.nps import nps_category
from bot.services.labels import LabelGroup, Labels
from bot.services.registers import answers_in_words, failures_in_words
from bot.services.statistics import measured_questions, names_by_step_key, step_names
from bot.storage.audit import Actor
from bot.storage.stats import Scope

PAGE = 10


class Figure(StrEnum):
    """A figure of /stats that opens a list of the people behind it."""

    FAILED = "failed"  # check-ins that failed
    UNSATISFIED = "unsatisfied"  # unsatisfied answers to the satisfaction questions
    BASICALLY = "basically"  # basically satisfied answers (基本满意)
    DETRACTORS = "detractors"  # 0-6 on the recommendation question (NPS)
    PROMOTERS = "promoters"  # 9-10 on it
    RANKING = "ranking"  # the overall satisfaction answers the department ranking counts
    NOT_TAKEN = "not_taken"  # medicine reminders skipped or unanswered (adherence)
    ON_TIME = "on_time"  # complaints answered by their date
    OVERDUE = "overdue"  # complaints not answered in time
    RED_FLAGS = "red_flags"


FIGURES = tuple(Figure)
# the answers behind a figure: satisfaction levels, or NPS categories of the 0-10 question
SATISFACTION_FIGURES = {Figure.UNSATISFIED: "unsatisfied", Figure.BASICALLY: "basically"}
NPS_FIGURES = {Figure.DETRACTORS: "detractor", Figure.PROMOTERS: "promoter"}


def drill_buttons(context: AppContext, period: Period) -> Choices:
    """Return the buttons under /stats that open each drill-down, two to a row."""
    buttons = [
        Choice(
            encode_drill(DrillPage(figure, period.first, period.last, 0)),
            text_of(context, f"buttons/drill_{figure}"),
        )
        for figure in FIGURES
    ]
    return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))


async def on_drill(update: Update, context: AppContext) -> None:
    """Show one page of the patients behind a figure, scoped to the supervisor's department."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    assert update.effective_chat is not None
    services = context.services
    member = await services.store.staff.get(update.effective_user.id)
    parsed = _parse(query.data or "")
    private = update.effective_chat.type == ChatType.PRIVATE  # never list patients in a group
    if (
        member is None
        or not private
        or not is_allowed(member.role, Permission.VIEW_STATS)
        or parsed is None
    ):
        await refuse_button(context, query)
        return
    figure, period, page = parsed
    start, end = period.bounds(services.settings.zone)
    rows = await _rows(context, figure, Scope(start, end, member.department_id))
    detail = f"{figure} page {page + 1}"
    actor = Actor.staff(member.user_id)
    await services.store.audit.record(services.clock.now(), actor, "stats.drill", detail=detail)
    await query.answer()
    shown = rows[page * PAGE : (page + 1) * PAGE]
    text = text_of(
        context,
        "stats/drill",
        figure=figure,
        rows=shown,
        page=page + 1,
        pages=max(1, -(-len(rows) // PAGE)),
        total=len(rows),
    )
    if isinstance(query.message, Message):
        pager = _pager(context, query.data or "", page, len(rows))
        await answer_message(context, query.message, Outgoing(text, pager))


def _parse(data: str) -> tuple[str, Period, int] | None:
    drill = decode_drill(data)
    if drill is None or drill.figure not in FIGURES:
        return None
    return drill.figure, Period(drill.first, drill.last), drill.page


def _pager(context: AppContext, data: str, page: int, total: int) -> Choices:
    drill = decode_drill(data)
    assert drill is not None  # the page shown was decoded from the same data
    buttons = []
    if page > 0:
        previous = encode_drill(drill._replace(page=page - 1))
        buttons.append(Choice(previous, text_of(context, "buttons/page_previous")))
    if (page + 1) * PAGE < total:
        following = encode_drill(drill._replace(page=page + 1))
        buttons.append(Choice(following, text_of(context, "buttons/page_next")))
    return (tuple(buttons),) if buttons else ()


async def _rows(context: AppContext, figure: str, scope: Scope) -> list[str]:
    services = context.services
    reports, zone = services.store.reports, services.settings.zone
    steps = step_names(services.renderer, services.scheduling.plans, services.locale)
    labels = Labels(
        services.renderer, services.scheduling.surveys, services.locale, names_by_step_key(steps)
    )
    if figure == Figure.FAILED:
        failed = failures_in_words(await reports.failed_follow_ups(scope), labels)
        return [f"{r[0]}({r[1]},{r[3]})· {r[4]} · {r[6]}" for r in failed]
    if figure == Figure.RANKING:  # by department, as ranked, each answer in words
        measures = measured_questions(services.scheduling.surveys)
        overall = Measure.SATISFACTION_HOSPITAL
        answers = [r for r in await reports.answers(scope) if measures.get(r[6]) == overall]
        ranked = sorted(answers, key=lambda r: str(r[3]))
        return [f"{r[3]} · {r[0]}({r[1]})· {r[7]}" for r in answers_in_words(ranked, labels)]
    if figure in SATISFACTION_FIGURES or figure in NPS_FIGURES:
        behind = _answers_behind(figure, await reports.answers(scope), services.scheduling.surveys)
        return [f"{r[0]}({r[1]},{r[3]})· {r[6]} · {r[7]}" for r in answers_in_words(behind, labels)]
    if figure == Figure.NOT_TAKEN:
        missed = await reports.medicines_not_taken(scope)
        unanswered = StepAnswer.NO_ANSWER.value
        return [
            f"{r[0]}({r[1]},{r[3]})· {labels.word(LabelGroup.STEP_ANSWER, r[5] or unanswered)}"
            for r in missed
        ]
    kind = CaseKind.RED_FLAG if figure == Figure.RED_FLAGS else CaseKind.COMPLAINT
    found = await reports.cases(scope, kind)
    if figure == Figure.OVERDUE:  # not answered, and the answer date has passed
        now = context.services.clock.now()
        found = [r for r in found if r.answered_at is None and r.due_at and r.due_at < now]
    if figure == Figure.ON_TIME:  # as the statistics count them
        found = [r for r in found if r.answered_at and r.due_at and r.answered_at <= r.due_at]
    return [
        f"#{r.id} {r.patient}({r.hospital_no},{r.department})· {_when(r.created_at, zone)}"
        for r in found
    ]


def _answers_behind(
    figure: str, answers: list[tuple[Any, ...]], surveys: dict[str, Survey]
) -> list[tuple[Any, ...]]:
    """The answers a figure counts: a satisfaction level of a measured question, or an NPS
    category of the 0-10 question (the same questions the statistics read)."""
    measures = measured_questions(surveys)
    if figure in SATISFACTION_FIGURES:
        level = SATISFACTION_FIGURES[Figure(figure)]
        satisfaction = {key for key, measure in measures.items() if measure != Measure.NPS}
        return [r for r in answers if r[6] in satisfaction and r[7] == level]
    category = NPS_FIGURES[Figure(figure)]
    scores = {key for key, measure in measures.items() if measure == Measure.NPS}
    return [r for r in answers if r[6] in scores and _nps_category(r[7]) == category]


def _nps_category(value: Any) -> str | None:
    return nps_category(int(value)) if str(value).isdigit() and int(value) <= SCALE_MAX else None


def _when(moment: Any, zone: Any) -> str:
    return f"{moment.astimezone(zone):%m-%d %H:%M}" if isinstance(moment, datetime) else ""
