"""Patrol plans (SOP step 1) and the crawl runs they produced."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("plans", __name__)
