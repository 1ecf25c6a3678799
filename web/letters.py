"""Letters (SOP steps 5-6): preview, files, mark sent, responses."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("letters", __name__)
