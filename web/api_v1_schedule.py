"""REST API v1, scheduled patrols: the scheduler's run history (being built)."""

from __future__ import annotations

from web.api_v1 import bp  # noqa: F401
