"""The first JSON API (/api/*) moved under /api/v1 (DESIGN.md §3): for one release its paths
answer 308 Permanent Redirect to their v1 places, method, body and query kept, so a script
learns the new address. The v1 API wants a bearer token (the session cookie is not read
there), a cursor instead of `page`, and `has_violations=true|false` instead of `hits=1|0`.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request

bp = Blueprint("api", __name__, url_prefix="/api")
MOVED = {  # old path (under /api) -> new path (under /api/v1)
    "/listings": "/listings",
    "/listings/<int:listing_id>": "/listings/{listing_id}",
    "/summary": "/summary",
}


def _moved(new: str):
    def view(**values):
        query = request.query_string.decode()
        return redirect("/api/v1" + new.format(**values) + (f"?{query}" if query else ""), 308)

    return view


for _old, _new in MOVED.items():
    bp.add_url_rule(_old, f"moved{_old.split('<')[0].replace('/', '_')}", _moved(_new))
