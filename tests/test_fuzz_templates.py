"""Fuzzing the template check behind /edit: random Jinja sources are refused or safe to send.

Sources are random text mixed with Jinja and HTML fragments (and the template's own
variables). Properties: the check never raises; what it accepts renders with the sample
variables to a message Telegram takes (its HTML rules, not empty, at most 4096 characters)
and stays valid when the variables hold hostile text; sandbox escapes are always refused;
through the real bot, every answer to an edit is a valid message and nothing is saved
without Save.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from html import escape
from typing import Any

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from bot.domain.roles import Role
from bot.domain.telegram_html import HtmlRefused, visible_text
from bot.domain.template_check import TemplateProblem, variables_of
from bot.services.template_edits import load_samples, preview, validate
from bot.templating import LOCALES, Renderer
from tests.fuzzing import SLOW_OK, LiveBot, check_message, check_sent, live_bot

RENDERER = Renderer()
SAMPLES = load_samples()
KEYS = [(key, locale) for locale in LOCALES for key in RENDERER.keys(locale)]
PROBLEM_CODES = {
    "syntax",
    "unknown_variable",
    "internals",
    "unescaped",
    "render",
    "html",
    "too_long",
}
PROBLEM_CODES |= {"empty"}
HOSTILE = "<b>&amp; <i>\"'</b>&"
FRAGMENTS = (
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "{% for x in items %}",
    "{% for c in {var} %}{{ c }}{% endfor %}",
    "{% endfor %}",
    "{% if {var} %}",
    "{% else %}",
    "{% endif %}",
    "{% raw %}{{ x }}{% endraw %}",
    "{% set a = {var} %}{{ a }}",
    "{{ {var} }}",
    "{{ {var}|e }}",
    "{{ {var}|upper }}",
    "{{ {var}|length }}",
    "{{ {var}|attr('x') }}",
    "{{ name|attr('x') }}",
    "{{ ''.__class__ }}",
    "{% include %}",
    "{% include 'start/help.html' %}",
    "{% extends 'start/help.html' %}",
    "{% macro m() %}{{ caller() }}{% endmacro %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{{ 1/0 }}",
    "{{ {var} + 1 }}",
    "{{ {var} * 200 }}",
    "{{ {var}|truncate(-1) }}",
    "{{ {var}|round(2) }}",
    "{{ {var}|wordwrap(0) }}",
    "{{ {var}|sum }}",
    "{{ {var}|slice(0)|list }}",
    "{{ '%d'|format('x') }}",
    "{{ 2.0 ** 5000 }}",
    "{{ " + "(" * 120 + "1" + ")" * 120 + " }}",
    "{{ " + "[" * 400 + "]" * 400 + " }}",
    "{% endautoescape %}{{ {var} }}{% autoescape true %}",
    "{% autoescape false %}{{ {var} }}{% endautoescape %}",
    "{{ {var}|safe }}",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<b><i>x</i></b>",
    '<a href="https://example.com/?a=1&amp;b=2">',
    "</a>",
    "<code>",
    "</code>",
    "<pre>",
    "</pre>",
    "<br>",
    "<br/>",
    "<span>",
    '<span class="tg-spoiler">',
    "</span>",
    "<div>",
    "<p>",
    "</>",
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    "&nbsp;",
    "&#x1F600;",
    "<!-- note -->",
    "<!DOCTYPE html>",
    "<b",
    "</",
    "<a href=x/>",
    "\n",
    " ",
    "😀",
    "\u200f",
    "\u200b",
    "\x00",
    "'",
    '"',
    "|",
    "~",
    "x" * 2100,
)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


def allowed_variables(key: str, locale: str) -> list[str]:
    """The variables an edit of this template may use."""
    shipped = RENDERER.shipped_source(key, locale)
    names = variables_of(RENDERER.environment(locale), shipped) | set(SAMPLES.get(key, {}))
    return sorted(names)


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, str, str]:
    """A template key, a locale and a random source for it."""
    key, locale = draw(st.sampled_from(KEYS))
    names = allowed_variables(key, locale) or ["hospital"]
    parts = draw(st.lists(st.sampled_from(FRAGMENTS) | TEXT, max_size=10))
    source = "".join(p.replace("{var}", draw(st.sampled_from(names))) for p in parts)
    return key, locale, source


def hostile(value: Any) -> Any:
    """The same sample variables, every string holding HTML and quotes."""
    if isinstance(value, str):
        return HOSTILE + value
    if isinstance(value, dict):
        return {k: hostile(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [hostile(v) for v in value]
    return value


def check_accepted(key: str, locale: str, source: str) -> None:
    """An accepted edit renders to a message Telegram takes, also with hostile variables."""
    shown = preview(RENDERER, SAMPLES, key, locale, source, "市第一人民医院")
    assert len(shown) <= 4096
    if not RENDERER.is_html(key, locale):
        assert shown.strip(), "an empty message"
        check_message(escape(shown))  # how the preview shows a plain-text template
        return
    check_message(shown)
    variables = hostile(SAMPLES.get(key, {}))
    try:
        attacked = RENDERER.compile(key, locale, source).render(**variables).strip()
    except Exception:  # other values may take other branches; only the HTML matters here
        return
    visible_text(attacked)


@settings(max_examples=200, deadline=None, suppress_health_check=SLOW_OK)
@given(edit=edits())
@example(edit=("start/how_to_enrol", "zh_CN", "{{ 1/0 }}"))
@example(edit=("start/how_to_enrol", "zh_CN", "{{ hospital + 1 }}"))
@example(edit=("start/how_to_enrol", "zh_CN", "{{ " + "(" * 300 + "1" + ")" * 300 + " }}"))
@example(edit=("start/how_to_enrol", "zh_CN", "体温 < 37 度"))
@example(edit=("start/how_to_enrol", "zh_CN", "您好<br>欢迎"))
@example(edit=("start/how_to_enrol", "zh_CN", "<span>您好</span>"))
@example(edit=("start/how_to_enrol", "zh_CN", "<!-- 注释 -->您好"))
@example(edit=("start/how_to_enrol", "zh_CN", "<b></b>"))
@example(edit=("start/how_to_enrol", "zh_CN", "{% endautoescape %}{{ hospital }}"))
@example(edit=("case/staff_reply", "zh_CN", "{{ text|safe }}"))
def test_the_check_refuses_or_accepts_what_telegram_takes(edit: tuple[str, str, str]) -> None:
    key, locale, source = edit
    problems = validate(RENDERER, SAMPLES, key, locale, source)
    assert all(isinstance(p, TemplateProblem) and p.code in PROBLEM_CODES for p in problems)
    event("refused: " + ", ".join(sorted({p.code for p in problems})) if problems else "accepted")
    if not problems:
        check_accepted(key, locale, source)


ESCAPES = (
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ {var}.__class__ }}",
    "{{ {var}.__class__.__name__ }}",
    "{{ {var}|attr('__class__') }}",
    "{{ {var}|attr('_' ~ '_class_' ~ '_') }}",
    "{{ {var}['__class__'] }}",
    "{{ {var}[('_' * 2) ~ 'class' ~ ('_' * 2)] }}",
    "{{ {var}.upper.__self__ }}",
    "{{ ({var}|attr('upper'))|attr('__self__') }}",
    "{{ {var}.__len__() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ self.__class__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ range.__self__ }}",
    "{{ dict(a=1).__class__ }}",
    "{{ '{0.__class__}'.format({var}) }}",
    "{{ '{0.__class__}'.format_map({'0': {var}}) }}",
    "{{ ''.format.__globals__ }}",
    "{% set x = {var}.__class__ %}{{ x }}",
    "{% with a = ''.__class__ %}{{ a }}{% endwith %}",
    "{% for c in ''.__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{% for c in {var} %}{{ loop.__class__ }}{% endfor %}",
    "{% include '../../../../../etc/passwd' %}",
    "{% include '/etc/passwd' %}",
    "{% import '../../bot/settings.py' as s %}",
    "{% extends '/etc/hostname' %}",
    "{{ config }}",
    "{{ request.application }}",
    "{{ settings.telegram_token }}",
)
PLAIN = st.text(st.characters(codec="utf-8", exclude_characters="{}%#\x00"), max_size=20)


@settings(max_examples=100, deadline=None, suppress_health_check=SLOW_OK)
@given(data=st.data(), attempt=st.sampled_from(ESCAPES), before=PLAIN, after=PLAIN)
def test_sandbox_escapes_are_refused(
    data: st.DataObject, attempt: str, before: str, after: str
) -> None:
    key, locale = data.draw(st.sampled_from(KEYS))
    names = allowed_variables(key, locale) or ["hospital"]
    source = before + attempt.replace("{var}", data.draw(st.sampled_from(names))) + after
    problems = validate(RENDERER, SAMPLES, key, locale, source)
    assert problems, source
    event(f"refused: {problems[0].code}")


# tdlib's own expectations for parse_html (td/test/message_entities.cpp), and two of ours
TELEGRAM_REFUSES = {
    "🏟 🏟&lt;<abacaba": "Unclosed start tag at byte offset 13",
    "🏟 🏟&lt;<abac aba>": 'Unsupported start tag "abac" at byte offset 13',
    "🏟 🏟&lt;<i   =aba>": 'Empty attribute name in the tag "i" at byte offset 13',
    "🏟 🏟&lt;<i    aba  =  ": 'Unclosed start tag "i" at byte offset 13',
    "🏟 🏟&lt;<i    aba  =  190azAz-.,": "Unexpected end of name token at byte offset 27",
    '🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>': "Unclosed start tag at byte offset 13",
    "🏟 🏟&lt;</": "Unexpected end tag at byte offset 13",
    "🏟 🏟&lt;<b></b></": "Unexpected end tag at byte offset 20",
    "🏟 🏟&lt;<i>a</i   ": "Unclosed end tag at byte offset 17",
    "🏟 🏟&lt;<i>a</em   >": 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"',
    "<span>x</span>": 'Tag "span" must have class "tg-spoiler" at byte offset 0',
    "体温 < 37": 'Unsupported start tag "" at byte offset 7',
    "您好<br>": 'Unsupported start tag "br" at byte offset 6',
}
TELEGRAM_SHOWS = {
    "&lt;&gt;&amp;&quot;&#39;&#x1F600; & &nbsp; > x": "<>&\"'😀 & &nbsp; > x",
    '<a href="https://example.com/?a=1&amp;b=2">link</a>': "link",
    '<b>x</> <span class="tg-spoiler">s</span> <blockquote expandable>q</blockquote>': "x s q",
    '<pre><code class="language-python">1 &lt; 2</code></pre>': "1 < 2",
}


@pytest.mark.parametrize(("html", "refusal"), TELEGRAM_REFUSES.items())
def test_html_is_refused_where_telegram_refuses_it(html: str, refusal: str) -> None:
    with pytest.raises(HtmlRefused) as refused:
        visible_text(html)
    assert str(refused.value) == refusal


@pytest.mark.parametrize(("html", "shown"), TELEGRAM_SHOWS.items())
def test_html_shows_what_telegram_shows(html: str, shown: str) -> None:
    assert visible_text(html) == shown


@settings(max_examples=200, deadline=None)
@given(text=st.text(), html=st.lists(st.sampled_from(FRAGMENTS) | TEXT).map("".join))
def test_escaped_text_shows_as_typed_and_any_html_is_read_or_refused(text: str, html: str) -> None:
    assert visible_text(escape(text)) == text
    try:
        visible_text(html)
    except HtmlRefused as refused:
        assert str(refused)


ADMIN = 901


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBot]:
    """One running bot for every example, with an admin."""
    with live_bot(tmp_path_factory.mktemp("fuzz-templates")) as running:
        harness = running.harness
        now = harness.clock.now()
        running.run(harness.services.store.staff.upsert(ADMIN, Role.ADMIN, None, "信息科", now))
        yield running


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW_OK)
@given(edit=edits())
@example(edit=("start/how_to_enrol", "zh_CN", "{{ 1/0 }}"))
@example(edit=("start/how_to_enrol", "zh_CN", "<div>{{ hospital }} & <b>"))
def test_edits_through_the_bot_get_valid_answers(
    bot: LiveBot, edit: tuple[str, str, str], caplog: pytest.LogCaptureFixture
) -> None:
    key, locale, source = edit
    if not source.strip() or source.startswith("/"):
        source = "." + source  # Telegram never delivers an empty message; "/" is a command
    caplog.clear()
    harness = bot.harness
    with caplog.at_level(logging.ERROR):
        bot.run(harness.text(ADMIN, f"/edit {key} {locale}"))
        before = len(harness.telegram.calls)
        bot.run(harness.text(ADMIN, source[:4096]))
    shown = check_sent(bot.calls_since(before))
    assert shown, "the edit got no answer"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert bot.run(harness.services.store.templates.history(key)) == []
