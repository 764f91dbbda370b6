"""`followup staff add|list|remove`: who may work in the bot, with which role."""

from __future__ import annotations

import typer

from bot.cli.common import fail, say, settings_or_exit, with_store
from bot.domain.clock import SystemClock
from bot.domain.roles import Role

app = typer.Typer(help="Manage staff members and their roles.", no_args_is_help=True)


@app.command("add")
def add(
    user_id: int = typer.Argument(..., help="The staff member's Telegram user id."),
    role: Role = typer.Option(..., "--role", help="admin, supervisor, staff or doctor."),
    department: str | None = typer.Option(None, help="Limit the member to one department."),
    name: str | None = typer.Option(None, help="Display name."),
) -> None:
    """Add a staff member, or change an existing member's role."""
    settings = settings_or_exit()
    now = SystemClock().now()
    member = with_store(
        settings, lambda store: store.staff.upsert(user_id, role, department, name, now)
    )
    say(
        settings,
        "cli/staff_saved",
        user_id=member.user_id,
        role=member.role.value,
        department=member.department or "",
    )


@app.command("list")
def list_members() -> None:
    """List staff members (tab-separated on stdout: user id, role, department, name)."""
    settings = settings_or_exit()
    for member in with_store(settings, lambda store: store.staff.all()):
        fields = (
            str(member.user_id),
            member.role.value,
            member.department or "",
            member.name or "",
        )
        typer.echo("\t".join(fields))


@app.command("remove")
def remove(user_id: int = typer.Argument(..., help="The Telegram user id to remove.")) -> None:
    """Remove a staff member."""
    settings = settings_or_exit()
    if not with_store(settings, lambda store: store.staff.remove(user_id)):
        fail(settings, "cli/staff_not_found", user_id=user_id)
    say(settings, "cli/staff_removed", user_id=user_id)
