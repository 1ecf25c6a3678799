"""Administering users: roles, units, deactivation, password resets, everyone's API tokens.

users.py makes users and authenticates them; this module is what an admin does to them
afterwards. Every change is audited. A deactivated user can neither log in nor use a token
(users.authenticate and users.authenticate_token both want an active user), and the web's
session loader drops an open session at the next request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from casebook.models import ROLES, ApiToken, PatrolPlan, TakedownList, User
from casebook.services import audit, users
from casebook.services.users import UnknownRole, UnknownToken, UnknownUser

MIN_PASSWORD = 8
USERNAME = re.compile(r"[A-Za-z0-9._-]{2,64}")


class AccountError(ValueError):
    """A change an admin may not make (the last admin, one's own account, a weak password)."""


@dataclass(frozen=True)
class TokenRow:
    """An API token as a listing shows it: never the token itself, only what it is for."""

    id: int
    username: str
    name: str
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def user_named(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UnknownUser(f"no user {username!r}")
    return user


def add_user(
    session: Session, username: str, password: str, role: str, *, full_name: str = "",
    unit: str = "", actor: str, now: datetime | None = None,
) -> User:  # fmt: skip
    """A new user as an admin adds one: a name fit for logs and URLs, a real password."""
    username = username.strip()
    if not USERNAME.fullmatch(username):
        raise AccountError("username: 2 to 64 letters, digits, dots, dashes or underscores")
    return users.create_user(session, username, check_password(password), role, actor=actor,
                             full_name=" ".join(full_name.split())[:200],
                             unit=" ".join(unit.split())[:200], now=now)  # fmt: skip


def known_units(session: Session) -> list[str]:
    """Units already written on users, plans and takedown lists: an UPT officer sees the work
    whose unit is exactly theirs, so the form offers these to pick from rather than retype."""
    found = set()
    for column in (User.unit, PatrolPlan.unit, TakedownList.unit):
        found.update(session.scalars(select(column).distinct().where(column != "")))
    return sorted(found)


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")
    return password


def change_user(
    session: Session,
    username: str,
    *,
    role: str,
    unit: str,
    full_name: str | None = None,
    actor: str,
    now: datetime | None = None,
) -> User:
    """Set the user's role and unit (and name); the same values again is a no-op."""
    if role not in ROLES:
        raise UnknownRole(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    user = user_named(session, username)
    unit = " ".join(unit.split())
    full_name = user.full_name if full_name is None else " ".join(full_name.split())
    if len(unit) > 200 or len(full_name) > 200:
        raise AccountError("unit and name: at most 200 characters")
    if (user.role, user.unit, user.full_name) == (role, unit, full_name):
        return user
    if user.role == "admin" and role != "admin":
        _keep_an_admin(session, user, "lose the admin role")
    before = _public(user)
    user.role, user.unit, user.full_name = role, unit, full_name
    session.flush()
    audit.record(session, actor, "user.change", f"user:{user.id}", before, _public(user), now=now)
    return user


def set_active(
    session: Session, username: str, active: bool, *, actor: str, now: datetime | None = None
) -> User:
    """Deactivate (or reactivate) a user. Nobody deactivates themselves or the last admin."""
    user = user_named(session, username)
    if user.active == active:
        return user
    if not active:
        if user.username == actor:
            raise AccountError("you cannot deactivate your own account")
        if user.role == "admin":
            _keep_an_admin(session, user, "be deactivated")
    before = _public(user)
    user.active = active
    session.flush()
    action = "user.reactivate" if active else "user.deactivate"
    audit.record(session, actor, action, f"user:{user.id}", before, _public(user), now=now)
    return user


def reset_password(
    session: Session, username: str, password: str, *, actor: str, now: datetime | None = None
) -> User:
    """A new password chosen by the admin (told to the user out of band); never audited as text."""
    user = user_named(session, username)
    user.password_hash = generate_password_hash(check_password(password))
    session.flush()
    audit.record(session, actor, "user.password_reset", f"user:{user.id}", None,
                 {"username": user.username}, now=now)  # fmt: skip
    return user


def tokens(session: Session, *, username: str | None = None) -> list[TokenRow]:
    """API tokens, newest first: one user's, or everyone's (for an admin)."""
    query = (
        select(ApiToken, User.username)
        .join(User, User.id == ApiToken.user_id)
        .order_by(ApiToken.id.desc())
    )
    if username is not None:
        query = query.where(User.username == username)
    return [
        TokenRow(t.id, name, t.name, t.created_by, t.created_at, t.last_used_at, t.revoked_at)
        for t, name in session.execute(query)
    ]


def token_owner(session: Session, token_id: int) -> str:
    """The username a token belongs to (a user may revoke only their own)."""
    owner = session.scalar(
        select(User.username).join(ApiToken, ApiToken.user_id == User.id).where(
            ApiToken.id == token_id)
    )  # fmt: skip
    if owner is None:
        raise UnknownToken(f"no API token {token_id}")
    return owner


def _keep_an_admin(session: Session, user: User, what: str) -> None:
    others = session.scalar(
        select(func.count()).select_from(User).where(
            User.role == "admin", User.active.is_(True), User.id != user.id)
    )  # fmt: skip
    if not others:
        raise AccountError(f"{user.username} is the last active admin and cannot {what}")


def _public(user: User) -> dict[str, object]:
    return {"username": user.username, "full_name": user.full_name, "role": user.role,
            "unit": user.unit, "active": user.active}  # fmt: skip
