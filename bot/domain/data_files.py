"""Reading YAML data files (plans, surveys) strictly, and checking their fields and values."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml

_E = TypeVar("_E", bound=StrEnum)

TEMPLATE_PATTERN = re.compile(r"^[a-z0-9_]+(?:/[a-z0-9_]+)+$")


class DataFileError(Exception):
    """A problem in a data file, naming the file, the place in it, and the field."""

    def __init__(
        self,
        file: str,
        places: Sequence[tuple[str, object | None]],
        field: str | None,
        message: str,
    ) -> None:
        self.file, self.field, self.message = file, field, message
        self.places = tuple(places)  # e.g. (("step", "day3"), ("rule", None))
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        where += [f"{label} {value}" for label, value in self.places if value is not None]
        if self.field is not None:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}"


class Where(Protocol):
    """A place in a data file that builds the error to raise about a value there."""

    def error(self, field: str | None, message: str) -> Exception:
        """Return the error to raise about `field` (None: the place itself)."""
        ...


# ---------------------------------------------------------------- reading files


def display(path: Path) -> str:
    """Show a path relative to the working directory when it lies under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice in one mapping."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    """Build a mapping, refusing duplicate keys."""
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, str | int | float | bool) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f'the key "{key}" appears twice', key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# libyaml's parser, when PyYAML was built with it, reads the shipped files about ten times
# faster (start-up reads dozens); a file it refuses is read again by the Python parser, so
# every error message stays as it was.
FastSafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastStrictLoader(FastSafeLoader):  # type: ignore[valid-type,misc]  # chosen at import
    """_StrictLoader on libyaml's parser."""


_FastStrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def parse_yaml(text: str) -> Any:
    """Parse trusted YAML text (safe: no arbitrary objects) with the fastest parser there is."""
    return yaml.load(text, Loader=FastSafeLoader)


def read_yaml(path: Path, where: Where, *, report_missing: bool = False) -> object:
    """Parse one YAML file; with `report_missing`, say "file not found" when it is absent."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        if report_missing and isinstance(error, FileNotFoundError):
            raise where.error(None, "file not found") from None
        raise where.error(None, f"cannot be read as UTF-8 text ({error})") from None
    try:
        return yaml.load(text, Loader=_FastStrictLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError:
        pass  # read again below, for the Python parser's message
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise where.error(None, f"is not valid YAML{line}: {problem}") from None


# ---------------------------------------------------------------- fields and values


def checked_fields(
    raw: object, where: Where, name: str | None, allowed: Iterable[str], required: Iterable[str]
) -> dict[str, object]:
    """Return a mapping's fields after checking for unknown and missing ones."""
    if not isinstance(raw, dict):
        raise where.error(name, f"expected a mapping of fields, got {type_name(raw)}")
    allowed = tuple(allowed)
    prefix = f"{name}." if name else ""
    for key in raw:
        if key not in allowed:
            raise where.error(
                f"{prefix}{key}", f"unknown field; allowed fields are: {', '.join(allowed)}"
            )
    for key in required:
        if key not in raw:
            raise where.error(f"{prefix}{key}", "is missing (required)")
    return {str(key): value for key, value in raw.items()}


def item_label(raw: object, number: int) -> str:
    """Name a list item in errors: its key when it has a usable one, else its position."""
    key = raw.get("key") if isinstance(raw, dict) else None
    return key.strip() if isinstance(key, str) and key.strip() else f"#{number}"


def type_name(raw: object) -> str:
    """Name a YAML value's type in words."""
    if raw is None:
        return "nothing"
    if isinstance(raw, bool):
        return "true/false"
    if isinstance(raw, int | float):
        return "a number"
    if isinstance(raw, list):
        return "a list"
    if isinstance(raw, dict):
        return "a mapping"
    if isinstance(raw, str):
        return "text"
    return type(raw).__name__


def as_text(raw: object, where: Where, name: str) -> str:
    """Return non-empty text, trimmed."""
    if not isinstance(raw, str):
        raise where.error(name, f"expected text, got {type_name(raw)}")
    if not raw.strip():
        raise where.error(name, "must not be empty")
    return raw.strip()


def as_bool(raw: object, where: Where, name: str) -> bool:
    """Return true/false."""
    if not isinstance(raw, bool):
        raise where.error(name, f"expected true or false, got {type_name(raw)}")
    return raw


def as_list(raw: object, where: Where, name: str) -> list[Any]:
    """Return a list (absent means empty)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise where.error(name, f"expected a list, got {type_name(raw)}")
    return raw


def as_choice(raw: object, where: Where, name: str, kind: type[_E]) -> _E:
    """Return the enum member named by raw."""
    if isinstance(raw, kind):
        return raw
    text = raw.strip() if isinstance(raw, str) else str(raw)
    try:
        return kind(text)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise where.error(name, f'"{text}" is not allowed; use one of {allowed}') from None


def as_template(raw: object, where: Where, name: str, example: str) -> str:
    """Return a template key such as `example`."""
    text = as_text(raw, where, name)
    if not TEMPLATE_PATTERN.match(text):
        raise where.error(name, f'"{text}" is not a template key; use forms like {example}')
    return text


def load_names(raw: object, where: Where, locales: tuple[str, ...]) -> dict[str, str]:
    """Read a display name in every locale from the `names` field."""
    data = checked_fields(raw, where, "names", locales, locales)
    return {locale: as_text(data[locale], where, f"names.{locale}") for locale in locales}


def missing_template(key: str, locales: Iterable[str]) -> str:
    """Say that a template is missing in some locale."""
    listed = ", ".join(locales)
    return f'no template "{key}"; add it under messages/<locale>/ for every locale ({listed})'
