"""A URL file from another unit: each bad line is named once with its number and text; every
good line is kept."""

from __future__ import annotations

import pytest

from crawler.spiders.urls import read_url_lines


@pytest.mark.parametrize(
    "line, error",
    [
        ("http://[::1", "line 2: not a valid URL (Invalid IPv6 URL): 'http://[::1'"),
        ("ftp://x", "line 2: not an http(s) URL: 'ftp://x'"),
        ("not a url", "line 2: not an http(s) URL: 'not a url'"),
        ("https://x.example:99999/p",
         "line 2: not a valid URL (Port out of range 0-65535): 'https://x.example:99999/p'"),
        ("javascript:alert(1)", "line 2: not an http(s) URL: 'javascript:alert(1)'"),
        ("http://", "line 2: not an http(s) URL: 'http://'"),
    ],
)  # fmt: skip
def test_a_bad_line_is_named_and_the_good_ones_kept(line, error):
    lines = [
        "https://a.example/p/1",
        line,
        "# a comment",
        "",
        "https://b.example/p/2?utm_source=wa",
    ]
    good, errors = read_url_lines(lines)
    assert good == ["https://a.example/p/1", "https://b.example/p/2"]
    assert errors == [error]
