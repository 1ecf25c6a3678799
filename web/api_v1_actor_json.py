"""REST API v1, offender profiling: the JSON shapes of actors, profiles, suggestions, stoplist
entries, relinks and profiling documents (web.openapi_actors describes them)."""

from __future__ import annotations

from pathlib import Path

from flask import url_for

from casebook.models import IdentifierStop
from casebook.services import access, actor_profile, profiling
from casebook.services import letters as letter_service
from casebook.services.reports import ReportFiles
from web.api_v1 import utc
from web.api_v1_letters import FILE_TYPES, letter_json


def actor_json(row: profiling.ActorRow) -> dict:
    """An actor as a collection shows it."""
    return {
        "id": row.id,
        "name": row.name,
        "risk_score": row.risk_score,
        "account_count": row.accounts,
        "platforms": list(row.platforms),
        "created_at": utc(row.created_at),
        "updated_at": utc(row.updated_at),
    }


def profile_json(session, found: actor_profile.ActorProfile, scope: access.Scope) -> dict:
    """One actor's profile: accounts, identifiers with the accounts they join, violations per
    type, takedown history, risk score with its reasons, referral letters. Suggestions and
    letters keep to what `scope` may see (a suggestion's reasons name the other account)."""
    downs = found.takedowns
    referrals = [r.letter_id for r in found.referrals
                 if access.visible(session, scope, "letter", r.letter_id)]  # fmt: skip
    return {
        "id": found.actor_id,
        "name": found.name,
        "note": found.note,
        "merged_into": found.merged_into_id,
        "risk_score": found.risk_score,
        "risk_reasons": [
            {"points": r.points, "text": {"id": r.id, "en": r.en}} for r in found.reasons
        ],
        "first_seen": utc(found.first_seen),
        "last_seen": utc(found.last_seen),
        "listings": found.listings,
        "listings_with_violations": found.with_findings,
        "accounts": [_account_json(a) for a in found.accounts],
        "platforms": [{"platform": p, "accounts": n} for p, n in found.platforms],
        "products": [
            {"title": p.title, "listings": p.listings, "accounts": p.accounts}
            for p in found.products
        ],
        "violations": [
            {"type": v.code, "label": v.label, "listings": v.listings} for v in found.violations
        ],
        "takedowns": {
            "listed": downs.listed,
            "taken_down": downs.taken_down,
            "still_up": downs.still_up,
            "unknown": downs.unknown,
            "reappeared": downs.reappeared,
            "reappearances": [_reappearance_json(r) for r in downs.evidence],
        },
        "identifiers": [
            {"kind": i.kind, "value": i.value, "seller_ids": list(i.seller_ids), "joins": i.joins}
            for i in found.identifiers
        ],
        "suggestions": [
            {
                "id": s.id,
                "seller_a_id": s.seller_a_id,
                "seller_b_id": s.seller_b_id,
                "score": s.score,
                "reasons": list(s.reasons),
            }
            for s in _visible_suggestions(session, found, scope)
        ],
        "referrals": [letter_json(letter_service.get_letter(session, i)) for i in referrals],
    }


def _account_json(account: actor_profile.Account) -> dict:
    return {
        "seller_id": account.seller_id,
        "platform": account.platform,
        "name": account.shop_name,
        "url": account.shop_url,
        "city": account.city,
        "first_seen": utc(account.first_seen),
        "last_seen": utc(account.last_seen),
        "listings": account.listings,
        "listings_with_violations": account.with_findings,
        "how": account.how,
        "joined_at": utc(account.joined_at),
    }


def _reappearance_json(found: actor_profile.Reappearance) -> dict:
    return {
        "listing_id": found.listing_id,
        "url": found.url,
        "seller_id": found.seller_id,
        "taken_down_at": utc(found.taken_down_at),
        "by_seller_id": found.by_seller_id,
        "seen_at": utc(found.seen_at),
        "how": found.how,
    }


def _side_json(side: profiling.AccountRow) -> dict:
    return {"seller_id": side.seller_id, "platform": side.platform, "name": side.name,
            "url": side.url, "city": side.location, "actor_id": side.actor_id}  # fmt: skip


def suggestion_json(found: profiling.SuggestionRow) -> dict:
    return {
        "id": found.id,
        "seller_a": _side_json(found.a),
        "seller_b": _side_json(found.b),
        "score": found.score,
        "reasons": list(found.reasons),
        "status": found.status,
        "created_at": utc(found.created_at),
        "decided_by": found.decided_by,
        "decided_at": utc(found.decided_at),
    }


def stop_json(stop: IdentifierStop) -> dict:
    return {
        "id": stop.id,
        "kind": stop.kind,
        "value": stop.value,
        "reason": stop.reason,
        "added_by": stop.added_by,
        "added_at": utc(stop.added_at),
        "removed_by": stop.removed_by,
        "removed_at": utc(stop.removed_at),
    }


def relink_json(result: profiling.RelinkResult) -> dict:
    return {
        "full": result.full,
        "accounts": result.accounts,
        "actors": result.actors,
        "created": list(result.created),
        "merged": [{"actor_id": a, "into": b} for a, b in sorted(result.merged.items())],
        "moved": result.moved,
        "links_added": result.links_added,
        "links_removed": result.links_removed,
        "suggested": result.suggested,
        "withdrawn": result.withdrawn,
        "common": [{"kind": k, "value": v, "accounts": n} for k, v, n in result.common],
    }


def document_json(made: ReportFiles) -> dict:
    name = Path(made.folder).name
    return {
        "number": made.number,
        "actor_ids": list(made.summary.get("actors", ())),
        "files": {
            kind: url_for(".profiling_document_file", name=name, kind=kind, _external=True)
            for kind in FILE_TYPES
            if kind in made.files
        },
    }


def _visible_suggestions(session, found: actor_profile.ActorProfile, scope: access.Scope):
    """The profile's pending suggestions whose other account's actor `scope` may see too."""
    if scope.national or not found.suggestions:
        return found.suggestions
    seen = {s.id for s in profiling.suggestions(session, actor_id=found.actor_id, scope=scope,
                                                limit=len(found.suggestions))}  # fmt: skip
    return tuple(s for s in found.suggestions if s.id in seen)
