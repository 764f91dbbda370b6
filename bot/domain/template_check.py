"""Check an edited message template before it is saved: syntax, variables, sandbox, HTML, length."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from bot.domain.telegram_html import HtmlRefused, visible_text

MAX_LENGTH = 4096  # Telegram's limit for one message
UNESCAPING_FILTERS = frozenset({"safe"})


@dataclass(frozen=True)
class TemplateProblem:
    # syntax | unknown_variable | internals | unescaped | render | html | too_long | empty
    code: str
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
        problems = [
            TemplateProblem("unknown_variable", name)
            for name in sorted(meta.find_undeclared_variables(tree) - allowed)
        ]
        problems += [TemplateProblem("internals", name, line) for name, line in _internals(tree)]
        problems += [TemplateProblem("unescaped", name, line) for name, line in _unescaping(tree)]
    except TemplateSyntaxError as error:
        return [TemplateProblem("syntax", error.message or "", error.lineno)]
    except RecursionError:
        return [TemplateProblem("syntax", "nested too deeply")]
    if problems:
        return problems
    try:
        text = render(source)
    except SecurityError as error:
        return [TemplateProblem("internals", str(error))]
    except Exception as error:  # a template fails the ways Python does: 1/0, "a" + 1, ...
        return [TemplateProblem("render", str(error) or type(error).__name__)]
    if len(text) > MAX_LENGTH:
        return [TemplateProblem("too_long", str(len(text)))]
    try:
        shown = visible_text(text) if is_html else text
    except HtmlRefused as error:
        return [TemplateProblem("html", str(error))]
    return [] if shown.strip() else [TemplateProblem("empty", "")]


def _internals(tree: nodes.Template) -> list[tuple[str, int]]:
    found = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node, "arg", None)
        name = key if isinstance(key, str) else getattr(key, "value", "")
        if isinstance(name, str) and name.startswith("_"):
            found.append((name, node.lineno))
    return found


def _unescaping(tree: nodes.Template) -> list[tuple[str, int]]:
    """Find what would let a variable's text through unescaped (`|safe`, `{% autoescape %}`)."""
    found = [
        (f"|{node.name}", node.lineno)
        for node in tree.find_all(nodes.Filter)
        if node.name in UNESCAPING_FILTERS
    ]
    found += [
        ("autoescape", node.lineno) for node in tree.find_all(nodes.ScopedEvalContextModifier)
    ]
    return found
