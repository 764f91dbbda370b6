"""Read a folder of survey files, validated, into surveys by key."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from bot.domain import data_files
from bot.domain.surveys.checks import check_measures, check_templates
from bot.domain.surveys.errors import Where
from bot.domain.surveys.fields import SURVEY_KEY_PATTERN, as_key, as_template
from bot.domain.surveys.model import (
    ASK_DOCTOR_ACK,
    ASK_DOCTOR_STAFF,
    CLOSED_TEMPLATE,
    COMPLAINT_ACK,
    COMPLAINT_STAFF,
    EXPIRED_PARTIAL_TEMPLATE,
    NO_LABEL,
    NOT_A_NUMBER_TEMPLATE,
    OPTION_LABELS,
    PRAISE_ACK,
    RED_FLAG_STAFF,
    RED_FLAG_TEMPLATE,
    RESCHEDULED_TEMPLATE,
    RESUMED_TEMPLATE,
    SKIP_LABEL,
    SURVEY_LOCALES,
    THANKS_TEMPLATE,
    TOO_LONG_TEMPLATE,
    TYPE_ANSWER_TEMPLATE,
    USE_BUTTONS_TEMPLATE,
    YES_LABEL,
    Question,
    Survey,
)
from bot.domain.surveys.questions import load_question
from bot.domain.surveys.rescheduling import RESCHEDULE_DELAYS

SURVEY_FIELDS = ("key", "names", "intro", "thanks", "red_flag", "questions")
SURVEY_REQUIRED = ("key", "names", "questions")

COMMON_TEMPLATES = (
    THANKS_TEMPLATE,
    RED_FLAG_TEMPLATE,
    ASK_DOCTOR_ACK,
    COMPLAINT_ACK,
    PRAISE_ACK,
    RESCHEDULED_TEMPLATE,
    RESUMED_TEMPLATE,
    CLOSED_TEMPLATE,
    EXPIRED_PARTIAL_TEMPLATE,
    TYPE_ANSWER_TEMPLATE,
    USE_BUTTONS_TEMPLATE,
    NOT_A_NUMBER_TEMPLATE,
    TOO_LONG_TEMPLATE,
    RED_FLAG_STAFF,
    ASK_DOCTOR_STAFF,
    COMPLAINT_STAFF,
    SKIP_LABEL,
    YES_LABEL,
    NO_LABEL,
    *(f"{OPTION_LABELS}/{value}" for value in RESCHEDULE_DELAYS),
)


def load_surveys(
    folder: Path,
    template_exists: Callable[[str], bool],
    plan_keys: Collection[str] | None = None,
) -> dict[str, Survey]:
    """Read and validate every survey file in a folder; raise the first SurveyError."""
    where = Where(data_files.display(folder))
    if not folder.is_dir():
        raise where.error(None, "survey folder not found")
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise where.error(None, "no survey files (*.yaml) found")
    missing = [key for key in COMMON_TEMPLATES if not template_exists(key)]
    if missing:
        raise where.error(None, f"missing common templates: {', '.join(missing)}")
    surveys: dict[str, Survey] = {}
    for path in files:
        survey = _load_survey(path, template_exists, plan_keys)
        surveys[survey.key] = survey
    return surveys


def _load_survey(
    path: Path, template_exists: Callable[[str], bool], plan_keys: Collection[str] | None
) -> Survey:
    """Read and validate one survey file."""
    where = Where(data_files.display(path))
    data = data_files.checked_fields(
        data_files.read_yaml(path, where), where, None, SURVEY_FIELDS, SURVEY_REQUIRED
    )
    key = as_key(data["key"], where, "key", SURVEY_KEY_PATTERN, 48)
    if key != path.stem:
        raise where.error("key", f'"{key}" must match the file name "{path.stem}"')
    survey = Survey(
        key=key,
        names=data_files.load_names(data["names"], where, SURVEY_LOCALES),
        questions=_load_questions(data["questions"], where, plan_keys),
        intro=None if data.get("intro") is None else as_template(data["intro"], where, "intro"),
        thanks=as_template(data.get("thanks", THANKS_TEMPLATE), where, "thanks"),
        red_flag=as_template(data.get("red_flag", RED_FLAG_TEMPLATE), where, "red_flag"),
        source=where.file,
    )
    check_templates(survey, where, template_exists)
    return survey


def _load_questions(
    raw: object, where: Where, plan_keys: Collection[str] | None
) -> tuple[Question, ...]:
    """Read the question list, each checked against the questions before it."""
    if not isinstance(raw, list):
        raise where.error(
            "questions", f"expected a list of questions, got {data_files.type_name(raw)}"
        )
    if not raw:
        raise where.error("questions", "a survey needs at least one question")
    earlier: dict[str, Question] = {}
    for number, item in enumerate(raw, start=1):
        question = load_question(
            item, Where(where.file, data_files.item_label(item, number)), earlier, plan_keys
        )
        if question.key in earlier:
            raise Where(where.file, question.key).error("key", "this question key is used twice")
        earlier[question.key] = question
    check_measures(tuple(earlier.values()), where)
    return tuple(earlier.values())
