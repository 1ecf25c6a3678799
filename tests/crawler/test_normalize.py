"""URL canonicalisation, text cleaning, prices, identifiers, private-address refusal."""

from __future__ import annotations

import pytest

from crawler.pipelines import clean_text, parse_price
from crawler.urls import BadURL, canonical_url, private_target
from rules.identifiers import extract_identifiers


@pytest.mark.parametrize(
    "url, canonical",
    [
        (
            "HTTPS://Shop.Example:443/p/a?utm_source=ig&b=2&a=1#reviews",
            "https://shop.example/p/a?a=1&b=2",
        ),
        ("http://shop.example:80", "http://shop.example/"),
        ("http://127.0.0.1:8801/p/x?fbclid=Iw&gclid=1&ref=home", "http://127.0.0.1:8801/p/x"),
        ("https://m.example/p?spm=a2o.1&id=9", "https://m.example/p?id=9"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


@pytest.mark.parametrize("url", ["ftp://x.example/a", "javascript:alert(1)", "not a url", ""])
def test_malformed_urls_are_refused_by_name(url):
    with pytest.raises(BadURL, match="not an http"):
        canonical_url(url)


@pytest.mark.parametrize(
    "url, private",
    [
        ("http://127.0.0.1:8801/", True),
        ("http://10.1.2.3/", True),
        ("http://192.168.0.10/admin", True),
        ("http://169.254.169.254/latest/meta-data/", True),
        ("http://[::1]/", True),
        ("http://[::ffff:127.0.0.1]/", True),
        ("http://localhost/", True),
        ("http://8.8.8.8/", False),
    ],
)
def test_private_targets(url, private):
    assert (private_target(url) is not None) is private


@pytest.mark.parametrize(
    "value, price",
    [
        ("Rp 73.000", 73000.0),
        ("Rp73.000,50", 73000.5),
        ("1.250.000", 1250000.0),
        ("99000.00", 99000.0),
        (45000, 45000.0),
        ("gratis", None),
        (None, None),
    ],
)
def test_parse_price(value, price):
    assert parse_price(value) == price


def test_clean_text_bounds_and_tidies_hostile_text():
    text = "Judul\u200b  dengan\x00 spasi\r\n\r\n\r\n\r\nbaris\u2028" + "x" * 100
    assert clean_text(text, 40) == "Judul dengan spasi\n\nbarisxxxxxxxxxxxxxxxxx"[:40]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("WA 0812-3456-7890", [("phone", "+6281234567890")]),
        ("hub +62 812 3456 7890", [("phone", "+6281234567890")]),
        ("order wa.me/6281234567890", [("phone", "+6281234567890")]),
        ("Telp (0887) 8049-6811", [("phone", "+6288780496811")]),
        ("BCA 309.358.6280 an. Wulan", [("bank_account", "bca:3093586280")]),
        ("Email: Order.Toko@Gmail.com", [("email", "order.toko@gmail.com")]),
        ("IG @toko.herbal_88", [("handle", "@toko.herbal_88")]),
        # hard negatives: registration numbers, barcodes, prices, landlines, order ids
        ("BPOM NA18201234567 Barcode 8993413656013", []),
        ("P-IRT 2126491743334-26, Rp 081.000", []),
        ("INV/20250102/MPL/6665981531 kantor 021-5550123", []),
    ],
)
def test_identifiers(text, expected):
    assert [(i.kind, i.value) for i in extract_identifiers(text)] == expected
