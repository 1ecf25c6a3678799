"""REST API v1, the rest of the SOP: plans, runs, letters' responses, users, tokens, audit,
registry and warning imports, on the blueprint of web.api_v1."""

from __future__ import annotations
