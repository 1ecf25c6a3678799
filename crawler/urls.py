"""URL hygiene: canonical listing URLs (tracking stripped) and refusing private network targets."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.dns import address_refusal

# Parameters that say who sent the visitor, not what the page is.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "igsh", "mc_cid", "mc_eid",
        "ref", "ref_src", "referrer", "source", "src", "spm", "trk", "si", "share_id",
        "extParam", "whid", "from", "af_id", "is_from_webapp", "sender_device", "_branch_match_id",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "_ga")


class BadURL(ValueError):
    """A URL Patroli cannot fetch; the message names it."""


def canonical_url(url: str) -> str:
    """One spelling per page: scheme and host lower-cased, default port, fragment and tracking
    parameters dropped, remaining parameters sorted."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadURL(f"not an http(s) URL: {url!r}")
    host = parts.hostname.lower()
    port = parts.port
    if port and (parts.scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
    )
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(query), ""))


def literal_address(host: str) -> str | None:
    """The IP address a host names without DNS: IPv6 literals, dotted quads, and the numeric
    spellings browsers and getaddrinfo read the same way (2130706433, 0x7f.1, 127.1)."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


def private_target(url: str) -> str | None:
    """Why a URL names a private, loopback or link-local target by itself (an address literal,
    `localhost`), or None. Names are checked where the connection resolves them
    (`crawler.dns`): checking here would resolve apart from the connection."""
    host = urlsplit(url).hostname
    if not host:
        return f"no host in {url!r}"
    host = host.rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):  # RFC 6761: never leaves the machine
        return f"{host} is a private/loopback/link-local address (localhost)"
    address = literal_address(host)
    why = address and address_refusal(address)
    return f"{host} is a private/loopback/link-local address ({why})" if why else None


def refusal(url: str) -> str | None:
    """Why the crawler must not fetch this URL before any connection is tried, or None."""
    try:
        return private_target(url)
    except ValueError as error:  # urlsplit on a broken IPv6 literal
        return f"bad URL {url!r}: {error}"
