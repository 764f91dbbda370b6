"""`followup templates check`: validate every message template, edited or shipped."""

from __future__ import annotations

import typer

from bot.cli.common import EXIT_FAILED, say, settings_or_exit, text, with_store
from bot.services.template_edits import check_all, load_samples
from bot.templating import LOCALES, Renderer

app = typer.Typer(help="Message templates.", no_args_is_help=True)


@app.command("check")
def check() -> None:
    """Check every template in every locale (syntax, variables, sandbox, HTML, length)."""
    settings = settings_or_exit()
    renderer = Renderer()
    overrides = with_store(settings, lambda store: store.templates.current())
    problems = check_all(renderer, load_samples(), overrides)
    for locale, key, problem in problems:
        line = text(
            settings,
            "templates/problem",
            code=problem.code,
            detail=problem.detail,
            line=problem.line or 0,
        )
        typer.echo(f"{locale} {key}: {line}", err=True)
    checked = sum(len(renderer.keys(locale)) for locale in LOCALES)
    say(settings, "cli/templates_checked", checked=checked, problems=len(problems))
    if problems:
        raise typer.Exit(EXIT_FAILED)
