"""Map a discharge list's headers (Chinese or English aliases) to record fields."""

from __future__ import annotations

import re
import unicodedata

from bot.domain.tabular import AMBIGUOUS_COLUMNS, MISSING_COLUMNS, TableError

# Field name -> header aliases. The first Chinese alias is the name shown to users.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "hospital_no": ("住院号", "住院号码", "病案号"),
    "name": ("姓名", "患者姓名"),
    "sex": ("性别", "gender"),
    "age": ("年龄",),
    "birth_date": ("出生日期",),
    "phone": ("电话", "联系电话", "手机", "手机号"),
    "department": ("科室", "出院科室"),
    "ward": ("病区",),
    "attending_doctor": ("主管医生", "主治医生"),
    "nurse": ("责任护士",),
    "diagnosis": ("诊断", "出院诊断"),
    "admitted_at": ("入院时间", "入院日期"),
    "discharged_at": ("出院时间", "出院日期"),
    "discharge_condition": ("出院情况",),
    "consent": ("是否同意回访", "同意回访"),
    "plan": ("随访计划",),
    "revisit_at": ("复诊日期", "复诊时间"),
    "treated_on": ("治疗日期", "手术日期"),  # plan steps with anchor: treatment count from it
    "medications": ("出院带药",),
    "flags": ("特殊标记",),
    "notes": ("备注",),
    "language": ("语言", "语种", "首选语言", "沟通语言"),
    "preferred_channel": ("回访方式", "随访方式", "联系方式偏好", "preferred channel"),
}
REQUIRED_FIELDS = ("hospital_no", "name", "department", "discharged_at", "consent")
_HEADER_NOISE_RE = re.compile(r"[\s_\-*.:]+")


def display_name(field_name: str) -> str:
    """Return the Chinese header users are asked to use for a field."""
    return FIELD_ALIASES[field_name][0]


def header_key(header: str) -> str:
    """Normalise a header for alias lookup: NFKC, case-folded, no spaces/underscores."""
    return _HEADER_NOISE_RE.sub("", unicodedata.normalize("NFKC", header).casefold())


def _alias_index() -> dict[str, str]:
    """Map every normalised alias (and field name) to its field."""
    index: dict[str, str] = {}
    for name, aliases in FIELD_ALIASES.items():
        for alias in (name, *aliases):
            index[header_key(alias)] = name
    return index


ALIAS_INDEX = _alias_index()


def map_headers(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """Return field -> header for known headers and the list of unknown headers."""
    columns: dict[str, str] = {}
    unknown: list[str] = []
    for header in headers:
        name = ALIAS_INDEX.get(header_key(header))
        if name is None:
            unknown.append(header)
        elif name in columns:
            raise TableError.of(
                AMBIGUOUS_COLUMNS,
                field=name,
                field_zh=display_name(name),
                columns=[columns[name], header],
            )
        else:
            columns[name] = header
    missing = [name for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        raise TableError.of(
            MISSING_COLUMNS,
            missing=[f"{display_name(n)} ({n})" for n in missing],
            missing_fields=missing,
            missing_zh=[display_name(n) for n in missing],
            found=list(headers),
        )
    return columns, unknown
