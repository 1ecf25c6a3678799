"""Load on the casebook web app: 20 clients at once against `patroli serve` (waitress), beside
the same load on Werkzeug's threaded development server, as the project served before.

    python -m benchmarks.web_load [--listings 50000] [--clients 20] [--duration 60] [--rounds 3]
                                  [--threads 15] [--workers 2] [--postgres | --database-url URL]
                                  [--servers waitress,werkzeug]

A casebook is seeded (benchmarks.casebook_bench.seed: LISTINGS listings with findings, a tenth
of them on takedown lists) with an analyst, who logs in once through the login form, and an API
token. Each server runs as its own subprocess on a loopback port; CLIENTS threads, each with
its own keep-alive connection, send for DURATION seconds per server a mix of what analysts
and other systems ask (MIX: triage list, a filtered triage list, listing detail,
/api/v1/listings and one listing, dashboard and Register Informasi where those pages exist).
The servers take turns in ROUNDS, so the other jobs of a shared machine weigh on each
alike. Every answer other than 200 counts as an error. Printed per server: requests, errors,
throughput, p50/p95/p99 latency, the server's CPU use (cores) and resident memory (its
workers' too); then the ratios. The load generator shares the 2 cores with the servers, as a
browser on the same machine would; every server meets the same handicap.
`--servers` may add `waitress-1` (`patroli serve --workers 1`: one process, one GIL) and
`gunicorn` (pre-fork, WORKERS gthread workers of THREADS threads; `pip install gunicorn` first:
it is no dependency of Patroli), the road not taken.
`--postgres` seeds a throwaway PostgreSQL cluster (the one the casebook tests start);
`--database-url` a database someone else runs; without either, a SQLite file (WAL) in a
temporary folder.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from benchmarks.casebook_bench import seed
from benchmarks.http_load import (
    Tally,
    Target,
    cpu_seconds,
    log_in,
    percentile,
    rss_mib,
    run_clients,
)
from casebook import config as config_module
from casebook import schema
from casebook.db import make_engine, make_session_factory
from casebook.services import users
from patroli.serving import DEFAULT_THREADS, DEFAULT_WORKERS

USERNAME, PASSWORD = "analis", "beban-uji-2026"
UNIT = "Direktorat Siber Obat dan Makanan"
# (name, weight, endpoint or path, who asks): what a day of triage looks like, roughly.
MIX = (
    ("triage", 25, "findings.index", "analyst"),
    ("triage_filtered", 10, "findings.index?code=no_nie", "analyst"),
    ("listing_detail", 25, "findings.show", "analyst"),
    ("api_listings", 15, "/api/v1/listings?limit=50", "token"),
    ("api_listing", 10, "/api/v1/listings/{id}", "token"),
    ("dashboard", 5, "dashboard.index", "analyst"),
    ("register", 10, "register.index", "analyst"),
)
SERVERS = ("waitress", "werkzeug")  # and "waitress-1"; "gunicorn" when installed by hand
# url_for fills listing_id where the endpoint takes one; each request then picks a listing.
ONE_LISTING = {"listing_id": 987654321}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per server")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds, not counted")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS, help="per process")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="processes")
    parser.add_argument("--database-url", help="a database someone else runs (PostgreSQL)")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    parser.add_argument("--servers", default=",".join(SERVERS), help="which, in what order")
    parser.add_argument("--rounds", type=int, default=3, help="servers take turns, DURATION split")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--werkzeug-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.werkzeug_child:
        return _serve_with_werkzeug()
    postgres = None
    if args.postgres:
        args.database_url, postgres = _postgres()
    try:
        _run(args)
    finally:
        if postgres is not None:
            postgres.stop()


def _postgres():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "casebook"))
    from conftest import fresh_database, server_url  # the tests' throwaway cluster

    url, server = server_url()
    if url is None:
        raise SystemExit("--postgres: no PostgreSQL here (install Debian postgresql)")
    return fresh_database(url, "web_load"), server


def _run(args) -> None:
    with tempfile.TemporaryDirectory(prefix="patroli-web-load-") as folder:
        env = _environment(Path(folder), args.database_url)
        started = time.perf_counter()
        token = _seed_casebook(config_module.load(env), args.listings, args.seed)
        print(f"seeded {args.listings:,} listings in {time.perf_counter() - started:.1f} s "
              f"({config_module.load(env).database_url.split(':')[0]})", flush=True)  # fmt: skip
        targets = _targets(config_module.load(env))
        servers = [Server.start(name, env, args) for name in args.servers.split(",")]
        try:
            for server in servers:
                server.ready(token, targets, args)
            # Rounds in turn, not one server after the other: on a shared machine the load of
            # other jobs drifts, and each server should meet the same share of it.
            for _ in range(args.rounds):
                for server in servers:
                    server.measure(targets, args, args.duration / args.rounds)
        finally:
            for server in servers:
                server.stop()
        _report({server.name: server for server in servers}, args)


def _environment(folder: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "PATROLI_DATA_DIR": str(folder), "PATROLI_SECRET_KEY": "web-load"}
    env.pop("PATROLI_DATABASE_URL", None)
    if database_url:
        env["PATROLI_DATABASE_URL"] = database_url
    return env


def _seed_casebook(config, listings: int, seed_value: int) -> str:
    engine = make_engine(config.database_url)
    schema.upgrade(engine)
    seed(engine, listings, max(1, listings // 10), random.Random(seed_value))
    with make_session_factory(engine)() as session, session.begin():
        users.create_user(session, USERNAME, PASSWORD, "analyst", actor="bench", unit=UNIT)
        _, token = users.create_token(session, USERNAME, name="web load", actor="bench")
    if engine.dialect.name == "postgresql":  # planner statistics, as autovacuum would gather
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    engine.dispose()
    return token


def _targets(config) -> list[Target]:
    """MIX with endpoints turned into paths; a page not built yet is left out, and said so."""
    from werkzeug.routing import BuildError

    from web import create_app

    app = create_app(config)
    targets = []
    with app.test_request_context():
        for name, weight, where, auth in MIX:
            endpoint, _, query = where.partition("?")
            try:
                path = where if where.startswith("/") else _path_of(endpoint)
            except BuildError:
                print(f"  {name}: no {endpoint} in this build, left out of the mix")
                continue
            path = path.replace(str(ONE_LISTING["listing_id"]), "{id}")
            if query and not where.startswith("/"):
                path += "?" + query
            targets.append(Target(name, weight, path, auth))
    app.extensions["patroli.engine"].dispose()
    return targets


def _path_of(endpoint: str) -> str:
    from flask import url_for
    from werkzeug.routing import BuildError

    try:
        return url_for(endpoint)
    except BuildError:  # a page of one listing: needs its id
        return url_for(endpoint, **ONE_LISTING)


@dataclass
class Server:
    """One server under load, as a subprocess, and what its rounds measured."""

    name: str
    process: subprocess.Popen
    log: Path
    port: int = 0
    headers: dict = field(default_factory=dict)
    tally: Tally = field(default_factory=Tally)
    wall: float = 0.0
    cpu: float = 0.0
    rss: float = 0.0
    rates: list[float] = field(default_factory=list)

    @classmethod
    def start(cls, name: str, env: dict[str, str], args) -> Server:
        log = Path(env["PATROLI_DATA_DIR"]) / f"{name}.log"
        return cls(name, _start(name, env, args, log), log)

    def ready(self, token: str, targets, args) -> None:
        self.port = _port_from_banner(self.process, self.log)
        self.headers = {"analyst": {"Cookie": log_in(self.port, USERNAME, PASSWORD)},
                        "token": {"Authorization": f"Bearer {token}"}}  # fmt: skip
        print(f"{self.name}: listening on 127.0.0.1:{self.port}", flush=True)
        run_clients(
            self.port, self.headers, targets, args, args.warmup, seed_offset=1000
        )  # warm up

    def measure(self, targets, args, seconds: float) -> None:
        cpu_before = cpu_seconds(self.process.pid)
        tally, wall = run_clients(self.port, self.headers, targets, args, seconds,
                            seed_offset=len(self.rates) * args.clients)  # fmt: skip
        self.cpu += cpu_seconds(self.process.pid) - cpu_before
        self.rss = max(self.rss, rss_mib(self.process.pid))
        self.wall += wall
        count = sum(len(values) for values in tally.latencies.values())
        self.rates.append(count / wall)
        for name, values in tally.latencies.items():
            self.tally.latencies[name].extend(values)
        self.tally.errors.extend(tally.errors)
        print(
            f"  {self.name}: {count / wall:.1f} req/s over {wall:.0f} s, "
            f"{len(tally.errors)} errors, load average {os.getloadavg()[0]:.2f}",
            flush=True,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def _start(server: str, env: dict[str, str], args, log: Path) -> subprocess.Popen:
    threads, workers = str(args.threads), str(1 if server == "waitress-1" else args.workers)
    if server in ("waitress", "waitress-1"):
        command = ["-m", "patroli", "serve", "--port", "0", "--threads", threads,
                   "--workers", workers]  # fmt: skip
    elif server == "werkzeug":
        command = ["-m", "benchmarks.web_load", "--werkzeug-child"]
    elif server == "gunicorn":  # the pre-fork road not taken; only if installed by hand
        command = ["-m", "gunicorn", "--bind", "127.0.0.1:0", "--no-control-socket",
                   "--workers", workers, "--worker-class", "gthread", "--threads", threads,
                   "benchmarks.web_load:gunicorn_app()"]  # fmt: skip
    else:
        raise SystemExit(
            f"--servers: unknown {server!r} (known: waitress, waitress-1, werkzeug, gunicorn)"
        )
    with log.open("w") as out:
        return subprocess.Popen([sys.executable, *command], env=env, stdout=out,
                                stderr=subprocess.STDOUT)  # fmt: skip


def _serve_with_werkzeug() -> None:
    """The baseline: the app as `patroli serve` built it, on Werkzeug's threaded server (the way
    the project served before), request log and all."""
    from werkzeug.serving import make_server

    from patroli.serving import make_app

    server = make_server("127.0.0.1", 0, make_app(config_module.load()), threaded=True)
    print(f"casebook UI: http://127.0.0.1:{server.server_address[1]}/", flush=True)
    server.serve_forever()


def gunicorn_app():
    """For `--servers gunicorn`: the same app, built in each worker after the fork."""
    from patroli.serving import make_app

    return make_app(config_module.load())


def _port_from_banner(process: subprocess.Popen, log: Path) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:(\d+)\b", log.read_text())
        if found:
            return int(found.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit(f"the server did not start:\n{log.read_text()[-3000:]}")


def _summary(result: Server) -> dict:
    every = [x for values in result.tally.latencies.values() for x in values]
    return {
        "requests": len(every), "errors": len(result.tally.errors),
        "rate": len(every) / result.wall, "cpu": result.cpu / result.wall,
        "p50": percentile(every, 0.50) * 1000, "p95": percentile(every, 0.95) * 1000,
        "p99": percentile(every, 0.99) * 1000, "rss": result.rss,
    }  # fmt: skip


def _report(results: dict[str, Server], args) -> None:
    print(f"\n{args.clients} clients, {args.duration:.0f} s each in {args.rounds} rounds, "
          f"{args.listings:,} listings, "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"{'server':10} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'server CPU':>11} {'RSS MiB':>8}  req/s per round")  # fmt: skip
    summaries = {server: _summary(result) for server, result in results.items()}
    for server, s in summaries.items():
        print(f"{server:10} {s['requests']:>9,} {s['errors']:>7} {s['rate']:>8.1f} "
              f"{s['p50']:>8.1f} {s['p95']:>8.1f} {s['p99']:>8.1f} {s['cpu']:>9.2f} c "
              f"{s['rss']:>8.0f}  "
              + " ".join(f"{rate:.0f}" for rate in results[server].rates))  # fmt: skip
    print("\np95 ms per request kind:")
    for server, result in results.items():
        kinds = sorted(result.tally.latencies.items())
        print(f"  {server:10} " + "  ".join(
            f"{name} {percentile(values, 0.95) * 1000:.0f} (n={len(values)})"
            for name, values in kinds))  # fmt: skip
    if {"waitress", "werkzeug"} <= summaries.keys():
        ours, before = summaries["waitress"], summaries["werkzeug"]
        print(f"\nwaitress / werkzeug: throughput x{ours['rate'] / before['rate']:.2f}, "
              f"p95 x{ours['p95'] / before['p95']:.2f} (below 1 is faster)")  # fmt: skip
    for server, result in results.items():
        for line in result.tally.errors[:5]:
            print(f"  {server} error: {line}")
        if result.tally.errors:  # the server's own words on the first ones
            print(f"  {server} log, last lines:\n{result.log.read_text()[-4000:]}")
    if any(s["errors"] for s in summaries.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
