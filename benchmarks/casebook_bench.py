"""The casebook at scale: a bulk Register Informasi decision and the monitoring figures.

    python -m benchmarks.casebook_bench [--listings 1000000] [--links 100000] [--decide 10000]

Seeded (random.Random(2026)) into one SQLite file: LISTINGS listings with hits, LINKS of them
on takedown lists (links in ~10 lists, half with a sent letter), statuses spread as a patrol's
would be. Measured, each beside a naive baseline from the same run:
- deciding DECIDE listings in one request (`register.decide`, the service the CLI and API
  call) vs deciding them one request at a time (one call + commit per listing, as a loop over
  the single-listing endpoint would);
- the monitoring figures (`monitoring.report`: per platform, recipient, commodity, with
  takedown rate and median time) vs loading the links with their listings through the ORM and
  counting in Python.
Targets: bulk decision <= 2 s; figures <= 1 s.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from casebook import schema
from casebook.db import make_engine, make_session_factory
from casebook.models import Hit, Letter, Listing, TakedownLink, TakedownList
from casebook.services import monitoring, register

T0 = datetime(2026, 6, 1, tzinfo=UTC)
PLATFORMS = ("tokopedia", "shopee", "bukalapak", "lazada", "blibli", "instagram", "tiktok",
             "facebook", "web")  # fmt: skip
KIND = {"instagram": "social", "tiktok": "social", "facebook": "social", "web": "website"}
CATEGORIES = ("obat", "obat_tradisional", "suplemen_kesehatan", "kosmetik", "pangan_olahan")
CODES = ("no_nie", "hazardous_ingredient", "misleading_claim", "prescription_drug")


def seed(engine, listings: int, links: int, rng: random.Random) -> None:
    with engine.begin() as connection:
        batch = []
        for n in range(1, listings + 1):
            seen = T0 + timedelta(minutes=n % 100_000)
            batch.append({
                "id": n, "url": f"https://{PLATFORMS[n % 9]}.example/p/{n}",
                "platform": PLATFORMS[n % 9], "title": f"Produk {n}", "description": "",
                "images": [], "nies": [], "category": CATEGORIES[n % 5],
                "content_hash": f"{n:064x}", "first_seen": seen, "last_seen": seen,
                "status": rng.choice(("active", "active", "nonactive", "unknown")),
                "status_checked_at": seen + timedelta(days=3), "recheck_failures": 0,
                "has_findings": True,  # each gets one current hit below
            })  # fmt: skip
            if len(batch) == 20_000:
                connection.execute(insert(Listing), batch)
                batch = []
        if batch:
            connection.execute(insert(Listing), batch)
        hits = [{"listing_id": n, "code": CODES[n % 4], "rule": f"R-{n % 40}", "score": 1.0,
                 "evidence": {"text": "x"}, "catalogue_version": "2026.11.0", "found_at": T0}
                for n in range(1, listings + 1)]  # fmt: skip
        for start in range(0, len(hits), 50_000):
            connection.execute(insert(Hit), hits[start : start + 50_000])
        _seed_lists(connection, listings, links, rng)


def _seed_lists(connection, listings: int, links: int, rng: random.Random) -> None:
    chosen = rng.sample(range(1, listings + 1), links)
    per_list = max(1, links // 10)
    entries = [{"id": i + 1, "listing_id": listing_id, "decision": "takedown", "reason": "",
                "source": "patroli", "hit_ids": [], "capture_ids": [], "decided_by": "bench",
                "decided_at": T0, "version": 1} for i, listing_id in enumerate(chosen)]  # fmt: skip
    connection.execute(insert(register.RegisterEntry), entries)
    rows = []
    for index, listing_id in enumerate(chosen):
        list_id = index // per_list + 1
        if index % per_list == 0:
            created = T0 + timedelta(days=7 * list_id)
            connection.execute(insert(TakedownList), [{"id": list_id, "status": "verified",
                               "created_by": "bench", "created_at": created}])  # fmt: skip
            if list_id % 2:
                connection.execute(insert(Letter), [{"id": list_id, "kind": "rekomendasi_takedown",
                    "list_id": list_id, "recipient": "idea", "number": f"B-{list_id}/2026",
                    "year": 2026, "seq": list_id, "status": "sent", "created_by": "bench",
                    "created_at": created, "sent_on": date(2026, 6, 1),
                    "deadline_at": created + timedelta(hours=24)}])  # fmt: skip
        platform = PLATFORMS[listing_id % 9]
        status = rng.choice(("active", "nonactive", "nonactive", "unknown"))
        rows.append({
            "list_id": list_id, "entry_id": index + 1, "listing_id": listing_id,
            "url": f"https://{platform}.example/p/{listing_id}", "platform": platform,
            "platform_kind": KIND.get(platform, "marketplace"),
            "commodity": CATEGORIES[listing_id % 5],
            "recipient": "idea" if platform not in KIND else "komdigi", "link_status": status,
            "checked_at": T0 + timedelta(days=7 * list_id + 2), "proposal": 1,
            "letter_id": list_id if list_id % 2 else None,
            "taken_down_at": (T0 + timedelta(days=7 * list_id, hours=rng.randint(2, 400))
                              if status == "nonactive" else None),
        })  # fmt: skip
    for start in range(0, len(rows), 20_000):
        connection.execute(insert(TakedownLink), rows[start : start + 20_000])


def bench_decide(sessions, ids: list[int]) -> tuple[float, float]:
    half = len(ids) // 2
    bulk_ids, naive_ids = ids[:half], ids[half:]
    started = time.perf_counter()
    with sessions() as session, session.begin():
        register.decide(session, bulk_ids, "takedown", reason="BKO", actor="bench")
    bulk = time.perf_counter() - started
    started = time.perf_counter()
    for listing_id in naive_ids:
        with sessions() as session, session.begin():
            register.decide(session, [listing_id], "takedown", reason="BKO", actor="bench")
    naive = time.perf_counter() - started
    # Both halves are the same size: the bulk request's time is for len(bulk_ids) entries.
    return bulk, naive


def bench_figures(sessions) -> tuple[float, float, dict, dict]:
    started = time.perf_counter()
    with sessions() as session:
        figures = monitoring.report(session, now=T0 + timedelta(days=120)).overall.as_dict()
    fast = time.perf_counter() - started
    started = time.perf_counter()
    with sessions() as session:
        counts: Counter[str] = Counter()
        query = select(TakedownLink).options(selectinload(TakedownLink.takedown_list))
        for link in session.scalars(query):
            listing = session.get(Listing, link.listing_id)
            counts[(link.platform, link.recipient, listing.category, link.link_status)] += 1
    naive = time.perf_counter() - started
    naive_listed = {"listed": sum(counts.values())}
    return fast, naive, figures, naive_listed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--decide", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory(prefix="patroli-bench-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'casebook.db'}")
        schema.upgrade(engine)
        started = time.perf_counter()
        seed(engine, args.listings, args.links, rng)
        print(f"seeded {args.listings:,} listings, {args.links:,} links in "
              f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        sessions = make_session_factory(engine)
        fast, naive, figures, counted = bench_figures(sessions)
        assert figures["listed"] == counted["listed"] == args.links
        print(f"monitoring figures over {args.links:,} links / {args.listings:,} listings: "
              f"{fast:.3f} s (target <= 1 s); naive ORM count {naive:.2f} s; "
              f"{naive / fast:.0f}x", flush=True)  # fmt: skip
        print(f"  {figures}")
        undecided = rng.sample(range(1, args.listings + 1), args.decide * 3)
        with sessions() as session:
            taken = set(session.scalars(select(register.RegisterEntry.listing_id)))
        ids = [i for i in undecided if i not in taken][: args.decide * 2]
        bulk, naive = bench_decide(sessions, ids)
        print(f"register: {len(ids) // 2:,} entries in one bulk decision {bulk:.2f} s; the same "
              f"number one request each {naive:.2f} s; {naive / bulk:.1f}x "
              f"(target: {args.decide:,} in <= 2 s)", flush=True)  # fmt: skip
        engine.dispose()


if __name__ == "__main__":
    main()
