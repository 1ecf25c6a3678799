"""Offender profiling (SOP step 7), the decisions: confirm or reject a suggestion, merge and
split actors, the identifier stoplist, referrals (Rekomendasi Pelaku) and the Dokumen profiling.
Each is a POST with its CSRF token, gated to analysts, flashed, and answered by a redirect; a
refused decision is a message naming why, never a 500. The routes are on web.actors' blueprint."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_login import current_user

from casebook.letters import docx, pdf
from casebook.letters import office as letter_office
from casebook.services import access, actor_profile, profiling, profiling_docs
from web.actors import DECIDER, REFERRED_TO, bp, visible_actor
from web.auth import require_role
from web.db import db_session
from web.i18n import add_words, t
from web.takedown import current_scope, id_values

FILES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
# What a refused change can raise: each is shown as a flash, never a 500.
ERRORS = (
    profiling.ProfilingError,
    access.AccessError,
    letter_office.OfficeError,
    docx.TemplateProblem,
    pdf.PdfError,
    ValueError,  # LetterError, ReportError, a bad number or date in the form
)


@bp.post("/suggestions/<int:suggestion_id>/confirm")
@require_role(DECIDER)
def confirm(suggestion_id: int):
    return _deciding(suggestion_id, profiling.confirm_suggestion, t("Saran dikonfirmasi."))


@bp.post("/suggestions/<int:suggestion_id>/reject")
@require_role(DECIDER)
def reject(suggestion_id: int):
    return _deciding(suggestion_id, profiling.reject_suggestion, t("Saran ditolak."))


def _deciding(suggestion_id: int, decide, done: str):
    back = _back(url_for(".suggestions"))
    try:
        with db_session() as session, session.begin():
            decided = decide(session, suggestion_id, actor=current_user.username,
                             reason=_reason())  # fmt: skip
            pair = (decided.seller_a_id, decided.seller_b_id)
            _rescore(session, [profiling.actor_of_seller(session, s) for s in pair])
    except profiling.NoSuchSuggestion:
        abort(404)
    except ERRORS as error:
        flash(t("Tidak disimpan") + f": {error}", "error")
    else:
        flash(done, "ok")
    return redirect(back, 303)


@bp.post("/<int:actor_id>/merge")
@require_role(DECIDER)
def merge(actor_id: int):
    def act(session):
        others = id_values([request.form.get("other_ids", "")])
        if not others:
            raise ValueError(t("Isi nomor pelaku yang akan digabung."))
        access.require_visible(session, current_scope(session), "actor", others)
        profiling.merge_actors(session, actor_id, others, actor=current_user.username,
                               reason=_reason())  # fmt: skip
        _rescore(session, [actor_id])
        return t("Pelaku {ids} digabung ke #{id}.").format(
            ids=", ".join(f"#{n}" for n in others), id=actor_id)  # fmt: skip

    return _acting(actor_id, act)


@bp.post("/<int:actor_id>/split")
@require_role(DECIDER)
def split(actor_id: int):
    made: list[int] = []

    def act(session):
        sellers = id_values(request.form.getlist("seller_id"))
        if not sellers:
            raise ValueError(t("Pilih akun yang akan dipisah."))
        new = profiling.split_actor(session, actor_id, sellers, actor=current_user.username,
                                    reason=_reason())  # fmt: skip
        session.flush()
        _rescore(session, [actor_id, new.id])
        made.append(new.id)
        return t("{n} akun dipisah menjadi pelaku #{id}.").format(n=len(sellers), id=new.id)

    answer = _acting(actor_id, act)
    return redirect(url_for(".show", actor_id=made[0]), 303) if made else answer


@bp.post("/<int:actor_id>/refer")
@require_role(DECIDER)
def refer(actor_id: int):
    def act(session):
        recipient = request.form.get("recipient", "")
        if recipient not in REFERRED_TO:
            raise ValueError(t("Penerima tidak dikenal: {to}").format(to=recipient[:40]))
        letter = profiling_docs.refer_actor(
            session, actor_id, recipient, actor=current_user.username, office=_office(),
            with_pdf=current_app.config.get("PATROLI_LETTER_PDF", True),
        )  # fmt: skip
        return t("Rekomendasi Pelaku dibuat: {number}").format(number=letter.number)

    return _acting(actor_id, act)


@bp.post("/<int:actor_id>/document")
@require_role(DECIDER)
def document(actor_id: int):
    with db_session() as session:
        visible_actor(session, current_scope(session), actor_id)
    return _document(url_for(".show", actor_id=actor_id), actor_id=actor_id)


@bp.post("/documents")
@require_role(DECIDER)
def period_document():
    try:
        since, until = _day("since"), _day("until")
    except ValueError as error:
        flash(str(error), "error")
        return redirect(url_for(".documents"), 303)
    return _document(url_for(".documents"), since=since, until=until)


def _document(back: str, **which):
    """Make the Dokumen profiling now and send the file asked for; a refusal is a flash."""
    kind = request.form.get("format", "docx")
    kind = kind if kind in FILES else "docx"
    data_dir = current_app.config["PATROLI"].data_dir
    try:
        with db_session() as session, session.begin():
            made = profiling_docs.make_profiling_document(
                session, **which, actor=current_user.username, office=_office(),
                with_pdf=kind == "pdf",
            )  # fmt: skip
    except ERRORS as error:
        flash(t("Dokumen tidak dibuat") + f": {error}", "error")
        return redirect(back, 303)
    chosen = made.files.get(kind) or {}
    path = data_dir / chosen.get("path", "")
    if not chosen or not path.is_file():
        flash(t("Dokumen ini tidak memiliki berkas {kind}.").format(kind=kind.upper()), "error")
        return redirect(back, 303)
    name = f"dokumen-profiling-{path.parent.name}{path.suffix}"
    return send_file(path, mimetype=FILES[kind], as_attachment=True, download_name=name)


@bp.post("/stoplist")
@require_role(DECIDER)
def add_stop():
    try:
        with db_session() as session, session.begin():
            stop = profiling.add_stop(
                session, request.form.get("kind", ""), request.form.get("value", "")[:200],
                reason=_reason(), actor=current_user.username,
            )  # fmt: skip
            session.flush()
            message = t("Ditambahkan ke daftar henti: {kind} {value}").format(
                kind=stop.kind, value=stop.value)  # fmt: skip
    except ERRORS as error:
        flash(t("Tidak disimpan") + f": {error}", "error")
    else:
        flash(message, "ok")
    return redirect(url_for(".stoplist"), 303)


@bp.post("/stoplist/<int:stop_id>/remove")
@require_role(DECIDER)
def remove_stop(stop_id: int):
    try:
        with db_session() as session, session.begin():
            profiling.remove_stop(session, stop_id, actor=current_user.username)
    except ERRORS as error:
        flash(t("Tidak disimpan") + f": {error}", "error")
    else:
        flash(t("Dihapus dari daftar henti."), "ok")
    return redirect(url_for(".stoplist"), 303)


def _acting(actor_id: int, act):
    """One change to a visible actor in a transaction (a missing or hidden one is 404); a
    refused change is a flash naming why, and nothing is kept."""
    try:
        with db_session() as session, session.begin():
            visible_actor(session, current_scope(session), actor_id)
            message = act(session)
    except (*ERRORS, profiling.NoSuchActor) as error:  # another actor named in the form
        flash(t("Tidak disimpan") + f": {error}", "error")
    else:
        flash(message, "ok")
    return redirect(url_for(".show", actor_id=actor_id), 303)


def _rescore(session, actor_ids) -> None:
    """The risk scores of the actors a decision changed, cached for the list's risk filter."""
    actor_profile.refresh_risk(session, [i for i in actor_ids if i is not None])


def _office():
    return letter_office.load(current_app.config["PATROLI"].data_dir)


def _reason() -> str:
    return " ".join(request.form.get("reason", "").split())[:2000]


def _back(default: str) -> str:
    """Back to the page the form was on (its query kept) when that is this area's page."""
    back = request.form.get("back", "")
    return back if back.startswith(default) and "//" not in back else default


def _day(field: str) -> date:
    raw = request.form.get(field, "").strip()
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise ValueError(t("Bukan tanggal (YYYY-MM-DD): {value}").format(value=raw[:40]))


add_words(
    {
        "Saran dikonfirmasi.": "Suggestion confirmed.",
        "Saran ditolak.": "Suggestion rejected.",
        "Tidak disimpan": "Not saved",
        "Isi nomor pelaku yang akan digabung.": "Enter the numbers of the actors to merge.",
        "Pelaku {ids} digabung ke #{id}.": "Actors {ids} merged into #{id}.",
        "Pilih akun yang akan dipisah.": "Choose the accounts to split off.",
        "{n} akun dipisah menjadi pelaku #{id}.": "{n} accounts split off into actor #{id}.",
        "Penerima tidak dikenal: {to}": "Unknown recipient: {to}",
        "Rekomendasi Pelaku dibuat: {number}": "Offender referral made: {number}",
        "Dokumen tidak dibuat": "Document not made",
        "Dokumen ini tidak memiliki berkas {kind}.": "This document has no {kind} file.",
        "Ditambahkan ke daftar henti: {kind} {value}": "Added to the stoplist: {kind} {value}",
        "Dihapus dari daftar henti.": "Removed from the stoplist.",
    }
)
