"""Dashboard in the operational-center spirit: counts per SOP stage, trends, charts."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboard", __name__)
