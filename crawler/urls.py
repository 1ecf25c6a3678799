"""URL hygiene: canonical listing URLs (tracking stripped) and refusing private network targets."""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


@lru_cache(maxsize=4096)
def resolve(host: str) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise BadURL(f"cannot resolve {host}: {error.strerror}") from None
    return tuple(sorted({info[4][0] for info in infos}))


def private_target(url: str) -> str | None:
    """Why a URL points into a private, loopback or link-local network, or None if it does not."""
    host = urlsplit(url).hostname
    if not host:
        return f"no host in {url!r}"
    try:
        addresses: tuple[str, ...] = (str(ipaddress.ip_address(host)),)
    except ValueError:
        addresses = resolve(host)
    for address in addresses:
        if not is_public_address(address):
            return f"{host} is a private/loopback/link-local address ({address})"
    return None


def refusal(url: str) -> str | None:
    """Why the crawler must not fetch this URL (private target, unresolvable host), or None."""
    try:
        return private_target(url)
    except BadURL as error:
        return str(error)
