"""REST API v1, work that runs in the background: verifying a takedown list, re-checking
listings, and the jobs that carry them, on the blueprint of web.api_v1."""

from __future__ import annotations
