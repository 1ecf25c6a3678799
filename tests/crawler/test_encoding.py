"""Pages whose bytes are not in the charset they declare are re-decoded, not mangled."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawler.middlewares.encoding import EncodingRepairMiddleware

TEXT = "Krim \u201cCaf\u00e9 Glow\u201d \u2013 tanpa merkuri \u2026 original\u2122"


@pytest.mark.parametrize(
    "headers, meta",
    [
        ({"Content-Type": "text/html; charset=utf-8"}, ""),  # header lies
        ({"Content-Type": "text/html"}, '<meta charset="windows-1252">'),  # only the page says
        ({"Content-Type": "text/html; charset=utf-8"}, '<meta charset="windows-1252">'),
    ],
)
def test_windows_1252_bytes_are_read_as_such(headers, meta):
    body = f"<html><head>{meta}</head><body><h1>{TEXT}</h1></body></html>".encode("cp1252")
    response = HtmlResponse("http://shop.example/p", headers=headers, body=body)
    repaired = EncodingRepairMiddleware().process_response(None, response)
    assert repaired.css("h1::text").get() == TEXT
    assert "\ufffd" not in repaired.text


def test_valid_utf8_is_left_alone():
    body = f"<html><body><h1>{TEXT}</h1></body></html>".encode()
    response = HtmlResponse("http://shop.example/p", body=body, encoding="utf-8")
    assert EncodingRepairMiddleware().process_response(None, response) is response
