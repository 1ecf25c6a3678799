"""Users of the casebook, their roles, and the login attempts made in their names."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.models.base import Base

# Ordered from least to most privileged; a role may do everything the ones before it may.
ROLES = ("viewer", "analyst", "supervisor", "admin")


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
