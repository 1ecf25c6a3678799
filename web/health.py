"""Health and readiness endpoints for the production server and its supervisor.

`/healthz` says the process answers (liveness: restart it if not); `/readyz` says it can do
its work: the database answers and its schema is the one this code expects (readiness: send
no traffic until it is). Neither needs a login, and neither tells anything about cases."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, current_app
from sqlalchemy.exc import SQLAlchemyError

from casebook import schema

bp = Blueprint("health", __name__)
NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}, 200, NO_STORE


@bp.get("/readyz")
def readyz():
    try:
        current = schema.current_revision(current_app.extensions["patroli.engine"])
    except SQLAlchemyError as error:  # the class only: a message may carry the server's address
        return _unready(f"database unreachable ({type(error).__name__})")
    head = _head_revision()
    if current != head:
        return _unready(f"database schema is {current or 'empty'}, expected {head}")
    return {"status": "ready", "schema": head}, 200, NO_STORE


def _unready(reason: str):
    return {"status": "unavailable", "reason": reason}, 503, NO_STORE


@cache
def _head_revision() -> str:
    """The migrations' head, read once: the code does not change under a running server."""
    return schema.head_revision()
