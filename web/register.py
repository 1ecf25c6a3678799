"""Register Informasi (SOP step 3): entries an analyst decided, what each stood on, deciding
again, and tips from other units (pasted URLs) taken into the register."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from casebook.models import DECISIONS
from casebook.services import access, register, triage
from web import sharing
from web.auth import current_scope, require_role
from web.db import db_session
from web.findings import _cursor, _day, decision_label
from web.i18n import add_words, t

bp = Blueprint("register", __name__)
FILTER_KEYS = ("decision", "source", "decided_by", "since", "until")


def _filter(args) -> triage.EntryFilter:
    decision = args.get("decision")
    return triage.EntryFilter(
        decision=decision if decision in DECISIONS else None,
        source=(args.get("source") or "")[:200] or None,
        decided_by=(args.get("decided_by") or "")[:64] or None,
        since=_day(args.get("since")),
        until=_day(args.get("until")),
    )


@bp.get("/register")
@login_required
def index():
    wanted = _filter(request.args)
    with db_session() as session:
        entries = triage.entry_page(
            session, wanted, after=_cursor("after"), before=_cursor("before"),
            scope=current_scope(),
        )  # fmt: skip
        return render_template(
            "register/index.html", entries=entries, wanted=wanted, decisions=DECISIONS,
            choices=triage.entry_choices(session, current_scope()),
            args={k: v for k, v in request.args.items() if k in FILTER_KEYS and v},
        )  # fmt: skip


@bp.get("/register/<int:entry_id>")
@login_required
def show(entry_id: int):
    with db_session() as session:
        found = triage.visible_entry(session, entry_id, current_scope())
        if found is None:
            abort(404)
        entry, listing = found
        hits, captures = triage.decided_on(session, entry)
        return render_template(
            "register/show.html", entry=entry, listing=listing, hits=hits, captures=captures,
            decisions=DECISIONS, sharing=sharing.context(session, current_scope(), "entry", entry),
            share_action=url_for(".share", entry_id=entry.id),
        )  # fmt: skip


@bp.post("/register/<int:entry_id>/share")
@require_role(sharing.LEAST_ROLE)
def share(entry_id: int):
    """Share the entry with another unit, or take a share back (web.sharing)."""
    return sharing.from_form("entry", entry_id, url_for(".show", entry_id=entry_id))


@bp.post("/register/<int:entry_id>/decide")
@require_role("analyst")
def decide(entry_id: int):
    """Decide an entry again; refused if someone decided it after this analyst read it."""
    seen = request.form.get("version", "")
    try:
        with db_session() as session, session.begin():
            if triage.visible_entry(session, entry_id, current_scope()) is None:
                abort(404)
            entry = register.get_entry(session, entry_id)
            versions = {entry.listing_id: int(seen)} if seen.isdigit() else None
            register.decide(
                session, [entry.listing_id], request.form.get("decision", ""),
                reason=request.form.get("reason", ""), actor=current_user.username,
                seen_versions=versions,
            )  # fmt: skip
    except register.RegisterError as error:
        flash(t("Keputusan tidak disimpan") + f": {error}", "error")
    else:
        flash(t("Keputusan disimpan."))
    return redirect(url_for(".show", entry_id=entry_id), 303)


@bp.post("/register/intake")
@require_role("analyst")
def intake():
    """A tip from another unit: the URLs the casebook holds are entered with the unit as their
    source; the others are kept in a file for `patroli crawl urls` and named on the page."""
    unit = (request.form.get("source") or "").strip()[:200]
    decision, reason = request.form.get("decision", ""), request.form.get("reason", "")
    if not unit:
        flash(t("Unit pengirim wajib diisi."), "error")
        return redirect(url_for(".index"), 303)
    try:
        with db_session() as session, session.begin():
            tip = triage.read_tip(session, request.form.get("urls", ""))
            if tip.known:
                access.require_visible(session, current_scope(), "listing", tip.known.values())
                register.decide(session, list(tip.known.values()), decision, reason=reason,
                                actor=current_user.username, source=unit,
                                unit=current_user.unit)  # fmt: skip
    except (register.RegisterError, access.AccessError) as error:
        flash(t("Keputusan tidak disimpan") + f": {error}", "error")
        return redirect(url_for(".index"), 303)
    for line in tip.errors:
        flash(line, "error")
    if tip.known:
        flash(t("{n} tautan dicatat dari {unit}: {decision}").format(
            n=len(tip.known), unit=unit, decision=decision_label(decision)))  # fmt: skip
    if tip.unknown:
        saved = _keep_for_crawl(tip.unknown, unit)
        flash(t("{n} URL belum ada di casebook; disimpan untuk ditelusuri: {command}").format(
            n=len(tip.unknown), command=f"patroli crawl urls {saved}"))  # fmt: skip
    return redirect(url_for(".index", source=unit), 303)


def _keep_for_crawl(urls: list[str], unit: str) -> str:
    """The URLs not crawled yet, one per line in the data dir (nothing pasted is lost)."""
    folder = current_app.config["PATROLI"].data_dir / "tips"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{stamp}-{re.sub(r'[^A-Za-z0-9_-]+', '_', unit)[:60]}.txt"
    path.write_text("".join(f"{url}\n" for url in urls), encoding="utf-8")
    return str(path)


add_words(
    {
        "Register Informasi": "Information Register",
        "Sumber": "Source",
        "Semua sumber": "All sources",
        "Semua analis": "All analysts",
        "Diputuskan sejak": "Decided from",
        "Waktu keputusan": "Decided at",
        "Keputusan disimpan.": "Decision saved.",
        "Putuskan lagi": "Decide again",
        "Temuan saat diputuskan": "Findings when decided",
        "Tangkapan saat diputuskan": "Captures when decided",
        "Tidak ada entri.": "No entries.",
        "Masukan dari unit lain": "Tips from other units",
        "Unit pengirim": "Sending unit",
        "URL, satu per baris": "URLs, one per line",
        "Catat ke register": "Enter into the register",
        "Unit pengirim wajib diisi.": "The sending unit is required.",
        "{n} tautan dicatat dari {unit}: {decision}": (
            "{n} listings entered from {unit}: {decision}"
        ),
        "{n} URL belum ada di casebook; disimpan untuk ditelusuri: {command}": (
            "{n} URLs are not in the casebook yet; kept for crawling: {command}"
        ),
        "Tautan": "Listings",
    }
)
