"""Letters for a 10,000-link takedown list: DOCX + PDF + XLSX (+ the softcopy bundle) <= 10 s.

    python -m benchmarks.letters_bench [--links 10000] [--no-captures]

One run, one fresh SQLite casebook: listings, hits, captures (WARC + screenshot + manifest per
link), register entries and a verified takedown list are made through the casebook services
(not timed). Then, timed:
- cold: the first letter of a fresh data dir (LibreOffice creates its profile);
- the letter as officers get it: `make_letters(... "rekomendasi_takedown")` for all links —
  numbering, gathering the facts, DOCX from the template, PDF by LibreOffice, XLSX, screenshots
  zip and WACZ (every capture re-hashed against its manifest first);
- its stages one by one (gather, DOCX, PDF, XLSX, bundle);
- baselines from the same run: the attachment written cell by cell with clickable hyperlinks
  (openpyxl's ordinary mode) against Patroli's streamed sheet XML; and the links as a
  table inside the DOCX (python-docx; 1,000 rows only, LibreOffice needs minutes for them)
  against the letter with its XLSX attachment of all the links.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import docx
from openpyxl import Workbook
from sqlalchemy import select

from casebook import schema
from casebook.config import load
from casebook.db import make_engine, make_session_factory
from casebook.letters import bundle, content, pdf, xlsx
from casebook.letters import docx as letter_docx
from casebook.letters import office as office_module
from casebook.letters.gather import gather
from casebook.models import Listing, TakedownLink
from casebook.services import evidence, listings, register, takedown
from casebook.services import letters as service
from casebook.services.listings import ListingRecord, SellerRecord
from crawler.evidence import EvidenceStore, Exchange
from rules.catalogue import load_catalogue
from rules.model import Evidence, Verdict
from rules.model import Hit as RulesHit

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
RULES = (["NO-NIE"], ["BKO-TRAMADOL", "CLAIM-PANACEA"], ["RX-CLASS-K"], ["NIE-UNREGISTERED"])
PNG = b"\x89PNG\r\n\x1a\n" + bytes(2048)


def build_list(sessions, data_dir: Path, links: int, captures: bool, prefix: str) -> int:
    """A verified takedown list of `links` marketplace links, through the services."""
    catalogue, store = load_catalogue(), EvidenceStore(data_dir)
    listing_ids: list[int] = []
    for start in range(0, links, 1000):
        batch, shots = [], []
        for i in range(start, min(start + 1000, links)):
            url = f"http://pasarku.example/{prefix}/{i}"
            hits = tuple(RulesHit(catalogue.rule(r).code, r, 0.9, Evidence("x"), catalogue.version)
                         for r in RULES[i % len(RULES)])  # fmt: skip
            seller = SellerRecord(
                "pasarku", f"Toko {i % 700}", f"http://pasarku.example/s/{i % 700}"
            )
            record = ListingRecord(url=url, platform="pasarku", seller=seller,
                                   title=f"Krim pemutih super ampuh no. {i} =SUM(A1)")  # fmt: skip
            batch.append((record, Verdict(url, (), "kosmetik", hits, catalogue.version)))
            if captures:
                page = Exchange(url, "GET", [], 200, "OK", [("Content-Type", "text/html")],
                                f"<html><h1>{i}</h1>{'x' * 4000}</html>".encode())  # fmt: skip
                shots.append(store.capture(url=url, kind="http", exchanges=[page],
                                           screenshot=PNG, now=T0))  # fmt: skip
        with sessions() as session, session.begin():
            ids = listings.record_listings(session, batch, now=T0).listing_ids
            new = [ids[record.url] for record, _ in batch]
            evidence.record_captures(session, list(zip(shots, new, strict=False)))
            listing_ids += new
    with sessions() as session, session.begin():
        entries = register.decide(session, listing_ids, "takedown", reason="b", actor="bench")
        list_id = takedown.build_list(session, [e.id for e in entries], actor="bench",
                                      kind_of=lambda p, u: "marketplace").id  # fmt: skip
        for listing in session.scalars(select(Listing)):
            listing.status, listing.status_checked_at = "active", T0
        takedown.refresh_statuses(session, list_id, actor="bench", now=T0)
    return list_id


def timed(action):
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def naive_xlsx(rows: list[xlsx.Row], out: Path) -> Path:
    """The attachment as a first attempt writes it: every cell addressed, URLs clickable."""
    book = Workbook()
    sheet = book.active
    for column, name in enumerate(xlsx.HEADER, start=1):
        sheet.cell(row=1, column=column, value=name)
    for number, row in enumerate(rows, start=1):
        values = (number, row.url, row.platform, row.seller, row.product, row.violations,
                  row.legal_basis, row.evidence_sha256, row.captured_at, row.status)  # fmt: skip
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number + 1, column=column, value=value)
        sheet.cell(row=number + 1, column=2).hyperlink = row.url
    book.save(out)
    return out


def naive_docx(rows: list[xlsx.Row], out: Path) -> Path:
    """The links as a table inside the letter itself (python-docx), no attachment."""
    document = docx.Document()
    document.add_paragraph("Daftar tautan")
    table = document.add_table(rows=1, cols=len(xlsx.HEADER))
    for cell, name in zip(table.rows[0].cells, xlsx.HEADER, strict=True):
        cell.text = name
    for number, row in enumerate(rows, start=1):
        cells = table.add_row().cells
        values = (str(number), row.url, row.platform, row.seller, row.product, row.violations,
                  row.legal_basis, row.evidence_sha256, row.captured_at, row.status)  # fmt: skip
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    document.save(str(out))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--no-captures", dest="captures", action="store_false")
    # LibreOffice lays a 1,000-row table out in minutes: the table baseline stays that small
    parser.add_argument("--table-rows", type=int, default=1_000)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="patroli-letters-")) / "var"
    config = load({**os.environ, "PATROLI_DATA_DIR": str(data_dir), "PATROLI_DATABASE_URL": ""})
    engine = make_engine(config.database_url)
    schema.upgrade(engine)
    sessions = make_session_factory(engine)
    office = office_module.load(data_dir)

    def make(list_id: int):
        with sessions() as session, session.begin():
            return service.make_letters(session, list_id, "rekomendasi_takedown", actor="bench",
                                        office=office, now=T0)  # fmt: skip

    setup, small = timed(lambda: build_list(sessions, data_dir, 1, args.captures, "warm"))
    cold, _ = timed(lambda: make(small))
    setup_big, list_id = timed(
        lambda: build_list(sessions, data_dir, args.links, args.captures, "p")
    )
    busy = os.getloadavg()[0]
    total, [letter] = timed(lambda: make(list_id))
    print(f"setup (not timed): {setup + setup_big:.1f} s; {letter.link_count:,} links -> "
          f"{', '.join(k for k in letter.files if k != 'link_ids')}")  # fmt: skip
    print(f"cold first letter (1 link, LibreOffice profile created): {cold:.2f} s")
    print(
        f"make_letters, {letter.link_count:,} links, all files: {total:.2f} s (target <= 10 s;"
        f" machine load average {busy:.1f} on {os.cpu_count()} cores)"
    )

    work = data_dir / "bench"
    work.mkdir()
    with sessions() as session:
        links = list(session.scalars(select(TakedownLink).where(TakedownLink.list_id == list_id)
                                     .order_by(TakedownLink.id)))  # fmt: skip
        t_gather, facts = timed(lambda: gather(session, links))
    values = content.context(office, content.Facts(
        kind="rekomendasi_takedown", recipient="idea", number=letter.number,
        classification="biasa", dated=T0.date(), link_count=len(links),
        platforms=facts.platforms, violations=facts.violations,
        seller_count=facts.seller_count, period=facts.period))  # fmt: skip
    template = office.template("rekomendasi_takedown")
    t_docx, path = timed(lambda: letter_docx.render(template, values, work / "surat.docx"))
    t_pdf, _ = timed(lambda: pdf.convert(path, office.letters_dir / ".soffice"))
    t_xlsx, _ = timed(lambda: xlsx.write(facts.rows, work / "lampiran.xlsx"))

    def softcopy():
        captures = bundle.checked(data_dir, facts.evidence)
        bundle.screenshots(data_dir, captures, work / "shots.zip")
        bundle.wacz(data_dir, captures, work / "bukti.wacz", title="bench")

    t_bundle, _ = timed(softcopy)
    print(
        f"  stages: gather {t_gather:.2f} s, DOCX {t_docx:.2f} s, PDF {t_pdf:.2f} s, "
        f"XLSX {t_xlsx:.2f} s, evidence bundle {t_bundle:.2f} s"
    )
    docx_pdf_xlsx = t_docx + t_pdf + t_xlsx
    print(f"  DOCX + PDF + XLSX: {docx_pdf_xlsx:.2f} s")

    t_naive_xlsx, _ = timed(lambda: naive_xlsx(facts.rows, work / "naive.xlsx"))
    print(
        f"baseline XLSX cell by cell with hyperlinks (openpyxl): {t_naive_xlsx:.2f} s; streamed: "
        f"{t_xlsx:.2f} s; ratio {t_naive_xlsx / t_xlsx:.1f}x"
    )
    few = facts.rows[: args.table_rows]
    t_naive_docx, naive = timed(lambda: naive_docx(few, work / "naive.docx"))
    t_naive_pdf, _ = timed(lambda: pdf.convert(naive, office.letters_dir / ".soffice"))
    naive_total = t_naive_docx + t_naive_pdf
    print(
        f"baseline links as a DOCX table, only {len(few):,} rows: DOCX {t_naive_docx:.2f} s + "
        f"PDF {t_naive_pdf:.2f} s = {naive_total:.2f} s; letter + XLSX attachment of all "
        f"{len(facts.rows):,}: {docx_pdf_xlsx:.2f} s; ratio {naive_total / docx_pdf_xlsx:.1f}x"
    )


if __name__ == "__main__":
    main()
