"""GET /metrics: a well-formed Prometheus exposition whose figures are the seeded casebook's and
a real Redis' queues; who may read it (bearer token, else loopback only); a dead Redis."""

from __future__ import annotations

import dataclasses
import re
import socket
from datetime import UTC, datetime, timedelta

import pytest

from casebook import config as config_module
from casebook.models import Alert, ScheduledRun
from casebook.services import jobs, plans, runs
from web import create_app

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
SAMPLE = re.compile(rf"^({NAME})(?:\{{(.*)\}})? (\S+)$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(?:,|$)')
TYPES = {"counter", "gauge", "summary", "histogram", "untyped"}
ODD_NAME = 'Patroli "Lebaran" \\ C:\\ Jatim'  # a plan's name with the characters to escape


def parse(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """A strict reader: every line a HELP, a TYPE or a sample of the family last typed; HELP
    and TYPE once per family and before its samples; label values unescaped; values numeric."""
    assert text.endswith("\n")
    families: dict[str, list] = {}
    helps, types = set(), set()
    current = None
    for n, line in enumerate(text[:-1].split("\n"), start=1):
        if line.startswith("# HELP "):
            name = line.split(" ", 3)[2]
            assert re.fullmatch(NAME, name) and name not in helps, f"line {n}: {line!r}"
            helps.add(name)
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert name in helps and name not in types and kind in TYPES, f"line {n}: {line!r}"
            types.add(name)
            current = name
            families[name] = []
            continue
        match = SAMPLE.match(line)
        assert match and match.group(1) == current, f"line {n}: {line!r}"
        labels, rest = {}, match.group(2) or ""
        while rest:
            label = LABEL.match(rest)
            assert label and label.group(1) not in labels, f"line {n}: {line!r}"
            labels[label.group(1)] = re.sub(
                r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), label.group(2)
            )
            rest = rest[label.end() :]
        value = match.group(3)
        assert value in ("NaN", "+Inf", "-Inf") or re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", value)
        families[current].append((labels, float(value)))
    return families


def value(families, name: str, **labels) -> float:
    found = [v for got, v in families[name] if all(got.get(k) == w for k, w in labels.items())]
    assert len(found) == 1, (name, labels, families[name])
    return found[0]


def scrape(app, headers=None, remote="127.0.0.1"):
    client = app.test_client()
    response = client.get("/metrics", headers=headers or {}, environ_base={"REMOTE_ADDR": remote})
    response.close()
    return response


@pytest.fixture
def seeded(sop):
    """The SOP casebook plus runs (one ended two days ago, one running), jobs, scheduler
    firings and alerts (two open, one acknowledged)."""
    now = datetime.now(UTC)
    with sop.sessions() as session, session.begin():
        odd = plans.save_plan(session, ODD_NAME, keywords=["jamu"], targets=[], actor="analis")
        sop.ids["odd"] = odd.id
        old = runs.start_run(session, "shop", {"site": "tokosehat"}, plan_id=odd.id,
                             now=now - timedelta(days=2, hours=1))  # fmt: skip
        runs.finish_run(session, old.id, "finished",
                        {"response_received_count": 500, "patroli/stored": 300,
                         "patroli/failed_urls": 9}, now=now - timedelta(days=2))  # fmt: skip
        recent = runs.start_run(session, "social", {"site": "ceritaku"}, now=now)
        runs.finish_run(session, recent.id, "shutdown",
                        {"response_received_count": 30, "patroli/stored": 7,
                         "patroli/failed_urls": 3.0})  # fmt: skip
        runs.start_run(session, "urls", {}, now=now)  # still running
        for list_id in (sop.ids["list"],):
            jobs.enqueue(session, "verify_list", {"list_id": list_id}, "analis")
        failed = jobs.enqueue(session, "recheck", {"listing_ids": [sop.ids["listing0"]]}, "analis")
        jobs.fail(session, failed.id, "runner died")
        for status, hours in (("done", 3), ("done", 2), ("skipped", 1)):
            due = now - timedelta(hours=hours)
            session.add(ScheduledRun(key="recheck", kind="recheck", due_at=due, started_at=now,
                                     status=status))  # fmt: skip
        for kind, acknowledged in (("item_drop", None), ("blocking", now), ("blocking", None)):
            session.add(Alert(kind=kind, message="m", raised_at=now, acknowledged_at=acknowledged,
                              acknowledged_by="analis" if acknowledged else None))  # fmt: skip
    return sop


def test_the_figures_are_the_casebooks(seeded):
    response = scrape(seeded.app)
    assert response.status_code == 200
    assert response.content_type == "text/plain; version=0.0.4; charset=utf-8"
    families = parse(response.get_data(as_text=True))
    assert value(families, "patroli_up") == 1
    assert "patroli_redis_up" not in families  # no PATROLI_REDIS_URL: no queue figures
    assert value(families, "patroli_crawl_runs_total", status="finished") == 2
    assert value(families, "patroli_crawl_runs_total", status="shutdown") == 1
    assert value(families, "patroli_crawl_runs_running") == 1
    # the SOP's run (12 pages, 5 stored) and the shutdown one; not the one of two days ago
    assert value(families, "patroli_crawl_pages_last_24h") == 42
    assert value(families, "patroli_crawl_stored_last_24h") == 12
    assert value(families, "patroli_crawl_failed_urls_last_24h") == 3
    assert value(families, "patroli_listings_total") == 5
    assert value(families, "patroli_captures_total") == 1
    age = value(families, "patroli_plan_last_run_age_seconds", plan=ODD_NAME)
    assert 2 * 86400 <= age < 3 * 86400
    assert value(families, "patroli_plan_last_run_age_seconds", plan="Patroli Lebaran") < 3600
    assert len(families["patroli_plan_last_run_age_seconds"]) == 2  # Surabaya's never ran
    assert value(families, "patroli_jobs", status="queued") == 1
    assert value(families, "patroli_jobs", status="failed") == 1
    assert value(families, "patroli_jobs", status="running") == 0
    assert value(families, "patroli_scheduled_runs", status="done") == 2
    assert value(families, "patroli_scheduled_runs", status="skipped") == 1
    assert value(families, "patroli_scheduled_runs", status="failed") == 0
    assert value(families, "patroli_alerts_open", kind="item_drop") == 1
    assert value(families, "patroli_alerts_open", kind="blocking") == 1
    assert value(families, "patroli_alerts_open", kind="error_rate") == 0
    # Komdigi's letter went out, its platform deadline passed, its link is still up
    assert value(families, "patroli_sla_overdue", step="links") == 1
    assert value(families, "patroli_sla_overdue", step="plans") == 0
    # the links as last refreshed from their re-checks (none yet: unknown)
    assert value(families, "patroli_takedown_links", status="unknown") == 3
    assert value(families, "patroli_takedown_links", status="nonactive") == 0


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("# HELP a x\n# TYPE a gauge\na 1\n", None),
        ('# HELP a x\n# TYPE a gauge\na{k="v\\"w"} 1\n', None),
        ("# HELP a x\n# TYPE a gauge\n# TYPE a gauge\na 1\n", "TYPE twice"),
        ("# HELP a x\n# TYPE a gauge\nb 1\n", "a sample of another family"),
        ('# HELP a x\n# TYPE a gauge\na{k="v"w"} 1\n', "an unescaped quote"),
        ("# HELP a x\n# TYPE a gauge\na one\n", "a value that is no number"),
        ("# HELP a x\n# TYPE a gauge\na 1", "no final line feed"),
    ],
)
def test_the_parser_is_strict(text, bad):
    if bad is None:
        parse(text)
    else:
        with pytest.raises(AssertionError):
            parse(text)


def test_queue_figures_come_from_redis(sop, redis_url):
    import redis

    with redis.Redis.from_url(redis_url) as client:
        client.sadd("patroli:queues", "lebaran", 'jatim"1')
        client.zadd("patroli:queue:lebaran:pending", {"r1": -1, "r2": -1, "r3": 0})
        client.hset("patroli:queue:lebaran:inflight", mapping={"w1|1": "0 a", "w2|1": "0 b"})
        client.sadd("patroli:queue:lebaran:dupefilter", *[f"f{n}" for n in range(7)])
        client.zadd('patroli:queue:jatim"1:pending', {"r": 0})
    config = dataclasses.replace(sop.app.config["PATROLI"], redis_url=redis_url)
    families = parse(scrape(create_app(config, testing=True)).get_data(as_text=True))
    assert value(families, "patroli_redis_up") == 1
    assert value(families, "patroli_queue_pending", queue="lebaran") == 3
    assert value(families, "patroli_queue_inflight", queue="lebaran") == 2
    assert value(families, "patroli_queue_seen", queue="lebaran") == 7
    assert value(families, "patroli_queue_pending", queue='jatim"1') == 1
    assert value(families, "patroli_queue_inflight", queue='jatim"1') == 0


def _refusing_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again: nothing listens there


@pytest.mark.parametrize("dead", ["refuses connections", "accepts and never answers"])
def test_a_dead_redis_is_a_figure_not_an_error(shared, dead):
    if dead == "refuses connections":
        silent, port = None, _refusing_port()
    else:
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nobody ever reads
        port = silent.getsockname()[1]
    try:
        config = dataclasses.replace(shared.app.config["PATROLI"],
                                     redis_url=f"redis://127.0.0.1:{port}/0")  # fmt: skip
        response = scrape(create_app(config, testing=True))
    finally:
        if silent is not None:
            silent.close()
    assert response.status_code == 200
    families = parse(response.get_data(as_text=True))
    assert value(families, "patroli_redis_up") == 0
    assert "patroli_queue_pending" not in families
    assert value(families, "patroli_up") == 1


TOKEN = "s3cret-metrics-token"


@pytest.mark.parametrize(
    ("token", "headers", "remote", "status"),
    [
        (None, {}, "127.0.0.1", 200),
        (None, {}, "::1", 200),
        (None, {}, "::ffff:127.0.0.1", 200),
        (None, {}, "127.0.0.2", 200),
        (None, {"X-Forwarded-For": "203.0.113.9"}, "127.0.0.1", 404),  # a proxy on this host
        (None, {"Forwarded": "for=203.0.113.9"}, "127.0.0.1", 404),
        (None, {"X-Real-IP": "203.0.113.9"}, "127.0.0.1", 404),
        (None, {}, "10.1.2.3", 404),
        (None, {}, "", 404),
        (None, {"Authorization": f"Bearer {TOKEN}"}, "10.1.2.3", 404),  # no token configured
        (TOKEN, {"Authorization": f"Bearer {TOKEN}"}, "10.1.2.3", 200),
        (TOKEN, {"Authorization": f"bearer {TOKEN}", "X-Forwarded-For": "1.2.3.4"}, "10.1.2.3",
         200),
        (TOKEN, {}, "127.0.0.1", 401),  # a token set: loopback alone is not enough
        (TOKEN, {"Authorization": "Bearer wrong"}, "10.1.2.3", 401),
        (TOKEN, {"Authorization": f"Bearer {TOKEN}x"}, "10.1.2.3", 401),
        (TOKEN, {"Authorization": f"Basic {TOKEN}"}, "10.1.2.3", 401),
        (TOKEN, {"Authorization": "Bearer "}, "127.0.0.1", 401),
    ],
)  # fmt: skip
def test_who_may_read_the_metrics(shared, token, headers, remote, status):
    config = dataclasses.replace(shared.app.config["PATROLI"], metrics_token=token)
    response = scrape(create_app(config, testing=True), headers, remote)
    assert response.status_code == status
    if status == 200:
        assert "patroli_up 1" in response.get_data(as_text=True)
    else:
        assert "patroli_" not in response.get_data(as_text=True)
    if status == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_the_token_comes_from_the_environment(tmp_path):
    env = {"PATROLI_DATA_DIR": str(tmp_path), "PATROLI_METRICS_TOKEN": TOKEN}
    assert config_module.load(env).metrics_token == TOKEN
    assert config_module.load({"PATROLI_DATA_DIR": str(tmp_path)}).metrics_token is None
