"""REST API v1, alerts on anomalous crawls (being built)."""

from __future__ import annotations

from web.api_v1 import bp  # noqa: F401
