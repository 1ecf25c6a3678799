"""Casebook users: creation, roles, authentication."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from casebook.models import ROLES, User, utcnow
from casebook.services import audit


class UnknownRole(ValueError):
    pass


class UserExists(ValueError):
    pass


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    actor: str,
    full_name: str = "",
    unit: str = "",
    now: datetime | None = None,
) -> User:
    if role not in ROLES:
        raise UnknownRole(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise UserExists(f"user {username!r} exists")
    user = User(
        username=username,
        full_name=full_name,
        unit=unit,
        role=role,
        password_hash=generate_password_hash(password),
        created_at=now or utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", f"user:{user.id}", None, _public(user), now=now)
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, else None. Callers who face the network
    go through services.logins, which throttles and audits."""
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    # An unknown name costs a hash check too, so timing does not tell which names exist.
    hashed = user.password_hash if user is not None else _unknown_user_hash()
    if not check_password_hash(hashed, password) or user is None:
        return None
    return user


@cache
def _unknown_user_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def _public(user: User) -> dict[str, str]:
    return {"username": user.username, "role": user.role, "unit": user.unit}
