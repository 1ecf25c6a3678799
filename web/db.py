"""Request-scoped access to the casebook session factory."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session


def db_session() -> Session:
    """A new session; use as `with db_session() as session, session.begin(): ...`."""
    return current_app.extensions["patroli.sessions"]()
