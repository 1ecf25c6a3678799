"""Fixtures of the demo-marketplace tests: the default world, the demo on free ports, `fetch`."""

from __future__ import annotations

import http.client
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from patroli.demo import DemoMarketplace, World, build_world

EPHEMERAL = {
    "pasarku": ("127.0.0.1", 0),
    "tokosehat": ("127.0.0.2", 0),
    "ceritaku": ("127.0.0.3", 0),
}


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(url: str, method: str = "GET", *, timeout: float = 10, headers=None, body=None) -> Answer:
    """One request, redirects not followed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.netloc, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        conn.close()


@pytest.fixture(scope="session")
def world() -> World:
    return build_world()


@pytest.fixture(scope="session")
def demo(world: World) -> Iterator[DemoMarketplace]:
    with DemoMarketplace(world, EPHEMERAL) as running:
        yield running


@pytest.fixture(scope="session")
def ephemeral() -> dict[str, tuple[str, int]]:
    return dict(EPHEMERAL)


@pytest.fixture(scope="session")
def get() -> Callable[..., Answer]:
    """`get(url, method="GET")`: one request, redirects not followed."""
    return fetch
