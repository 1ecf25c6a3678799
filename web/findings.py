"""Patrol findings: the listings the crawl stored, filtered, with each hit explained."""

from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from casebook.services import evidence, findings
from casebook.vocabulary import STATUSES, VIOLATION_CODES
from web.auth import visible_or_404
from web.db import db_session

bp = Blueprint("findings", __name__)


def filter_from_args(args) -> findings.ListingFilter:
    code = args.get("code") or None
    return findings.ListingFilter(
        code=code if code in VIOLATION_CODES else None,
        platform=args.get("platform") or None,
        status=args.get("status") if args.get("status") in STATUSES else None,
        text=(args.get("q") or "").strip()[:200] or None,
        with_hits={"1": True, "0": False}.get(args.get("hits", "")),
    )


@bp.get("/")
@login_required
def index():
    wanted = filter_from_args(request.args)
    with db_session() as session:
        page = findings.search(session, wanted, page=request.args.get("page", 1, type=int))
        return render_template(
            "findings/index.html",
            page=page,
            wanted=wanted,
            summary=findings.summary(session),
            platforms=findings.platforms(session),
            codes=list(VIOLATION_CODES),
            statuses=list(STATUSES),
        )


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
        )


@bp.app_template_filter("combine_page")
def combine_page(args: dict, number: int) -> dict:
    return {**args, "page": number}


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
