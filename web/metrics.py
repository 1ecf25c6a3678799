"""GET /metrics: the casebook's and the crawl queues' figures in the Prometheus text exposition
format (version 0.0.4), written here — a few lines of a simple format, no dependency.

Access: with PATROLI_METRICS_TOKEN set, `Authorization: Bearer <token>` (compared in constant
time; else 401). Unset, only a caller on this machine answers (loopback, and no proxy header:
a reverse proxy on the same host forwards the world's requests from loopback); anyone else
gets 404, as for a page that does not exist. The figures name no listing, seller or officer."""

from __future__ import annotations

import hmac
import ipaddress
import math
from collections.abc import Iterable

import redis
from flask import Blueprint, Response, abort, current_app, request

from casebook.services import metrics
from web.db import db_session

bp = Blueprint("metrics", __name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")
# A Redis that does not answer must not hold the scrape (Prometheus' own timeout is 10 s).
REDIS_TIMEOUT = 2.0
QUEUES_KEY = "patroli:queues"


@bp.get("/metrics")
def index():
    refused = _refusal()
    if refused is not None:
        return refused
    page = Exposition()
    page.add("patroli_up", "gauge", "The web process answers.", [({}, 1)])
    with db_session() as session:
        casebook_figures(page, metrics.gather(session))
    redis_url = current_app.config["PATROLI"].redis_url
    if redis_url:
        queue_figures(page, redis_url)
    return Response(page.text(), 200, {"Cache-Control": "no-store"}, content_type=CONTENT_TYPE)


def _refusal() -> Response | None:
    token = current_app.config["PATROLI"].metrics_token
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        good = scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        )
        if good:
            return None
        return Response("a bearer token is needed\n", 401, {"WWW-Authenticate": "Bearer"},
                        content_type="text/plain; charset=utf-8")  # fmt: skip
    if _loopback(request.remote_addr) and not any(h in request.headers for h in PROXY_HEADERS):
        return None
    abort(404)


def _loopback(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


# -- the figures -----------------------------------------------------------------------------


def casebook_figures(page: Exposition, f: metrics.Figures) -> None:
    ended = {s: n for s, n in f.crawl_runs.items() if s != "running"}
    page.add("patroli_crawl_runs_total", "counter", "Crawl runs that ended, by how they ended.",
             _by("status", ended))  # fmt: skip
    page.add("patroli_crawl_runs_running", "gauge", "Crawl runs under way now.",
             [({}, f.crawl_runs.get("running", 0))])  # fmt: skip
    day = (
        ("pages", "Pages answered in crawl runs that ended in the last 24 hours."),
        ("stored", "Items stored by crawl runs that ended in the last 24 hours."),
        ("failed_urls", "URLs that failed (after retries) in crawl runs ended in the last 24 h."),
    )
    for name, text in day:
        page.add(f"patroli_crawl_{name}_last_24h", "gauge", text, [({}, f.last_day[name])])
    page.add("patroli_listings_total", "counter", "Listings in the casebook.", [({}, f.listings)])
    page.add("patroli_captures_total", "counter", "Evidence captures (pages kept as evidence).",
             [({}, f.captures)])  # fmt: skip
    page.add("patroli_plan_last_run_age_seconds", "gauge",
             "Seconds since the latest crawl run of each patrol plan (not closed) started.",
             [({"plan_id": str(p.plan_id), "plan": p.name, "status": p.status}, p.age_seconds)
              for p in f.plans])  # fmt: skip
    page.add("patroli_jobs", "gauge", "Background jobs by status.", _by("status", f.jobs))
    page.add("patroli_scheduled_runs", "gauge", "Scheduler firings by status.",
             _by("status", f.scheduled_runs))  # fmt: skip
    page.add("patroli_alerts_open", "gauge", "Alerts not yet acknowledged, by kind.",
             _by("kind", f.alerts_open))  # fmt: skip
    page.add("patroli_sla_overdue", "gauge",
             "Work past its SOP due time: plans (draft past 5 HK), links (still up past the "
             "platform deadline), letters (sent, unanswered past their mutu baku).",
             _by("step", f.sla_overdue))  # fmt: skip
    page.add("patroli_takedown_links", "gauge", "Takedown links by their last checked status.",
             _by("status", f.takedown_links))  # fmt: skip


def _by(label: str, counts: dict[str, int]) -> list[tuple[dict[str, str], float]]:
    return [({label: key}, n) for key, n in sorted(counts.items())]


def queue_figures(page: Exposition, redis_url: str) -> None:
    """Each shared crawl queue's pending and in-flight requests and seen fingerprints."""
    client = redis.Redis.from_url(
        redis_url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
    )
    try:
        names = sorted(n.decode("utf-8", "replace") for n in client.smembers(QUEUES_KEY))
        with client.pipeline(transaction=False) as pipe:
            for name in names:
                key = f"patroli:queue:{name}"
                pipe.zcard(f"{key}:pending").hlen(f"{key}:inflight").scard(f"{key}:dupefilter")
            counts = pipe.execute()
    except redis.RedisError:
        page.add("patroli_redis_up", "gauge", "The crawl queue's Redis answers.", [({}, 0)])
        return
    finally:
        client.close()
        client.connection_pool.disconnect()
    page.add("patroli_redis_up", "gauge", "The crawl queue's Redis answers.", [({}, 1)])
    rows = [(name, counts[3 * n : 3 * n + 3]) for n, name in enumerate(names)]
    for metric, index, text in (
        ("patroli_queue_pending", 0, "Requests waiting in a shared crawl queue."),
        ("patroli_queue_inflight", 1, "Requests a worker has taken and not yet settled."),
        ("patroli_queue_seen", 2, "Request fingerprints a shared crawl queue has seen."),
    ):
        page.add(metric, "gauge", text, [({"queue": name}, c[index]) for name, c in rows])


# -- the exposition format -------------------------------------------------------------------


class Exposition:
    """Metric families written as `# HELP`, `# TYPE` and one line per sample."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, name: str, kind: str, help_text: str,
            samples: Iterable[tuple[dict[str, str], float]]) -> None:  # fmt: skip
        self.lines.append(f"# HELP {name} {_escape(help_text, quote=False)}")
        self.lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            shown = ",".join(f'{k}="{_escape(str(v))}"' for k, v in labels.items())
            self.lines.append(f"{name}{{{shown}}} {_number(value)}" if shown else
                              f"{name} {_number(value)}")  # fmt: skip

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _escape(text: str, *, quote: bool = True) -> str:
    """Backslash and line feed (and in label values the double quote) escaped, as the format
    wants; a crawled site's or a plan's name can hold any of them. A carriage return, which the
    format has no escape for, would end a line for some readers: a line feed's escape too."""
    text = text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\n", "\\n")
    return text.replace('"', '\\"') if quote else text


def _number(value: float) -> str:
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(round(value, 3))
