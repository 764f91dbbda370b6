"""`followup forget HOSPITAL_NO` (erasure on request) and `followup audit` (who did what)."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import typer

from bot.cli.common import fail, say, settings_or_exit, text, with_store
from bot.cli.erasures import ledger_of
from bot.domain.clock import SystemClock
from bot.settings import Settings
from bot.storage.audit import Actor, AuditEntry
from bot.storage.erasure import ErasureScope, erase_patient, erasure_scope


def forget_command(
    hospital_no: str = typer.Argument(..., help="The patient's hospital number (住院号)."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask to type the number again."),
) -> None:
    """Erase a patient's personal data and messages; anonymous counts stay (audited)."""
    settings = settings_or_exit()
    hospital_no = hospital_no.strip()
    scope = with_store(settings, lambda store: erasure_scope(store.engine, hospital_no))
    if scope is None:
        fail(settings, "cli/forget_not_found", hospital_no=hospital_no)
    say(settings, "cli/forget_scope", hospital_no=hospital_no, **scope.__dict__)
    if not yes:
        typed = typer.prompt(text(settings, "cli/forget_confirm"), default="", show_default=False)
        if typed.strip() != hospital_no:
            fail(settings, "cli/forget_cancelled")
    _erase(settings, scope, hospital_no)
    say(settings, "cli/forget_done", hospital_no=hospital_no, pending=scope.pending)


def _erase(settings: Settings, scope: ErasureScope, hospital_no: str) -> None:
    now, ledger = SystemClock().now(), ledger_of(settings)
    with_store(
        settings,
        lambda store: erase_patient(store.engine, scope, hospital_no, now, Actor.cli(), ledger),
    )


def audit_command(
    since: str = typer.Option(..., "--since", help="First day to list, YYYY-MM-DD."),
    actor: str | None = typer.Option(None, "--actor", help="Only this actor (a staff user id)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """List the audit log: who read patient data or changed something, and when."""
    settings = settings_or_exit()
    try:
        first_day = date.fromisoformat(since.strip())
    except ValueError:
        fail(settings, "cli/bad_date", value=since, option="--since")
    start = datetime.combine(first_day, time(), settings.zone)
    entries = with_store(settings, lambda store: store.audit.since(start, actor))
    for entry in entries:
        typer.echo(_json_line(entry, settings) if as_json else audit_line(entry, settings))
    say(settings, "cli/audit_count", count=len(entries))


def audit_line(entry: AuditEntry, settings: Settings) -> str:
    """One entry as a line a person reads: local time, actor, action, subject, detail."""
    at = entry.at.astimezone(settings.zone)
    parts = [f"{at:%Y-%m-%d %H:%M:%S}", f"{entry.actor_kind}:{entry.actor_id}", entry.action]
    parts += [value for value in (entry.subject, entry.detail) if value]
    return "  ".join(parts)


def _json_line(entry: AuditEntry, settings: Settings) -> str:
    values = {**entry.__dict__, "at": entry.at.astimezone(settings.zone).isoformat()}
    return json.dumps(values, ensure_ascii=False)
