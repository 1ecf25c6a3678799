"""The triage queue's query on SQLite and PostgreSQL: filters, full-text search in Indonesian
(kept in step with edits by triggers or the GIN expression), keyset pages stable under inserts,
and the Register Informasi pages and tips."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casebook.models import Listing
from casebook.services import listings, register, triage
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Hit, Verdict

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

# name: (platform, category, title, description, seller, city, codes, first seen)
LISTINGS = {
    "krim": ("shopee", "kosmetik", "Krim Pemutih Wajah Glowing",
             "Mengandung merkuri, hasil putih dalam 3 hari", "Toko Cantik Sentosa", "Jakarta Barat",
             ["hazardous_ingredient", "misleading_claim"], datetime(2026, 3, 2, tzinfo=UTC)),
    "tramadol": ("tokopedia", "obat", "Tramadol 50 mg tanpa resep",
                 "Obat nyeri ampuh, kirim cepat", "Apotek Murah Jaya", "Surabaya",
                 ["prescription_drug"], datetime(2026, 3, 5, tzinfo=UTC)),
    "jamu": ("shopee", "obat_tradisional", "Jamu Kuat Pria Asli",
             "Jamu herbal tanpa BKO, tanpa merkuri", "Warung Jamu Sentosa", "Surabaya",
             ["no_nie"], datetime(2026, 3, 9, tzinfo=UTC)),
    "pemutihan": ("lazada", "kosmetik", "Paket Pemutihan Gigi",
                  "Pemutihan instan di rumah", "Senyum Sehat", "Bandung",
                  ["misleading_claim"], datetime(2026, 3, 12, tzinfo=UTC)),
    "madu": ("tokopedia", "pangan_olahan", "Madu Hutan Asli",
             "Madu murni dari hutan Sumbawa", "Madu Nusantara", "Bandung",
             [], datetime(2026, 3, 15, tzinfo=UTC)),
}  # fmt: skip


def _verdict(url: str, title: str, codes: list[str]) -> Verdict:
    hits = tuple(
        Hit(code, f"T-{code}", 0.9, Evidence(text=title[:5], field="title", start=0, end=5), "v1")
        for code in codes
    )
    return Verdict(url, (), None, hits, "v1")


def _record(name: str, **changes) -> tuple[ListingRecord, Verdict]:
    platform, _category, title, description, seller, city, codes, _seen = LISTINGS[name]
    values = dict(title=title, description=description, seller=seller, city=city)
    values.update(changes)
    url = f"http://{platform}.example/p/{name}"
    record = ListingRecord(
        url=url, platform=platform, title=values["title"], description=values["description"],
        price=25_000.0, currency="IDR",
        seller=SellerRecord(platform, values["seller"], f"http://{platform}.example/toko/{name}",
                            values["city"]),
    )  # fmt: skip
    return record, _verdict(url, values["title"], codes)


@pytest.fixture
def ids(sessions) -> dict[str, int]:
    out = {}
    with sessions() as session, session.begin():
        for name, (_platform, category, *_, seen) in LISTINGS.items():
            result = listings.record_listings(session, [_record(name)], now=seen)
            out[name] = next(iter(result.listing_ids.values()))
            session.get(Listing, out[name]).category = category
    return out


def _names(sessions, ids, **wanted) -> list[str]:
    by_id = {v: k for k, v in ids.items()}
    with sessions() as session:
        page = triage.page(session, triage.QueueFilter(**wanted))
        return [by_id[row.id] for row in page.rows]


@pytest.mark.parametrize(
    "wanted, expected",
    [
        ({}, ["pemutihan", "jamu", "tramadol", "krim"]),  # newest first, only with findings
        ({"with_hits": False}, ["madu"]),
        ({"with_hits": None}, ["madu", "pemutihan", "jamu", "tramadol", "krim"]),
        ({"code": "misleading_claim"}, ["pemutihan", "krim"]),
        ({"code": "public_warning"}, []),
        ({"platform": "shopee"}, ["jamu", "krim"]),
        ({"platform": "shopee", "code": "no_nie"}, ["jamu"]),
        ({"category": "kosmetik"}, ["pemutihan", "krim"]),
        ({"category": "obat"}, ["tramadol"]),
        ({"city": "Surabaya"}, ["jamu", "tramadol"]),
        ({"city": "Medan"}, []),
        ({"status": "active"}, ["pemutihan", "jamu", "tramadol", "krim"]),
        ({"status": "nonactive"}, []),
        ({"since": date(2026, 3, 5), "until": date(2026, 3, 9)}, ["jamu", "tramadol"]),
        ({"since": date(2026, 3, 10)}, ["pemutihan"]),
        ({"until": date(2026, 3, 1)}, []),
    ],
)
def test_filters(sessions, ids, wanted, expected):
    assert _names(sessions, ids, **wanted) == expected


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("pemutih", ["krim"]),  # a word, not a prefix: "pemutihan" is another word
        ("pemutihan", ["pemutihan"]),
        ("PEMUTIH", ["krim"]),
        ("merkuri", ["jamu", "krim"]),  # in the description ("tanpa merkuri" is still the word)
        ("krim merkuri", ["krim"]),  # every word must be there
        ("krim tramadol", []),
        ("sentosa", ["jamu", "krim"]),  # the seller's name
        ("warung jamu", ["jamu"]),
        ("apotek", ["tramadol"]),
        ("sumbawa", []),  # madu has no findings: not in the queue
        ("ampuh", ["tramadol"]),
        # query syntax is text, never an operator or an error
        ('krim OR "tramadol', []),
        ("krim* NEAR(", []),
        ("tramadol' --", ["tramadol"]),
        ("50 mg", ["tramadol"]),
        ("   ", ["pemutihan", "jamu", "tramadol", "krim"]),  # no words: no search
    ],
)
@pytest.mark.parametrize(
    "first_window, rare_matches", [(16_384, 2_000), (1, 2_000), (1, 0)],
    ids=["one window", "windows of a few ids", "windows read by join"],
)  # fmt: skip
def test_full_text_search(sessions, ids, monkeypatch, phrase, expected, first_window, rare_matches):
    # Small windows take every path a search takes at a million listings.
    monkeypatch.setattr(triage, "FIRST_WINDOW", first_window)
    monkeypatch.setattr(triage, "RARE_MATCHES", rare_matches)
    assert _names(sessions, ids, text=phrase) == expected


def test_search_follows_edits_of_titles_and_seller_names(sessions, ids):
    with sessions() as session, session.begin():
        listings.record_listings(
            session, [_record("tramadol", title="Obat Anti Nyeri Kuat", seller="Apotek Sejahtera")]
        )
    assert _names(sessions, ids, text="tramadol") == []
    assert _names(sessions, ids, text="nyeri kuat") == ["tramadol"]
    assert _names(sessions, ids, text="sejahtera") == ["tramadol"]


def test_decided_filter_reads_the_register(sessions, ids):
    with sessions() as session, session.begin():
        register.decide(session, [ids["krim"]], "takedown", actor="analis")
        register.decide(session, [ids["jamu"]], "dismissed", reason="klaim wajar", actor="analis")
    assert _names(sessions, ids, decided="belum") == ["pemutihan", "tramadol"]
    assert _names(sessions, ids, decided="sudah") == ["jamu", "krim"]
    assert _names(sessions, ids, decided="takedown") == ["krim"]
    assert _names(sessions, ids, decided="intelligence") == []
    with sessions() as session:
        rows = {r.id: r for r in triage.page(session, triage.QueueFilter()).rows}
    assert rows[ids["krim"]].decision == "takedown"
    assert rows[ids["tramadol"]].decision is None


def test_searched_pages_go_back_and_forth_across_windows(sessions, ids, monkeypatch):
    monkeypatch.setattr(triage, "FIRST_WINDOW", 1)
    wanted = triage.QueueFilter(text="sentosa")  # krim and jamu, by their sellers
    with sessions() as session:
        first = triage.page(session, wanted, limit=1)
        second = triage.page(session, wanted, after=first.next_cursor, limit=1)
        back = triage.page(session, wanted, before=second.prev_cursor, limit=1)
    assert [r.id for r in first.rows] == [ids["jamu"]] == [r.id for r in back.rows]
    assert [r.id for r in second.rows] == [ids["krim"]] and second.next_cursor is None


def test_keyset_pages_are_stable_under_inserts(sessions, ids):
    wanted = triage.QueueFilter()
    by_id = {v: k for k, v in ids.items()}
    with sessions() as session:
        first = triage.page(session, wanted, limit=2)
    assert [by_id[r.id] for r in first.rows] == ["pemutihan", "jamu"]
    assert first.prev_cursor is None and first.next_cursor == ids["jamu"]
    with sessions() as session, session.begin():  # a crawl stores a new listing meanwhile
        new = listings.record_listings(
            session, [(ListingRecord(url="http://shopee.example/p/baru", platform="shopee",
                                     title="Krim Baru"),
                       _verdict("http://shopee.example/p/baru", "Krim Baru", ["no_nie"]))],
        ).listing_ids["http://shopee.example/p/baru"]  # fmt: skip
    with sessions() as session:
        second = triage.page(session, wanted, after=first.next_cursor, limit=2)
        assert [by_id[r.id] for r in second.rows] == ["tramadol", "krim"]
        assert second.next_cursor is None and second.prev_cursor == ids["tramadol"]
        back = triage.page(session, wanted, before=second.prev_cursor, limit=2)
        assert [by_id.get(r.id) for r in back.rows] == ["pemutihan", "jamu"]
        assert back.next_cursor == ids["jamu"]
        top = triage.page(session, wanted, limit=2)
        assert [r.id for r in top.rows] == [new, ids["pemutihan"]]


def test_a_cursor_past_the_newest_gives_the_first_page(sessions, ids):
    with sessions() as session:
        page = triage.page(session, triage.QueueFilter(), before=ids["madu"] + 100, limit=2)
    assert [r.id for r in page.rows] == [ids["pemutihan"], ids["jamu"]]
    assert page.prev_cursor is None


def test_filter_choices_skip_through_the_indexes(sessions, ids):
    with sessions() as session:
        choices = triage.choices(session)
    assert choices["platform"] == ["lazada", "shopee", "tokopedia"]
    assert choices["city"] == ["Bandung", "Jakarta Barat", "Surabaya"]
    assert choices["category"] == ["kosmetik", "obat", "obat_tradisional", "pangan_olahan"]


def test_register_entries_filter_and_page(sessions, ids):
    with sessions() as session, session.begin():
        register.decide(session, [ids["krim"], ids["tramadol"]], "takedown", actor="analis")
        register.decide(session, [ids["jamu"]], "intelligence", actor="budi", source="UPT Medan")
    with sessions() as session:
        everything = triage.entry_page(session, triage.EntryFilter(), limit=2)
        assert [listing.id for _, listing in everything.rows] == [ids["jamu"], ids["tramadol"]]
        rest = triage.entry_page(session, triage.EntryFilter(), after=everything.next_cursor)
        assert [listing.id for _, listing in rest.rows] == [ids["krim"]]
        assert rest.next_cursor is None
        by_source = triage.entry_page(session, triage.EntryFilter(source="UPT Medan"))
        assert [e.decided_by for e, _ in by_source.rows] == ["budi"]
        by_who = triage.entry_page(session, triage.EntryFilter(decided_by="analis"))
        assert len(by_who.rows) == 2
        assert triage.entry_choices(session) == {
            "source": ["UPT Medan", "patroli"], "decided_by": ["analis", "budi"]
        }  # fmt: skip
        entry, _ = by_source.rows[0]
        hits, captures = triage.decided_on(session, entry)
        assert [h.code for h in hits] == ["no_nie"] and captures == []


def test_a_tip_sorts_pasted_lines(sessions, ids):
    pasted = (
        "http://shopee.example/p/krim\n\n# dari UPT\nbukan url\n"
        "http://tokopedia.example/p/tramadol\nhttp://baru.example/x\nhttp://baru.example/x\n"
        "ftp://tua.example/y\n"
    )
    with sessions() as session:
        tip = triage.read_tip(session, pasted)
    assert tip.known == {
        "http://shopee.example/p/krim": ids["krim"],
        "http://tokopedia.example/p/tramadol": ids["tramadol"],
    }
    assert tip.unknown == ["http://baru.example/x"]
    assert tip.errors == [
        "baris 4: bukan URL http(s): bukan url",
        "baris 8: bukan URL http(s): ftp://tua.example/y",
    ]


def test_a_unit_sees_only_the_listings_and_entries_it_reached(sessions, ids):
    from casebook.services import access

    upt = access.Scope("budi", "upt_officer", "UPT Surabaya")
    national = access.Scope("sari", "analyst", "")
    with sessions() as session, session.begin():
        access.claim_listings(session, "UPT Surabaya", [ids["krim"], ids["jamu"]], via="test")
        register.decide(session, [ids["krim"]], "takedown", actor="budi", unit="UPT Surabaya")
        register.decide(session, [ids["jamu"]], "takedown", actor="sari")
    with sessions() as session:
        seen = [r.id for r in triage.page(session, triage.QueueFilter(), scope=upt).rows]
        assert seen == [ids["jamu"], ids["krim"]]
        searched = triage.page(session, triage.QueueFilter(text="sentosa"), scope=upt).rows
        assert [r.id for r in searched] == [ids["jamu"], ids["krim"]]
        assert len(triage.page(session, triage.QueueFilter(), scope=national).rows) == 4
        entries = triage.entry_page(session, triage.EntryFilter(), scope=upt).rows
        assert [listing.id for _, listing in entries] == [ids["krim"]]
        entry_id = entries[0][0].id
        assert triage.visible_entry(session, entry_id, upt) is not None
        others = triage.entry_page(session, triage.EntryFilter(), scope=national).rows
        other_id = next(e.id for e, _ in others if e.id != entry_id)
        assert triage.visible_entry(session, other_id, upt) is None
        # the register's filters name only the deciders of entries the unit sees
        assert triage.entry_choices(session, upt)["decided_by"] == ["budi"]
        assert triage.entry_choices(session, national)["decided_by"] == ["budi", "sari"]


def test_an_entry_above_the_readers_clearance_shows_as_not_decided(sessions, ids):
    from casebook.services import access

    viewer, analyst = access.Scope("tamu", "viewer", ""), access.Scope("sari", "analyst", "")
    with sessions() as session, session.begin():
        register.decide(session, [ids["krim"]], "takedown", actor="sari", classification="rahasia")
        register.decide(session, [ids["jamu"]], "takedown", actor="sari")
    with sessions() as session:
        for scope, secret_decision, decided in (
            (viewer, None, ["jamu"]),
            (analyst, "takedown", ["jamu", "krim"]),
        ):
            rows = {
                r.id: r.decision
                for r in triage.page(session, triage.QueueFilter(), scope=scope).rows
            }
            assert rows[ids["krim"]] == secret_decision and rows[ids["jamu"]] == "takedown"
            found = triage.page(session, triage.QueueFilter(decided="takedown"), scope=scope).rows
            assert sorted(n for n, i in ids.items() if i in {r.id for r in found}) == decided
