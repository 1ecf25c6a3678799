"""Casebook users: creation, roles, authentication."""

from __future__ import annotations

from datetime import datetime

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
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None or not check_password_hash(user.password_hash, password):
        return None
    return user


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def _public(user: User) -> dict[str, str]:
    return {"username": user.username, "role": user.role, "unit": user.unit}
