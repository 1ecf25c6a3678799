"""Takedown lists (SOP step 4): build, verify now, export."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("takedown", __name__)
