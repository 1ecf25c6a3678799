"""Re-check verdicts: active or nonactive, and why."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.pages.status import link_status
from crawler.profiles import load_profile

PASARKU = load_profile("pasarku")
PRODUCT = b'<article class="product-page"><h1 class="product-title">Jamu</h1></article>'
GONE = b'<div class="not-found"><h1>Produk tidak ditemukan</h1></div>'


def response(status=200, body=PRODUCT, url="http://127.0.0.1:8801/p/a/b", redirects=()):
    request = Request("http://127.0.0.1:8801/p/a/b", meta={"redirect_urls": list(redirects)})
    return HtmlResponse(url, status=status, body=body, request=request, encoding="utf-8")


@pytest.mark.parametrize(
    "resp, verdict",
    [
        (response(), ("active", "HTTP 200, listing shown")),
        (response(404, b"nope"), ("nonactive", "HTTP 404")),
        (response(410, b"gone"), ("nonactive", "HTTP 410")),
        (response(body=GONE), ("nonactive", "page says 'Produk tidak ditemukan'")),
        (response(url="http://127.0.0.1:8801/", body=b"<h1>Beranda</h1>",
                  redirects=["http://127.0.0.1:8801/p/a/b"]),
         ("nonactive", "redirected to the home page (http://127.0.0.1:8801/)")),
        (response(body=b"<h1>Halaman lain</h1>"),
         ("nonactive", "the page no longer shows the listing")),
        # a seller who writes the marker into a live listing does not fool the check
        (response(body=PRODUCT + b"<p>Produk tidak ditemukan di toko lain</p>"),
         ("active", "HTTP 200, listing shown")),
        (response(503, b"busy"), None),
    ],
)  # fmt: skip
def test_link_status(resp, verdict):
    assert link_status(resp, PASARKU) == verdict


def test_without_a_profile_only_http_decides():
    assert link_status(response(body=b"anything"), None) == ("active", "HTTP 200")
    assert link_status(response(404), None) == ("nonactive", "HTTP 404")
