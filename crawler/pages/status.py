"""Is a known link still up? The verdict of a re-check: active, nonactive or unknown, and why.

`nonactive` needs positive evidence that the listing is gone (DESIGN.md §1): HTTP 404/410, the
site's own "not found" page as its profile describes it, a redirect to the home page where the
profile says that means removed, or a domain that no longer resolves. Everything else that
does not show the listing — a bot block, a captcha, a login wall, a server error, a timeout, a
page the profile cannot read — is `unknown`: a takedown must never be confirmed by a bot block."""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from crawler.dns import DomainNotFound
from crawler.profiles import Profile

GONE_STATUSES = (404, 410)
# Challenge pages of the common bot shields, and the words they show (any site, any profile).
CHALLENGE_SELECTORS = (
    ".g-recaptcha", ".h-captcha", "#challenge-form", "#challenge-stage", ".cf-turnstile",
    "iframe[src*=captcha]", "[id*=captcha]", "[class*=captcha]",
)  # fmt: skip
CHALLENGE_MARKERS = (
    "verify you are human", "are you a robot", "unusual traffic", "checking your browser",
    "bukan robot", "verifikasi keamanan", "verifikasi bahwa anda manusia",
)  # fmt: skip
# Where sites send a reader they want logged in.
LOGIN_PATH = re.compile(r"/(login|log-in|signin|sign-in|masuk|auth|account/login)(/|\.|$)", re.I)


class Verdict(NamedTuple):
    status: str  # active | nonactive | unknown
    reason: str


def link_status(response, profile: Profile | None) -> Verdict:
    """The verdict on an answered request (any HTTP status), read with the site's profile."""
    gone = profile.gone if profile else {}
    status = response.status
    if status in gone.get("status", GONE_STATUSES):
        return Verdict("nonactive", f"HTTP {status}")
    if status >= 400:
        # 401/403/429 are bot blocks or walls, 5xx a failing server: neither proves removal.
        return Verdict("unknown", f"HTTP {status}")
    if _login_redirect(response, profile):
        return Verdict("unknown", f"login wall: redirected to {response.url}")
    shown = _listing_shown(response, profile)
    if shown:
        # A seller could write "Produk tidak ditemukan" into a live listing to fool us.
        return Verdict("active", f"HTTP {status}, listing shown")
    blocked = _blocked(response, profile)
    if blocked:
        return Verdict("unknown", blocked)
    text = _text(response).casefold()
    for marker in gone.get("markers", ()):
        if marker.casefold() in text:
            return Verdict("nonactive", f"page says {marker!r}")
    if gone.get("home_redirect") and _redirected(response) and _is_home(response):
        return Verdict("nonactive", f"redirected to the home page ({response.url})")
    if shown is False:
        return Verdict("unknown", f"HTTP {status}, a page the {profile.name} profile cannot read")
    if _redirected(response) and _is_home(response):
        return Verdict("unknown", f"redirected to the home page ({response.url}); no profile "
                                  "says what that means here")  # fmt: skip
    return Verdict("active", f"HTTP {status}")


def failure_status(exception: BaseException, attempts: int, reason: str) -> Verdict:
    """The verdict on a request that got no answer. Only a domain that does not exist (NXDOMAIN),
    asked more than once, is evidence; a timeout or a refused connection proves nothing."""
    if _domain_not_found(exception):
        if attempts >= 2:
            return Verdict("nonactive", f"domain no longer resolves (NXDOMAIN, {attempts} tries)")
        return Verdict("unknown", "domain did not resolve, asked only once")
    return Verdict("unknown", reason)


def _domain_not_found(exception: BaseException | None) -> bool:
    seen = 0
    while exception is not None and seen < 10:  # Scrapy wraps DNS errors in its own
        if isinstance(exception, DomainNotFound):
            return True
        exception, seen = exception.__cause__ or exception.__context__, seen + 1
    return False


def _listing_shown(response, profile: Profile | None) -> bool | None:
    """Whether the profile's listing element is on the page; None when there is no profile
    or the response is not HTML."""
    selector = profile and (profile.product.get("page") or profile.post.get("page"))
    if not selector or not hasattr(response, "css"):
        return None
    return bool(response.css(selector))


def _blocked(response, profile: Profile | None) -> str | None:
    """Why the page is a wall in front of the listing (captcha, login), or None."""
    if not hasattr(response, "css"):
        return None
    blocked = profile.blocked if profile else {}
    wall = profile.login.get("wall") if profile else None
    if wall and response.css(wall):
        return "login wall"
    for selector in (*blocked.get("selectors", ()), *CHALLENGE_SELECTORS):
        if response.css(selector):
            return f"captcha or bot check ({selector})"
    text = _text(response).casefold()
    for marker in (*blocked.get("markers", ()), *CHALLENGE_MARKERS):
        if marker.casefold() in text:
            return f"captcha or bot check (page says {marker!r})"
    return None


def _redirected(response) -> bool:
    """Scrapy records the redirects it followed; a browser follows them itself and only the
    page's final address shows it."""
    request = response.request
    return bool(response.meta.get("redirect_urls")) or (
        request is not None and response.url != request.url
    )


def _login_redirect(response, profile: Profile | None) -> bool:
    if not _redirected(response):
        return False
    path = urlsplit(response.url).path
    login_url = profile.login.get("url", "") if profile else ""
    if login_url and path == urlsplit(login_url.format(base="")).path:
        return True
    return bool(LOGIN_PATH.search(path))


def _text(response) -> str:
    return response.text if hasattr(response, "text") else ""


def _is_home(response) -> bool:
    parts = urlsplit(response.url)
    return parts.path in ("", "/") and not parts.query
