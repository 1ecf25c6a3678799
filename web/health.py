"""Health and readiness endpoints for the production server and its supervisor."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("health", __name__)
