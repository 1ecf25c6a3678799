"""Administration: audit log; settings (holidays, letter templates, numbering, users, tokens)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__)
