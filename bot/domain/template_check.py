"""Check an edited message template before it is saved: syntax, variables, sandbox, HTML, length."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import SandboxedEnvironment

MAX_LENGTH = 4096  # Telegram's limit for one message
ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-spoiler",
        "span",
        "br",
    }
)
VOID_TAGS = frozenset({"br"})


@dataclass(frozen=True)
class TemplateProblem:
    code: str  # syntax | unknown_variable | internals | render | html | too_long
    detail: str
    line: int | None = None


def variables_of(environment: SandboxedEnvironment, source: str) -> set[str]:
    """Return the variables a template source uses."""
    return set(meta.find_undeclared_variables(environment.parse(source)))


def check_template(
    environment: SandboxedEnvironment,
    source: str,
    allowed: set[str],
    render: Callable[[str], str],
    is_html: bool,
) -> list[TemplateProblem]:
    """Return the problems of a template source (empty when it may be saved)."""
    try:
        tree = environment.parse(source)
    except TemplateSyntaxError as error:
        return [TemplateProblem("syntax", error.message or "", error.lineno)]
    problems = [
        TemplateProblem("unknown_variable", name)
        for name in sorted(meta.find_undeclared_variables(tree) - allowed)
    ]
    problems += [TemplateProblem("internals", name, line) for name, line in _internals(tree)]
    if problems:
        return problems
    try:
        text = render(source)
    except SecurityError as error:
        return [TemplateProblem("internals", str(error))]
    except TemplateError as error:
        return [TemplateProblem("render", str(error))]
    if len(text) > MAX_LENGTH:
        return [TemplateProblem("too_long", str(len(text)))]
    return [TemplateProblem("html", problem) for problem in _html_problems(text)] if is_html else []


def _internals(tree: nodes.Template) -> list[tuple[str, int]]:
    found = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node, "arg", None)
        name = key if isinstance(key, str) else getattr(key, "value", "")
        if isinstance(name, str) and name.startswith("_"):
            found.append((name, node.lineno))
    return found


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}> is not allowed in Telegram messages")
        elif tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            return  # already reported at its start tag
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> does not close the last open tag")
        else:
            self.open.pop()


def _html_problems(text: str) -> list[str]:
    checker = _TagChecker()
    checker.feed(text.replace("\n", " "))
    checker.close()
    return checker.problems + [f"<{tag}> is never closed" for tag in checker.open]
