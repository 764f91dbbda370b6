"""`followup demo`: the real bot, offline, against a fake Telegram and a sample hospital."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from bot.templating import LOCALES, Renderer


def demo_command(
    output: Path = typer.Option(
        Path("demo-output"), "--output", help="Folder for the report, charts and transcript."
    ),
    locale: str = typer.Option("zh_CN", "--locale", help="Language of the bot: zh_CN or en."),
    channel: str = typer.Option(
        "telegram", "--channel", help="Where the patients are: telegram or wechat."
    ),
) -> None:
    """Play simulated patients and staff through the real bot over a few simulated days.

    Needs no token, no .env and no network: Telegram (and WeChat) are simulated on loopback.
    """
    # the demo's fakes and scenarios: not loaded by the other commands (start-up time)
    from bot.demo.runner import CHANNELS, run_demo

    if locale not in LOCALES:
        raise typer.BadParameter(f"expected one of {', '.join(LOCALES)}", param_hint="--locale")
    if channel not in CHANNELS:
        raise typer.BadParameter(f"expected one of {', '.join(CHANNELS)}", param_hint="--channel")
    result = asyncio.run(run_demo(output, locale, channel))
    typer.echo(result.transcript)
    renderer = Renderer()
    for kind, path in result.files:
        typer.echo(renderer.render("cli/demo/written", locale, kind=kind, file=str(path)), err=True)
