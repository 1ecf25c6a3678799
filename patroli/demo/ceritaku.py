"""ceritaku: an Instagram/TikTok-like social site whose posts exist only through JavaScript.

Pages are HTML shells; static/ceritaku.js fetches /api/... JSON and renders the posts, loading
the next page on infinite scroll. A removed post answers 410 from the API, and its permalink
shows "Postingan tidak tersedia"; a banned account answers 410 too.

Like the real ones, it shows a reader who is not logged in only the first page of a feed, then
"Masuk untuk melihat lebih banyak": the crawler needs a saved login state (PATROL_ACCOUNT) to
read a feed to its end.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, abort, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from patroli.demo.web import DemoState, json_response, make_app, shared_blueprint
from patroli.demo.world import DemoListing, World

PAGE_SIZE = 12
EPOCH = datetime(2026, 1, 5, 7, 0)  # fixed: posts are dated from the listing number
PATROL_ACCOUNT = ("patroli.bpom", "patroli-demo")  # the demo's account for officers
SESSION_COOKIE = "ceritaku_sesi"
_SESSION_KEY = b"ceritaku-demo"  # fixed: a saved login state stays valid across restarts


def create_ceritaku(world: World, state: DemoState) -> Flask:
    app = make_app("ceritaku")
    app.register_blueprint(shared_blueprint(world, state))
    posts = world.listings_on("ceritaku")
    by_post_id = {x.path.rsplit("/", 1)[1]: x for x in posts}
    accounts = {s.slug: s for s in world.sellers_on("ceritaku")}
    posts_of = defaultdict(list)
    for x in posts:
        posts_of[x.seller_id].append(x)
    # Newest first, as a feed shows them; the JSON of each post is built once.
    feed = sorted(posts, key=lambda x: x.id, reverse=True)
    as_json = {x.id: post_json(x, world) for x in posts}
    haystacks = [(x, f"{x.description}\n@{world.seller(x.seller_id).slug}".lower()) for x in feed]

    def page_of(items: list[DemoListing], path: str, extra: dict[str, str]) -> Response:
        offset = _decode_cursor(request.args.get("cursor", ""))
        if offset and reader() is None:
            wall = {"error": "login_required", "message": "Masuk untuk melihat lebih banyak"}
            return json_response(wall, 401)
        chunk = items[offset : offset + PAGE_SIZE]
        more = offset + PAGE_SIZE < len(items)
        cursor = _encode_cursor(offset + PAGE_SIZE) if more else None
        next_url = f"{path}?{urlencode(extra | {'cursor': cursor})}" if cursor else None
        body = {"posts": [as_json[x.id] for x in chunk], "next_cursor": cursor}
        return json_response(body | {"next_url": next_url})

    def reader() -> str | None:
        """The logged-in reader's name, from the session cookie, or None."""
        name, _, signature = request.cookies.get(SESSION_COOKIE, "").rpartition(".")
        return name if name and hmac.compare_digest(signature, _sign(name)) else None

    @app.context_processor
    def logged_in() -> dict[str, Any]:
        return {"reader": reader()}

    @app.get("/")
    def home() -> Response:
        return redirect("/explore", 302)

    @app.route("/masuk", methods=["GET", "POST"])
    def login() -> BaseResponse | str:
        failed = False
        if request.method == "POST":
            given = (request.form.get("username", ""), request.form.get("password", ""))
            if given == PATROL_ACCOUNT:
                response = redirect("/explore", 303)
                response.set_cookie(SESSION_COOKIE, f"{given[0]}.{_sign(given[0])}",
                                    httponly=True, samesite="Lax", max_age=30 * 86400)  # fmt: skip
                return response
            failed = True
        return render_template("ceritaku/login.html", failed=failed, title="Masuk")

    @app.get("/explore")
    def explore() -> str:
        q = request.args.get("q", "")
        return render_template("ceritaku/shell.html", page="explore", q=q, title="Jelajahi")

    @app.get("/@<handle>")
    def account(handle: str) -> str:
        return render_template("ceritaku/shell.html", page="account", handle=handle, title=handle)

    @app.get("/post/<post_id>")
    def post(post_id: str) -> str:
        return render_template("ceritaku/shell.html", page="post", post_id=post_id, title="Post")

    @app.get("/api/posts")
    def api_posts() -> Response:
        q = request.args.get("q", "")
        words = q.lower().split()
        hits = [x for x, text in haystacks if all(w in text for w in words) and state.is_live(x)]
        return page_of(hits, "/api/posts", {"q": q})

    @app.get("/api/posts/<post_id>")
    def api_post(post_id: str) -> Response:
        x = by_post_id.get(post_id)
        if x is None:
            return json_response(
                {"error": "not_found", "message": "Postingan tidak ditemukan"}, 404
            )
        if not state.is_live(x):
            gone = {"error": "post_unavailable", "message": "Postingan tidak tersedia"}
            return json_response(gone, 410)
        return json_response(as_json[x.id])

    @app.get("/api/accounts/<handle>")
    def api_account(handle: str) -> Response:
        seller = accounts.get(handle) or abort(404)
        if seller.id in state.banned:
            gone = {"error": "account_unavailable", "message": "Akun tidak tersedia"}
            return json_response(gone, 410)
        live = [x for x in posts_of[seller.id] if state.is_live(x)]
        return json_response(
            {
                "handle": seller.slug,
                "name": seller.shop_name,
                "bio": seller.bio,
                "location": seller.location,
                "url": seller.path,
                "posts_count": len(live),
            }
        )

    @app.get("/api/accounts/<handle>/posts")
    def api_account_posts(handle: str) -> Response:
        seller = accounts.get(handle) or abort(404)
        if seller.id in state.banned:
            gone = {"error": "account_unavailable", "message": "Akun tidak tersedia"}
            return json_response(gone, 410)
        live = [x for x in reversed(posts_of[seller.id]) if state.is_live(x)]
        return page_of(live, f"/api/accounts/{handle}/posts", {})

    @app.errorhandler(404)
    def missing(_: Exception) -> Response:
        if request.path.startswith("/api/"):
            return json_response({"error": "not_found", "message": "Tidak ditemukan"}, 404)
        return Response("Halaman tidak ditemukan", 404, content_type="text/plain; charset=utf-8")

    return app


def post_json(x: DemoListing, world: World) -> dict[str, Any]:
    seller = world.seller(x.seller_id)
    number = int(x.id[3:])
    post_id = x.path.rsplit("/", 1)[1]
    return {
        "id": post_id,
        "caption": x.description,
        "author": {"handle": seller.slug, "name": seller.shop_name, "url": seller.path},
        "permalink": x.path,
        "image": f"/img/{post_id}.svg",
        "posted_at": (EPOCH + timedelta(hours=7 * number)).isoformat() + "+07:00",
        "likes": (number * 53) % 2400,
        "comments": (number * 7) % 90,
    }


def _sign(name: str) -> str:
    return hmac.new(_SESSION_KEY, name.encode(), hashlib.sha256).hexdigest()[:32]


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return max(0, int(text.removeprefix("o:")))
    except ValueError:
        abort(400)
