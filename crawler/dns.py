"""Name resolution the crawler connects through: each connection goes to the very addresses
that were checked, and a failed look-up says whether the domain is gone or DNS hiccuped.

Resolving a name once to check it and again to connect lets a hostile DNS server answer a
public address to the check and 127.0.0.1 to the connection (DNS rebinding). `CheckedResolver`
is installed on the reactor (`TWISTED_DNS_RESOLVER`), so every Twisted connection asks it and
connects only to what it handed over; nothing is cached here, so no verdict outlives the answer
it was made on.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Sequence

from scrapy.exceptions import IgnoreRequest
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IHostnameResolver, IHostResolution
from twisted.internet.threads import deferToThreadPool
from zope.interface import implementer

logger = logging.getLogger(__name__)

GetAddrInfo = Callable[..., Sequence[tuple]]

# getaddrinfo's answers that mean "this name has no address", as opposed to "ask again later".
_GONE = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: someone's inside network
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d, ::1 and :: among them
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # a NAT64 gateway connects to the embedded IPv4


class DomainNotFound(DNSLookupError):
    """The name does not exist (NXDOMAIN) or has no address: positive evidence a site is gone."""


class AddressRefused(IgnoreRequest):
    """The name resolves to an address the crawler must not connect to (server-side request
    forgery). Not a DNS failure: a re-check seeing it says nothing about the link."""


def address_refusal(address: str) -> str | None:
    """Why the crawler must not connect to this IP address, or None for a public one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            why = address_refusal(str(embedded))
            return f"{address} carries {why}" if why else None
    if ip.is_global and not ip.is_multicast and ip not in _IPV4_COMPATIBLE:
        return None
    kind = _kind(ip)
    return f"{address} is {'an' if kind[0].lower() in 'aeiou' else 'a'} {kind} address"


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a v6 address leads to (mapped, 6to4, NAT64), if any."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    checks = [
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.is_unspecified, "unspecified"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED, "shared (CGNAT)"),
        (isinstance(ip, ipaddress.IPv6Address) and ip in _IPV4_COMPATIBLE, "IPv4-compatible"),
        (ip.is_reserved, "reserved"),
    ]
    return next((kind for matched, kind in checks if matched), "private")


def lookup(
    host: str,
    port: int = 0,
    family: int = socket.AF_UNSPEC,
    getaddrinfo: GetAddrInfo = socket.getaddrinfo,
) -> list[str]:
    """The addresses `host` resolves to, in the resolver's order. Raises `DomainNotFound` when
    the name has no address, `DNSLookupError` when the answer may come later (EAI_AGAIN,
    SERVFAIL, no network)."""
    try:
        infos = getaddrinfo(host, port, family, socket.SOCK_STREAM)
    except socket.gaierror as error:
        if error.errno in _GONE:
            raise DomainNotFound(f"{host}: {error.strerror}") from None
        raise DNSLookupError(f"{host}: {error.strerror}") from None
    except (UnicodeError, ValueError) as error:  # a name no resolver will take
        raise DomainNotFound(f"{host}: {error}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise DomainNotFound(f"{host}: no address")
    return addresses


def checked_addresses(
    host: str,
    port: int = 0,
    family: int = socket.AF_UNSPEC,
    *,
    allow_private: bool = False,
    getaddrinfo: GetAddrInfo = socket.getaddrinfo,
    refusal: Callable[[str], str | None] = address_refusal,
) -> list[str]:
    """`lookup`, then the whole answer refused if any address in it is not public: a public
    site has no business resolving to an inside address, whatever else it answers."""
    addresses = lookup(host, port, family, getaddrinfo)
    if not allow_private:
        for address in addresses:
            why = refusal(address)
            if why:
                raise AddressRefused(f"{host} is a private/loopback/link-local address ({why})")
    return addresses


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:
        """Nothing to stop: the thread finishes and its answer is dropped by the caller."""


_FAMILIES = {
    frozenset([IPv4Address]): socket.AF_INET,
    frozenset([IPv6Address]): socket.AF_INET6,
}


@implementer(IHostnameResolver)
class CheckedResolver:
    """The reactor's resolver: `getaddrinfo` in the reactor's thread pool, the answer checked,
    only checked addresses handed to the connection. A refused or failed name yields no address,
    so the connection fails with DNSLookupError (Scrapy: CannotResolveHostError); the download
    handler asks `checked_addresses` once more to say why (`crawler.browser`)."""

    def __init__(
        self,
        reactor,
        *,
        allow_private: bool = False,
        timeout: float = 0,
        getaddrinfo: GetAddrInfo = socket.getaddrinfo,
        refusal: Callable[[str], str | None] = address_refusal,
    ) -> None:
        self.reactor = reactor
        self.allow_private = allow_private
        self.timeout = timeout
        self.getaddrinfo = getaddrinfo
        self.refusal = refusal

    @classmethod
    def from_crawler(cls, crawler, reactor):
        settings = crawler.settings
        return cls(
            reactor,
            allow_private=settings.getbool("PATROLI_ALLOW_PRIVATE"),
            timeout=settings.getfloat("DNS_TIMEOUT"),
        )

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def check(self, host: str, port: int = 0, family: int = socket.AF_UNSPEC) -> list[str]:
        """Blocking: what a connection to host may use, or the typed reason it may not."""
        return checked_addresses(
            host, port, family, allow_private=self.allow_private,
            getaddrinfo=self.getaddrinfo, refusal=self.refusal,
        )  # fmt: skip

    def resolveHostName(  # Twisted's interface, Twisted's names
        self,
        resolutionReceiver,
        hostName: str,
        portNumber: int = 0,
        addressTypes=None,
        transportSemantics: str = "TCP",
    ):
        resolution = _Resolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        family = _FAMILIES.get(frozenset(addressTypes or ()), socket.AF_UNSPEC)
        pool = self.reactor.getThreadPool()
        answer = deferToThreadPool(self.reactor, pool, self.check, hostName, portNumber, family)
        if self.timeout:
            answer.addTimeout(self.timeout, self.reactor)

        def hand_over(addresses: list[str]) -> None:
            for address in addresses:
                kind = IPv6Address if ":" in address else IPv4Address
                resolutionReceiver.addressResolved(kind("TCP", address, portNumber))

        def refused(failure) -> None:
            logger.debug("no address for %s: %s", hostName, failure.getErrorMessage())

        answer.addCallbacks(hand_over, refused)
        answer.addBoth(lambda _: resolutionReceiver.resolutionComplete())
        return resolution
