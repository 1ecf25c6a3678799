"""The dashboard's figures on a big casebook, beside the naive way of computing them.

    python -m benchmarks.dashboard_scale [--listings 200000] [--repeats 5] [--postgres]
                                         [--data-dir DIR] [--no-baseline]

Seeded (random.Random(2026)): LISTINGS listings over ~60 weeks on nine platforms, 1-3 current
findings each (a few superseded), sellers in 40 cities, a fifth decided in the Register
Informasi, half of those listed for takedown in weekly lists (some an UPT's), letters sent
per list, re-checks marking about half the links down 1-200 hours later; draft plans. Bulk
insert with executemany on one raw connection, as benchmarks/triage_scale.py does; SQLite by
default (`--data-dir` keeps and reuses it), or a throwaway PostgreSQL cluster (`--postgres`).

Measured: `services.dashboard.figures` (what the page calls: aggregate SQL only) for a
national analyst, for the analyst narrowed to one unit and for a period of 90 days, and for
an UPT officer — median and 95th-percentile wall time over REPEATS runs after one warm-up
(the worst run when REPEATS < 20), and the
median CPU time of this process (on SQLite that is the query work itself, unlike wall time
on a shared machine; on PostgreSQL the server's work is not in it). Beside it the baseline a
user would write: load every listing with its hits and seller, every register entry and
every link through the ORM, and count in Python (one run: it is slow; `--no-baseline` skips
it at a million rows). Both must agree on the figures, or the run fails.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casebook import config as config_module
from casebook import schema
from casebook.db import make_engine, make_session_factory
from casebook.models import Listing, RegisterEntry, TakedownLink, TakedownList
from casebook.services import dashboard
from casebook.services.access import Scope

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
START = NOW - timedelta(weeks=60)
UPT = "Balai Besar POM di Bandung"
PLATFORMS = (
    "shopee",
    "tokopedia",
    "lazada",
    "bukalapak",
    "blibli",
    "tiktok",
    "instagram",
    "facebook",
    "web",
)
KINDS = {"tiktok": "social", "instagram": "social", "facebook": "social", "web": "website"}
CATEGORIES = ("kosmetik", "obat_tradisional", "obat", "suplemen_kesehatan", "pangan_olahan")
CODES = (
    "no_nie",
    "unregistered_nie",
    "prescription_drug",
    "hazardous_ingredient",
    "misleading_claim",
    "public_warning",
    "expired_nie",
)
CITIES = [
    f"Kota {name}"
    for name in (
        "Jakarta Barat",
        "Jakarta Timur",
        "Bandung",
        "Surabaya",
        "Medan",
        "Semarang",
        "Makassar",
        "Palembang",
        "Tangerang",
        "Depok",
        "Bekasi",
        "Bogor",
        "Malang",
        "Yogyakarta",
        "Denpasar",
        "Pekanbaru",
        "Padang",
        "Banjarmasin",
        "Pontianak",
        "Manado",
    )
] + [
    f"Kab. {name}"
    for name in (
        "Sleman",
        "Bantul",
        "Sidoarjo",
        "Gresik",
        "Karawang",
        "Garut",
        "Cirebon",
        "Kudus",
        "Jember",
        "Banyumas",
        "Klaten",
        "Kediri",
        "Tasikmalaya",
        "Sukabumi",
        "Cianjur",
        "Lamongan",
        "Pati",
        "Magelang",
        "Tegal",
        "Serang",
    )
]


def _ts(value: datetime) -> str:
    # As SQLAlchemy stores a DateTime on SQLite: text in UTC, compared as text.
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(engine, n: int, rng: random.Random) -> None:
    raw = engine.raw_connection()
    cursor = _Cursor(raw.cursor(), engine.dialect.name)
    sellers = max(100, n // 20)
    cursor.executemany(
        "INSERT INTO sellers (id, platform, key, name, url, location, first_seen, last_seen) "
        "VALUES (?, ?, ?, ?, '', ?, ?, ?)",
        [
            (
                i,
                PLATFORMS[i % 9],
                f"name:toko {i}",
                f"Toko {i}",
                rng.choice(CITIES),
                _ts(START),
                _ts(START),
            )
            for i in range(1, sellers + 1)
        ],
    )
    listings, hits = [], []
    for i in range(1, n + 1):
        seen = START + timedelta(seconds=rng.randrange(int((NOW - START).total_seconds())))
        category, seller = rng.choice(CATEGORIES), rng.randrange(1, sellers + 1)
        current = False  # has_findings, as services.listings keeps it
        for code in rng.sample(CODES, rng.choice((1, 1, 2, 3))):
            superseded = _ts(seen + timedelta(days=3)) if rng.random() < 0.03 else None
            hits.append((i, code, f"R-{code}", _ts(seen), superseded))
            current = current or superseded is None
        listings.append(
            (
                i,
                f"https://{PLATFORMS[i % 9]}.example/p/{i}",
                PLATFORMS[i % 9],
                f"Produk {i}",
                "",
                category,
                seller,
                f"{i:064x}",
                _ts(seen),
                _ts(seen),
                current,
            )
        )
    cursor.executemany(
        "INSERT INTO listings (id, url, platform, title, description, category, seller_id, "
        "content_hash, first_seen, last_seen, has_findings, status, images, nies, "
        "recheck_failures) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', '[]', '[]', 0)",
        listings,
    )
    cursor.executemany(
        "INSERT INTO hits (listing_id, code, rule, score, evidence, catalogue_version, found_at, "
        "superseded_at) VALUES (?, ?, ?, 1.0, '{}', 'v1', ?, ?)",
        hits,
    )
    _casework(cursor, listings, rng)
    raw.commit()
    if engine.dialect.name == "postgresql":
        # As autovacuum leaves freshly loaded tables: statistics and the visibility map, so
        # counts may read the indexes alone (VACUUM runs outside a transaction).
        raw.driver_connection.autocommit = True
        cursor.execute("VACUUM ANALYZE")
        raw.driver_connection.autocommit = False
    else:
        cursor.execute("ANALYZE")
        raw.commit()
    raw.close()


class _Cursor:
    """The DB-API cursor with SQLite's `?` marks, rewritten for psycopg (`%s`) on PostgreSQL,
    where timestamps written as UTC text are read in a UTC session."""

    def __init__(self, cursor, dialect: str) -> None:
        self.cursor, self.postgres = cursor, dialect == "postgresql"
        if self.postgres:
            cursor.execute("SET TIME ZONE 'UTC'")
        else:  # a throwaway casebook: no waiting on the disk, a big page cache while seeding
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1000000")

    def executemany(self, sql: str, rows) -> None:
        self.cursor.executemany(sql.replace("?", "%s") if self.postgres else sql, rows)

    def execute(self, sql: str) -> None:
        self.cursor.execute(sql)


def _casework(cursor, listings, rng: random.Random) -> None:
    """Entries for a fifth, weekly takedown lists of half of those, letters, re-checks, plans."""
    decided = rng.sample(listings, len(listings) // 5)
    entries, by_week = [], {}
    for n, row in enumerate(decided, start=1):
        seen = datetime.fromisoformat(row[8]).replace(tzinfo=UTC)
        at = min(NOW, seen + timedelta(days=rng.randrange(1, 10)))
        decision = "takedown" if n % 2 else rng.choice(("intelligence", "dismissed"))
        unit = UPT if n % 10 == 1 else ""
        entries.append(
            (n, row[0], decision, "r", "patroli", "[]", "[]", "a", _ts(at), 1, unit, "biasa")
        )
        if decision == "takedown":
            by_week.setdefault((at.isocalendar()[:2], unit), []).append((n, row, at))
    cursor.executemany(
        "INSERT INTO register_entries (id, listing_id, decision, reason, source, hit_ids, "
        "capture_ids, decided_by, decided_at, version, unit, classification) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        entries,
    )
    lists, links, letters = [], [], []
    for list_id, ((_, unit), members) in enumerate(sorted(by_week.items()), start=1):
        made = max(at for _, _, at in members)
        lists.append((list_id, "sent", unit, "", "a", _ts(made), "biasa"))
        letters.append(
            (
                list_id,
                "rekomendasi_takedown",
                list_id,
                "idea",
                f"B-{list_id}/2026",
                2026,
                list_id,
                "sent",
                len(members),
                "{}",
                "a",
                _ts(made),
                made.date().isoformat(),
                (made.date() + timedelta(days=28)).isoformat(),
                _ts(made + timedelta(hours=24)),
            )
        )
        for entry_id, row, _ in members:
            down = rng.random() < 0.5
            taken = made + timedelta(hours=rng.randrange(1, 200)) if down else None
            status = "nonactive" if down else rng.choice(("active", "unknown"))
            links.append(
                (
                    list_id,
                    entry_id,
                    row[0],
                    row[1],
                    row[2],
                    KINDS.get(row[2], "marketplace"),
                    row[5],
                    "idea",
                    status,
                    _ts(taken or made),
                    1,
                    list_id,
                    _ts(taken) if taken else None,
                )
            )
    cursor.executemany(
        "INSERT INTO takedown_lists (id, status, unit, note, created_by, created_at, "
        "classification) VALUES (?, ?, ?, ?, ?, ?, ?)",
        lists,
    )
    cursor.executemany(
        "INSERT INTO letters (id, kind, list_id, recipient, number, year, seq, status, link_count,"
        " files, created_by, created_at, sent_on, due_on, deadline_at, classification) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'biasa')",
        letters,
    )
    cursor.executemany(
        "INSERT INTO takedown_links (list_id, entry_id, listing_id, url, platform, platform_kind, "
        "commodity, recipient, link_status, checked_at, proposal, letter_id, taken_down_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        links,
    )
    cursor.executemany(
        "INSERT INTO unit_listings (unit, listing_id, via) VALUES (?, ?, 'entry')",
        [(UPT, e[1]) for e in entries if e[10] == UPT],
    )
    cursor.executemany(
        "INSERT INTO patrol_plans (name, unit, risk_basis, categories, keywords, targets, "
        "schedule, classification, status, created_by, created_at) "
        "VALUES (?, ?, '', '[]', '[\"x\"]', '[]', '', 'biasa', ?, 'a', ?)",
        [
            (
                f"Rencana {i}",
                UPT if i % 4 == 0 else "",
                ("draft", "active", "closed")[i % 3],
                _ts(START + timedelta(weeks=i)),
            )
            for i in range(40)
        ],
    )


def naive(session) -> dict[str, object]:
    """What a user would write without aggregate SQL: load everything, count in Python."""
    found, with_findings = Counter(), Counter()
    violations, cities = Counter(), Counter()
    query = select(Listing).options(selectinload(Listing.hits), selectinload(Listing.seller))
    for listing in session.scalars(query).unique():
        found[listing.platform] += 1
        if listing.hits:
            with_findings[listing.platform] += 1
            cities[listing.seller.location if listing.seller else ""] += 1
            for code in {hit.code for hit in listing.hits}:
                violations[code] += 1
    decisions = Counter(entry.decision for entry in session.scalars(select(RegisterEntry)))
    statuses, hours = Counter(), []
    for link in session.scalars(
        select(TakedownLink).options(selectinload(TakedownLink.takedown_list))
    ):
        statuses[link.link_status] += 1
        if link.link_status == "nonactive" and link.taken_down_at:
            made: TakedownList = link.takedown_list
            hours.append((link.taken_down_at - made.created_at).total_seconds() / 3600)
    return {
        "found": sum(found.values()),
        "with_findings": sum(with_findings.values()),
        "by_violation": dict(violations),
        "registered": sum(decisions.values()),
        "listed": sum(statuses.values()),
        "taken_down": statuses["nonactive"],
        "median": round(statistics.median(hours), 1) if hours else None,
    }


def timed(call, repeats: int) -> tuple[float, float, float, object]:
    """(median wall s, 95th percentile wall s, median CPU s, last result). SQLite runs in this
    process, so CPU time is the work itself; wall time also counts waiting for a shared
    machine's cores. With fewer than 20 repeats the 95th percentile is the worst run."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    p95 = statistics.quantiles(walls, n=20, method="inclusive")[18] if repeats >= 20 else None
    return statistics.median(walls), p95 or max(walls), statistics.median(cpus), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--data-dir", help="keep the seeded SQLite casebook here; reused")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="on a throwaway PostgreSQL cluster (as tests/casebook starts one)",
    )
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the naive baseline (it holds every row in memory)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="patroli-dash-") as folder:
        server = None
        if args.postgres:
            url, server = _postgres()
            if url is None:
                print("no PostgreSQL here (install Debian postgresql); skipped")
                return 0
        else:
            env = {
                "PATROLI_DATA_DIR": str(args.data_dir or Path(folder) / "var"),
                "PATROLI_SECRET_KEY": "bench",
                "PATH": "/usr/bin:/bin",
            }
            url = config_module.load(env).database_url
        engine = make_engine(url)
        try:
            _prepare(engine, args)
            return measure(make_session_factory(engine), args)
        finally:
            engine.dispose()
            if server is not None:
                server.stop()


def _prepare(engine, args) -> None:
    if engine.dialect.name == "sqlite":
        database = Path(engine.url.database)
        if not (args.data_dir and database.exists()):
            _seeded(engine, args.listings)
        else:  # seeded by an older revision: migrate it (timed: backfills run at full size)
            started = time.perf_counter()
            schema.upgrade(engine)
            print(f"migrated in {time.perf_counter() - started:.1f} s")
        files = (database, database.with_name(database.name + "-wal"))
        size = sum(f.stat().st_size for f in files if f.exists())
        print(f"casebook: SQLite, {size / 1e6:.0f} MB")
    else:
        _seeded(engine, args.listings)
        print("casebook: PostgreSQL")


def _seeded(engine, listings: int) -> None:
    schema.upgrade(engine)
    started = time.perf_counter()
    seed(engine, listings, random.Random(2026))
    print(f"seeded {listings:,} listings in {time.perf_counter() - started:.1f} s")


def _postgres():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "casebook"))
    from conftest import fresh_database, server_url  # the tests' throwaway cluster

    url, server = server_url()
    return (fresh_database(url, "dashboard_bench") if url else None), server


def measure(sessions, args) -> int:
    """Time the service per case, then the naive baseline once; both must agree."""
    analyst, officer = Scope("analis", "analyst"), Scope("petugas", "upt_officer", UPT)
    cases = {
        "analyst, all time": (analyst, dashboard.Filters()),
        "analyst, one unit": (analyst, dashboard.Filters(unit=UPT)),
        "analyst, 90 days": (analyst, dashboard.Filters(since=NOW - timedelta(days=90), until=NOW)),
        "UPT officer": (officer, dashboard.Filters()),
    }
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'case':<20} {'p50 wall s':>10} {'p95 wall s':>10} {'p50 CPU s':>10}")
    boards, medians = {}, {}
    with sessions() as session:  # warm up: imports, the holiday calendar, the page cache
        dashboard.figures(session, analyst, dashboard.Filters(), now=NOW)
    for name, (scope, filters) in cases.items():

        def call(scope=scope, filters=filters):
            with sessions() as session:
                return dashboard.figures(session, scope, filters, now=NOW)

        p50, p95, cpu, boards[name] = timed(call, args.repeats)
        medians[name] = (p50, cpu)
        print(f"{name:<20} {p50:>10.3f} {p95:>10.3f} {cpu:>10.3f}", flush=True)
    if args.no_baseline:
        return 0
    with sessions() as session:
        base_wall, _, base_cpu, expected = timed(lambda: naive(session), 1)
    print(
        f"{'naive baseline':<20} {base_wall:>10.3f} {'':>10} {base_cpu:>10.3f}"
        "  (load rows, count in Python; 1 run)"
    )
    board = boards["analyst, all time"]
    got = {
        "found": board.stages["found"],
        "with_findings": board.stages["with_findings"],
        "by_violation": board.by_violation,
        "registered": board.stages["registered"],
        "listed": board.stages["listed"],
        "taken_down": board.stages["taken_down"],
        "median": board.median_hours_to_takedown,
    }
    if got != expected:
        print(f"MISMATCH\n  service  {got}\n  baseline {expected}")
        return 1
    wall, cpu = medians["analyst, all time"]
    print(
        "figures agree; naive baseline / service (analyst, all time): "
        f"{base_wall / wall:.1f}x wall, {base_cpu / cpu:.1f}x CPU (CPU: this process only; "
        "PostgreSQL works in its own)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
