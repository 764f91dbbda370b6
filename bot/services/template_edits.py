"""Editing message templates: validation with sample data, saving, history, rollback."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bot.domain.data_files import parse_yaml
from bot.domain.template_check import TemplateProblem, check_template, variables_of
from bot.storage.store import Store
from bot.templating import LOCALES, MESSAGES_DIR, Renderer

SAMPLES_DIR = MESSAGES_DIR / "samples"
# The command line's own texts (`followup …` output, `followup check`, import errors): an
# operator's terminal shows them, never a chat, so chat admins neither see nor edit them.
COMMAND_LINE_AREAS = frozenset({"cli", "check", "import"})


def chat_editable(renderer: Renderer, locale: str) -> list[str]:
    """Return the keys of the templates a chat admin may see and edit: what chats show."""
    return [k for k in renderer.keys(locale) if k.split("/")[0] not in COMMAND_LINE_AREAS]


def load_samples(folder: Path = SAMPLES_DIR) -> dict[str, dict[str, Any]]:
    """Return the sample variables of every template (messages/samples/*.yaml)."""
    samples: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.yaml")):
        samples.update(parse_yaml(path.read_text(encoding="utf-8")) or {})
    return samples


def validate(
    renderer: Renderer, samples: dict[str, dict[str, Any]], key: str, locale: str, source: str
) -> list[TemplateProblem]:
    """Check an edited source against what its template receives and renders to."""
    environment = renderer.environment(locale)
    sample = samples.get(key, {})
    allowed = variables_of(environment, renderer.shipped_source(key, locale)) | set(sample)

    def render(text: str) -> str:
        return renderer.compile(key, locale, text).render(**sample).strip()

    return check_template(environment, source, allowed, render, renderer.is_html(key, locale))


def preview(
    renderer: Renderer,
    samples: dict[str, dict[str, Any]],
    key: str,
    locale: str,
    source: str,
    hospital: str,
) -> str:
    """Render an edited source with the template's sample data and the hospital's own name."""
    values = {**samples.get(key, {}), "hospital": hospital}
    return renderer.compile(key, locale, source).render(**values).strip()


async def save_edit(
    store: Store,
    renderer: Renderer,
    key: str,
    locale: str,
    source: str,
    author_id: int,
    now: datetime,
) -> int:
    """Keep a new version and use it from now on; return its version number."""
    version = await store.templates.save(key, locale, source, author_id, now)
    renderer.override(key, locale, source)
    return version


async def load_overrides(store: Store, renderer: Renderer) -> None:
    """Use the saved versions instead of the shipped files (at start-up)."""
    for (locale, key), source in (await store.templates.current()).items():
        if locale in LOCALES:
            renderer.override(key, locale, source)


async def rollback(
    store: Store, renderer: Renderer, key: str, version: int, author_id: int, now: datetime
) -> tuple[str, int] | None:
    """Make an earlier version current again (as a new version); None if it does not exist."""
    found = next((v for v in await store.templates.history(key) if v.version == version), None)
    if found is None:
        return None
    new = await save_edit(store, renderer, key, found.locale, found.body, author_id, now)
    return found.locale, new


def check_all(
    renderer: Renderer, samples: dict[str, dict[str, Any]], overrides: dict[tuple[str, str], str]
) -> list[tuple[str, str, TemplateProblem]]:
    """Check every template in every locale (edited versions where there are some)."""
    problems = []
    for locale in LOCALES:
        for key in renderer.keys(locale):
            source = overrides.get((locale, key)) or renderer.shipped_source(key, locale)
            problems += [(locale, key, p) for p in validate(renderer, samples, key, locale, source)]
    return problems
