"""Alerts on anomalous crawls: a plan's item count drops, errors climb, a site blocks (being
built)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("alerts", __name__)
