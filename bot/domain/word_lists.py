"""Files of named word lists (the exclusions, the special groups): each field a list of
words, read strictly, a bad item named by its line and field."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.domain import data_files

# Builds the file's own error from (file, line, field, message).
ErrorFactory = Callable[[str, int | None, str | None, str], Exception]


def load_word_lists(
    path: Path, fields: tuple[str, ...], error: ErrorFactory
) -> dict[str, tuple[str, ...]]:
    """Read a mapping of field → list of words; raise error(file, line, field, message)."""
    file = data_files.display(path)
    data_files.read_yaml(path, _Where(file, error), report_missing=True)  # syntax, repeats
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=data_files.FastSafeLoader)
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise error(file, _line(root), None, "expected a mapping of fields")
    lists: dict[str, tuple[str, ...]] = {}
    for key_node, value_node in root.value:
        name = str(key_node.value)
        if name not in fields:
            allowed = ", ".join(fields)
            raise error(
                file, _line(key_node), name, f"unknown field; allowed fields are: {allowed}"
            )
        lists[name] = _texts(value_node, file, name, error)
    return lists


def fold(text: str) -> str:
    """Fold for comparing: NFKC, no spaces, case-insensitive."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


class _Where:
    """The file itself, for the syntax checks of data_files.read_yaml."""

    def __init__(self, file: str, error: ErrorFactory) -> None:
        self.file, self._error = file, error

    def error(self, field: str | None, message: str) -> Exception:
        return self._error(self.file, None, field, message)


def _texts(node: yaml.Node, file: str, name: str, error: ErrorFactory) -> tuple[str, ...]:
    """Read a list of non-empty texts, naming the line of a bad item."""
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
        return ()
    if not isinstance(node, yaml.SequenceNode):
        raise error(file, _line(node), name, "expected a list, e.g. [男科]")
    texts = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode) or not item.tag.endswith(":str"):
            raise error(file, _line(item), name, "expected text in quotes or plain words")
        if not str(item.value).strip():
            raise error(file, _line(item), name, "must not be empty")
        texts.append(str(item.value).strip())
    return tuple(texts)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1
