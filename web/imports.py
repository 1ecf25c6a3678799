"""Registry and public-warning import with a per-line error report."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("imports", __name__)
