"""Register Informasi (SOP step 3): entries an analyst decided."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("register", __name__)
