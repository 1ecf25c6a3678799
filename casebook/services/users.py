"""Casebook users: creation, roles, authentication by password or API token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from casebook.models import ROLES, ApiToken, User, utcnow
from casebook.services import audit


class UnknownRole(ValueError):
    pass


class UserExists(ValueError):
    pass


class UnknownUser(ValueError):
    pass


class UnknownToken(ValueError):
    pass


# Marks a Patroli token in logs and secret scanners; the rest is 32 random bytes.
TOKEN_PREFIX = "ptl_"


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


def create_token(
    session: Session, username: str, *, name: str = "", actor: str, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new API token for the user: (its record, the token). The token is not stored, only its
    SHA-256, so this is the one time anyone sees it."""
    user = _user_named(session, username)
    if not user.active:
        raise UnknownUser(f"user {username!r} is deactivated")
    name = " ".join(name.split())
    if len(name) > 100:
        raise ValueError("name: longer than 100 characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user_id=user.id, name=name, token_hash=_token_hash(token),
                      created_by=actor, created_at=now or utcnow())  # fmt: skip
    session.add(record)
    session.flush()
    audit.record(session, actor, "token.create", f"token:{record.id}", None,
                 {"user": user.username, "name": name}, now=now)  # fmt: skip
    return record, token


def list_tokens(session: Session, username: str) -> list[ApiToken]:
    user = _user_named(session, username)
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.id)))  # fmt: skip


def revoke_token(
    session: Session, token_id: int, *, actor: str, now: datetime | None = None
) -> ApiToken:
    """Revoke the token for good; revoking it again is a no-op."""
    record = session.get(ApiToken, token_id)
    if record is None:
        raise UnknownToken(f"no API token {token_id}")
    if record.revoked_at is None:
        record.revoked_at = now or utcnow()
        session.flush()
        audit.record(session, actor, "token.revoke", f"token:{record.id}", None,
                     {"user_id": record.user_id, "name": record.name}, now=now)  # fmt: skip
    return record


def authenticate_token(session: Session, token: str, *, now: datetime | None = None) -> User | None:
    """The active user a live token stands for, else None; the token's last use is noted
    (the caller commits). Its role and unit apply, as for the user's own login."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if record is None or record.revoked_at is not None:
        return None
    user = session.get(User, record.user_id)
    if user is None or not user.active:
        return None
    record.last_used_at = now or utcnow()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user_named(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UnknownUser(f"no user {username!r}")
    return user
