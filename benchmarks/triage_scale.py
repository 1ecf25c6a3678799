"""The triage queue at a million listings, on SQLite and on PostgreSQL.

    python -m benchmarks.triage_scale [--listings 1000000] [--requests 50]
        [--only sqlite|postgresql] [--sqlite-file F] [--postgres-url URL]

Seeded (random.Random(2026)) with LISTINGS listings that all have current findings: nine
platforms, the commodity categories, 30,000 sellers of which a few big ones hold a tenth of
the listings each, titles and descriptions in Indonesian, 1-3 hits per listing, a tenth of them
decided in the Register Informasi. Bulk insert: executemany on SQLite (the FTS5 triggers of
migration 0009 run per row, as they do in use), COPY on PostgreSQL (a throwaway cluster,
started the way tests/casebook/conftest.py does).

Measured through the real path: `triage.page` (the function the view calls) and the view
itself through the Flask test client, each beside a baseline written as a user would
(OFFSET pagination, LIKE '%word%'), same data, same run; p50/p95 over REQUESTS requests each.
Target: p95 <= 100 ms for the first page, a deep page (page 2,000) and a full-text search.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from casebook import config as config_module
from casebook import schema
from casebook.db import make_engine, make_session_factory
from casebook.models import Hit, Listing, RegisterEntry, Seller
from casebook.services import triage, users

T0 = datetime(2025, 1, 1, tzinfo=UTC)
PAGE = 50
PLATFORMS = (("shopee", 30), ("tokopedia", 28), ("lazada", 10), ("bukalapak", 8),
             ("blibli", 4), ("tiktok", 8), ("instagram", 6), ("facebook", 4),
             ("web", 2))  # fmt: skip
CATEGORIES = (("kosmetik", 30), ("obat_tradisional", 25), ("obat", 20),
              ("suplemen_kesehatan", 15), ("pangan_olahan", 10))  # fmt: skip
PRODUCTS = {
    "kosmetik": ["krim pemutih wajah", "serum glowing", "lotion pencerah kulit", "krim malam",
                 "sabun pemutih", "masker wajah", "cream racikan dokter"],
    "obat_tradisional": ["jamu pegal linu", "jamu kuat pria", "jamu asam urat",
                         "obat herbal kolesterol", "kapsul pelangsing herbal",
                         "jamu galian singset"],
    "obat": ["tramadol 50 mg", "dexamethasone tablet", "amoxicillin kapsul", "sildenafil 100mg",
             "misoprostol", "antibiotik tanpa resep", "obat penenang"],
    "suplemen_kesehatan": ["suplemen peninggi badan", "vitamin penambah nafsu makan",
                           "kapsul pelangsing", "suplemen daya tahan tubuh", "madu penggemuk"],
    "pangan_olahan": ["susu penggemuk", "kopi kuat lelaki", "teh pelangsing", "minuman detoks",
                      "permen penambah stamina"],
}  # fmt: skip
BRANDS = ("Arum", "Mekar", "Herbal", "Melati", "Sari", "Teratai", "Pelangi", "Warisan", "Dewi",
          "Kirana", "Padma", "Kembang", "Laras", "Cahaya", "Raja", "Taman", "Ayunda", "Embun",
          "Mentari", "Sekar", "Bunga", "Putri", "Surya", "Bintang", "Nusa", "Citra", "Intan",
          "Mutiara", "Permata", "Cempaka", "Kenanga", "Anggrek", "Seroja", "Wijaya",
          "Sinar")  # fmt: skip
CLAIMS = ("ampuh menyembuhkan segala penyakit", "100% aman tanpa efek samping",
          "hasil instan dalam 3 hari", "dijamin putih permanen",
          "mengandung merkuri dan hidrokinon", "tanpa resep dokter", "BPOM terdaftar",
          "kiriman dari seluruh Indonesia", "COD tersedia", "original import", "stok terbatas",
          "harga grosir untuk reseller")  # fmt: skip
CITIES = ("Jakarta Barat", "Jakarta Timur", "Jakarta Utara", "Jakarta Selatan", "Bandung",
          "Surabaya", "Medan", "Semarang", "Makassar", "Palembang", "Tangerang", "Bekasi", "Depok",
          "Bogor", "Batam", "Pekanbaru", "Malang", "Yogyakarta", "Denpasar", "Pontianak",
          "Banjarmasin", "Samarinda", "Manado", "Padang", "Jambi", "Kupang", "Mataram", "Ambon",
          "Jayapura", "Cirebon")  # fmt: skip
CODES = (("no_nie", 30), ("misleading_claim", 25), ("hazardous_ingredient", 15),
         ("prescription_drug", 12), ("unregistered_nie", 8), ("public_warning", 4),
         ("nie_mismatch", 3), ("expired_nie", 2), ("malformed_nie", 1))  # fmt: skip
SELLERS = 30_000


def _weighted(rng: random.Random, table, n: int) -> list[str]:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights, k=n)


def generate(n: int, seed: int = 2026):
    """(sellers, listings, hits, entries) as tuples in column order; same seed, same data."""
    rng = random.Random(seed)
    sellers = [
        (i, PLATFORMS[i % 9][0], f"toko:{i}", f"Toko {rng.choice(BRANDS)} {rng.choice(BRANDS)} {i}",
         f"https://shop.example/{i}", rng.choice(CITIES), T0, T0)
        for i in range(1, SELLERS + 1)
    ]  # fmt: skip
    big = [1, 2, 3, 4, 5]  # big sellers: each holds a tenth of the listings
    platforms, categories = _weighted(rng, PLATFORMS, n), _weighted(rng, CATEGORIES, n)
    listings, hits, entries = [], [], []
    hit_id = 0
    for i in range(1, n + 1):
        category = categories[i - 1]
        product = rng.choice(PRODUCTS[category])
        title = f"{product.title()} {rng.choice(BRANDS)} {rng.choice(BRANDS)} original"
        description = ". ".join(rng.sample(CLAIMS, 3)) + f". Kirim dari {rng.choice(CITIES)}."
        seller = rng.choice(big) if rng.random() < 0.5 else rng.randint(6, SELLERS)
        seen = T0 + timedelta(seconds=i * 60)
        status = "active" if rng.random() < 0.8 else rng.choice(("nonactive", "unknown"))
        price = float(rng.randrange(10_000, 900_000, 500))
        listings.append((i, f"https://{platforms[i - 1]}.example/p/{i}", platforms[i - 1], title,
                         description, price, "IDR", "[]", seller, category, "[]", f"{i:064x}",
                         "v1", seen, seen, status))  # fmt: skip
        for code in set(_weighted(rng, CODES, rng.randint(1, 3))):
            hit_id += 1
            evidence = json.dumps(
                {"text": product, "field": "title", "start": 0, "end": len(product)}
            )
            hits.append((hit_id, i, code, f"R-{code.upper()}", 0.9, evidence, "v1", seen))
        if rng.random() < 0.1:
            decision = rng.choice(("takedown", "takedown", "intelligence", "dismissed"))
            entries.append((len(entries) + 1, i, decision, "bench", "patroli", "[]", "[]",
                            "analis", seen, 1))  # fmt: skip
    return sellers, listings, hits, entries


COLUMNS = {
    "sellers": "id, platform, key, name, url, location, first_seen, last_seen",
    "listings": "id, url, platform, title, description, price, currency, images, seller_id, "
    "category, nies, content_hash, catalogue_version, first_seen, last_seen, status",
    "hits": "id, listing_id, code, rule, score, evidence, catalogue_version, found_at",
    "register_entries": "id, listing_id, decision, reason, source, hit_ids, capture_ids, "
    "decided_by, decided_at, version",
}


def load(engine, data) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, rows in zip(COLUMNS, data, strict=True):
            started = time.perf_counter()
            if engine.dialect.name == "postgresql":
                _copy(cursor, table, rows)
            else:
                marks = ", ".join("?" * len(rows[0]))
                cursor.executemany(
                    f"INSERT INTO {table} ({COLUMNS[table]}) VALUES ({marks})",
                    [tuple(_sqlite(v) for v in row) for row in rows],
                )
            raw.commit()
            print(
                f"  {table}: {len(rows):,} rows in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
        if engine.dialect.name == "postgresql":
            for table in COLUMNS:
                cursor.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
            raw.commit()
            raw.driver_connection.autocommit = True  # VACUUM runs outside a transaction
            raw.driver_connection.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            raw.commit()
    finally:
        raw.close()


def _sqlite(value):
    # As SQLAlchemy stores a DateTime on SQLite: text in UTC, compared as text.
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value


def _copy(cursor, table: str, rows) -> None:
    with cursor.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# ---- what is measured -------------------------------------------------------------------


def cases(deep_cursor: int) -> dict[str, dict]:
    """name -> the service's arguments (the view gets the same as its query string)."""
    return {
        "first page": {},
        "deep page (page 2,000)": {"after": deep_cursor},
        "full-text 'tramadol'": {"text": "tramadol"},
        "full-text 'krim pemutih'": {"text": "krim pemutih"},
        "full-text seller 'toko kenanga'": {"text": "toko kenanga"},
        "full-text, rare 'misoprostol kenanga'": {"text": "misoprostol kenanga"},
        "full-text, no match 'sibutramin'": {"text": "sibutramin"},
        "code + platform": {"code": "public_warning", "platform": "lazada"},
        "platform + status + not decided": {
            "platform": "tiktok", "status": "unknown", "decided": "belum"},
        "city + category": {"city": "Kupang", "category": "obat"},
        "date range + code": {
            "since": date(2025, 6, 1), "until": date(2025, 6, 30), "code": "expired_nie"},
        "full-text + platform": {"text": "jamu", "platform": "shopee"},
    }  # fmt: skip


def query_string(args: dict) -> dict[str, str]:
    """The view's query string for the same request."""
    names = {"text": "q"}
    return {names.get(k, k): v.isoformat() if isinstance(v, date) else v for k, v in args.items()}


def service_call(sessions, args: dict) -> Callable[[], int]:
    args = dict(args)
    after = args.pop("after", None)
    wanted = triage.QueueFilter(**args)

    def call() -> int:
        with sessions() as session:
            return len(triage.page(session, wanted, after=after).rows)

    return call


def baseline_call(sessions, args: dict, offset: int) -> Callable[[], int]:
    """The queue as written without thought: OFFSET pages, LIKE '%word%', ORM objects."""
    args = dict(args)
    words = (args.pop("text", "") or "").split()

    def call() -> int:
        with sessions() as session:
            query = select(Listing).where(
                exists().where(Hit.listing_id == Listing.id, Hit.superseded_at.is_(None))
            )
            if args.get("code"):
                query = query.where(Listing.id.in_(select(Hit.listing_id).where(
                    Hit.code == args["code"], Hit.superseded_at.is_(None))))  # fmt: skip
            for key in ("platform", "status", "category"):
                if args.get(key):
                    query = query.where(getattr(Listing, key) == args[key])
            if args.get("city"):
                query = query.where(Listing.seller.has(Seller.location == args["city"]))
            if args.get("decided") == "belum":
                query = query.where(~exists().where(RegisterEntry.listing_id == Listing.id))
            if args.get("since"):
                start = datetime.combine(args["since"], datetime.min.time(), tzinfo=UTC)
                end = datetime.combine(args["until"], datetime.min.time(), tzinfo=UTC)
                query = query.where(
                    Listing.first_seen >= start, Listing.first_seen < end + timedelta(days=1)
                )
            for word in words:
                pattern = f"%{word}%"
                query = query.where(or_(
                    Listing.title.ilike(pattern), Listing.description.ilike(pattern),
                    Listing.seller.has(Seller.name.ilike(pattern)),
                ))  # fmt: skip
            query = query.options(selectinload(Listing.hits), selectinload(Listing.seller))
            rows = session.scalars(query.order_by(Listing.id.desc()).offset(offset).limit(PAGE))
            return len(rows.all())

    return call


def view_call(client, params: dict) -> Callable[[], int]:
    def call() -> int:
        response = client.get("/", query_string=params)
        assert response.status_code == 200, response.status_code
        return response.data.count(b'class="listing')

    return call


def measure(call: Callable[[], int], requests: int) -> tuple[float, float, int]:
    call()  # warm: the first request pays for imports and statement compilation
    times, found = [], 0
    for _ in range(requests):
        started = time.perf_counter()
        found = call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], found


def run_backend(name: str, database_url: str, data, data_dir: Path, requests: int) -> list[str]:
    engine = make_engine(database_url)
    schema.upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as session:
        seeded = session.scalar(select(Listing.id).limit(1)) is not None
    if seeded:  # --reuse: a database this benchmark seeded before
        print(f"[{name}] reusing the seeded database", flush=True)
    else:
        print(f"[{name}] seeding", flush=True)
        load(engine, data())
        with sessions() as session, session.begin():
            users.create_user(session, "analis", "bench-sandi-1", "analyst", actor="bench")
    with sessions() as session:
        # The cursor a reader reaches after 1,999 pages (taken by OFFSET once, not measured).
        ids = triage.matching_ids(session, triage.QueueFilter()).order_by(Listing.id.desc())
        deep_cursor = session.scalar(ids.offset(PAGE * 1999 - 1).limit(1))
    client = _client(database_url, data_dir)
    lines = []
    for label, args in cases(deep_cursor).items():
        offset = PAGE * 1999 if "after" in args else 0
        svc = measure(service_call(sessions, args), requests)
        view = measure(view_call(client, query_string(args)), requests)
        base = measure(
            baseline_call(sessions, {k: v for k, v in args.items() if k != "after"}, offset),
            requests,
        )
        ratio = base[1] / max(svc[1], 0.001)
        lines.append(
            f"| {name} | {label} | {svc[0]:.1f} / {svc[1]:.1f} | {view[0]:.1f} / {view[1]:.1f} "
            f"| {base[0]:.1f} / {base[1]:.1f} | {ratio:.0f}x | {svc[2]} |"
        )
        print(lines[-1], flush=True)
    engine.dispose()
    return lines


def _client(database_url: str, data_dir: Path):
    from web import create_app

    config = config_module.load({
        "PATROLI_DATA_DIR": str(data_dir), "PATROLI_DATABASE_URL": database_url,
        "PATROLI_SECRET_KEY": "bench", "PATH": "/usr/bin:/bin",
    })  # fmt: skip
    app = create_app(config, testing=True)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    answer = client.post("/login", data={"username": "analis", "password": "bench-sandi-1"})
    assert answer.status_code == 302, "benchmark login failed"
    return client


def _postgres():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "casebook"))
    from conftest import fresh_database, server_url  # the tests' throwaway cluster

    url, server = server_url()
    return (fresh_database(url, "triage_bench") if url else None), server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--sqlite-file", type=Path, help="keep (or reuse) the SQLite casebook here")
    parser.add_argument("--postgres-url", help="a database on a running server (kept, reused)")
    options = parser.parse_args()

    @functools.cache
    def data():
        started = time.perf_counter()
        rows = generate(options.listings)
        print(f"generated {options.listings:,} listings, {len(rows[2]):,} hits, "
              f"{len(rows[3]):,} entries in {time.perf_counter() - started:.1f} s",
              flush=True)  # fmt: skip
        return rows

    lines = []
    with tempfile.TemporaryDirectory(prefix="triage-bench-") as folder:
        data_dir = Path(folder) / "var"
        data_dir.mkdir()
        if options.only != "postgresql":
            url = f"sqlite:///{options.sqlite_file or Path(folder) / 'triage.db'}"
            lines += run_backend("SQLite", url, data, data_dir, options.requests)
        if options.only != "sqlite":
            url, server = (options.postgres_url, None) if options.postgres_url else _postgres()
            if url is None:
                print("no PostgreSQL here (install Debian postgresql); skipped")
            else:
                try:
                    lines += run_backend("PostgreSQL", url, data, data_dir, options.requests)
                finally:
                    if server is not None:
                        server.stop()
    print(f"\nTriage queue, {options.listings:,} listings with findings, {options.requests} "
          "requests each (ms, p50 / p95)\n")  # fmt: skip
    print("| store | request | triage.page | view (test client) | baseline OFFSET + LIKE "
          "| p95 ratio | rows |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
