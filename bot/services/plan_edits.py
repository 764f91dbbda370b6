"""Admins change plan steps in chat; pending steps of enrolled patients are then re-planned."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from bot.domain.plans.edits import replace_step
from bot.domain.plans.errors import PlanError
from bot.domain.plans.model import PlanBook
from bot.services.planning import Scheduling, with_plans
from bot.storage.plan_edits import PlanChange

EDITABLE = ("offset", "template", "enabled")


def apply_changes(
    scheduling: Scheduling, changes: Iterable[PlanChange], template_exists: Callable[[str], bool]
) -> Scheduling:
    """Return the scheduling with the changes applied in order (raises PlanError)."""
    plans = scheduling.plans
    for change in changes:
        plans = _changed(plans, change, template_exists)
    return with_plans(scheduling, plans)


def _changed(
    plans: PlanBook, change: PlanChange, template_exists: Callable[[str], bool]
) -> PlanBook:
    plan = plans.plans.get(change.plan_key)
    if plan is None:
        raise PlanError(
            f"plan {change.plan_key}",
            None,
            None,
            f"no such plan; plans are: {', '.join(sorted(plans.plans))}",
        )
    if change.field not in EDITABLE:
        raise PlanError(
            plan.source,
            change.step_key,
            change.field,
            f"this field cannot be changed in chat; fields: {', '.join(EDITABLE)}",
        )
    value: object = change.value
    if change.field == "enabled":
        value = change.value.strip().lower() in ("on", "yes", "true", "1", "开", "是")
    new = replace_step(
        plan, change.step_key, template_exists=template_exists, **{change.field: value}
    )
    return replace(plans, plans={**plans.plans, plan.key: new})
