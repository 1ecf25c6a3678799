"""Sharing one piece of work with another unit from its page (services.access.share): the
"Bagikan ke unit" form on a register entry's and a takedown list's page, and what it posts.

Analysts and admins share anything they see; an UPT officer its own unit's work. The form is
offered to whoever may use it; the service decides again on every post."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_login import current_user

from casebook.services import access
from web.db import db_session
from web.i18n import add_words, t

LEAST_ROLE = "upt_officer"
MAX_UNIT = 200


def context(session, scope: access.Scope, kind: str, found) -> dict:
    """What the page's form needs: the units the work is shared with, and whether this reader
    may share it (the national roles, or an UPT officer of the work's own unit)."""
    own = access.home_unit(found.unit) == scope.unit
    return {
        "shares": access.shares_of(session, kind, found.id),
        "may_share": scope.national or (scope.may(LEAST_ROLE) and own),
    }


def from_form(kind: str, object_id: int, back: str):
    """Share (or, with action=unshare, take back) as the form asks; the answer is a flash on
    the object's page. Work the user may not see answers 404, as a missing one."""
    unit = " ".join((request.form.get("unit") or "").split())[:MAX_UNIT]
    undo = request.form.get("action") == "unshare"
    try:
        with db_session() as session, session.begin():
            # unseen work is a 404 whatever the form says (the service names a missing unit first)
            access.ensure_visible(session, current_user.scope, kind, object_id)
            if undo:
                done = access.unshare(session, current_user.scope, kind, object_id, unit)
            else:
                done = access.share(session, current_user.scope, kind, object_id, unit)
    except access.NotVisible:
        abort(404)
    except (access.AccessError, ValueError) as error:
        flash(t("Tidak dibagikan") + f": {error}", "error")
        return redirect(back, 303)
    unit = access.home_unit(unit)
    if undo:
        said = "Tidak lagi dibagikan ke {unit}." if done else "Belum dibagikan ke {unit}."
    else:
        said = "Dibagikan ke {unit}."
    flash(t(said).format(unit=unit), "ok")
    return redirect(back, 303)


add_words(
    {
        "Bagikan ke unit": "Share with a unit",
        "Dibagikan ke unit": "Shared with units",
        "Belum dibagikan ke unit lain.": "Not shared with another unit.",
        "Nama unit": "Unit name",
        "Bagikan": "Share",
        "Hentikan berbagi": "Stop sharing",
        "Tidak dibagikan": "Not shared",
        "Dibagikan ke {unit}.": "Shared with {unit}.",
        "Tidak lagi dibagikan ke {unit}.": "No longer shared with {unit}.",
        "Belum dibagikan ke {unit}.": "It was not shared with {unit}.",
        "oleh": "by",
    }
)
