"""What every subcommand shares: settings, messages, the store, exit codes."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer

from bot.settings import Settings, SettingsError, load_settings
from bot.storage import migrate
from bot.storage.store import Store
from bot.templating import Renderer

T = TypeVar("T")
EXIT_FAILED = 1
EXIT_SETTINGS = 2


def settings_or_exit() -> Settings:
    """Load the settings, or print what is wrong and exit with code 2."""
    try:
        return load_settings()
    except SettingsError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(EXIT_SETTINGS) from None


def required(getter: Callable[[], T]) -> T:
    """Return a required setting, or print what is missing and exit with code 2."""
    try:
        return getter()
    except SettingsError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(EXIT_SETTINGS) from None


def text(settings: Settings, key: str, **variables: Any) -> str:
    """Render a CLI message in the configured locale."""
    return Renderer().render(key, settings.locale, **variables)


def say(settings: Settings, key: str, **variables: Any) -> None:
    """Print a message for people on stderr (stdout is kept for script output)."""
    typer.echo(text(settings, key, **variables), err=True)


def fail(settings: Settings, key: str, **variables: Any) -> NoReturn:
    """Print an error on stderr and exit with code 1."""
    say(settings, key, **variables)
    raise typer.Exit(EXIT_FAILED)


def with_store(settings: Settings, work: Callable[[Store], Awaitable[T]]) -> T:
    """Open the database (migrated to head), run work on it, close it."""

    async def run() -> T:
        store = Store.open(settings.database_url)
        try:
            await migrate.upgrade(store.engine)
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())


def write_private_file(path: Path, content: bytes) -> None:
    """Write a file only its owner may read, whole or not at all: a temporary file beside
    it is renamed over it once complete, so a failure never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o600)  # it holds patients' names and answers
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
