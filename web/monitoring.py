"""Monitoring and evaluation (SOP step 8): figures and re-proposals."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("monitoring", __name__)
