"""Logging in: the credentials checked, guessing throttled, every try audited.

After too many failed tries for one user name, or from one client address, within the window,
further tries are refused until the window has moved past them, even with the right password:
a password guesser learns nothing more. Tries are kept in the database so that every web worker
sees the same count. Each try is audited (the name tried, the address, the time; never the
password); the login_attempts table only keeps what the window needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from casebook.models import User, utcnow
from casebook.models.people import LoginAttempt
from casebook.services import audit, users

FAILURES_PER_NAME = 5
# Higher than per name: an office's officers share one NAT address, and one officer's typos
# must not lock out the whole office.
FAILURES_PER_ADDRESS = 20
WINDOW = timedelta(minutes=15)
ANONYMOUS = "anonymous"  # the audit actor of a try that did not log in


@dataclass(frozen=True)
class Throttle:
    failures_per_name: int = FAILURES_PER_NAME
    failures_per_address: int = FAILURES_PER_ADDRESS
    window: timedelta = WINDOW


@dataclass(frozen=True)
class LoginResult:
    """The user when the credentials were right and the try allowed; else why not."""

    user: User | None
    retry_after: timedelta | None = None  # set when the try was refused unread

    @property
    def throttled(self) -> bool:
        return self.retry_after is not None


def log_in(
    session: Session,
    username: str,
    password: str,
    address: str,
    *,
    throttle: Throttle = Throttle(),
    now: datetime | None = None,
) -> LoginResult:
    """One try at logging in. The caller commits even a failed try: it is the record."""
    now = now or utcnow()
    username, address = username[:64], (address or "unknown")[:64]
    who = {"username": username, "address": address}
    wait = retry_after(session, username, address, throttle=throttle, now=now)
    if wait is not None:
        audit.record(session, ANONYMOUS, "auth.login_refused", f"login:{username}"[:200],
                     None, who | {"retry_after_s": int(wait.total_seconds())}, now=now)  # fmt: skip
        return LoginResult(None, wait)
    user = users.authenticate(session, username, password)
    session.add(LoginAttempt(at=now, username=username, address=address, succeeded=bool(user)))
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - throttle.window))
    if user is None:
        audit.record(session, ANONYMOUS, "auth.login_failed", f"login:{username}"[:200],
                     None, who, now=now)  # fmt: skip
    else:
        audit.record(session, user.username, "auth.login", f"user:{user.id}", None, who, now=now)
    return LoginResult(user)


def retry_after(
    session: Session,
    username: str,
    address: str,
    *,
    throttle: Throttle = Throttle(),
    now: datetime | None = None,
) -> timedelta | None:
    """How long tries for `username` or from `address` are refused; None if they are not."""
    now = now or utcnow()
    since = now - throttle.window
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.succeeded.is_(True)
        )
    )
    by_name = _oldest_counted(
        session, LoginAttempt.username == username,
        max(since, last_success) if last_success else since, throttle.failures_per_name,
    )  # fmt: skip
    by_address = _oldest_counted(
        session, LoginAttempt.address == address, since, throttle.failures_per_address
    )
    blocking = [at for at in (by_name, by_address) if at is not None]
    if not blocking:
        return None
    return max(blocking) + throttle.window - now


def _oldest_counted(session: Session, who, since: datetime, limit: int) -> datetime | None:
    """The time of the `limit`-th most recent failure since `since`: the tries stay refused
    until it leaves the window. None when there are fewer failures than that."""
    return session.scalar(
        select(LoginAttempt.at)
        .where(who, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc())
        .offset(limit - 1)
        .limit(1)
    )
