"""Background jobs (re-checks, verifying a list, running a plan) and their progress."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("jobs", __name__)
