"""Prometheus-style metrics of crawls, queues and SLAs (being built)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("metrics", __name__)
