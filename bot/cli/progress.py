"""A progress bar on stderr that appears only when there is enough work to wait for."""

from __future__ import annotations

import sys
from typing import Any

import typer

MIN_ITEMS_FOR_A_BAR = 5000


class ProgressBar:
    """Callable as `progress(done, total)`; draws a bar once total is large."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._bar: Any = None
        self._shown = 0

    def __call__(self, done: int, total: int) -> None:
        if total < MIN_ITEMS_FOR_A_BAR:
            return
        if self._bar is None:
            self._bar = typer.progressbar(length=total, label=self._label, file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._shown)
        self._shown = done

    def close(self) -> None:
        """Finish the bar, if one was drawn."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
