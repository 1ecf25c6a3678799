"""A name that resolves to loopback (the machine's own name in /etc/hosts) passes the URL check,
which no longer resolves; it is refused where the connection resolves it, on every path: plain
HTTP, Chromium through the gate, and the login form. The real system resolver, no scripting."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from casebook.models import Listing
from patroli.demo import PATROL_ACCOUNT

pytestmark = pytest.mark.slow
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_TIMEOUT=5"]


def loopback_name() -> str | None:
    """A name /etc/hosts gives a loopback address, other than localhost (refused by name)."""
    hosts = Path("/etc/hosts")
    for line in hosts.read_text().splitlines() if hosts.exists() else ():
        address, *names = line.split("#")[0].split() or [""]
        try:
            loopback = ipaddress.ip_address(address).is_loopback
        except ValueError:
            continue
        for name in names if loopback else ():
            if name != "localhost" and not name.endswith(".localhost") and "." not in name[-1:]:
                return name
    return None


NAME = loopback_name()
pytestmark = [pytest.mark.slow, pytest.mark.skipif(NAME is None, reason="no loopback name")]


def by_name(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=f"{NAME}:{parts.port}").geturl()


@pytest.mark.parametrize(
    "platform",
    ["pasarku", pytest.param("ceritaku", marks=pytest.mark.browser)],  # http, Chromium
)
def test_a_name_for_loopback_is_refused_where_it_is_connected(
    tmp_path, demo, world, new_casebook, platform
):
    patroli = new_casebook(tmp_path / "casebook")
    patroli.env["PATROLI_ALLOW_PRIVATE"] = "0"
    url = by_name(demo.url(world.listings_on(platform)[0]))
    tips = tmp_path / "tips.txt"
    tips.write_text(url + "\n")
    base = by_name(demo.base_urls[platform])
    result = patroli.run("crawl", "urls", str(tips), "--base", f"{platform}={base}", *FAST)
    refused = f"could not fetch {url}: refused {url}: {NAME} is a private/loopback/link-local"
    assert refused in result.stderr, result.stderr[-3000:]
    with patroli.sessions()() as session:
        assert session.scalars(select(Listing)).first() is None


@pytest.mark.browser
def test_a_login_form_at_a_name_for_loopback_is_refused(tmp_path, demo, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    patroli.env["PATROLI_ALLOW_PRIVATE"] = "0"
    base = by_name(demo.base_urls["ceritaku"])
    result = patroli.run("crawl", "login", "ceritaku", "--username", PATROL_ACCOUNT[0],
                         "--password-stdin", "--base", f"ceritaku={base}",
                         input=PATROL_ACCOUNT[1] + "\n", check=False)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: refused {base}"), result.stderr[-2000:]
    assert f"{NAME} is a private/loopback/link-local address" in result.stderr
    assert not (tmp_path / "casebook" / "login").exists()
