"""Staff roles and what each may do: the one role check."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    STAFF = "staff"
    DOCTOR = "doctor"


class Permission(StrEnum):
    ISSUE_INVITES = "issue_invites"
    WORK_CASES = "work_cases"
    VIEW_STATS = "view_stats"
    EDIT_TEMPLATES = "edit_templates"
    MANAGE_STAFF = "manage_staff"
    IMPORT_LISTS = "import_lists"
    VIEW_AUDIT = "view_audit"
    RECORD_PATIENT_FACTS = "record_patient_facts"  # a death or a dispute: stops follow-up
    SEE_PATIENT_PHONE = "see_patient_phone"  # to call about a red flag (nurses, supervisors)
    WORK_CALLS = "work_calls"  # the phone worklist (/calls): its patients' phones included


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission)
    - {Permission.SEE_PATIENT_PHONE, Permission.WORK_CALLS},  # runs, does not call
    Role.SUPERVISOR: frozenset(
        {Permission.VIEW_STATS, Permission.WORK_CASES, Permission.SEE_PATIENT_PHONE}
    ),
    Role.STAFF: frozenset(
        {
            Permission.ISSUE_INVITES,
            Permission.WORK_CASES,
            Permission.RECORD_PATIENT_FACTS,
            Permission.SEE_PATIENT_PHONE,
            Permission.WORK_CALLS,
        }
    ),
    Role.DOCTOR: frozenset(
        {Permission.ISSUE_INVITES, Permission.WORK_CASES, Permission.WORK_CALLS}
    ),
}


def is_allowed(
    role: Role | None,
    permission: Permission,
    *,
    member_department_id: int | None = None,
    target_department_id: int | None = None,
) -> bool:
    """Say whether a member with role (and optional department scope) may act on a target."""
    if role is None or permission not in ROLE_PERMISSIONS[role]:
        return False
    if member_department_id is None or target_department_id is None:
        return True
    return member_department_id == target_department_id


def parse_role(text: str) -> Role:
    """Return the Role named by text, or raise ValueError listing the valid ones."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        valid = ", ".join(role.value for role in Role)
        raise ValueError(f"unknown role {text!r}; expected one of {valid}") from None
