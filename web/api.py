"""JSON API over the same services as the UI (session login required)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, jsonify, request
from flask_login import login_required

from casebook.models import Hit, Listing
from casebook.services import findings
from web.db import db_session
from web.findings import filter_from_args

bp = Blueprint("api", __name__, url_prefix="/api")


def listing_json(listing: Listing) -> dict:
    """A listing: `violations` are its current findings (DESIGN.md §3 shape), and
    `past_violations` the findings a later verdict superseded, kept as records."""
    return {
        "id": listing.id,
        "url": listing.url,
        "platform": listing.platform,
        "title": listing.title,
        "price": listing.price,
        "currency": listing.currency,
        "category": listing.category,
        "nies": listing.nies,
        "status": listing.status,
        "read_by": listing.read_by,
        "catalogue_version": listing.catalogue_version,
        "first_seen": listing.first_seen.isoformat(),
        "last_seen": listing.last_seen.isoformat(),
        "seller": listing.seller and {"name": listing.seller.name, "url": listing.seller.url},
        "violations": [hit_json(hit) for hit in listing.hits],
        "past_violations": [past_hit_json(hit) for hit in listing.past_hits],
    }


def hit_json(hit: Hit) -> dict:
    return {
        "type": hit.code,
        "rule": hit.rule,
        "score": hit.score,
        "evidence": hit.evidence,
        "version": hit.catalogue_version,  # the name this API used first; kept for scripts
        "catalogue_version": hit.catalogue_version,
        "found_at": utc(hit.found_at),
    }


def past_hit_json(hit: Hit) -> dict:
    return hit_json(hit) | {
        "superseded_at": utc(hit.superseded_at),
        "superseded_version": hit.superseded_version,
    }


def utc(moment: datetime | None) -> str | None:
    """ISO 8601 UTC with a Z, as DESIGN.md §3 writes times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


@bp.get("/listings")
@login_required
def listings():
    with db_session() as session:
        page = findings.search(
            session,
            filter_from_args(request.args),
            page=request.args.get("page", 1, type=int),
            size=request.args.get("size", 50, type=int),
        )
        return jsonify(
            total=page.total,
            page=page.number,
            pages=page.pages,
            items=[listing_json(item) for item in page.items],
        )


@bp.get("/listings/<int:listing_id>")
@login_required
def listing(listing_id: int):
    with db_session() as session:
        item = findings.get_listing(session, listing_id)
        if item is None:
            abort(404)
        return jsonify(listing_json(item) | {"description": item.description})


@bp.get("/summary")
@login_required
def summary():
    with db_session() as session:
        return jsonify(findings.summary(session).__dict__)
