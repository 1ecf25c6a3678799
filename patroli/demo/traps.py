"""Trap URLs on pasarku for crawler robustness tests; no normal page links to them."""

from __future__ import annotations

import time
from collections.abc import Iterator

from flask import Blueprint, Response, redirect, request

TRAPS = {
    "/_trap/loop/a": "redirect loop: a -> b -> a ...",
    "/_trap/removed": "302 to the home page, as marketplaces answer for removed items",
    "/_trap/huge?mb=21": "a streamed ~21 MB HTML page (Content-Length sent; &chunked=1 omits it)",
    "/_trap/slow?s=5": "sleeps s seconds (at most 120) before answering",
    "/_trap/broken": "broken HTML: unclosed and misnested tags, stray end tags, cut short",
    "/_trap/latin1": "windows-1252 bytes while the header claims UTF-8",
    "/_trap/meta-charset": "windows-1252 bytes, charset only in a <meta> tag",
    "/_trap/error": "HTTP 500",
}
HUGE_HEAD = b"<!doctype html><html><head><title>Besar</title></head><body>\n"
HUGE_TAIL = b"</body></html>\n"
HUGE_CHUNK = (
    "<p class=filler>" + "Isi halaman sangat besar untuk menguji batas unduhan. " * 18 + "</p>\n"
).encode()
CP1252_PAGE = """<!doctype html>
<html><head>{meta}<title>Krim Pemutih \u2013 Caf\u00e9 Glow</title></head>
<body><h1 class="product-title">Krim Malam \u201cCaf\u00e9 Glow\u201d \u2013 Beaut\u00e9</h1>
<div class="product-price">Rp45.000</div>
<div class="product-description">Harga spesial \u2022 kirim cepat \u2026 original\u2122<br>
Tanpa merkuri \u00b7 cr\u00e8me fra\u00eeche \u20ac</div></body></html>
"""


def traps_blueprint() -> Blueprint:
    bp = Blueprint("traps", __name__, url_prefix="/_trap")

    @bp.get("/")
    def index() -> Response:
        items = "".join(f'<li><a href="{url}">{url}</a> {what}</li>' for url, what in TRAPS.items())
        return Response(f"<!doctype html><ul>{items}</ul>", content_type="text/html; charset=utf-8")

    @bp.get("/loop/a")
    def loop_a() -> Response:
        return redirect("/_trap/loop/b", 302)

    @bp.get("/loop/b")
    def loop_b() -> Response:
        return redirect("/_trap/loop/a", 302)

    @bp.get("/removed")
    def removed() -> Response:
        return redirect("/", 302)

    @bp.get("/huge")
    def huge() -> Response:
        size = int(request.args.get("mb", "21")) * 1024 * 1024
        count = size // len(HUGE_CHUNK) + 1

        def body() -> Iterator[bytes]:
            yield HUGE_HEAD
            for _ in range(count):
                yield HUGE_CHUNK
            yield HUGE_TAIL

        response = Response(body(), content_type="text/html; charset=utf-8")
        if not request.args.get("chunked"):
            response.content_length = len(HUGE_HEAD) + count * len(HUGE_CHUNK) + len(HUGE_TAIL)
        return response

    @bp.get("/slow")
    def slow() -> Response:
        seconds = min(float(request.args.get("s", "5")), 120.0)
        time.sleep(seconds)
        return Response(
            f"<!doctype html><title>Lambat</title><p>Dijawab setelah {seconds:g} detik.</p>",
            content_type="text/html; charset=utf-8",
        )

    @bp.get("/broken")
    def broken() -> Response:
        body = (
            "<!doctype html><html><head><title>Rusak</title><body><div class=product-page>"
            "<h1 class=product-title>Jamu Rusak <b>Tag <i>Bersilang</b></i></h1>"
            "<div class=product-price>Rp12.000</span></div>"
            "<div class=product-description>Baris pertama<br>Baris kedua <p>tanpa penutup"
            "<table><tr><td>sel<td>sel dua</table></tr></div></div></div>"
            '<a href="/p/tidak-ada/produk>tautan rusak</a><img src="x" alt="'
        )
        return Response(body, content_type="text/html; charset=utf-8")

    @bp.get("/latin1")
    def latin1() -> Response:
        body = CP1252_PAGE.format(meta="").encode("cp1252")
        return Response(body, content_type="text/html; charset=utf-8")

    @bp.get("/meta-charset")
    def meta_charset() -> Response:
        body = CP1252_PAGE.format(meta='<meta charset="windows-1252">').encode("cp1252")
        return Response(body, content_type="text/html")

    @bp.get("/error")
    def error() -> Response:
        return Response(
            "<!doctype html><title>500</title><h1>Terjadi kesalahan server</h1>",
            500,
            content_type="text/html; charset=utf-8",
        )

    return bp
