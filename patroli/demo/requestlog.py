"""Politeness seen from the server: a WSGI wrapper that logs every request per host (arrival,
end, path), optionally answering as slowly as real sites do, and the figures a crawler is
judged by — per domain the most requests at once, the smallest gap between two starts and
the most starts in any window.

    log = RequestLog(app, latency=(0.3, 1.0))
    with LoggedSites(log, ["127.0.0.2", "127.0.0.3"]) as sites:
        sites.base_urls  # {"127.0.0.2": "http://127.0.0.2:41234", ...}
    politeness(log.visits, window=5.0)  # {"127.0.0.2": DomainPoliteness(...), ...}
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from werkzeug.serving import WSGIRequestHandler, make_server

from patroli.demo.server import ServerThreads


@dataclass(frozen=True)
class Visit:
    host: str  # the Host header's name, lowercased, without the port
    path: str
    arrived: float  # time.monotonic() when the request reached the application
    ended: float  # when its whole body had been produced


@dataclass(frozen=True)
class DomainPoliteness:
    domain: str
    requests: int
    max_concurrency: int  # most requests being served at one moment
    min_gap: float | None  # smallest time between two consecutive arrivals (None: one request)
    max_in_window: int  # most arrivals in any `window` seconds
    window: float
    gaps: tuple[float, ...] = ()  # every time between two consecutive arrivals, in order


class RequestLog:
    """Wraps a WSGI app; thread-safe. `latency`: (low, high) seconds slept before answering,
    drawn uniformly per request (a real shop's page takes 0.3-1 s), or None to answer at once."""

    def __init__(self, app, latency: tuple[float, float] | None = None, seed: int = 11) -> None:
        self.app = app
        self.latency = latency
        self.visits: list[Visit] = []
        self._lock = threading.Lock()
        self._random = random.Random(seed)

    def __call__(self, environ, start_response):
        arrived = time.monotonic()
        if self.latency:
            with self._lock:
                pause = self._random.uniform(*self.latency)
            time.sleep(pause)
        result = self.app(environ, start_response)
        try:
            body = list(result)  # produced in full here, so `ended` is when the page was made
        finally:
            if hasattr(result, "close"):
                result.close()
        visit = Visit(_hostname(environ), environ.get("PATH_INFO", ""), arrived, time.monotonic())
        with self._lock:
            self.visits.append(visit)
        return body

    def clear(self) -> None:
        with self._lock:
            self.visits.clear()


def _hostname(environ) -> str:
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    if host.startswith("["):  # [::1]:8080
        return host[1 : host.index("]")].lower()
    return host.rpartition(":")[0].lower() if ":" in host else host.lower()


def politeness(visits: Iterable[Visit], window: float) -> dict[str, DomainPoliteness]:
    """Per domain: max concurrency, min gap between starts, max starts within `window` s."""
    by_host: dict[str, list[Visit]] = defaultdict(list)
    for visit in visits:
        by_host[visit.host].append(visit)
    return {
        host: DomainPoliteness(
            domain=host,
            requests=len(mine),
            max_concurrency=max_concurrency(mine),
            min_gap=min_gap(mine),
            max_in_window=max_in_window(mine, window),
            window=window,
            gaps=tuple(b - a for a, b in pairwise(sorted(v.arrived for v in mine))),
        )
        for host, mine in sorted(by_host.items())
    }


def max_concurrency(visits: list[Visit]) -> int:
    # An end and an arrival at the same instant do not overlap: ends sort first.
    events = sorted([(v.arrived, 1) for v in visits] + [(v.ended, -1) for v in visits])
    most = current = 0
    for _, change in events:
        current += change
        most = max(most, current)
    return most


def min_gap(visits: list[Visit]) -> float | None:
    starts = sorted(v.arrived for v in visits)
    return min((b - a for a, b in pairwise(starts)), default=None)


def max_in_window(visits: list[Visit], window: float) -> int:
    starts = sorted(v.arrived for v in visits)
    most = first = 0
    for last, start in enumerate(starts):
        while start - starts[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        pass


class LoggedSites:
    """One WSGI app served on several loopback addresses, each a separate domain to a crawler
    (127.0.0.0/8 is all loopback on Linux). Port 0 picks a free port per address."""

    def __init__(self, app, hosts: Iterable[str], port: int = 0) -> None:
        self.app = app
        self.hosts = list(hosts)
        self.port = port
        self.base_urls: dict[str, str] = {}
        self._serving = ServerThreads()

    def start(self) -> LoggedSites:
        try:
            for host in self.hosts:
                server = make_server(
                    host, self.port, self.app, threaded=True, request_handler=_QuietHandler
                )
                self.base_urls[host] = f"http://{host}:{server.server_address[1]}"
                self._serving.serve(server, f"site-{host}", poll=0.2)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self._serving.stop()

    def __enter__(self) -> LoggedSites:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
