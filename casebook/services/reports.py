"""Reports as files: SOP step 8's Hasil Monitoring dan Evaluasi, and the UPT's monthly report
on advertising of registered traditional medicine and supplements (SOP step 2, note 6).

Both are naskah dinas in the letters' layout (DESIGN §7), written under
`$PATROLI_DATA_DIR/reports/`; a report made again for the same period replaces its files. The
number is the office's pattern with the running number left blank ("B-.../..."): an official
fills it in from the agenda when signing, so a report drafted twice spends no letter number.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from casebook import reports
from casebook.letters import content
from casebook.letters.gather import gather, local_date
from casebook.letters.office import Office
from casebook.models import (
    Capture,
    Hit,
    Letter,
    Listing,
    RegisteredProduct,
    RegisterEntry,
    TakedownLink,
    TakedownList,
    User,
    utcnow,
)
from casebook.reports import words
from casebook.services import escalation, monitoring
from casebook.services.letters import letter_link_ids
from casebook.services.plans import DIT_SIBER, PlanError, responsible_unit
from casebook.vocabulary import status_label, violation_label
from rules.catalogue import load_catalogue


class ReportError(ValueError):
    """A report that cannot be made; the message says which value is wrong."""


@dataclass(frozen=True)
class ReportFiles:
    name: str  # monev | upt_iklan
    number: str
    folder: str  # relative to the data dir
    files: dict[str, dict[str, str]]
    summary: dict[str, Any]


def monev(
    session: Session,
    office: Office,
    *,
    since: date,
    until: date,
    classification: str = "biasa",
    with_pdf: bool = True,
    now: datetime | None = None,
) -> ReportFiles:
    """Hasil Monitoring dan Evaluasi of the links listed from `since` to `until` (both days
    included, Jakarta time): figures per platform, recipient and commodity, Komdigi's
    escalation stages, and the links still up as the XLSX attachment."""
    if until < since:
        raise ReportError(f"the period ends ({until}) before it starts ({since})")
    now = now or utcnow()
    start, end = words.midnight(since), words.midnight(until + timedelta(days=1))
    monitoring.refresh_links(session, now=now)
    figures = monitoring.report(session, since=start, until=end, now=now)
    period = words.period(since, until)
    dated = local_date(now)
    number = words.number(office, classification, dated)
    values = {
        **words.heading(office, "monev", number, classification, dated),
        "hal": f"{words.MONEV_HAL} {period}",
        "period": period,
        "checked_until": content.tanggal(dated),
        "platform_hours": content.counted(office.platform_hours),
        "total": words.figures_row("Jumlah", figures.overall),
        "by_platform": words.figure_rows(figures.by_platform, {}),
        "by_recipient": words.figure_rows(
            figures.by_recipient, words.RECIPIENTS, words.ALWAYS_SHOWN
        ),
        "by_commodity": words.figure_rows(figures.by_commodity, words.COMMODITIES),
        "escalations": _escalations(session, start, end),
    }
    still_up = _still_up_rows(session, start, end, now)
    sheet = reports.Sheet("Tautan masih aktif", words.MONEV_HEADER, still_up, words.MONEV_WIDTHS)
    folder = Path("reports") / "monev" / f"{since:%Y-%m-%d}_{until:%Y-%m-%d}"
    files = reports.render(office, office.data_dir / folder, "monev", words.cleaned(values),
                           sheet, stem="hasil-monev", with_pdf=with_pdf)  # fmt: skip
    summary = {"since": since.isoformat(), "until": until.isoformat(),
               "overall": figures.overall.as_dict(), "still_up_rows": len(still_up),
               "escalations": len(values["escalations"])}  # fmt: skip
    return ReportFiles("monev", number, str(folder), files, summary)


def upt_advertising(
    session: Session,
    office: Office,
    *,
    month: date,
    unit: str | None = None,
    classification: str = "biasa",
    with_pdf: bool = True,
    now: datetime | None = None,
) -> ReportFiles:
    """The monthly report to Dit. Was Deputi II: listings of registered traditional medicine
    and supplements (a registered NIE shown, or the product recognised in the registry by name
    and brand) whose only current violations are advertising ones, evaluated into the register
    in `month` by `unit` (the unit of the officer who decided the entry; default every unit)."""
    try:
        wanted = responsible_unit(unit) if unit else None
    except PlanError as error:
        raise ReportError(str(error)) from None
    now = now or utcnow()
    first = month.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    found = _advertising(session, words.midnight(first), words.midnight(after), wanted)
    month_name = f"{content.MONTHS[first.month - 1]} {first.year}"
    dated = local_date(now)
    number = words.number(office, classification, dated)
    by_platform: dict[str, Counter[str]] = defaultdict(Counter)
    for row in found:
        by_platform[row["platform"]][row["category"]] += 1
    values = {
        **words.heading(office, "upt_iklan", number, classification, dated),
        "hal": "Laporan Bulanan Pengawasan Iklan Obat Tradisional dan Suplemen Kesehatan "
        f"Terdaftar Bulan {month_name}",
        "unit": wanted or "seluruh unit",
        "month": month_name,
        "total": content.counted(len(found)),
        "by_platform": [
            {
                "name": name,
                "obat_tradisional": words.amount(c["obat_tradisional"]),
                "suplemen_kesehatan": words.amount(c["suplemen_kesehatan"]),
                "total": words.amount(c.total()),
            }
            for name, c in sorted(by_platform.items())
        ],
        "rows": [
            {
                "no": n,
                "product": r["product"],
                "nie": r["nie"],
                "claim": r["claim"],
                "platform": r["platform"],
            }
            for n, r in enumerate(found, start=1)
        ],
    }
    rows = [
        (n, month_name, r["unit"], words.COMMODITIES[r["category"]], r["product"], r["registered"],
         r["nie"], r["claim"], r["violations"], r["basis"], r["platform"], r["url"],
         r["sha256"], r["captured_at"], r["status"])
        for n, r in enumerate(found, start=1)
    ]  # fmt: skip
    sheet = reports.Sheet("Iklan OT dan SK", words.UPT_HEADER, rows, words.UPT_WIDTHS)
    folder = Path("reports") / "upt-iklan" / f"{first:%Y-%m}" / words.slug(wanted or "semua-unit")
    files = reports.render(office, office.data_dir / folder, "upt_iklan", words.cleaned(values),
                           sheet, stem="laporan-iklan", with_pdf=with_pdf)  # fmt: skip
    summary = {"month": f"{first:%Y-%m}", "unit": wanted, "listings": len(found),
               "by_commodity": dict(Counter(r["category"] for r in found))}  # fmt: skip
    return ReportFiles("upt_iklan", number, str(folder), files, summary)


def _escalations(session: Session, start: datetime, end: datetime) -> list[dict[str, str]]:
    """Komdigi's stage on each of the period's sent takedown recommendations to Komdigi."""
    sent = session.scalars(
        select(Letter)
        .join(TakedownList, TakedownList.id == Letter.list_id)
        .where(Letter.recipient == "komdigi", Letter.kind == "rekomendasi_takedown",
               Letter.status == "sent")
        .where(TakedownList.created_at >= start, TakedownList.created_at < end)
        .order_by(Letter.id)
    ).all()  # fmt: skip
    latest = escalation.current(session, [letter.id for letter in sent])
    rows = []
    for letter in sent:
        ids = letter_link_ids(letter)
        up = sum(1 for (status,) in _link_statuses(session, ids) if status == "active")
        stage = latest.get(letter.id)
        rows.append({
            "number": letter.number,
            "sent_on": content.tanggal(letter.sent_on) if letter.sent_on else "–",
            "links": words.amount(letter.link_count),
            "still_up": words.amount(up),
            "stage": escalation.LABELS[stage.stage if stage else "order"],
            "reached_on": content.tanggal(stage.reached_on) if stage else "–",
        })  # fmt: skip
    return rows


def _link_statuses(session: Session, ids: list[int]):
    for begin in range(0, len(ids), 900):
        query = select(TakedownLink.link_status).where(
            TakedownLink.id.in_(ids[begin : begin + 900])
        )
        yield from session.execute(query)


def _still_up_rows(session: Session, start: datetime, end: datetime,
                   now: datetime) -> list[tuple[object, ...]]:  # fmt: skip
    """The period's links still up, with the §7 evidence columns and what came of them."""
    links = session.scalars(
        select(TakedownLink)
        .join(TakedownList, TakedownList.id == TakedownLink.list_id)
        .where(TakedownList.created_at >= start, TakedownList.created_at < end)
        .where(TakedownLink.link_status == "active")
        .order_by(TakedownLink.id)
    ).all()
    if not links:
        return []
    evidence = gather(session, links).rows
    ids = [link.id for link in links]
    later = aliased(TakedownLink)
    again: dict[int, int] = {}
    letters: dict[int, Letter] = {}
    for begin in range(0, len(ids), 900):
        chunk = ids[begin : begin + 900]
        query = select(later.previous_link_id, later.list_id)
        again.update(
            (old, new)
            for old, new in session.execute(query.where(later.previous_link_id.in_(chunk)))
        )
    letter_ids = sorted({link.letter_id for link in links if link.letter_id})
    for begin in range(0, len(letter_ids), 900):
        query = select(Letter).where(Letter.id.in_(letter_ids[begin : begin + 900]))
        letters.update((letter.id, letter) for letter in session.scalars(query))
    rows = []
    for n, (link, row) in enumerate(zip(links, evidence, strict=True), start=1):
        letter = letters.get(link.letter_id) if link.letter_id else None
        rows.append((
            n, row.url, row.platform, words.RECIPIENTS.get(link.recipient, link.recipient),
            words.COMMODITIES.get(link.commodity, link.commodity), row.seller, row.product,
            row.violations, row.legal_basis, row.evidence_sha256, row.captured_at,
            row.status, words.utc(link.checked_at), letter.number if letter else "",
            words.utc(letter.deadline_at) if letter else "", link.proposal,
            words.what_next(letter, again.get(link.id), now),
        ))  # fmt: skip
    return rows


def _advertising(session: Session, start: datetime, end: datetime,
                 unit: str | None) -> list[dict[str, str]]:  # fmt: skip
    entries = session.execute(
        select(RegisterEntry.listing_id, RegisterEntry.decided_by, RegisterEntry.capture_ids,
               Listing.url, Listing.platform, Listing.title, Listing.category, Listing.nies,
               Listing.status)
        .join(Listing, Listing.id == RegisterEntry.listing_id)
        .where(RegisterEntry.decided_at >= start, RegisterEntry.decided_at < end)
        .where(RegisterEntry.decision != "dismissed", Listing.category.in_(words.ADVERTISED))
        .order_by(RegisterEntry.decided_at, RegisterEntry.id)
    ).all()  # fmt: skip
    hits = _current_hits(session, [e.listing_id for e in entries])
    units = _units(session, {e.decided_by for e in entries})
    shown = {nie for e in entries for nie in e.nies or ()}
    registry = _registered(session, shown)
    captures = _latest_captures(session, entries)
    catalogue = load_catalogue()
    found = []
    for entry in entries:
        listing_hits = hits.get(entry.listing_id, [])
        if not listing_hits or {h.code for h in listing_hits} - words.ADVERTISING_ONLY:
            continue
        own_unit = units.get(entry.decided_by) or DIT_SIBER
        if unit is not None and own_unit != unit:
            continue
        nies = [nie for nie in entry.nies or () if nie in registry]
        if entry.nies and not nies:
            continue  # a number shown that the registry does not hold: not a registered product
        capture = captures.get(entry.listing_id)
        rule_bases = []
        for h in listing_hits:
            rule = catalogue.rules.get(h.rule)
            rule_bases.append(rule.basis_for(entry.category) if rule else f"aturan {h.rule}")
        found.append({
            "unit": own_unit,
            "category": entry.category,
            "product": entry.title,
            "registered": "; ".join(registry[nie] for nie in nies)
            or "dikenali dari nama dan merek",
            "nie": ", ".join(nies) or "tidak dicantumkan",
            "claim": "; ".join(dict.fromkeys(str(h.evidence.get("text", ""))
                                             for h in listing_hits)),
            "violations": "; ".join(dict.fromkeys(violation_label(h.code) for h in listing_hits)),
            "basis": "; ".join(dict.fromkeys(rule_bases)),
            "platform": entry.platform,
            "url": entry.url,
            "sha256": capture.manifest_sha256 if capture else "",
            "captured_at": words.utc(capture.captured_at) if capture else "",
            "status": status_label(entry.status),
        })  # fmt: skip
    return found


def _current_hits(session: Session, listing_ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for begin in range(0, len(listing_ids), 900):
        query = (
            select(Hit.listing_id, Hit.code, Hit.rule, Hit.evidence)
            .where(Hit.listing_id.in_(listing_ids[begin : begin + 900]))
            .where(Hit.superseded_at.is_(None))
            .order_by(Hit.id)
        )
        for row in session.execute(query):
            out[row.listing_id].append(row)
    return out


def _units(session: Session, usernames: set[str]) -> dict[str, str]:
    query = select(User.username, User.unit).where(User.username.in_(sorted(usernames)))
    out = {}
    for username, unit in session.execute(query):
        try:
            out[username] = responsible_unit(unit)
        except PlanError:
            out[username] = unit  # a unit written some other way is reported as written
    return out


def _registered(session: Session, nies: set[str]) -> dict[str, str]:
    """Shown NIEs held in the registry with a valid licence -> "product (brand)"."""
    query = select(RegisteredProduct.nie, RegisteredProduct.product_name,
                   RegisteredProduct.brand).where(RegisteredProduct.nie.in_(sorted(nies)),
                                                  RegisteredProduct.status == "valid")  # fmt: skip
    return {
        nie: f"{name} ({brand})" if brand else name for nie, name, brand in session.execute(query)
    }


def _latest_captures(session: Session, entries) -> dict[int, Any]:
    """The latest capture each entry was decided on, else the latest of its listing."""
    wanted = {c for e in entries for c in e.capture_ids or ()}
    listing_ids = [e.listing_id for e in entries]
    latest: dict[int, Any] = {}
    for begin in range(0, len(listing_ids), 900):
        query = select(Capture.id, Capture.listing_id, Capture.captured_at,
                       Capture.manifest_sha256).where(
            Capture.listing_id.in_(listing_ids[begin : begin + 900]))  # fmt: skip
        for row in session.execute(query):
            known = latest.get(row.listing_id)
            if known is None or _capture_rank(row, wanted) > _capture_rank(known, wanted):
                latest[row.listing_id] = row
    return latest


def _capture_rank(row, wanted: set[int]) -> tuple[bool, datetime, int]:
    return (row.id in wanted, row.captured_at, row.id)
