"""Who sees what: a user's role, unit and clearance, as conditions on casebook queries.

The UI and the API ask the same questions here, so a page and an endpoint can never disagree
about what one user may see. Roles are ordered (models.people.ROLES); unit and classification
limits come on top of the order.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, true

from casebook.models import ROLES, PatrolPlan, TakedownList
from casebook.models.plans import CLASSIFICATIONS

# Dit. Siber's analysts and admins work for every unit; an UPT officer for its own.
NATIONAL_ROLES = frozenset({"analyst", "admin"})
# The highest classification (naskah dinas: biasa < terbatas < rahasia) each role may read.
CLEARANCE = {
    "viewer": "biasa",
    "reviewer": "terbatas",
    "upt_officer": "terbatas",
    "analyst": "rahasia",
    "admin": "rahasia",
}


class AccessError(Exception):
    """The user may not do this (role too low) or see this (other unit, higher classification)."""


@dataclass(frozen=True)
class Scope:
    """The part of a user that access depends on."""

    username: str
    role: str
    unit: str = ""

    @classmethod
    def of(cls, user) -> Scope:
        """From anything with `username`, `role` and `unit` (a User, the web's session user)."""
        return cls(user.username, user.role, getattr(user, "unit", "") or "")

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def national(self) -> bool:
        return self.role in NATIONAL_ROLES

    @property
    def cleared_for(self) -> tuple[str, ...]:
        top = CLASSIFICATIONS.index(CLEARANCE[self.role])
        return CLASSIFICATIONS[: top + 1]


def require(scope: Scope, role: str) -> None:
    if not scope.may(role):
        raise AccessError(f"this needs the role {role} or higher")


def plan_condition(scope: Scope) -> ColumnElement[bool]:
    """Plans `scope` may see: cleared for the plan's classification, and of its unit unless
    national."""
    cleared = PatrolPlan.classification.in_(scope.cleared_for)
    return cleared if scope.national else and_(cleared, _own_unit(PatrolPlan.unit, scope))


def list_condition(scope: Scope) -> ColumnElement[bool]:
    """Takedown lists `scope` may see: national roles every one, others their unit's."""
    return true() if scope.national else _own_unit(TakedownList.unit, scope)


def _own_unit(column, scope: Scope) -> ColumnElement[bool]:
    # Work nobody assigned to a unit (unit "") is Dit. Siber's, seen by the national roles only.
    return or_(column == scope.unit) if scope.unit else column == "\x00no unit"
