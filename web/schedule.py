"""Scheduled patrols: the scheduler's run history and each plan's next firings (being built)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("schedule", __name__)
