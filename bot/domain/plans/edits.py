"""Change one step of a plan, validated like a step read from a file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.domain.plans.errors import Where
from bot.domain.plans.fields import STEP_COERCERS, check_step
from bot.domain.plans.model import Plan


def replace_step(
    plan: Plan,
    step_key: str,
    *,
    template_exists: Callable[[str], bool] | None = None,
    **changes: object,
) -> Plan:
    """Return the plan with one step changed (offset, template, enabled ...), validated."""
    where = Where(plan.source or f"plan {plan.key}", step=step_key)
    old = plan.step(step_key)
    if old is None:
        known = ", ".join(step.key for step in plan.steps)
        raise where.error(None, f"no such step in this plan; steps are: {known}")
    coerced: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "key":
            raise where.error("key", "a step key cannot be changed (it identifies sent messages)")
        if name not in STEP_COERCERS:
            raise where.error(name, f"unknown field; fields are: {', '.join(STEP_COERCERS)}")
        coerced[name] = STEP_COERCERS[name](value, where, name)
    new = replace(old, **coerced)
    check_step(new, where, template_exists)
    steps = tuple(new if step.key == step_key else step for step in plan.steps)
    return replace(plan, steps=steps)
