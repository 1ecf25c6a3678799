"""pasarku: a Tokopedia-like marketplace - keyword search with pages, product and shop pages.

A removed product answers 200 with a "Produk tidak ditemukan" page (a soft 404), as big
marketplaces do; a banned shop's page says "Toko ini sedang tidak aktif".
"""

from __future__ import annotations

import math
from collections import defaultdict
from urllib.parse import urlencode

from flask import Flask, abort, render_template, request

from patroli.demo.traps import traps_blueprint
from patroli.demo.web import DemoState, make_app, rupiah, shared_blueprint
from patroli.demo.world import World

PAGE_SIZE = 20
CATEGORY_WORDS = ("jamu", "herbal", "obat", "vitamin", "krim", "serum", "kopi", "keripik", "sambal")


def create_pasarku(world: World, state: DemoState) -> Flask:
    app = make_app("pasarku")
    app.register_blueprint(shared_blueprint(world, state))
    app.register_blueprint(traps_blueprint())
    listings = world.listings_on("pasarku")
    by_path = {x.path: x for x in listings}
    shops = {s.id: s for s in world.sellers_on("pasarku")}
    shop_by_slug = {s.slug: s for s in shops.values()}
    products_of = defaultdict(list)
    for x in listings:
        products_of[x.seller_id].append(x)
    # Lower-cased text per listing, computed once: a search is then a few substring tests.
    haystacks = [(x, f"{x.title}\n{x.description}".lower()) for x in listings]
    app.jinja_env.globals.update(rupiah=rupiah, shops=shops)

    @app.get("/")
    def home() -> str:
        latest = [x for x in listings if state.is_live(x)][:PAGE_SIZE]
        return render_template("pasarku/home.html", latest=latest, categories=CATEGORY_WORDS)

    @app.get("/search")
    def search() -> str:
        q = request.args.get("q", "").strip()
        page = request.args.get("page", "1")
        page = max(1, int(page)) if page.isdigit() else 1
        words = q.lower().split()
        hits = [x for x, text in haystacks if all(w in text for w in words) and state.is_live(x)]
        pages = max(1, math.ceil(len(hits) / PAGE_SIZE))
        start = (page - 1) * PAGE_SIZE
        return render_template(
            "pasarku/search.html",
            q=q,
            page=page,
            pages=pages,
            total=len(hits),
            first=start + 1,
            last=min(start + PAGE_SIZE, len(hits)),
            results=hits[start : start + PAGE_SIZE],
            page_url=lambda n: "/search?" + urlencode({"q": q, "page": n}),
        )

    @app.get("/p/<shop>/<product>")
    def product(shop: str, product: str) -> str:
        x = by_path.get(f"/p/{shop}/{product}")
        if x is None or not state.is_live(x):
            return render_template("pasarku/not_found.html")
        sold = (int(x.id[3:]) * 37) % 900 + 5
        return render_template("pasarku/product.html", x=x, shop=shops[x.seller_id], sold=sold)

    @app.get("/toko/<slug>")
    def shop(slug: str) -> str:
        seller = shop_by_slug.get(slug) or abort(404)
        inactive = seller.id in state.banned
        products = [x for x in products_of[seller.id] if state.is_live(x)]
        return render_template(
            "pasarku/shop.html", shop=seller, products=products, inactive=inactive
        )

    @app.route("/cart", methods=["GET", "POST"])
    @app.route("/cart/<path:rest>", methods=["GET", "POST"])
    @app.route("/checkout", methods=["GET", "POST"])
    @app.route("/admin", methods=["GET", "POST"])
    def private(rest: str = "") -> str:
        return render_template("pasarku/page.html", heading="Masuk dulu", text="Silakan login.")

    return app
