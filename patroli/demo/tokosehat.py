"""tokosehat: a WooCommerce-style shop (Dokan vendors): JSON-LD, og: tags, sitemap, Store API.

A removed product, and every product of a banned vendor, answers a plain 404.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from flask import Flask, Response, render_template, request

from patroli.demo.web import DemoState, json_response, make_app, rupiah, shared_blueprint
from patroli.demo.world import DemoListing, World

SHOP_PAGE_SIZE = 24
CATEGORIES = {
    "obat": ("Obat", "obat"),
    "obat_tradisional": ("Jamu & Herbal", "jamu-herbal"),
    "suplemen_kesehatan": ("Suplemen & Vitamin", "suplemen"),
    "kosmetik": ("Kosmetik", "kosmetik"),
    "pangan_olahan": ("Makanan & Minuman", "makanan-minuman"),
    "pangan_irt": ("Camilan Rumahan", "camilan-rumahan"),
    "obat_kuasi": ("Balsem & Minyak Angin", "balsem"),
}
LASTMOD = "2026-02-20"  # fixed: the demo has no clock


def wc_id(x: DemoListing) -> int:
    return 1000 + int(x.id[3:])


def create_tokosehat(world: World, state: DemoState) -> Flask:
    app = make_app("tokosehat")
    app.register_blueprint(shared_blueprint(world, state, sitemap=True))
    listings = world.listings_on("tokosehat")
    by_slug = {x.path.strip("/").split("/")[1]: x for x in listings}
    by_wc_id = {wc_id(x): x for x in listings}
    vendors = {s.id: s for s in world.sellers_on("tokosehat")}
    vendor_by_slug = {s.slug: s for s in vendors.values()}
    app.jinja_env.globals.update(rupiah=rupiah)

    def live() -> list[DemoListing]:
        return [x for x in listings if state.is_live(x)]

    def not_found() -> tuple[str, int]:
        return render_template("tokosehat/not_found.html"), 404

    @app.get("/")
    @app.get("/shop/")
    @app.get("/shop/page/<int:page>/")
    def shop(page: int = 1) -> str | tuple[str, int]:
        products = live()
        pages = max(1, math.ceil(len(products) / SHOP_PAGE_SIZE))
        if page > pages:
            return not_found()
        start = (page - 1) * SHOP_PAGE_SIZE
        return render_template(
            "tokosehat/shop.html",
            products=products[start : start + SHOP_PAGE_SIZE],
            total=len(products),
            page=page,
            pages=pages,
        )

    @app.get("/produk/<slug>/")
    def product(slug: str) -> str | tuple[str, int]:
        x = by_slug.get(slug)
        if x is None or not state.is_live(x):
            return not_found()
        base = request.host_url.rstrip("/")
        vendor = vendors[x.seller_id]
        url, image = base + x.path, f"{base}/img/{x.id}.svg"
        return render_template(
            "tokosehat/product.html",
            x=x,
            url=url,
            image=image,
            vendor=vendor,
            wc_id=wc_id(x),
            category=CATEGORIES[x.category],
            short=x.description.split("\n", 1)[0],
            og_description=" ".join(x.description.split())[:300],
            ld=product_ld(x, url, image, vendor.shop_name, base + vendor.path),
            breadcrumbs=breadcrumbs(x, base),
        )

    @app.get("/store/<slug>/")
    def store(slug: str) -> str | tuple[str, int]:
        vendor = vendor_by_slug.get(slug)
        if vendor is None or vendor.id in state.banned:
            return not_found()
        products = [x for x in live() if x.seller_id == vendor.id]
        return render_template("tokosehat/store.html", vendor=vendor, products=products)

    @app.get("/sitemap.xml")
    def sitemap() -> Response:
        base = request.host_url.rstrip("/")
        urls = "".join(
            f"<url><loc>{xml_escape(base + x.path)}</loc><lastmod>{LASTMOD}</lastmod></url>\n"
            for x in live()
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n"
        )
        return Response(body, content_type="application/xml; charset=utf-8")

    @app.get("/wp-json/wc/store/v1/products")
    def api_products() -> Response:
        page = _int_arg("page", 1, 1, 10**6)
        per_page = _int_arg("per_page", 10, 1, 100)
        search = request.args.get("search", "").lower()
        products = [x for x in live() if search in f"{x.title}\n{x.description}".lower()]
        pages = max(1, math.ceil(len(products) / per_page))
        start = (page - 1) * per_page
        base = request.host_url.rstrip("/")
        body = [store_api_product(x, base) for x in products[start : start + per_page]]
        headers = {"X-WP-Total": str(len(products)), "X-WP-TotalPages": str(pages)}
        if page < pages:
            nxt = f"{base}/wp-json/wc/store/v1/products?page={page + 1}&per_page={per_page}"
            headers["Link"] = f'<{nxt}>; rel="next"'
        return json_response(body, headers=headers)

    @app.get("/wp-json/wc/store/v1/products/<int:product_id>")
    def api_product(product_id: int) -> Response:
        x = by_wc_id.get(product_id)
        if x is None or not state.is_live(x):
            error = {"code": "woocommerce_rest_product_invalid_id", "message": "ID tidak valid."}
            return json_response(error | {"data": {"status": 404}}, 404)
        return json_response(store_api_product(x, request.host_url.rstrip("/")))

    @app.route("/cart/", methods=["GET", "POST"])
    @app.route("/checkout/", methods=["GET", "POST"])
    @app.route("/wp-admin/", methods=["GET", "POST"])
    def private() -> tuple[str, int]:
        return not_found()

    return app


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name, "")
    return min(max(int(value), low), high) if value.isdigit() else default


def product_ld(x: DemoListing, url: str, image: str, seller: str, seller_url: str) -> dict:
    """schema.org Product as WooCommerce's structured-data module writes it."""
    ld: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Product",
        "@id": url + "#product",
        "name": x.title,
        "url": url,
        "description": x.description,
        "image": image,
        "sku": x.sku,
        "category": CATEGORIES[x.category][0],
        "offers": [
            {
                "@type": "Offer",
                "price": str(x.price),
                "priceCurrency": "IDR",
                "priceValidUntil": "2026-12-31",
                "availability": "https://schema.org/InStock",
                "url": url,
                "seller": {"@type": "Organization", "name": seller, "url": seller_url},
            }
        ],
    }
    if x.brand:
        ld["brand"] = {"@type": "Brand", "name": x.brand}
    return ld


def breadcrumbs(x: DemoListing, base: str) -> dict:
    name, slug = CATEGORIES[x.category]
    items = [("Beranda", base + "/"), (name, f"{base}/kategori-produk/{slug}/"), (x.title, "")]
    return {
        "@context": "https://schema.org/",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "item": {"name": item, "@id": link or None}}
            for n, (item, link) in enumerate(items, 1)
        ],
    }


def store_api_product(x: DemoListing, base: str) -> dict[str, Any]:
    """One product in the WooCommerce Store API (wc/store/v1) shape; HTML fields are escaped."""
    name, slug = CATEGORIES[x.category]
    price = str(x.price)
    image = f"{base}/img/{x.id}.svg"
    lines = x.description.split("\n")
    return {
        "id": wc_id(x),
        "name": escape(x.title, quote=False),
        "slug": x.path.strip("/").split("/")[1],
        "parent": 0,
        "type": "simple",
        "variation": "",
        "permalink": base + x.path,
        "sku": x.sku,
        "short_description": f"<p>{escape(lines[0])}</p>",
        "description": "<p>" + "<br />\n".join(escape(line) for line in lines) + "</p>",
        "on_sale": False,
        "prices": {
            "price": price,
            "regular_price": price,
            "sale_price": price,
            "price_range": None,
            "currency_code": "IDR",
            "currency_symbol": "Rp",
            "currency_minor_unit": 0,
            "currency_decimal_separator": ",",
            "currency_thousand_separator": ".",
            "currency_prefix": "Rp",
            "currency_suffix": "",
        },
        "price_html": f'<span class="woocommerce-Price-amount amount">{rupiah(x.price)}</span>',
        "average_rating": "0",
        "review_count": 0,
        "images": [
            {
                "id": wc_id(x) + 50_000,
                "src": image,
                "thumbnail": image,
                "srcset": "",
                "sizes": "",
                "name": f"{x.id}.svg",
                "alt": "",
            }
        ],
        "categories": [
            {
                "id": list(CATEGORIES).index(x.category) + 15,
                "name": name,
                "slug": slug,
                "link": f"{base}/kategori-produk/{slug}/",
            }
        ],
        "tags": [],
        "brands": [{"id": 0, "name": x.brand, "slug": _slug(x.brand)}] if x.brand else [],
        "attributes": [],
        "variations": [],
        "has_options": False,
        "is_purchasable": True,
        "is_in_stock": True,
        "is_on_backorder": False,
        "low_stock_remaining": None,
        "sold_individually": False,
        "add_to_cart": {
            "text": "Tambah ke keranjang",
            "description": "",
            "url": f"?add-to-cart={wc_id(x)}",
            "minimum": 1,
            "maximum": 9999,
            "multiple_of": 1,
        },
        "extensions": {},
    }


def _slug(text: str) -> str:
    return "-".join(text.lower().split())
