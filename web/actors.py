"""Offender profiling (SOP step 7), the pages: actors (pelaku, the offenders behind seller
accounts) searched and filtered, an actor's profile with the graph of its accounts and the
identifiers joining them, the link suggestion queue, the identifier stoplist and the period's
Dokumen profiling form. The decisions posted from them are web.actor_decisions'."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from markupsafe import Markup

from casebook.models import SUGGESTION_STATUSES
from casebook.services import access, actor_profile, findings, profiling
from casebook.services.profiling_decisions import STRONG_KINDS
from web import actor_graph
from web.auth import require_role
from web.db import db_session
from web.i18n import add_words, t
from web.takedown import current_scope

bp = Blueprint("actors", __name__, url_prefix="/actors")
DECIDER = "analyst"  # confirm, reject, merge, split, stoplist, documents, referrals
PAGE = 50
REFERRED_TO = ("dit_was", "dit_intelijen", "upt")  # a Rekomendasi Pelaku's recipients
# The list's risk filter: the floor of the cached score (the risk pill's colours change there).
RISK_FLOORS = {"30": "Risiko sedang ke atas (≥ 30)", "60": "Risiko tinggi (≥ 60)"}
HOW = {"auto": "otomatis", "confirmed": "dikonfirmasi", "merged": "digabung", "split": "dipisah"}
IDENTIFIER_KINDS = {
    "phone": "Telepon/WhatsApp",
    "whatsapp": "WhatsApp",
    "email": "E-mail",
    "bank_account": "Rekening bank",
    "handle": "Akun media sosial",
    "shop_url": "Alamat toko",
    "city": "Kota",
}
SUGGESTION_LABELS = {"pending": "menunggu", "confirmed": "dikonfirmasi", "rejected": "ditolak"}


@bp.app_template_global()
def how_label(how: str | None) -> str:
    """How an account came to its actor, in the reader's language."""
    return t(HOW.get(how or "", how or "–"))


@bp.app_template_global()
def identifier_label(kind: str) -> str:
    return t(IDENTIFIER_KINDS.get(kind, kind))


@bp.app_template_global()
def suggestion_status_label(status: str) -> str:
    return t(SUGGESTION_LABELS.get(status, status))


# -- reading ------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    q = (request.args.get("q") or "").strip()[:200] or None
    platform = (request.args.get("platform") or "").strip()[:64] or None
    risk = request.args.get("risk", "") if request.args.get("risk") in RISK_FLOORS else ""
    sort = "id" if request.args.get("sort") == "id" else ""  # by risk unless asked
    after = _cursor(request.args.get("after"))
    with db_session() as session:
        scope = current_scope(session)
        rows = profiling.actors(session, q=q, platform=platform, limit=PAGE, after_id=after,
                                scope=scope, min_risk=int(risk or 0), by_risk=not sort)  # fmt: skip
        wanted = (("q", q), ("platform", platform), ("risk", risk), ("sort", sort))
        return render_template(
            "actors/index.html", rows=rows, q=q or "", platform=platform or "", risk=risk,
            sort=sort, platforms=findings.platforms(session), risk_floors=RISK_FLOORS,
            next_after=rows[-1].id if len(rows) == PAGE else None,
            args={k: v for k, v in wanted if v},
        )  # fmt: skip


@bp.get("/<int:actor_id>")
@login_required
def show(actor_id: int):
    with db_session() as session, session.begin():  # the profile caches its risk score
        scope = current_scope(session)
        actor = visible_actor(session, scope, actor_id)
        if actor.merged_into_id:
            flash(t("Pelaku #{old} telah digabung ke #{new}.").format(
                old=actor_id, new=actor.merged_into_id))  # fmt: skip
            return redirect(url_for(".show", actor_id=actor.merged_into_id), 303)
        found = actor_profile.profile(session, actor_id)
        drawn = actor_profile.graph(session, actor_id)
        pending = profiling.suggestions(session, actor_id=actor_id, scope=scope, limit=PAGE)
        # a referral classified above the reader's clearance is not named (its number says much)
        referrals = [r for r in found.referrals
                     if access.visible(session, scope, "letter", r.letter_id)]  # fmt: skip
        return render_template(
            "actors/show.html", profile=found, graph=_draw(drawn), pending=pending,
            referrals=referrals,
            names={a.seller_id: a.shop_name or a.shop_url for a in found.accounts},
            recipients=REFERRED_TO, may_decide=scope.may(DECIDER),
        )  # fmt: skip


def _draw(drawn: actor_profile.Graph) -> Markup:
    """The profile's graph as SVG, each account node leading to its row in the accounts table."""
    nodes = [
        actor_graph.Node(n.key, n.label, n.group, n.account,
                         href=f"#account-{n.key.split(':', 1)[1]}" if n.account else "")
        for n in drawn.nodes
    ]  # fmt: skip
    edges = [actor_graph.Edge(e.a, e.b) for e in drawn.edges]
    words = actor_graph.Words(
        title=t("Graf akun dan identitas"), empty=t("Belum ada akun"),
        more=t("+{accounts} akun dan +{identifiers} identitas lagi tidak digambar"),
    )  # fmt: skip
    return actor_graph.draw(nodes, edges, words)


@bp.get("/suggestions")
@login_required
def suggestions():
    status = request.args.get("status", "pending")
    status = status if status in SUGGESTION_STATUSES else "pending"
    after, actor_id = _cursor(request.args.get("after")), _cursor(request.args.get("actor"))
    with db_session() as session:
        scope = current_scope(session)
        rows = profiling.suggestions(session, status=status, limit=PAGE, after_id=after,
                                     scope=scope, actor_id=actor_id)  # fmt: skip
        args = {k: v for k, v in (("status", status), ("actor", actor_id)) if v}
        return render_template(
            "actors/suggestions.html", rows=rows, status=status, actor_id=actor_id,
            statuses=SUGGESTION_STATUSES, may_decide=scope.may(DECIDER), args=args,
            next_after=rows[-1].id if len(rows) == PAGE else None,
        )  # fmt: skip


@bp.get("/stoplist")
@require_role(DECIDER)
def stoplist():
    with db_session() as session:
        stops = profiling.stoplist(session, include_removed=True)
        return render_template("actors/stoplist.html", stops=stops[::-1],
                               kinds=sorted(STRONG_KINDS))  # fmt: skip


@bp.get("/documents")
@require_role(DECIDER)
def documents():
    return render_template("actors/documents.html")


def visible_actor(session, scope: access.Scope, actor_id: int):
    """The actor, or 404 for one that does not exist or that this reader may not see."""
    try:
        return profiling.get_actor(session, actor_id, scope=scope)
    except profiling.NoSuchActor:
        abort(404)


def _cursor(value: str | None) -> int | None:
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


add_words(
    {
        "Pelaku #{old} telah digabung ke #{new}.": "Actor #{old} was merged into #{new}.",
        "Graf akun dan identitas": "Accounts and the identifiers joining them",
        "Belum ada akun": "No accounts yet",
        "+{accounts} akun dan +{identifiers} identitas lagi tidak digambar": (
            "+{accounts} accounts and +{identifiers} identifiers more not drawn"
        ),
        "Akun": "Accounts",
        "Akun penjual": "Seller accounts",
        "Nama toko": "Shop name",
        "Tautan akun ini": "This account's listings",
        "Tergabung": "Joined",
        "Melanggar": "Violating",
        "melanggar": "violating",
        "Pisahkan": "Split off",
        "Skor risiko": "Risk score",
        "Identitas yang menghubungkan": "Identifiers joining the accounts",
        "Nilai": "Value",
        "Bukti tautan": "Linking evidence",
        "ya": "yes",
        "Tidak ada identitas.": "No identifiers.",
        "Pelanggaran per jenis": "Violations by kind",
        "Tidak ada produk.": "No products.",
        "{n} produk lagi": "{n} more products",
        "Riwayat takedown": "Takedown history",
        "Muncul kembali": "Reappeared",
        "Tautan diturunkan": "Listing taken down",
        "Muncul kembali di akun": "Reappeared on account",
        "Cara": "How",
        "akun baru": "new account",
        "tetap berjualan": "kept selling",
        "Saran tautan yang menunggu": "Pending link suggestions",
        "Belum ada Rekomendasi Pelaku.": "No offender referral yet.",
        "Buat Rekomendasi Pelaku": "Make an offender referral",
        "Dokumen profiling": "Profiling document",
        "Gabungkan pelaku lain ke pelaku ini": "Merge other actors into this one",
        "Nomor pelaku (pisahkan dengan koma)": "Actor numbers (comma-separated)",
        "Gabungkan": "Merge",
        "Pisahkan akun menjadi pelaku baru": "Split accounts off into a new actor",
        "Centang akun di tabel akun penjual di atas.": "Tick the accounts in the table above.",
        "Antrean saran tautan": "Link suggestion queue",
        "Daftar henti identitas": "Identifier stoplist",
        "Dokumen profiling per periode": "Profiling document per period",
        "Cari nama toko atau identitas": "Search shop name or identifier",
        "Tidak ada pelaku.": "No actors.",
        "Identitas yang terlalu umum untuk menghubungkan akun (layanan pelanggan marketplace, "
        "kurir, rekber, nomor di templat) tidak dipakai oleh penghubung.": (
            "Identifiers too common to link accounts (a marketplace's customer service, a "
            "courier, an escrow service, a number in a template) are not used by the linker."
        ),
        "Daftar bawaan Patroli (nomor contoh di templat, nomor palsu) berlaku juga; yang di "
        "sini menambahinya.": (
            "Patroli's built-in list (sample numbers printed in templates, dummy numbers) "
            "applies too; the entries here add to it."
        ),
        "Tambah ke daftar henti": "Add to the stoplist",
        "Tambahkan": "Add",
        "Ditambahkan oleh": "Added by",
        "Dihapus": "Removed",
        "Daftar henti kosong.": "The stoplist is empty.",
        "Pelaku yang aktif pada periode ini, diurutkan menurut skor risiko.": (
            "The actors active in the period, ranked by risk score."
        ),
        "Sinyal lemah (nama toko mirip, gambar hampir sama, kota dan produk yang sama) hanya "
        "menyarankan; analis yang memutuskan.": (
            "Weak signals (similar shop names, near-identical images, the same city and "
            "products) only suggest; an analyst decides."
        ),
        "Konfirmasi: satu pelaku": "Confirm: one actor",
        "Tolak: pelaku berbeda": "Reject: different actors",
        "Tidak ada saran.": "No suggestions.",
        "otomatis": "automatic",
        "dikonfirmasi": "confirmed",
        "digabung": "merged",
        "dipisah": "split off",
        "menunggu": "pending",
        "Telepon/WhatsApp": "Phone/WhatsApp",
        "WhatsApp": "WhatsApp",
        "E-mail": "E-mail",
        "Rekening bank": "Bank account",
        "Akun media sosial": "Social media handle",
        "Alamat toko": "Shop address",
        "Semua risiko": "Any risk",
        "Urutkan": "Sort",
        "Risiko tertinggi dahulu": "Highest risk first",
        "Nomor pelaku": "Actor number",
        "Risiko sedang ke atas (≥ 30)": "Medium risk and above (≥ 30)",
        "Risiko tinggi (≥ 60)": "High risk (≥ 60)",
    }
)


from web import actor_decisions  # noqa: E402, F401  (its routes join this blueprint)
