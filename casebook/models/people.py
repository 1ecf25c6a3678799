"""Users of the casebook, their roles, their API tokens, and the login attempts in their names."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.models.base import Base

# Ordered from least to most privileged; a role may do everything the ones before it may.
# viewer reads; reviewer (Dit. Was, Dit. Intelijen) also answers the referrals sent to it;
# upt_officer does an analyst's work for its own unit; analyst (Dit. Siber) for every unit.
# Unit and classification limits come on top of the order (the web layer applies them).
ROLES = ("viewer", "reviewer", "upt_officer", "analyst", "admin")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


class LoginAttempt(Base):
    """One try at the login form, kept for the throttling window (services.logins); the
    lasting record of each try is the audit trail."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    username: Mapped[str] = mapped_column(String(64))  # as typed: it need not be a user
    address: Mapped[str] = mapped_column(String(64))  # the client's IP address
    succeeded: Mapped[bool]


class ApiToken(Base):
    """A bearer token for the REST API, acting as its user. Only the token's SHA-256 is kept:
    the token itself is shown once, when it is made."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")  # what the token is for
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
