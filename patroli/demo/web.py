"""What the three demo platforms share: take-down state, admin switch, robots.txt, images."""

from __future__ import annotations

import json
import threading
import zlib
from html import escape
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, request

from patroli.demo.world import DemoListing, World

HERE = Path(__file__).parent
ROBOTS = """User-agent: *
Disallow: /cart
Disallow: /checkout
Disallow: /admin
Disallow: /_demo/
Allow: /
"""


class DemoState:
    """Which listings are taken down and which sellers banned; shared by the three apps."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.taken_down: set[str] = set()
        self.banned: set[str] = set()

    def take_down(self, listing_id: str) -> None:
        with self._lock:
            self.taken_down.add(listing_id)

    def restore(self, listing_id: str) -> None:
        with self._lock:
            self.taken_down.discard(listing_id)

    def ban(self, seller_id: str) -> None:
        with self._lock:
            self.banned.add(seller_id)

    def unban(self, seller_id: str) -> None:
        with self._lock:
            self.banned.discard(seller_id)

    def is_live(self, listing: DemoListing) -> bool:
        # Set membership reads need no lock: a request sees the state before or after a toggle.
        return listing.id not in self.taken_down and listing.seller_id not in self.banned


def make_app(name: str) -> Flask:
    app = Flask(
        f"patroli.demo.{name}",
        root_path=str(HERE),
        template_folder="templates",
        static_folder="static",
    )

    @app.after_request
    def revalidate(response: Response) -> Response:
        # Take-downs flip answers at any moment: browsers and crawlers must ask again.
        response.headers.setdefault("Cache-Control", "no-cache")
        return response

    return app


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status, headers, content_type="application/json; charset=utf-8")


def text_response(body: str, content_type: str = "text/plain; charset=utf-8") -> Response:
    return Response(body, 200, content_type=content_type)


def shared_blueprint(world: World, state: DemoState, *, sitemap: bool = False) -> Blueprint:
    """robots.txt, placeholder images, and the /_demo/ switch another process can flip."""
    bp = Blueprint("shared", __name__)
    listing_ids = {x.id for x in world.listings}
    seller_ids = {s.id for s in world.sellers}

    @bp.get("/robots.txt")
    def robots() -> Response:
        extra = f"\nSitemap: {request.host_url}sitemap.xml\n" if sitemap else ""
        return text_response(ROBOTS + extra)

    @bp.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status=204)

    @bp.get("/img/<key>.svg")
    def image(key: str) -> Response:
        return Response(placeholder_svg(key), 200, content_type="image/svg+xml; charset=utf-8")

    @bp.post("/_demo/takedown/<listing_id>")
    def take_down(listing_id: str) -> Response:
        if listing_id not in listing_ids:
            abort(404)
        state.take_down(listing_id)
        return json_response({"listing": listing_id, "live": False})

    @bp.post("/_demo/restore/<listing_id>")
    def restore(listing_id: str) -> Response:
        if listing_id not in listing_ids:
            abort(404)
        state.restore(listing_id)
        return json_response({"listing": listing_id, "live": True})

    @bp.post("/_demo/ban/<seller_id>")
    def ban(seller_id: str) -> Response:
        if seller_id not in seller_ids:
            abort(404)
        state.ban(seller_id)
        return json_response({"seller": seller_id, "active": False})

    @bp.post("/_demo/unban/<seller_id>")
    def unban(seller_id: str) -> Response:
        if seller_id not in seller_ids:
            abort(404)
        state.unban(seller_id)
        return json_response({"seller": seller_id, "active": True})

    @bp.get("/_demo/state")
    def show_state() -> Response:
        return json_response(
            {"taken_down": sorted(state.taken_down), "banned": sorted(state.banned)}
        )

    return bp


PALETTE = ("#2e7d32", "#00838f", "#6a1b9a", "#c62828", "#ef6c00", "#283593", "#4e342e")


def placeholder_svg(key: str) -> str:
    """A small square picture, its colour and label stable per key."""
    colour = PALETTE[zlib.crc32(key.encode()) % len(PALETTE)]
    label = escape(key[:14])
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300" viewBox="0 0 300 300">'
        f'<rect width="300" height="300" fill="{colour}"/>'
        '<rect x="60" y="70" width="180" height="160" rx="18" fill="#fff" opacity="0.85"/>'
        f'<text x="150" y="160" font-family="sans-serif" font-size="22" text-anchor="middle" '
        f'fill="{colour}">{label}</text></svg>'
    )


def rupiah(amount: int | None) -> str:
    return "" if amount is None else "Rp" + f"{amount:,}".replace(",", ".")
