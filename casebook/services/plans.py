"""Patrol plans (SOP step 1): categories, keywords, target sites, schedule, unit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.models import PatrolPlan, utcnow
from casebook.services import audit


def save_plan(
    session: Session,
    name: str,
    *,
    keywords: list[str],
    targets: list[dict[str, Any]],
    categories: list[str] | None = None,
    unit: str = "",
    schedule: str = "",
    actor: str,
    now: datetime | None = None,
) -> PatrolPlan:
    """Create the plan, or update the one with the same name (plans are named per unit)."""
    plan = session.scalar(select(PatrolPlan).where(PatrolPlan.name == name))
    before = _public(plan) if plan else None
    if plan is None:
        plan = PatrolPlan(name=name, created_by=actor, created_at=now or utcnow())
        session.add(plan)
    plan.keywords, plan.targets = list(keywords), list(targets)
    plan.categories, plan.unit, plan.schedule = list(categories or []), unit, schedule
    session.flush()
    if before != _public(plan):
        audit.record(session, actor, "plan.save", f"plan:{plan.id}", before, _public(plan), now=now)
    return plan


def get_plan(session: Session, plan_id: int) -> PatrolPlan:
    """The plan with this id; a missing one is a plain error naming it."""
    plan = session.get(PatrolPlan, plan_id)
    if plan is None:
        raise ValueError(f"no patrol plan {plan_id}")
    return plan


def _public(plan: PatrolPlan) -> dict[str, Any]:
    return {
        "name": plan.name,
        "keywords": list(plan.keywords),
        "targets": list(plan.targets),
        "categories": list(plan.categories),
        "unit": plan.unit,
        "schedule": plan.schedule,
    }
