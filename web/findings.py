"""The triage queue (listings with findings: filter, search, select many, decide) and the
listing page (each hit explained beside the registry row, the evidence, the decision)."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from casebook.models import DECISIONS
from casebook.services import access, evidence, findings, register, triage
from casebook.vocabulary import STATUSES, VIOLATION_CODES
from web import jobs
from web.auth import current_scope, require_role, visible_or_404
from web.db import db_session
from web.i18n import add_words, t

bp = Blueprint("findings", __name__)
FILTER_KEYS = ("code", "platform", "status", "category", "city", "decided", "since", "until",
               "q", "hits")  # fmt: skip


def filter_from_args(args) -> triage.QueueFilter:
    """The queue's filters from a query string; a value it does not know is left out."""
    code, status, decided = args.get("code"), args.get("status"), args.get("decided")
    return triage.QueueFilter(
        code=code if code in VIOLATION_CODES else None,
        platform=(args.get("platform") or "")[:64] or None,
        status=status if status in STATUSES else None,
        category=(args.get("category") or "")[:32] or None,
        city=(args.get("city") or "")[:200] or None,
        decided=decided if decided in triage.DECIDED_CHOICES else None,
        since=_day(args.get("since")),
        until=_day(args.get("until")),
        text=(args.get("q") or "").strip()[:200] or None,
        with_hits={"1": True, "0": False, "semua": None}.get(args.get("hits", "1"), True),
    )


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _cursor(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@bp.get("/")
@login_required
def index():
    wanted = filter_from_args(request.args)
    with db_session() as session:
        queue = triage.page(
            session, wanted, after=_cursor("after"), before=_cursor("before"),
            scope=current_scope(),
        )  # fmt: skip
        return render_template(
            "findings/index.html", queue=queue, wanted=wanted, choices=triage.choices(session),
            args={k: v for k, v in request.args.items() if k in FILTER_KEYS and v},
            codes=list(VIOLATION_CODES), statuses=list(STATUSES),
            decisions=DECISIONS,
        )  # fmt: skip


@bp.post("/decide")
@require_role("analyst")
def decide():
    """Decide every ticked listing at once; back to the same page of the queue."""
    ids = [int(i) for i in request.form.getlist("listing_id") if i.isascii() and i.isdigit()]
    _decide(ids)
    back = request.form.get("back", "")
    return redirect(back if back.startswith("/?") or back == "/" else url_for(".index"), 303)


@bp.post("/listings/<int:listing_id>/decide")
@require_role("analyst")
def decide_one(listing_id: int):
    _decide([listing_id])
    return redirect(url_for(".show", listing_id=listing_id), 303)


def _decide(ids: list[int]) -> None:
    decision, reason = request.form.get("decision", ""), request.form.get("reason", "")
    try:
        with db_session() as session, session.begin():
            access.require_visible(session, current_scope(), "listing", ids)
            entries = register.decide(session, ids, decision, reason=reason,
                                      actor=current_user.username,
                                      unit=current_user.unit)  # fmt: skip
    except (register.RegisterError, access.AccessError) as error:
        flash(t("Keputusan tidak disimpan") + f": {error}", "error")
        return
    label = decision_label(decision)
    flash(t("{n} tautan diputuskan: {decision}").format(n=len(entries), decision=label))


DECISION_LABELS = {"takedown": "Takedown", "intelligence": "Intelijen", "dismissed": "Diabaikan"}


@bp.app_template_global()
def decision_label(decision: str | None) -> str:
    """A Register Informasi decision in the reader's language; none shows as a dash."""
    return t(DECISION_LABELS.get(decision or "", decision or "–"))


@bp.get("/listings/<int:listing_id>")
@login_required
def show(listing_id: int):
    with db_session() as session:
        visible_or_404(session, "listing", listing_id)  # another unit's answers as a missing one
        listing = findings.get_listing(session, listing_id)
        if listing is None:
            abort(404)
        return render_template(
            "findings/show.html",
            listing=listing,
            captures=evidence.listing_captures(session, listing_id),
            history=findings.listing_history(session, listing_id),
            entry=_visible_entry(session, triage.entries_of(session, [listing_id]).get(listing_id)),
            registry=triage.registry_rows(session, listing),
            decisions=DECISIONS,
            job_id=request.args.get("job", type=int),
        )


@bp.post("/listings/<int:listing_id>/recheck")
@require_role("upt_officer")
def recheck(listing_id: int):
    """Re-check this listing now (a background job): is it still up on the platform?"""
    with db_session() as session:
        visible_or_404(session, "listing", listing_id)
    try:
        job_id = jobs.start("recheck", {"listing_ids": [listing_id]})
    except ValueError as error:  # jobs.JobError, one line
        flash(str(error), "error")
        return redirect(url_for(".show", listing_id=listing_id), 303)
    return redirect(url_for(".show", listing_id=listing_id, job=job_id), 303)


def _visible_entry(session, entry):
    """The listing's entry, unless it is classified above the user's clearance."""
    if entry is None or not access.visible(session, current_user.scope, "entry", entry.id):
        return None
    return entry


@bp.app_template_global()
def evidence_context(listing, evidence: dict, width: int = 80) -> tuple[str, str, str] | None:
    """The text around a hit's span, for highlighting: (before, span, after), all plain text.

    A hit is kept as first recorded while the seller edits the listing, so its offsets may no
    longer point at its words: then the words are looked up again, or nothing is highlighted."""
    text = {"title": listing.title, "description": listing.description}.get(evidence.get("field"))
    start, end = evidence.get("start", -1), evidence.get("end", -1)
    if text is None or not (0 <= start <= end <= len(text)):
        return None
    words = evidence.get("text") or ""
    if words and text[start:end].casefold() != words.casefold():
        again = re.search(re.escape(words), text, re.IGNORECASE)
        if again is None:
            return None
        start, end = again.span()
    return text[max(0, start - width) : start], text[start:end], text[end : end + width]


add_words(
    {
        "Periksa ulang status tautan sekarang": "Re-check whether it is still up",
        "Antrean triase": "Triage queue",
        "Semua kategori": "All categories",
        "Semua kota": "All cities",
        "Semua keputusan": "All decisions",
        "Belum diputuskan": "Not yet decided",
        "Sudah diputuskan": "Decided",
        "Takedown": "Takedown",
        "Intelijen": "Intelligence",
        "Diabaikan": "Dismissed",
        "Ditemukan sejak": "Found from",
        "sampai": "to",
        "Cari judul, deskripsi atau penjual": "Search title, description or seller",
        "Pilih semua": "Select all",
        "Pilih": "Select",
        "Putuskan yang dipilih": "Decide the selected",
        "Keputusan": "Decision",
        "Alasan": "Reason",
        "Simpan keputusan": "Save decision",
        "Keputusan tidak disimpan": "Decision not saved",
        "{n} tautan diputuskan: {decision}": "{n} listings decided: {decision}",
        "Register": "Register",
        "Tanpa pelanggaran": "Without violations",
        "Dengan pelanggaran": "With violations",
        "Semua tautan": "All listings",
        "Terbaru": "Newest",
        "Diputuskan oleh": "Decided by",
        "Putuskan tautan ini": "Decide this listing",
        "Baris registri": "Registry row",
        "Tidak ada di registri": "Not in the registry",
        "Unduh WARC": "Download WARC",
        "Produk": "Product",
        "Merek": "Brand",
        "Pendaftar": "Registrant",
        "Berlaku sampai": "Valid until",
    }
)
