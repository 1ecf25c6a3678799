"""JSON API over the same services as the UI (session login required)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_login import login_required

from casebook.models import Listing
from casebook.services import findings
from web.db import db_session
from web.findings import filter_from_args

bp = Blueprint("api", __name__, url_prefix="/api")


def listing_json(listing: Listing) -> dict:
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
        "first_seen": listing.first_seen.isoformat(),
        "last_seen": listing.last_seen.isoformat(),
        "seller": listing.seller and {"name": listing.seller.name, "url": listing.seller.url},
        "violations": [
            {
                "type": hit.code,
                "rule": hit.rule,
                "score": hit.score,
                "evidence": hit.evidence,
                "version": hit.catalogue_version,
            }
            for hit in listing.hits
        ],
    }


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
