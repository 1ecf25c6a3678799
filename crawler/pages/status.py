"""Is a known link still up? The verdict of a re-check, from the response and the profile."""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.profiles import Profile

GONE_STATUSES = (404, 410)


def link_status(response, profile: Profile | None) -> tuple[str, str] | None:
    """('active'|'nonactive', reason), or None when the response proves nothing either way
    (a server error: try again later rather than call a live link dead)."""
    gone = profile.gone if profile else {}
    if response.status in gone.get("status", GONE_STATUSES):
        return "nonactive", f"HTTP {response.status}"
    if response.status >= 500:
        return None
    if response.status >= 400:
        return "nonactive", f"HTTP {response.status}"
    redirected_from = response.meta.get("redirect_urls") or []
    if gone.get("home_redirect", True) and redirected_from and _is_home(response.url):
        return "nonactive", f"redirected to the home page ({response.url})"
    shown = _listing_shown(response, profile)
    if shown:
        # A seller could write "Produk tidak ditemukan" into a live listing to fool us.
        return "active", f"HTTP {response.status}, listing shown"
    text = response.text.casefold() if hasattr(response, "text") else ""
    for marker in gone.get("markers", ()):
        if marker.casefold() in text:
            return "nonactive", f"page says {marker!r}"
    if shown is False:
        return "nonactive", "the page no longer shows the listing"
    return "active", f"HTTP {response.status}"


def _listing_shown(response, profile: Profile | None) -> bool | None:
    """Whether the profile's listing element is on the page; None when there is no profile
    or the response is not HTML."""
    selector = profile and (profile.product.get("page") or profile.post.get("page"))
    if not selector or not hasattr(response, "css"):
        return None
    return bool(response.css(selector))


def _is_home(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query
