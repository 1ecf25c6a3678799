"""The papers of one big actor: its profile, the Dokumen Profiling and the Rekomendasi Pelaku.

    python -m benchmarks.profiling_docs_bench [--listings 1000] [--accounts 20] [--no-captures]

One fresh SQLite casebook: an actor of `--accounts` accounts on four platforms sharing a phone
number, `--listings` listings with findings (a capture each: WARC + screenshot + manifest),
half of them in a verified takedown list, a third of those taken down — made through the
casebook services and not timed. Then, timed: the profile (`actor_profile.profile`), the Dokumen
Profiling with its XLSX without and with the PDF (LibreOffice; the first conversion of a fresh
data dir creates its profile and is shown apart), and the Rekomendasi Pelaku with its PDF, XLSX,
screenshots zip and WACZ of every capture (re-hashed against its manifest first).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from casebook import schema
from casebook.config import load
from casebook.db import make_engine, make_session_factory
from casebook.letters import office as office_module
from casebook.letters import pdf
from casebook.models import Actor, ActorAccount, ActorLink, Listing, TakedownLink
from casebook.services import actor_profile, evidence, listings, profiling_docs, register, takedown
from casebook.services.listings import ListingRecord, SellerRecord
from crawler.evidence import EvidenceStore, Exchange
from rules.catalogue import load_catalogue
from rules.model import Evidence, Verdict
from rules.model import Hit as RulesHit

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=20)
PLATFORMS = ("pasarku", "ceritaku", "tokobebas", "jualan")
RULES = (["NO-NIE"], ["BKO-TRAMADOL", "CLAIM-PANACEA"], ["RX-CLASS-K"], ["NIE-UNREGISTERED"])
PHONE = "+6281299998888"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(2048)


def build(sessions, data_dir: Path, count: int, accounts: int, captures: bool) -> int:
    """The actor's id, after its listings, takedowns and membership are stored."""
    catalogue, store = load_catalogue(), EvidenceStore(data_dir)
    ids: list[int] = []
    for start in range(0, count, 500):
        batch, shots = [], []
        day = T0 + timedelta(days=start * 10 // count)
        for i in range(start, min(start + 500, count)):
            n = i % accounts
            platform = PLATFORMS[n % len(PLATFORMS)]
            url = f"http://{platform}.example/p/{i}"
            shown = (("phone", PHONE), ("email", f"t{n}@mail.example"))
            seller = SellerRecord(platform, f"Toko Sehat {n}", f"http://{platform}.example/s/{n}",
                                  "Jakarta", shown)  # fmt: skip
            hits = tuple(RulesHit(catalogue.rule(r).code, r, 0.9, Evidence("x"), catalogue.version)
                         for r in RULES[i % len(RULES)])  # fmt: skip
            record = ListingRecord(url=url, platform=platform, seller=seller,
                                   title=f"Krim pemutih super no. {i % 40}")  # fmt: skip
            batch.append((record, Verdict(url, (), "kosmetik", hits, catalogue.version)))
            if captures:
                page = Exchange(url, "GET", [], 200, "OK", [("Content-Type", "text/html")],
                                f"<html><h1>{i}</h1>{'x' * 4000}</html>".encode())  # fmt: skip
                shots.append(store.capture(url=url, kind="http", exchanges=[page],
                                           screenshot=PNG, now=day))  # fmt: skip
        with sessions() as session, session.begin():
            stored = listings.record_listings(session, batch, now=day).listing_ids
            new = [stored[record.url] for record, _ in batch]
            evidence.record_captures(session, list(zip(shots, new, strict=False)))
            ids += new
    with sessions() as session, session.begin():
        entries = register.decide(session, ids[: count // 2], "takedown", reason="b", actor="b")
        takedown.build_list(session, [e.id for e in entries], actor="b",
                            kind_of=lambda p, u: "marketplace", now=T0)  # fmt: skip
        for n, link in enumerate(session.scalars(select(TakedownLink).order_by(TakedownLink.id))):
            down = n % 3 == 0
            link.link_status = "nonactive" if down else "active"
            link.taken_down_at = T0 + timedelta(days=1) if down else None
        actor = Actor(name="Toko Sehat", created_at=T0, updated_at=T0)
        session.add(actor)
        session.flush()
        sellers = sorted(set(session.scalars(select(Listing.seller_id))))
        session.add_all(ActorAccount(seller_id=s, actor_id=actor.id, joined_at=T0, how="auto")
                        for s in sellers)  # fmt: skip
        session.add_all(ActorLink(actor_id=actor.id, seller_id=s, kind="phone", value=PHONE,
                                  other_seller_id=sellers[0], created_at=T0)
                        for s in sellers[1:])  # fmt: skip
        return actor.id


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    print(f"{label:<58} {time.perf_counter() - started:7.2f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=1_000)
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--no-captures", dest="captures", action="store_false")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="patroli-profiling-")) / "var"
    config = load({**os.environ, "PATROLI_DATA_DIR": str(data_dir), "PATROLI_DATABASE_URL": ""})
    engine = make_engine(config.database_url)
    schema.upgrade(engine)
    sessions = make_session_factory(engine)
    office = office_module.load(data_dir)
    actor_id = build(sessions, data_dir, args.listings, args.accounts, args.captures)
    print(f"one actor: {args.listings} listings, {args.accounts} accounts, "
          f"captures={args.captures}")  # fmt: skip

    def run(action):
        with sessions() as session, session.begin():
            return action(session)

    found = timed("profile", lambda: run(lambda s: actor_profile.profile(s, actor_id, now=NOW)))
    print(f"  risk {found.risk_score}, reappeared {found.takedowns.reappeared}, "
          f"taken down {found.takedowns.taken_down} of {found.takedowns.listed}")  # fmt: skip
    cold = data_dir / "cold" / "cold.docx"
    cold.parent.mkdir(parents=True)
    shutil.copy(office.template("tembusan"), cold)
    timed("LibreOffice cold start (fresh profile, not counted below)",
          lambda: pdf.convert(cold, data_dir / "letters" / ".soffice"))  # fmt: skip
    document = profiling_docs.make_profiling_document
    timed("Dokumen Profiling, DOCX + XLSX", lambda: run(lambda s: document(
        s, actor_id=actor_id, actor="b", office=office, with_pdf=False, now=NOW)))  # fmt: skip
    timed("Dokumen Profiling, DOCX + PDF + XLSX", lambda: run(lambda s: document(
        s, actor_id=actor_id, actor="b", office=office, now=NOW)))  # fmt: skip
    refer = profiling_docs.refer_actor
    letter = timed("Rekomendasi Pelaku, DOCX + PDF + XLSX + screenshots + WACZ",
                   lambda: run(lambda s: refer(s, actor_id, "dit_intelijen", actor="b",
                                               office=office, now=NOW)))  # fmt: skip
    print(f"  {letter.number}: {letter.link_count} links, files {sorted(letter.files)}")


if __name__ == "__main__":
    main()
