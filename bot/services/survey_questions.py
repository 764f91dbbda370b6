"""How a survey question is put to a person: its text and its answer choices (any channel)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.channel_messages import Choice, Choices
from bot.domain.choices import encode_survey
from bot.domain.surveys.engine import effective_respondent
from bot.domain.surveys.model import SKIP_LABEL, SKIP_VALUE, Question, QuestionType, SurveyContext
from bot.domain.surveys.rescheduling import offered_options
from bot.storage.surveys import SurveySession
from bot.templating import Renderer

SCALE_ROWS = (tuple(range(0, 6)), tuple(range(6, 11)))
OPTIONS_PER_ROW = 2


def question_variables(
    session: SurveySession,
    answers: Mapping[str, str],
    hospital: str,
    department: str,
    patient_name: str,
) -> dict[str, object]:
    """Return what question templates receive."""
    context = SurveyContext(session.plan_key or "", session.respondent, session.flags)
    return {
        "hospital": hospital,
        "department": department,
        "patient_name": patient_name,
        "respondent": effective_respondent(answers, context),
    }


def question_choices(
    renderer: Renderer,
    locale: str,
    session_id: int,
    question: Question,
    now: datetime,
    zone: ZoneInfo,
) -> Choices:
    """Return the answer choices of a question in rows (none for free text without a skip)."""

    def choice(label: str, value: str) -> Choice:
        return Choice(encode_survey(session_id, question.key, value), label)

    rows: list[tuple[Choice, ...]] = []
    if question.type is QuestionType.SCALE:
        rows = [tuple(choice(str(n), str(n)) for n in line) for line in SCALE_ROWS]
    elif question.type is not QuestionType.FREE_TEXT:
        options = [
            choice(renderer.render(o.label, locale), o.value)
            for o in offered_options(question, now, zone)
        ]
        rows = [
            tuple(options[i : i + OPTIONS_PER_ROW]) for i in range(0, len(options), OPTIONS_PER_ROW)
        ]
    if not question.required:
        rows.append((choice(renderer.render(SKIP_LABEL, locale), SKIP_VALUE),))
    return tuple(rows)


def question_text(
    renderer: Renderer,
    locale: str,
    question: Question,
    variables: Mapping[str, object],
    lead: str | None = None,
) -> str:
    """Render a question, after an optional leading paragraph (a greeting, an intro)."""
    text = renderer.render(question.text, locale, **variables)
    return f"{lead}\n\n{text}" if lead else text
