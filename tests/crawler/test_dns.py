"""Which addresses the crawler may connect to, and how a failed look-up is named."""

from __future__ import annotations

import socket

import pytest
from twisted.internet.error import DNSLookupError

from crawler.dns import AddressRefused, DomainNotFound, address_refusal, checked_addresses, lookup
from crawler.urls import refusal


@pytest.mark.parametrize(
    "address, kind",
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.0.10", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("100.64.0.1", "shared (CGNAT)"),
        ("100.127.255.254", "shared (CGNAT)"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        ("ff0e::1", "multicast"),  # global scope, still multicast
        ("255.255.255.255", "reserved"),  # broadcast
        ("240.0.0.1", "reserved"),
        ("192.0.2.1", "private"),  # documentation range: nobody's public site
        ("::7f00:1", "IPv4-compatible"),
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 to 127.0.0.1
        ("2002:a00:1::", "private"),  # 6to4 of 10.0.0.1
    ],
)
def test_inside_addresses_are_refused(address, kind):
    why = address_refusal(address)
    assert why is not None and kind in why, why


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "100.128.0.1", "172.32.0.1", "192.169.0.1", "11.0.0.1",
     "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::"],
)  # fmt: skip
def test_public_addresses_are_allowed(address):
    assert address_refusal(address) is None


def answering(*answers):
    """A getaddrinfo that answers these addresses, or raises this gaierror code."""

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if isinstance(answers[0], int):
            raise socket.gaierror(answers[0], "scripted")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answers
        ]

    return getaddrinfo


@pytest.mark.parametrize(
    "code, error",
    [
        (socket.EAI_NONAME, DomainNotFound),
        (socket.EAI_NODATA, DomainNotFound),
        (socket.EAI_AGAIN, DNSLookupError),
        (socket.EAI_FAIL, DNSLookupError),
        (socket.EAI_SYSTEM, DNSLookupError),
    ],
)
def test_a_gone_domain_is_told_from_a_dns_hiccup(code, error):
    with pytest.raises(DNSLookupError) as raised:
        lookup("toko.example", 80, getaddrinfo=answering(code))
    assert type(raised.value) is error


def test_an_empty_answer_is_a_gone_domain():
    with pytest.raises(DomainNotFound):
        lookup("toko.example", 80, getaddrinfo=lambda *args: [])


@pytest.mark.parametrize(
    "answers, allow_private, refused",
    [
        (["93.184.215.14"], False, False),
        (["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"], False, False),
        (["127.0.0.1"], False, True),
        (["93.184.215.14", "10.0.0.5"], False, True),  # one inside address spoils the answer
        (["::ffff:169.254.169.254"], False, True),
        (["127.0.0.1"], True, False),  # the demo and the tests
    ],
)
def test_checked_addresses(answers, allow_private, refused):
    def check():
        return checked_addresses(
            "toko.example", 80, allow_private=allow_private, getaddrinfo=answering(*answers)
        )

    if refused:
        with pytest.raises(AddressRefused, match="private/loopback/link-local"):
            check()
    else:
        assert check() == answers


@pytest.mark.parametrize(
    "url, refused",
    [
        ("http://127.0.0.1:8801/", True),
        ("http://2130706433/", True),  # 127.0.0.1 as browsers and getaddrinfo read it
        ("http://0x7f.1/", True),
        ("http://127.1/", True),
        ("http://[::ffff:7f00:1]/", True),
        ("http://localhost:8000/", True),
        ("http://admin.localhost/", True),
        ("http://LOCALHOST./", True),
        ("http://169.254.169.254/latest/meta-data/", True),
        ("http://[::1", True),  # broken, so not fetched
        ("http://8.8.8.8/", False),
        ("https://toko.example/produk/1", False),  # a name: the resolver checks it
        ("http://1.2.3.4.5/", False),  # not an address either: a name
    ],
)
def test_urls_refused_before_any_connection(url, refused, monkeypatch):
    def no_dns(*args, **kwargs):
        raise AssertionError("the URL check must not resolve: the connection does")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    assert (refusal(url) is not None) is refused
