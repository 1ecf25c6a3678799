"""SOP step 7's papers: the Dokumen Profiling (one actor, or the actors active in a period ranked
by risk) and the Rekomendasi Pelaku, the referral of one actor to Dit. Was, Dit. Intelijen or an
UPT.

Both are naskah dinas in the letters' layout, made by the letters' and reports' machinery (the
sandboxed DOCX template, its PDF by LibreOffice, the XLSX attachment). The Dokumen Profiling is a
report: its number keeps the running number blank for the agenda (a draft made twice spends no
number) and making it again replaces its files. The referral is a letter: numbered from the
year's sequence, `list_id` NULL and `actor_id` set, sent and answered like any other
(services.letters.mark_sent / record_response); asking again while a draft exists for the same
actor and recipient returns that draft.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casebook import reports
from casebook.letters import content, numbering, render, safe
from casebook.letters.bundle import Evidence
from casebook.letters.gather import local_date
from casebook.letters.office import Office
from casebook.letters.xlsx import Row
from casebook.models import (
    Actor,
    ActorAccount,
    Capture,
    Hit,
    Letter,
    Listing,
    Seller,
    TakedownLink,
    utcnow,
)
from casebook.reports import words
from casebook.services import actor_profile, audit
from casebook.services.actor_profile import ActorProfile
from casebook.services.letters import LetterConflict, LetterError, public
from casebook.services.reports import ReportError, ReportFiles
from casebook.vocabulary import status_label, violation_label
from rules.catalogue import load_catalogue

KIND = "rekomendasi_pelaku"
DETAILED = 25  # actors with a full section in a period's document; the rest in the ranking
SHOWN = {"products": 10, "identifiers": 40, "reappearances": 10, "suggestions": 10}
IDENTIFIER_KINDS = {"phone": "Telepon/WhatsApp", "whatsapp": "WhatsApp", "email": "E-mail",
                    "bank_account": "Rekening bank", "handle": "Akun media sosial",
                    "shop_url": "Alamat toko", "city": "Kota"}  # fmt: skip
TAKEDOWN_STATES = {"nonactive": "turun", "active": "masih aktif", "unknown": "belum diketahui"}
SHEET_HEADER = ("No", "ID Pelaku", "Pelaku", "Platform", "Akun", "Tautan", "Produk",
                "Pelanggaran", "Status Tautan", "Status Takedown", "Pertama Dilihat",
                "Terakhir Dilihat")  # fmt: skip
SHEET_WIDTHS = (6, 10, 24, 14, 24, 60, 40, 40, 14, 16, 20, 20)
_CHUNK = 900


def make_profiling_document(
    session: Session,
    *,
    actor_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    actor: str,
    office: Office,
    classification: str = "biasa",
    with_pdf: bool = True,
    now: datetime | None = None,
) -> ReportFiles:
    """The Dokumen Profiling of one actor (`actor_id`), or of the actors seen active from `since`
    to `until` (both days included, Jakarta time: a listing of theirs seen in the period),
    ranked by risk score. Files under `reports/profiling/`; made again, they are replaced."""
    now = now or utcnow()
    if (actor_id is None) == (since is None and until is None):
        raise ReportError("a profiling document is of one actor or of a period: give one")
    if actor_id is not None:
        profiles = [actor_profile.profile(session, actor_id, now=now)]
        subject, folder = f"atas pelaku {profiles[0].name}", f"actor-{actor_id}"
        hal = f"Dokumen Profiling Pelaku {profiles[0].name}"
    else:
        if since is None or until is None:
            raise ReportError("a period needs both its first and last day")
        if until < since:
            raise ReportError(f"the period ends ({until}) before it starts ({since})")
        ids = active_actors(session, since, until)
        found = [actor_profile.profile(session, i, now=now) for i in ids]
        profiles = sorted(found, key=lambda p: (-p.risk_score, p.actor_id))
        period = words.period(since, until)
        subject, folder = f"yang aktif pada periode {period}", f"{since:%Y-%m-%d}_{until:%Y-%m-%d}"
        hal = f"Dokumen Profiling Pelaku Periode {period}"
    dated = local_date(now)
    number = words.number(office, classification, dated)
    values = _document_values(session, office, profiles, number, classification, dated)
    values.update(hal=f"{hal} (Peredaran Obat dan Makanan Ilegal secara Daring)", subject=subject)
    listings = _listing_facts(session, profiles)
    sheet = reports.Sheet("Tautan pelaku", SHEET_HEADER, _sheet_rows(profiles, listings),
                          SHEET_WIDTHS)  # fmt: skip
    where = Path("reports") / "profiling" / folder
    files = reports.render(office, office.data_dir / where, "profiling", words.cleaned(values),
                           sheet, stem="dokumen-profiling", with_pdf=with_pdf)  # fmt: skip
    summary = {"actor_id": actor_id, "since": since.isoformat() if since else None,
               "until": until.isoformat() if until else None,
               "actors": [p.actor_id for p in profiles],
               "risk_scores": [p.risk_score for p in profiles]}  # fmt: skip
    target = f"actor:{actor_id}" if actor_id is not None else f"actors:{folder}"
    hashes = {k: v["sha256"] for k, v in files.items()}
    audit.record(session, actor, "actor.document", target, None, {**summary, "files": hashes},
                 now=now)  # fmt: skip
    return ReportFiles("profiling", number, str(where), files, summary)


def refer_actor(
    session: Session,
    actor_id: int,
    recipient: str,
    *,
    actor: str,
    office: Office,
    classification: str = "biasa",
    with_pdf: bool = True,
    now: datetime | None = None,
) -> Letter:
    """The Rekomendasi Pelaku of one actor to `recipient`, numbered like every letter; the draft
    already made for this actor and recipient when there is one (a number is never spent twice).
    Once that letter is sent, asking again makes a new referral with the facts of the day."""
    spec = content.KINDS[KIND]
    if recipient not in spec.recipients:
        raise LetterError(f"a letter {KIND} goes to {', '.join(spec.recipients)}, "
                          f"not {recipient!r}")  # fmt: skip
    now = now or utcnow()
    _serialise(session, actor_id)
    draft = session.scalar(
        select(Letter).where(Letter.actor_id == actor_id, Letter.kind == KIND,
                             Letter.recipient == recipient, Letter.status == "draft")
        .order_by(Letter.id)
    )  # fmt: skip
    if draft is not None:
        return draft
    found = actor_profile.profile(session, actor_id, now=now)  # NoSuchActor
    if found.merged_into_id is not None:
        raise LetterConflict(f"actor {actor_id} was merged into actor {found.merged_into_id}: "
                             "refer that one")  # fmt: skip
    if not found.accounts:
        raise LetterConflict(f"actor {actor_id} has no seller account left to refer")
    dated = local_date(now)
    code = office.classification_code(classification)  # an unknown one fails before numbering
    seq = numbering.next_seq(session, dated.year)
    listings = _listing_facts(session, [found])
    rows, evidence = _letter_rows(found, listings)
    letter = Letter(kind=KIND, list_id=None, actor_id=actor_id, recipient=recipient,
                    year=dated.year, seq=seq,
                    number=numbering.format_number(office, classification, seq, dated, KIND),
                    classification=classification, link_count=len(rows), files={},
                    created_by=actor, created_at=now)  # fmt: skip
    session.add(letter)
    session.flush()
    values = content.context(office, content.Facts(
        kind=KIND, recipient=recipient, number=letter.number, classification=classification,
        dated=dated, link_count=len(rows), platforms=[r.platform for r in rows],
        violations=[v for r in rows for v in r.violations.split("; ") if v],
        seller_count=len(found.accounts), period=_period(found, dated)))  # fmt: skip
    values["pelaku"] = words.cleaned(_referral_facts(found))
    folder = office.letters_dir / str(dated.year) / str(letter.id)
    files = render(office, folder, KIND, values, rows, evidence, with_pdf=with_pdf)
    letter.files = {**files, "link_ids": []}
    audit.record(session, actor, "letter.create", f"letter:{letter.id}", None,
                 {**public(letter), "actor_id": actor_id, "classification_code": code,
                  "risk_score": found.risk_score,
                  "files": {k: v["sha256"] for k, v in files.items()}}, now=now)  # fmt: skip
    return letter


def active_actors(session: Session, since: date, until: date) -> list[int]:
    """Actors (not merged away) with a listing seen in the period, in id order."""
    start, end = words.midnight(since), words.midnight(until + timedelta(days=1))
    query = (
        select(ActorAccount.actor_id)
        .join(Listing, Listing.seller_id == ActorAccount.seller_id)
        .join(Actor, Actor.id == ActorAccount.actor_id)
        .where(Actor.merged_into_id.is_(None))
        .where(Listing.last_seen >= start, Listing.first_seen < end)
        .distinct()
    )
    return sorted(session.scalars(query))


# -- what the papers say ------------------------------------------------------------------------


def _serialise(session: Session, actor_id: int) -> None:
    """Referrals of one actor take turns (the letters' way): a no-op UPDATE of the actor row
    holds its row lock (PostgreSQL) or the write lock (SQLite) until the caller commits, so two
    requests at once find each other's draft instead of numbering two."""
    session.execute(
        update(Actor)
        .where(Actor.id == actor_id)
        .values(risk_score=Actor.risk_score)
        .execution_options(synchronize_session=False)
    )


def _document_values(session: Session, office: Office, profiles: Sequence[ActorProfile],
                     number: str, classification: str,
                     dated: date) -> dict[str, object]:  # fmt: skip
    names = _seller_names(session, profiles)
    detailed = profiles[:DETAILED]
    return {
        **words.heading(office, "profiling", number, classification, dated),
        "actor_count": content.counted(len(profiles)),
        "account_count": words.amount(sum(len(p.accounts) for p in profiles)),
        "listing_count": words.amount(sum(p.listings for p in profiles)),
        "violating_count": words.amount(sum(p.with_findings for p in profiles)),
        "ranking": [_ranking_row(n, p) for n, p in enumerate(profiles, start=1)],
        "omitted": len(profiles) > len(detailed),
        "detailed": content.counted(len(detailed)),
        "actors": [_section(n, p, names) for n, p in enumerate(detailed, start=1)],
    }


def _ranking_row(n: int, found: ActorProfile) -> dict[str, object]:
    return {
        "no": n,
        "name": found.name or f"#{found.actor_id}",
        "accounts": words.amount(len(found.accounts)),
        "platforms": ", ".join(name for name, _ in found.platforms),
        "violating": words.amount(found.with_findings),
        "taken_down": words.amount(found.takedowns.taken_down),
        "reappeared": words.amount(found.takedowns.reappeared),
        "score": str(found.risk_score),
    }


def _section(n: int, found: ActorProfile, names: dict[int, str]) -> dict[str, object]:
    takedowns = found.takedowns
    return {
        "no": n,
        "id": found.actor_id,
        "name": found.name or f"#{found.actor_id}",
        "score": found.risk_score,
        "first_seen": _day(found.first_seen),
        "last_seen": _day(found.last_seen),
        "account_count": content.counted(len(found.accounts)),
        "platform_count": content.counted(len(found.platforms)),
        "listing_count": words.amount(found.listings),
        "violating": words.amount(found.with_findings),
        "reasons": [f"{r.id} (+{r.points})" for r in found.reasons],
        "accounts": [
            {
                "platform": a.platform,
                "shop_name": a.shop_name,
                "shop_url": a.shop_url,
                "city": a.city or "-",
                "first_seen": _short_day(a.first_seen),
                "last_seen": _short_day(a.last_seen),
                "listings": words.amount(a.listings),
            }
            for a in found.accounts
        ],
        "identifiers": [
            {
                "kind": IDENTIFIER_KINDS.get(i.kind, i.kind),
                "value": i.value,
                "accounts": ", ".join(names.get(s, f"#{s}") for s in i.seller_ids),
                "joins": "penghubung" if i.joins or len(i.seller_ids) > 1 else "-",
            }
            for i in found.identifiers[: SHOWN["identifiers"]]
        ],
        "violations": [
            {"label": v.label, "count": words.amount(v.listings)} for v in found.violations
        ],
        "products": [
            {"title": p.title, "count": words.amount(p.listings)}
            for p in found.products[: SHOWN["products"]]
        ],
        "listed": words.amount(takedowns.listed),
        "taken_down": words.amount(takedowns.taken_down),
        "still_up": words.amount(takedowns.still_up),
        "unknown": words.amount(takedowns.unknown),
        "reappeared": words.amount(takedowns.reappeared),
        "reappearances": _capped(
            [_reappearance(r, names) for r in takedowns.evidence], SHOWN["reappearances"]
        ),
        "suggestions": _capped(
            [
                f"{names.get(s.seller_a_id, f'#{s.seller_a_id}')} dan "
                f"{names.get(s.seller_b_id, f'#{s.seller_b_id}')} (skor "
                f"{s.score:.2f}".replace(".", ",")
                + f"): {'; '.join(s.reasons) or '-'}"
                for s in found.suggestions
            ],
            SHOWN["suggestions"],
        ),
        "referrals": [
            f"{r.number} kepada {words.RECIPIENTS.get(r.recipient, r.recipient)} "
            f"({'dikirim ' + content.tanggal(r.sent_on) if r.sent_on else 'konsep'})"
            for r in found.referrals
        ],
    }


def _capped(items: list[str], shown: int) -> list[str]:
    """The first `shown` items, and how many more the attachment or the profile page has."""
    rest = len(items) - shown
    return items[:shown] + ([f"... dan {words.amount(rest)} lainnya"] if rest > 0 else [])


def _reappearance(found: actor_profile.Reappearance, names: dict[int, str]) -> str:
    how = "muncul sebagai akun baru" if found.how == "new_account" else "tetap berjualan"
    return (f"{found.url} ({names.get(found.seller_id, '')}) turun {_day(found.taken_down_at)}; "
            f"akun {names.get(found.by_seller_id, '')} {how}, terlihat "
            f"{_day(found.seen_at)}")  # fmt: skip


def _referral_facts(found: ActorProfile) -> dict[str, object]:
    """What a Rekomendasi Pelaku says about its actor (template_source.ACTOR)."""
    names = {a.seller_id: f"{a.shop_name} ({a.platform})" for a in found.accounts}
    t = found.takedowns
    return {
        "id": found.actor_id,
        "name": found.name or f"#{found.actor_id}",
        "score": found.risk_score,
        "first_seen": _day(found.first_seen),
        "last_seen": _day(found.last_seen),
        "accounts": [
            f"{a.shop_name} pada {a.platform} ({a.shop_url or 'tanpa alamat'}"
            f"{', ' + a.city if a.city else ''}), {words.amount(a.listings)} tautan"
            for a in found.accounts
        ],
        "identifiers": [
            f"{IDENTIFIER_KINDS.get(i.kind, i.kind)} {i.value}: "
            + ", ".join(names.get(s, f"#{s}") for s in i.seller_ids)
            for i in found.identifiers[: SHOWN["identifiers"]]
            if i.joins or len(i.seller_ids) > 1
        ],
        "reasons": [f"{r.id} (+{r.points})" for r in found.reasons],
        "takedowns": (
            f"Riwayat takedown: {words.amount(t.listed)} tautan direkomendasikan, "
            f"{words.amount(t.taken_down)} telah turun, {words.amount(t.still_up)} "
            f"masih aktif; muncul kembali dengan akun lain setelah takedown "
            f"{words.amount(t.reappeared)} kali."
        ),
    }


def _period(found: ActorProfile, dated: date) -> tuple[date, date]:
    first = local_date(found.first_seen) if found.first_seen else dated
    last = local_date(found.last_seen) if found.last_seen else dated
    return first, last


def _day(at: datetime | None) -> str:
    return content.tanggal(local_date(at)) if at else "-"


def _short_day(at: datetime) -> str:
    """A table's date (Jakarta): 02/11/2026."""
    return f"{local_date(at):%d/%m/%Y}"


# -- the listings behind them ---------------------------------------------------------------


def _listing_facts(session: Session, profiles: Sequence[ActorProfile]) -> dict[int, list[dict]]:
    """Actor id -> its listings (id order) with current hits, latest takedown link and the latest
    capture of the listing itself, read in bulk."""
    owner = {a.seller_id: p.actor_id for p in profiles for a in p.accounts}
    shop = {a.seller_id: a.shop_name for p in profiles for a in p.accounts}
    columns = (Listing.id, Listing.seller_id, Listing.url, Listing.platform, Listing.title,
               Listing.category, Listing.status, Listing.first_seen, Listing.last_seen)  # fmt: skip
    rows = []
    for chunk in _chunks(list(owner)):
        rows.extend(session.execute(select(*columns).where(Listing.seller_id.in_(chunk))))
    ids = [row.id for row in rows]
    hits = _grouped(session, select(Hit.listing_id, Hit.code, Hit.rule, Hit.catalogue_version)
                    .where(Hit.superseded_at.is_(None)), Hit.listing_id, ids)  # fmt: skip
    link = select(TakedownLink.listing_id, TakedownLink.id, TakedownLink.link_status)
    links = _grouped(session, link, TakedownLink.listing_id, ids)
    shots = _grouped(session, select(Capture.listing_id, Capture.id, Capture.url, Capture.kind,
                                     Capture.captured_at, Capture.manifest_path,
                                     Capture.manifest_sha256), Capture.listing_id, ids)  # fmt: skip
    out: dict[int, list[dict]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: r.id):
        latest = max(links.get(row.id, ()), key=lambda link: link.id, default=None)
        capture = max(shots.get(row.id, ()), key=lambda c: (c.kind != "recheck", c.captured_at,
                                                             c.id), default=None)  # fmt: skip
        out[owner[row.seller_id]].append({
            "row": row, "shop": shop[row.seller_id], "hits": hits.get(row.id, []),
            "takedown": TAKEDOWN_STATES.get(latest.link_status, "") if latest else "",
            "capture": capture,
        })  # fmt: skip
    return out


def _sheet_rows(profiles: Sequence[ActorProfile], listings: dict[int, list[dict]]):
    n = 0
    for found in profiles:
        for item in listings.get(found.actor_id, ()):
            n += 1
            row = item["row"]
            yield (n, found.actor_id, found.name, row.platform, item["shop"], row.url, row.title,
                   "; ".join(dict.fromkeys(violation_label(h.code) for h in item["hits"])),
                   status_label(row.status), item["takedown"] or "-",
                   words.utc(row.first_seen), words.utc(row.last_seen))  # fmt: skip


def _letter_rows(found: ActorProfile, listings: dict[int, list[dict]]):
    """The referral's attachment: the actor's listings with current findings (DESIGN §7 columns),
    and the evidence of those captured."""
    catalogue = load_catalogue()
    rows, evidence = [], []
    for item in listings.get(found.actor_id, ()):
        if not item["hits"]:
            continue
        listing, capture = item["row"], item["capture"]
        bases = []
        for hit in item["hits"]:
            rule = catalogue.rules.get(hit.rule)
            bases.append(rule.basis_for(listing.category) if rule else
                         f"aturan {hit.rule} (katalog {hit.catalogue_version})")  # fmt: skip
        rows.append(Row(
            url=listing.url, platform=listing.platform, seller=item["shop"],
            product=listing.title,
            violations="; ".join(dict.fromkeys(violation_label(h.code) for h in item["hits"])),
            legal_basis="; ".join(dict.fromkeys(bases)),
            evidence_sha256=capture.manifest_sha256 if capture else "",
            captured_at=words.utc(capture.captured_at) if capture else "",
            status=status_label(listing.status)))  # fmt: skip
        if capture is not None:
            evidence.append(Evidence(len(rows), capture.id, capture.url, safe.clean(listing.title),
                                     capture.captured_at, capture.manifest_path,
                                     capture.manifest_sha256))  # fmt: skip
    return rows, evidence


def _seller_names(session: Session, profiles: Sequence[ActorProfile]) -> dict[int, str]:
    """ "Shop (platform)" of every account the papers name, suggestions' other accounts too."""
    names = {a.seller_id: f"{a.shop_name} ({a.platform})" for p in profiles for a in p.accounts}
    others = {x for p in profiles for s in p.suggestions
              for x in (s.seller_a_id, s.seller_b_id)} - set(names)  # fmt: skip
    for chunk in _chunks(sorted(others)):
        query = select(Seller.id, Seller.name, Seller.platform).where(Seller.id.in_(chunk))
        names.update((i, f"{name} ({platform})") for i, name, platform in session.execute(query))
    return names


def _grouped(session: Session, query, key, ids: list[int]) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for chunk in _chunks(ids):
        for row in session.execute(query.where(key.in_(chunk))):
            out[row[0]].append(row)
    return out


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]
