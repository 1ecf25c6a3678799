"""Offender profiling pages over a real SQLite casebook linked by the real linker: the actor
list (search, platform filter, pages), the profile (accounts, identifiers, the SVG graph,
violations, takedowns, referrals), the suggestion queue, the stoplist and the Dokumen profiling;
every decision posted with its CSRF token, gated by role and unit, flashed and audited; crawled
shop names escaped; a refused decision a message, never a 500."""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import func, select

from casebook import config as config_module
from casebook import schema
from casebook.db import make_engine, make_session_factory
from casebook.letters import office as letter_office
from casebook.models import (
    Actor,
    ActorAccount,
    AuditEvent,
    IdentifierStop,
    Letter,
    LinkSuggestion,
    Listing,
    Seller,
    utcnow,
)
from casebook.services import (
    access,
    actor_profile,
    listings,
    profiling,
    profiling_docs,
    users,
)
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Hit, Verdict
from web import actor_graph, create_app

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
UPT = "Balai Besar POM di Bandung"
PHONE, EMAIL = "+6281377712345", "cantik@example.id"
PASSWORDS = {"analis": "sandi-analis-1", "tamu": "sandi-tamu-1", "balai": "sandi-balai-1"}
SELLERS = {  # key: (platform, shop name, identifiers, listing title, codes)
    "cantik": ("pasarku", "Toko Cantik Jaya", (("phone", PHONE),), "Krim Pemutih Merkuri",
               ["hazardous_ingredient"]),
    "hostile": ("ceritaku", HOSTILE + " Cantik", (("phone", PHONE), ("email", EMAIL)),
                "Krim Pemutih Super", ["no_nie"]),
    "store": ("tokosehat", "Cantik Store", (("email", EMAIL),), "Krim Malam", ["no_nie"]),
    "apotek": ("pasarku", "Apotek Murah", (("phone", "+6289876543210"),), "Tramadol 50 mg",
               ["prescription_drug"]),
    "herbal": ("pasarku", "Herbal Nusantara", (("phone", "+6285511112222"),), "Jamu Kuat",
               ["misleading_claim"]),
    "herbal2": ("ceritaku", "Herbal Nusantara Official", (("phone", "+6285533334444"),),
                "Jamu Kuat Asli", ["misleading_claim"]),
}  # fmt: skip
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class World:
    app: object
    sessions: object
    sellers: dict[str, int]  # key -> seller id
    actors: dict[str, int]  # seller key -> its actor id
    suggestion: int

    def client(self, who: str | None = "analis"):
        client = self.app.test_client()
        if who:
            token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
            answer = client.post("/login", data={"username": who, "password": PASSWORDS[who],
                                                 "csrf_token": token})  # fmt: skip
            assert answer.status_code == 302, who
        return client


def _verdict(url: str, codes: list[str], title: str) -> Verdict:
    hits = tuple(
        Hit(code, f"TEST-{code.upper()}", 0.9,
            Evidence(text=title[:10], field="title", start=0, end=10), "test-1")
        for code in codes
    )  # fmt: skip
    return Verdict(url, (), "kosmetik", hits, "test-1")


def build(folder) -> World:
    config = config_module.load({"PATROLI_DATA_DIR": str(folder / "var"),
                                 "PATROLI_ALLOW_PRIVATE": "1", "PATROLI_SECRET_KEY": "test-secret",
                                 "PATH": "/usr/bin:/bin"})  # fmt: skip
    engine = make_engine(config.database_url)
    schema.upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as session, session.begin():
        users.create_user(session, "analis", PASSWORDS["analis"], "analyst", actor="test")
        users.create_user(session, "tamu", PASSWORDS["tamu"], "viewer", actor="test")
        users.create_user(session, "balai", PASSWORDS["balai"], "upt_officer", unit=UPT,
                          actor="test")  # fmt: skip
        rows = []
        for key, (platform, name, identifiers, title, codes) in SELLERS.items():
            url = f"http://{platform}.example/p/{key}"
            seller = SellerRecord(platform, name, f"http://{platform}.example/toko/{key}",
                                  "Bandung", identifiers)  # fmt: skip
            rows.append((ListingRecord(url=url, platform=platform, title=title, price=1000.0,
                                       currency="IDR", seller=seller),
                         _verdict(url, codes, title)))  # fmt: skip
        listings.record_listings(session, rows)
        profiling.relink(session, actor="test")
        sellers = {key: session.scalar(select(Seller.id).where(Seller.url.endswith(f"/{key}")))
                   for key in SELLERS}  # fmt: skip
        member = select(ActorAccount.actor_id)
        actors = {key: session.scalar(member.where(ActorAccount.seller_id == seller))
                  for key, seller in sellers.items()}  # fmt: skip
        pair = sorted((sellers["herbal"], sellers["herbal2"]))
        suggestion = session.scalar(select(LinkSuggestion.id).where(
            LinkSuggestion.seller_a_id == pair[0],
            LinkSuggestion.seller_b_id == pair[1]))  # fmt: skip
        if suggestion is None:  # the linker's weak signals may not reach this pair
            row = LinkSuggestion(seller_a_id=pair[0], seller_b_id=pair[1], score=0.7,
                                 reasons=["nama toko mirip: Herbal Nusantara", HOSTILE],
                                 status="pending", created_at=utcnow())  # fmt: skip
            session.add(row)
            session.flush()
            suggestion = row.id
        actor_profile.refresh_risk(session, set(actors.values()))  # what the list filters on
        # the UPT reads the listing of "Apotek Murah" only
        apotek = session.scalar(select(Listing.id).where(Listing.url.endswith("/p/apotek")))
        access.claim_listings(session, UPT, [apotek], "test")
    app = create_app(config, testing=True)
    app.config["PATROLI_LETTER_PDF"] = False  # LibreOffice takes seconds
    return World(app, sessions, sellers, actors, suggestion)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    """One linked casebook for the tests that change nothing."""
    return build(tmp_path_factory.mktemp("actors"))


@pytest.fixture
def fresh(tmp_path) -> World:
    """A casebook of its own for a test that decides."""
    return build(tmp_path)


def _token(client, path: str = "/actors/") -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def _post(client, path: str, data: dict | None = None, page: str = "/actors/"):
    return client.post(path, data={**(data or {}), "csrf_token": _token(client, page)})


def _flashes(client, path: str) -> str:
    return client.get(path).get_data(as_text=True)


# -- the linker's actors are what the pages stand on ------------------------------------------


def test_the_seeded_sellers_come_out_as_actors(world):
    a = world.actors
    assert a["cantik"] == a["hostile"] == a["store"]  # a phone, then an e-mail, chain them
    assert len({a["cantik"], a["apotek"], a["herbal"], a["herbal2"]}) == 4


# -- who sees which page ------------------------------------------------------------------------

PAGES = [  # (who, path, status); "{x}" is the actor of seller x
    ("analis", "/actors/", 200),
    ("analis", "/actors/{cantik}", 200),
    ("analis", "/actors/suggestions", 200),
    ("analis", "/actors/suggestions?status=rejected", 200),
    ("analis", "/actors/suggestions?status=nonsense", 200),
    ("analis", "/actors/stoplist", 200),
    ("analis", "/actors/documents", 200),
    ("analis", "/actors/999999", 404),
    ("analis", "/actors/99999999999999999999999", 404),
    ("tamu", "/actors/", 200),
    ("tamu", "/actors/{cantik}", 200),
    ("tamu", "/actors/suggestions", 200),
    ("tamu", "/actors/stoplist", 403),
    ("tamu", "/actors/documents", 403),
    ("balai", "/actors/{apotek}", 200),
    ("balai", "/actors/{cantik}", 404),  # no listing of theirs is the UPT's
    ("balai", "/actors/stoplist", 403),
    (None, "/actors/", 302),
    (None, "/actors/{cantik}", 302),
]


@pytest.mark.parametrize("who, path, status", PAGES)
def test_pages_answer_by_role_and_unit(world, who, path, status):
    answer = world.client(who).get(path.format(**world.actors))
    assert answer.status_code == status, answer.get_data(as_text=True)[:300]
    if status == 302:
        assert "/login" in answer.headers["Location"]


LISTS = [  # (who, query, actors shown, actors not shown)
    ("analis", "", ["cantik", "apotek", "herbal", "herbal2"], []),
    ("analis", "?q=apotek", ["apotek"], ["cantik", "herbal"]),
    ("analis", "?q=Cantik+Store", ["cantik"], ["apotek"]),  # an account's name finds its actor
    ("analis", "?q=0813-7771-2345", ["cantik"], ["apotek", "herbal"]),  # a phone, as written
    ("analis", "?q=CANTIK%40example.id", ["cantik"], ["apotek"]),  # an e-mail
    ("analis", "?platform=tokosehat", ["cantik"], ["apotek", "herbal", "herbal2"]),
    ("analis", "?q=tidak+ada+yang+begini", [], ["cantik", "apotek"]),
    ("balai", "", ["apotek"], ["cantik", "herbal", "herbal2"]),
    # three accounts on three platforms, a health hazard: high; tramadol: medium; a claim: low
    ("analis", "?risk=60", ["cantik"], ["apotek", "herbal", "herbal2"]),
    ("analis", "?risk=30", ["cantik", "apotek"], ["herbal", "herbal2"]),
    ("analis", "?risk=5", ["cantik", "apotek", "herbal"], []),  # not a floor offered: no filter
]


@pytest.mark.parametrize("who, query, shown, hidden", LISTS)
def test_actor_list_searches_filters_and_keeps_to_the_unit(world, who, query, shown, hidden):
    page = world.client(who).get(f"/actors/{query}").get_data(as_text=True)
    found = {int(n) for n in re.findall(r'data-actor-id="(\d+)"', page)}
    assert {world.actors[k] for k in shown} <= found
    assert not {world.actors[k] for k in hidden} & found


@pytest.mark.parametrize("query, order", [("", "risk"), ("?sort=id", "id")])
def test_actor_list_pages_by_keyset(fresh, monkeypatch, query, order):
    from web import actors as area

    world = fresh
    with world.sessions() as session, session.begin():  # the newest actor, riskiest: not id order
        session.get(Actor, world.actors["herbal2"]).risk_score = 99
    monkeypatch.setattr(area, "PAGE", 2)
    client = world.client()
    seen, path = [], f"/actors/{query}"
    while path:
        page = client.get(path).get_data(as_text=True)
        seen += [int(n) for n in re.findall(r'data-actor-id="(\d+)"', page)]
        more = re.search(r'class="next" href="([^"]+)"', page)
        path = html.unescape(more.group(1)) if more else None
    assert sorted(seen) == sorted(set(world.actors.values()))  # each once, none lost
    with world.sessions() as session:
        risk = {i: session.get(Actor, i).risk_score for i in seen}
    wanted = sorted(seen, key=lambda i: (-risk[i], i)) if order == "risk" else sorted(seen)
    assert seen == wanted and seen[0] == (world.actors["herbal2"] if order == "risk" else min(seen))


# -- the profile ---------------------------------------------------------------------------------


def test_profile_shows_accounts_evidence_and_graph_with_crawled_text_escaped(world):
    page = world.client().get(f"/actors/{world.actors['cantik']}").get_data(as_text=True)
    assert HOSTILE not in page and html.escape(HOSTILE, quote=False)[:20] in page
    for key in ("cantik", "hostile", "store"):
        assert f'id="account-{world.sellers[key]}"' in page
    assert PHONE in page and EMAIL in page
    assert 'data-code="hazardous_ingredient"' in page and 'data-code="no_nie"' in page
    svg = re.search(r"<svg .*?</svg>", page, re.S).group(0)
    root = ET.fromstring(svg)
    assert not [name for e in root.iter() for name in e.attrib if name.startswith("on")]
    keys = {e.get("data-key") for e in root.iter() if e.get("data-key")}
    assert {f"seller:{world.sellers[k]}" for k in ("cantik", "hostile", "store")} <= keys
    assert f"phone:{PHONE}" in keys and f"email:{EMAIL}" in keys
    assert 'style="' not in page and "onclick" not in page


def test_an_account_links_to_its_listings_in_the_queue(world):
    client = world.client()
    page = client.get(f"/actors/{world.actors['cantik']}").get_data(as_text=True)
    row = re.search(rf'id="account-{world.sellers["store"]}".*?</tr>', page, re.S).group(0)
    queue = html.unescape(re.search(r'href="(/\?q=[^"]+)"', row).group(1))
    shown = client.get(queue).get_data(as_text=True)
    assert "Krim Malam" in shown and "Tramadol" not in shown and "Krim Pemutih" not in shown


@pytest.mark.parametrize(
    "lang, said, not_said",
    [("id", ["pelanggaran terberat", "Akun penjual"], ["most severe violation"]),
     ("en", ["most severe violation", "Seller accounts"], ["pelanggaran terberat"])],
)  # fmt: skip
def test_profile_speaks_the_readers_language(world, lang, said, not_said):
    client = world.client()
    if lang == "en":
        assert _post(client, "/lang/en").status_code == 302
    page = client.get(f"/actors/{world.actors['cantik']}").get_data(as_text=True)
    assert all(w in page for w in said) and not any(w in page for w in not_said)


@pytest.mark.parametrize("who, forms", [("analis", True), ("tamu", False)])
def test_profile_offers_decisions_to_analysts_only(world, who, forms):
    page = world.client(who).get(f"/actors/{world.actors['cantik']}").get_data(as_text=True)
    for form in ("/merge", "/split", "/refer", "/document"):
        assert (f'/actors/{world.actors["cantik"]}{form}"' in page) is forms


def test_suggestion_queue_shows_both_accounts_and_reasons(world):
    page = world.client().get("/actors/suggestions").get_data(as_text=True)
    block = re.search(rf'id="suggestion-{world.suggestion}".*?</article>', page, re.S).group(0)
    assert "Herbal Nusantara" in block and "Herbal Nusantara Official" in block
    assert f"/actors/suggestions/{world.suggestion}/confirm" in block
    assert "<script>alert" not in page
    profile = world.client().get(f"/actors/{world.actors['herbal']}").get_data(as_text=True)
    listed = re.search(rf'data-suggestion-id="{world.suggestion}".*?</li>', profile, re.S)
    assert "Herbal Nusantara Official" in listed.group(0)  # the other account, named
    assert f"/actors/{world.actors['herbal2']}" in listed.group(0)
    viewer = world.client("tamu").get("/actors/suggestions").get_data(as_text=True)
    assert f"/actors/suggestions/{world.suggestion}/confirm" not in viewer


# -- deciding ------------------------------------------------------------------------------------


def _audited(world, action: str) -> int:
    with world.sessions() as session:
        return session.scalar(select(func.count()).where(AuditEvent.action == action))


def test_confirm_joins_the_two_actors_and_is_audited(fresh):
    client = fresh.client()
    answer = _post(client, f"/actors/suggestions/{fresh.suggestion}/confirm",
                   {"back": "/actors/suggestions?status=pending"})  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/actors/suggestions?status=pending")
    assert "Saran dikonfirmasi." in _flashes(client, "/actors/suggestions")
    assert _actor_of(fresh, "herbal") == _actor_of(fresh, "herbal2")
    assert _audited(fresh, "suggestion.confirm") == 1
    again = _post(client, f"/actors/suggestions/{fresh.suggestion}/reject")
    assert again.status_code == 303
    assert "Tidak disimpan" in _flashes(client, "/actors/suggestions")  # decided already


def test_split_then_merge_back(fresh):
    client = fresh.client()
    actor_id = fresh.actors["cantik"]
    split_off = {"seller_id": [str(fresh.sellers["store"])], "reason": "beda orang"}
    answer = _post(client, f"/actors/{actor_id}/split", split_off)
    assert answer.status_code == 303
    new_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    assert new_id != actor_id
    assert "dipisah menjadi pelaku" in _flashes(client, f"/actors/{new_id}")
    answer = _post(client, f"/actors/{actor_id}/merge",
                   {"other_ids": str(new_id), "reason": "satu orang"})  # fmt: skip
    assert answer.status_code == 303
    assert "digabung ke" in _flashes(client, f"/actors/{actor_id}")
    gone = client.get(f"/actors/{new_id}")  # an actor merged away leads to the one it joined
    assert gone.status_code == 303 and gone.headers["Location"].endswith(f"/actors/{actor_id}")
    assert _audited(fresh, "actor.split") == 1 and _audited(fresh, "actor.merge") == 1


def test_stoplist_add_and_remove(fresh):
    client = fresh.client()
    page = "/actors/stoplist"
    answer = _post(client, page, {"kind": "phone", "value": "0813-7771-2345",
                                  "reason": "nomor layanan pelanggan"}, page)  # fmt: skip
    assert answer.status_code == 303
    assert "Ditambahkan ke daftar henti" in _flashes(client, page)
    with fresh.sessions() as session:
        stop = session.scalar(select(IdentifierStop).where(IdentifierStop.value == PHONE))
        assert stop is not None and stop.added_by == "analis"
    assert _actor_of(fresh, "cantik") != _actor_of(fresh, "hostile")  # the phone joined them
    assert _post(client, f"/actors/stoplist/{stop.id}/remove", page=page).status_code == 303
    assert "Dihapus dari daftar henti." in _flashes(client, page)
    with fresh.sessions() as session:
        assert session.get(IdentifierStop, stop.id).removed_by == "analis"
    assert _actor_of(fresh, "cantik") == _actor_of(fresh, "hostile")


def _actor_of(world, key: str) -> int:
    with world.sessions() as session:
        return session.scalar(select(ActorAccount.actor_id).where(
            ActorAccount.seller_id == world.sellers[key]))  # fmt: skip


def test_referral_letter_and_profiling_document(fresh):
    client = fresh.client()
    actor_id = fresh.actors["cantik"]
    answer = _post(client, f"/actors/{actor_id}/refer", {"recipient": "dit_was"})
    assert answer.status_code == 303
    assert "Rekomendasi Pelaku dibuat" in _flashes(client, f"/actors/{actor_id}")
    with fresh.sessions() as session:
        letter = session.scalar(select(Letter).where(Letter.actor_id == actor_id))
        assert letter.kind == "rekomendasi_pelaku" and letter.list_id is None
    page = client.get(f"/actors/{actor_id}").get_data(as_text=True)
    assert f'data-letter-id="{letter.id}"' in page
    made = _file(_post(client, f"/actors/{actor_id}/document", {"format": "docx"}))
    text = "\n".join(p.text for p in Document(io.BytesIO(made)).paragraphs)
    assert "Toko Cantik Jaya" in text
    today = utcnow().date().isoformat()
    asked = {"since": "2020-01-01", "until": today, "format": "docx"}
    period = _file(_post(client, "/actors/documents", asked, "/actors/documents"))
    text = "\n".join(p.text for p in Document(io.BytesIO(period)).paragraphs)
    assert "Apotek Murah" in text or "Apotek Murah" in _cells(period)


def _file(answer) -> bytes:
    """A DOCX download's bytes, its file handle closed."""
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.mimetype.endswith("wordprocessingml.document")
    data = answer.get_data()
    answer.close()
    return data


def _cells(data: bytes) -> str:
    return "\n".join(cell.text for table in Document(io.BytesIO(data)).tables
                     for row in table.rows for cell in row.cells)  # fmt: skip


def test_a_referral_above_the_readers_clearance_is_not_named(fresh):
    actor_id = fresh.actors["apotek"]
    office = letter_office.load(fresh.app.config["PATROLI"].data_dir)
    with fresh.sessions() as session, session.begin():
        secret = profiling_docs.refer_actor(session, actor_id, "dit_intelijen", actor="analis",
                                            office=office, classification="rahasia",
                                            with_pdf=False)  # fmt: skip
        marker = f'data-letter-id="{secret.id}"'
    assert marker in fresh.client("analis").get(f"/actors/{actor_id}").get_data(as_text=True)
    assert marker not in fresh.client("tamu").get(f"/actors/{actor_id}").get_data(as_text=True)


REFUSED = [  # (path, form, flash); "{x}" is the actor of seller x, "{s_x}" seller x
    ("/actors/{cantik}/merge", {"other_ids": "abc"}, "Bukan nomor entri"),
    ("/actors/{cantik}/merge", {"other_ids": ""}, "Isi nomor pelaku"),
    ("/actors/{cantik}/merge", {"other_ids": "{cantik}"}, "Tidak disimpan"),
    ("/actors/{cantik}/merge", {"other_ids": "999999"}, "Tidak disimpan"),
    ("/actors/{cantik}/split", {}, "Pilih akun yang akan dipisah."),
    ("/actors/{cantik}/split", {"seller_id": "{s_apotek}"}, "Tidak disimpan"),
    ("/actors/{apotek}/split", {"seller_id": "{s_apotek}"}, "Tidak disimpan"),  # all of it
    ("/actors/{cantik}/refer", {"recipient": "komdigi"}, "Penerima tidak dikenal"),
    ("/actors/stoplist", {"kind": "phone", "value": "12", "reason": "x"}, "Tidak disimpan"),
    ("/actors/stoplist", {"kind": "planet", "value": "x", "reason": "x"}, "Tidak disimpan"),
    ("/actors/stoplist", {"kind": "email", "value": "a@b.c", "reason": ""}, "Tidak disimpan"),
    ("/actors/stoplist/999999/remove", {}, "Tidak disimpan"),
    ("/actors/documents", {"since": "kemarin", "until": "2026-01-01"}, "Bukan tanggal"),
    ("/actors/documents", {"since": "2026-02-01", "until": "2026-01-01"}, "Dokumen tidak dibuat"),
]


@pytest.mark.parametrize("path, form, flash", REFUSED)
def test_refused_decisions_are_a_message_not_a_500(world, path, form, flash):
    names = {**world.actors, **{f"s_{k}": v for k, v in world.sellers.items()}}
    client = world.client()
    data = {k: v.format(**names) for k, v in form.items()}
    answer = _post(client, path.format(**names), data)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]
    shown = html.unescape(_flashes(client, answer.headers["Location"]))
    assert flash in shown


def test_a_pdf_that_cannot_be_made_is_a_message(world, monkeypatch):
    monkeypatch.setenv("PATROLI_SOFFICE", "/nonexistent/soffice")
    client = world.client()
    path = f"/actors/{world.actors['cantik']}"
    answer = _post(client, f"{path}/document", {"format": "pdf"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(path)
    assert "LibreOffice" in html.unescape(_flashes(client, path))


GATES = [  # (who, method path, status, csrf)
    ("tamu", "/actors/suggestions/{suggestion}/confirm", 403, True),
    ("tamu", "/actors/{cantik}/merge", 403, True),
    ("tamu", "/actors/{cantik}/split", 403, True),
    ("tamu", "/actors/{cantik}/refer", 403, True),
    ("tamu", "/actors/{cantik}/document", 403, True),
    ("tamu", "/actors/stoplist", 403, True),
    ("balai", "/actors/{apotek}/split", 403, True),
    ("analis", "/actors/{cantik}/merge", 400, False),  # no CSRF token
    ("analis", "/actors/999999/merge", 404, True),
    ("analis", "/actors/suggestions/999999/confirm", 404, True),
    (None, "/actors/{cantik}/merge", 302, True),
]


@pytest.mark.parametrize("who, path, status, csrf", GATES)
def test_decisions_are_gated(world, who, path, status, csrf):
    client = world.client(who)
    target = path.format(suggestion=world.suggestion, **world.actors)
    data = {"other_ids": "1", "reason": "x"}
    if csrf:
        data["csrf_token"] = _token(client, "/actors/" if who else "/login")
    assert client.post(target, data=data).status_code == status


# -- the graph drawing -----------------------------------------------------------------------


def _graph(accounts: int, identifiers: int, label: str = "Toko") -> ET.Element:
    nodes = [actor_graph.Node(f"seller:{n}", f"{label} {n}", ("pasarku", "ceritaku")[n % 2],
                              href=f"#account-{n}") for n in range(accounts)]  # fmt: skip
    nodes += [actor_graph.Node(f"phone:{n}", f"+62812{n:05d}", "phone", False)
              for n in range(identifiers)]  # fmt: skip
    edges = [actor_graph.Edge(f"seller:{n}", f"phone:{n % max(identifiers, 1)}")
             for n in range(accounts) if identifiers]  # fmt: skip
    return ET.fromstring(str(actor_graph.draw(nodes, edges)))


SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    "accounts, identifiers, drawn_accounts, drawn_identifiers, more",
    [
        (0, 0, 0, 0, False),
        (1, 0, 1, 0, False),
        (3, 1, 3, 1, False),
        (36, 24, 36, 24, False),
        (37, 24, 36, 24, True),
        (80, 40, 36, 24, True),
    ],
)
def test_graph_caps_nodes_and_says_how_many_more(accounts, identifiers, drawn_accounts,
                                                 drawn_identifiers, more):  # fmt: skip
    root = _graph(accounts, identifiers)
    drawn = [e for e in root.iter(f"{SVG}g") if "node" in (e.get("class") or "").split()]
    assert sum("account" in e.get("class") for e in drawn) == drawn_accounts
    assert sum("identifier" in e.get("class") for e in drawn) == drawn_identifiers
    texts = [e.text or "" for e in root.iter(f"{SVG}text")]
    assert any("+" in t and "lagi" in t for t in texts) is more


def test_graph_escapes_labels_and_draws_the_same_twice():
    root = _graph(3, 2, label=HOSTILE)
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}foreignObject")]
    assert not [name for e in root.iter() for name in e.attrib if name.startswith("on")]
    assert any(HOSTILE in "".join(e.itertext()) for e in root.iter(f"{SVG}title"))
    first, second = ET.tostring(_graph(5, 3)), ET.tostring(_graph(5, 3))
    assert re.sub(rb"actor-graph-\d+", b"", first) == re.sub(rb"actor-graph-\d+", b"", second)


# -- every word has its English ------------------------------------------------------------------

AREA = Path(__file__).parents[2] / "web"
WORDS = re.compile(r"""\bt\(\s*(?:"([^"]+)"|'([^']+)')""")


@pytest.mark.parametrize(
    "source",
    ["actors.py", "actor_decisions.py",
     *sorted(f"templates/actors/{p.name}" for p in (AREA / "templates/actors").glob("*.html"))],
)  # fmt: skip
def test_every_word_of_the_actor_pages_has_its_english(source):
    from web import actors, i18n

    said = {a or b for a, b in WORDS.findall((AREA / source).read_text(encoding="utf-8"))}
    if source == "actors.py":
        said |= {*actors.HOW.values(), *actors.IDENTIFIER_KINDS.values(),
                 *actors.SUGGESTION_LABELS.values(), *actors.RISK_FLOORS.values()}  # fmt: skip
    assert said and sorted(said - set(i18n.EN)) == []
