"""The `shop` spider against shops that speak only their platform's public product API:
Shopify `/products.json` and the WooCommerce Store API (fixture payloads, served over loopback)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from casebook.models import Listing

pytestmark = pytest.mark.slow
PAGES = Path(__file__).parents[1] / "fixtures" / "pages"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]
SHOPIFY = (PAGES / "shopify_products.json").read_bytes()
WOOCOMMERCE = (PAGES / "woocommerce_products.json").read_bytes()


def serve(routes: dict[str, tuple[bytes, dict[str, str]]]):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body, headers = routes.get(self.path, (None, {}))
            self.send_response(200 if body is not None else 404)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body if body is not None else b"not found")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize(
    "routes, expected",
    [
        (
            {
                "/products.json?limit=250&page=1": (SHOPIFY, {}),
                "/products.json?limit=250&page=2": (b'{"products": []}', {}),
            },
            {"/products/serum-pemutih-wajah-20ml", "/products/kopi-stamina-pria"},
        ),
        (
            {
                "/wp-json/wc/store/v1/products?per_page=100&page=1": (
                    WOOCOMMERCE, {"X-WP-TotalPages": "1"}
                ),
            },
            {"https://herbalnusantara.example/produk/obat-pelangsing-herbal/",
             "https://herbalnusantara.example/produk/madu-hutan/"},
        ),
    ],
    ids=["shopify", "woocommerce"],
)  # fmt: skip
def test_shop_api_discovery(tmp_path, new_casebook, routes, expected):
    patroli = new_casebook(tmp_path / "casebook")
    server = serve(routes)
    root = f"http://127.0.0.1:{server.server_port}"
    try:
        result = patroli.run("crawl", "run", "shop", "-a", f"url={root}/", *FAST)
    finally:
        server.shutdown()
        server.server_close()
    assert "shop: finished" in result.stdout
    with patroli.sessions()() as session:
        rows = session.scalars(select(Listing)).all()
        urls = {row.url.removeprefix(root) for row in rows}
        codes = {code for row in rows for code in (hit.code for hit in row.hits)}
    assert urls == expected
    assert "hazardous_ingredient" in codes  # hydroquinone / sibutramine said in the payloads
