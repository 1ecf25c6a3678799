"""Re-check verdicts: active, nonactive or unknown, and why. Only positive evidence of removal
makes a link nonactive; a bot block, a wall or a page the profile cannot read is unknown."""

from __future__ import annotations

import pytest
from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError
from scrapy.http import HtmlResponse, Request, TextResponse
from twisted.internet.error import ConnectionRefusedError, DNSLookupError

from crawler.dns import AddressRefused, DomainNotFound
from crawler.pages.status import failure_status, link_status
from crawler.profiles import load_profile

PASARKU = load_profile("pasarku")
CERITAKU = load_profile("ceritaku")
ASKED = "http://127.0.0.1:8801/p/a/b"
PRODUCT = b'<article class="product-page"><h1 class="product-title">Jamu</h1></article>'
CERITAKU_POST = "http://127.0.0.3:8803/p/x"
GONE = b'<div class="not-found"><h1>Produk tidak ditemukan</h1></div>'


def response(status=200, body=PRODUCT, url=ASKED, redirects=(), cls=HtmlResponse):
    request = Request(ASKED, meta={"redirect_urls": list(redirects)} if redirects else {})
    return cls(url, status=status, body=body, request=request, encoding="utf-8")


@pytest.mark.parametrize(
    "resp, verdict",
    [
        (response(), ("active", "HTTP 200, listing shown")),
        # positive evidence of removal
        (response(404, b"nope"), ("nonactive", "HTTP 404")),
        (response(410, b"gone"), ("nonactive", "HTTP 410")),
        (response(body=GONE), ("nonactive", "page says 'Produk tidak ditemukan'")),
        (response(body=b"<p>Maaf, Produk ini tidak tersedia.</p>"),
         ("nonactive", "page says 'Produk ini tidak tersedia'")),
        (response(url="http://127.0.0.1:8801/", body=b"<h1>Beranda</h1>", redirects=[ASKED]),
         ("nonactive", "redirected to the home page (http://127.0.0.1:8801/)")),
        # a seller who writes the marker into a live listing does not fool the check
        (response(body=PRODUCT + b"<p>Produk tidak ditemukan di toko lain</p>"),
         ("active", "HTTP 200, listing shown")),
        # bot blocks, walls and server errors prove nothing
        (response(401, b"login"), ("unknown", "HTTP 401")),
        (response(403, GONE), ("unknown", "HTTP 403")),
        (response(429, b"slow down"), ("unknown", "HTTP 429")),
        (response(503, b"busy"), ("unknown", "HTTP 503")),
        (response(500, GONE), ("unknown", "HTTP 500")),
        (response(body=b'<form><div class="g-recaptcha"></div></form>' + GONE),
         ("unknown", "captcha or bot check (.g-recaptcha)")),
        (response(body=b"<p>Kami mendeteksi aktivitas tidak biasa dari jaringanmu</p>"),
         ("unknown", "captcha or bot check (page says 'Kami mendeteksi aktivitas tidak biasa')")),
        (response(url="http://127.0.0.1:8801/login?next=/p/a/b", body=b"<form></form>",
                  redirects=[ASKED]),
         ("unknown", "login wall: redirected to http://127.0.0.1:8801/login?next=/p/a/b")),
        (response(body=b"<h1>Halaman lain</h1>"),
         ("unknown", "HTTP 200, a page the pasarku profile cannot read")),
        (response(body=b"", cls=TextResponse),
         ("unknown", "HTTP 200, a page the pasarku profile cannot read")),
    ],
)  # fmt: skip
def test_link_status(resp, verdict):
    assert link_status(resp, PASARKU) == verdict


@pytest.mark.parametrize(
    "final, body, verdict",
    [
        ("http://127.0.0.3:8803/", b"<h1>Beranda</h1>",
         ("nonactive", "redirected to the home page (http://127.0.0.3:8803/)")),
        ("http://127.0.0.3:8803/masuk?next=/p/x", b"<form></form>",
         ("unknown", "login wall: redirected to http://127.0.0.3:8803/masuk?next=/p/x")),
        # not redirected: the post itself
        ("http://127.0.0.3:8803/p/x", b'<article class="post">Jamu</article>',
         ("active", "HTTP 200, listing shown")),
    ],
)  # fmt: skip
def test_a_browser_follows_redirects_itself(final, body, verdict):
    """A rendered page keeps the request it was asked with and shows only where it ended up."""
    resp = HtmlResponse(final, body=body, encoding="utf-8", request=Request(CERITAKU_POST))
    assert link_status(resp, CERITAKU) == verdict


def test_a_social_login_wall_is_unknown():
    page = b'<main><div class="login-wall">Masuk untuk melihat lebih banyak</div></main>'
    url = "http://127.0.0.3:8803/p/x"
    resp = HtmlResponse(url, body=page, encoding="utf-8", request=Request(url))
    assert link_status(resp, CERITAKU) == ("unknown", "login wall")


@pytest.mark.parametrize(
    "resp, verdict",
    [
        (response(body=b"anything"), ("active", "HTTP 200")),
        (response(404), ("nonactive", "HTTP 404")),
        (response(403), ("unknown", "HTTP 403")),
        # without a profile nobody says what a redirect home means, nor a "not found" text
        (response(url="http://127.0.0.1:8801/", body=b"<h1>Home</h1>", redirects=[ASKED]),
         ("unknown", "redirected to the home page (http://127.0.0.1:8801/); no profile says "
                     "what that means here")),
        (response(body=b"<title>Attention Required</title><p>Checking your browser</p>"),
         ("unknown", "captcha or bot check (page says 'checking your browser')")),
    ],
)  # fmt: skip
def test_without_a_profile(resp, verdict):
    assert link_status(resp, None) == verdict


def wrapped(error: Exception) -> CannotResolveHostError:
    """As Scrapy's HTTP handler raises it: its own exception, caused by Twisted's."""
    try:
        raise CannotResolveHostError(str(error)) from error
    except CannotResolveHostError as outer:
        return outer


@pytest.mark.parametrize(
    "error, attempts, verdict",
    [
        (wrapped(DomainNotFound("toko.invalid")), 3,
         ("nonactive", "domain no longer resolves (NXDOMAIN, 3 tries)")),
        (DomainNotFound("toko.invalid"), 2,
         ("nonactive", "domain no longer resolves (NXDOMAIN, 2 tries)")),
        (wrapped(DomainNotFound("toko.invalid")), 1,
         ("unknown", "domain did not resolve, asked only once")),
        # a resolver that failed for now is not a domain that is gone
        (wrapped(DNSLookupError("temporary failure")), 3, ("unknown", "why")),
        (DownloadTimeoutError("took longer than 2.0 seconds"), 3, ("unknown", "why")),
        (ConnectionRefusedError(), 3, ("unknown", "why")),
        # an address the crawler may not connect to says nothing about the link
        (AddressRefused("toko.example resolves to 10.0.0.8"), 3, ("unknown", "why")),
    ],
)  # fmt: skip
def test_failure_status(error, attempts, verdict):
    assert failure_status(error, attempts, "why") == verdict
