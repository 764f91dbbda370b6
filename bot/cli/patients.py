"""`followup patient deceased|dispute HOSPITAL_NO`: record a death or a dispute."""

from __future__ import annotations

from datetime import date

import typer

from bot.cli.common import fail, say, settings_or_exit, text, with_store
from bot.domain.clock import SystemClock
from bot.domain.patient_facts import FactChange
from bot.services.patient_facts import death, death_withdrawn, dispute, record_patient_fact
from bot.services.planning import load_scheduling
from bot.settings import Settings
from bot.storage.audit import Actor
from bot.storage.patient_facts import FactOutcome
from bot.storage.store import Store
from bot.templating import Renderer

app = typer.Typer(help="Facts about a patient that stop follow-up.", no_args_is_help=True)
CLI_SOURCE = "cli"


@app.command("deceased")
def deceased_command(
    hospital_no: str = typer.Argument(..., help="The patient's hospital number (住院号)."),
    on_date: str | None = typer.Option(None, "--date", help="Date of death, YYYY-MM-DD."),
    revoke: bool = typer.Option(
        False, "--revoke", help="The death was recorded in error: withdraw it, resume follow-up."
    ),
    yes: bool = typer.Option(False, "--yes", help="Do not ask to type the number again."),
) -> None:
    """Record a death: every message to every contact of the patient stops (audited)."""
    settings = settings_or_exit()
    day = _date(settings, on_date)
    change = death(day, CLI_SOURCE) if not revoke else death_withdrawn(CLI_SOURCE)
    _record(settings, hospital_no.strip(), change, yes)


@app.command("dispute")
def dispute_command(
    hospital_no: str = typer.Argument(..., help="The patient's hospital number (住院号)."),
    active: bool = typer.Option(..., "--on/--off", help="Dispute opened, or settled."),
    on_date: str | None = typer.Option(None, "--date", help="Date it began or ended."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask to type the number again."),
) -> None:
    """Record a dispute (follow-up pauses) or its end (follow-up resumes), audited."""
    settings = settings_or_exit()
    change = dispute(active, _date(settings, on_date), CLI_SOURCE)
    _record(settings, hospital_no.strip(), change, yes)


def _date(settings: Settings, raw: str | None) -> date | None:
    """Read --date; refuse an unreadable or future date."""
    if raw is None:
        return None
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        fail(settings, "cli/bad_date", value=raw, option="--date")
    if day > SystemClock().now().astimezone(settings.zone).date():
        fail(settings, "cli/patient_future_date", value=raw)
    return day


def _record(settings: Settings, hospital_no: str, change: FactChange, yes: bool) -> None:
    episode = with_store(settings, lambda store: store.episodes.latest_for(hospital_no))
    if episode is None:
        fail(settings, "cli/patient_not_found", hospital_no=hospital_no)
    shown: dict[str, object] = {
        "hospital_no": hospital_no,
        "fact": change.fact.value,
        "active": change.active,
    }
    say(
        settings,
        "cli/patient_fact_scope",
        name=episode.name,
        department=episode.department,
        **shown,
    )
    if not yes:
        typed = typer.prompt(
            text(settings, "cli/patient_fact_confirm"), default="", show_default=False
        )
        if typed.strip() != hospital_no:
            fail(settings, "cli/patient_fact_cancelled")
    scheduling = load_scheduling(settings, Renderer())

    async def work(store: Store) -> FactOutcome:
        return await record_patient_fact(
            store, scheduling, episode.patient_id, change, Actor.cli(), SystemClock().now()
        )

    outcome = with_store(settings, work)
    say(
        settings,
        "cli/patient_fact_done",
        effect=outcome.effect.value,
        cancelled=outcome.cancelled,
        surveys=outcome.surveys_closed,
        **shown,
    )
