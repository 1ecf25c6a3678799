"""For the REST API v1 tests: `sop`, a casebook that has walked the SOP — one user per role,
listings with findings, Register Informasi entries, a takedown list with its letters (one sent
and past its platform deadline with a link still up), patrol plans with a crawl run, tokens."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from casebook import config as config_module
from casebook import schema
from casebook.db import make_engine, make_session_factory
from casebook.letters import office as letter_office
from casebook.models import Listing
from casebook.services import (
    access,
    evidence,
    letters,
    listings,
    plans,
    profiling,
    register,
    runs,
    takedown,
    users,
)
from casebook.services.evidence import CaptureRecord
from casebook.services.listings import ListingRecord, SellerRecord, StatusCheck
from rules.model import Evidence, Hit, Verdict
from web import create_app

SURABAYA = "Balai Besar POM di Surabaya"
USERS = {  # username: (role, unit)
    "admin": ("admin", ""),
    "analis": ("analyst", ""),
    "upt": ("upt_officer", SURABAYA),
    "was": ("reviewer", "Direktorat Pengawasan Obat (Dit. Was)"),
    "tamu": ("viewer", ""),
}
KINDS = {"pasarku": "marketplace", "sosmed": "social"}
LISTINGS = [  # (title, platform, codes)
    ("Krim Pemutih Merkuri", "pasarku", ["hazardous_ingredient", "no_nie"]),
    ("Tramadol 50 mg tanpa resep", "pasarku", ["prescription_drug"]),
    ("Pil Pelangsing", "sosmed", ["no_nie"]),
    ("Madu Hutan Asli", "tokosehat", []),
    ("Jamu Kuat Instan", "pasarku", ["misleading_claim"]),
]
MADE = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # the letters: Monday 2 March 2026, 10:00 WIB
SENT = date(2026, 3, 3)
PLAN = {
    "keywords": ["tramadol", "obat kuat"],
    "targets": [{"spider": "marketplace", "site": "pasarku"}],
    "risk_basis": "Kajian risiko 2026: obat keras dijual bebas",
}


@dataclass
class Seeded:
    app: object
    sessions: object
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def call(self, method: str, path: str, who: str | None = "analis", **kwargs):
        """One request to /api/v1 as `who` (None: no token), its body read."""
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        client = self.app.test_client()
        response = client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)
        response.get_data()  # buffered, so that a file's handle is closed here
        response.close()
        return response


@pytest.fixture
def sop(config, sessions) -> Seeded:
    return seed(config, sessions)


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Iterator[Seeded]:
    """One seeded casebook for a module's tests that change nothing in it (reads, refusals):
    seeding takes seconds."""
    folder = tmp_path_factory.mktemp("sop")
    config = config_module.load({"PATROLI_DATA_DIR": str(folder / "var"),
                                 "PATROLI_ALLOW_PRIVATE": "1", "PATROLI_SECRET_KEY": "test-secret",
                                 "PATH": "/usr/bin:/bin"})  # fmt: skip
    engine = make_engine(config.database_url)
    schema.upgrade(engine)
    yield seed(config, make_session_factory(engine))
    engine.dispose()


def _verdict(url: str, codes: list[str], title: str) -> Verdict:
    hits = tuple(
        Hit(code, f"TEST-{code.upper()}", 0.9,
            Evidence(text=title[:10], field="title", start=0, end=10), "test-1")
        for code in codes
    )  # fmt: skip
    return Verdict(url, ("NA18201234567",) if codes else (), "kosmetik", hits, "test-1")


def seed(config, sessions) -> Seeded:
    ids: dict[str, int] = {}
    with sessions() as session, session.begin():
        for name, (role, unit) in USERS.items():
            users.create_user(session, name, f"sandi-{name}-1", role, unit=unit, actor="test")
        rows = []
        for n, (title, platform, codes) in enumerate(LISTINGS):
            url = f"http://pasar.example/p/{n}"
            record = ListingRecord(url=url, platform=platform, title=title, price=1000.0 * (n + 1),
                                   currency="IDR", seller=SellerRecord(platform, f"Toko {n}",
                                   f"http://pasar.example/toko/{n}"))  # fmt: skip
            rows.append((record, _verdict(url, codes, title)))
        listings.record_listings(session, rows)
        for n in range(len(LISTINGS)):
            ids[f"listing{n}"] = session.scalar(
                select(Listing.id).where(Listing.url == f"http://pasar.example/p/{n}")
            )
        manifest = Path(config.data_dir) / "captures/1/manifest.json"  # letters check it
        manifest.parent.mkdir(parents=True)
        manifest.write_bytes(b'{"files": []}')
        capture = CaptureRecord("http://pasar.example/p/0", "http", 200, MADE,
                                "captures/1/manifest.json",
                                hashlib.sha256(manifest.read_bytes()).hexdigest())  # fmt: skip
        evidence.record_captures(session, [(capture, ids["listing0"])])
        entries = register.decide(session, [ids[f"listing{n}"] for n in (0, 1, 2)], "takedown",
                                  actor="analis", now=MADE)  # fmt: skip
        (intel,) = register.decide(session, [ids["listing4"]], "intelligence", actor="analis",
                                   now=MADE)  # fmt: skip
        ids["entry4"] = intel.id
        built = takedown.build_list(session, [e.id for e in entries], actor="analis",
                                    kind_of=lambda platform, url: KINDS.get(platform, "website"),
                                    now=MADE)  # fmt: skip
        ids["list"] = built.id
        made = letters.make_letters(session, built.id, "rekomendasi_takedown", actor="analis",
                                    office=letter_office.load(config.data_dir), with_pdf=False,
                                    now=MADE)  # fmt: skip
        for letter in made:
            ids[f"letter_{letter.recipient}"] = letter.id
        # Komdigi's letter went out and its platform deadline passed with its link still up.
        letters.mark_sent(session, ids["letter_komdigi"], SENT, actor="analis")
        listings.record_statuses(session, [StatusCheck(ids["listing2"], "active", "HTTP 200")])
        for name, unit in (("Patroli Lebaran", "Dit. Siber"), ("Patroli Surabaya", SURABAYA)):
            plan = plans.save_plan(session, name, **PLAN, unit=unit, actor="analis")
            ids[name] = plan.id
        run = runs.start_run(session, "marketplace", {"site": "pasarku"},
                             plan_id=ids["Patroli Lebaran"])  # fmt: skip
        runs.finish_run(session, run.id, "finished",
                        {"response_received_count": 12, "patroli/stored": 5})  # fmt: skip
        ids["run"] = run.id
        tokens = {name: users.create_token(session, name, actor="test")[1] for name in USERS}
        spare, _ = users.create_token(session, "tamu", name="spare", actor="test")
        ids["spare_token"] = spare.id
        ids["admin_token"] = users.list_tokens(session, "admin")[0].id
    app = create_app(config, testing=True)
    app.config["PATROLI_PLATFORM_KINDS"] = KINDS
    app.config["PATROLI_LETTER_PDF"] = False  # LibreOffice takes seconds
    return Seeded(app, sessions, tokens, ids)


# -- offender profiling: accounts the casebook's linker joins into actors ---------------------

PHONE, MAIL, BANK = "+6281377788899", "sehat@contoh.id", "bca:1234567890"
P, M, B = ("phone", PHONE), ("email", MAIL), ("bank_account", BANK)
RX, BKO, CLAIM = "prescription_drug", "hazardous_ingredient", "misleading_claim"
# (key, platform, shop name, city, identifiers, listing title, violation codes). "sehat" is one
# actor through a chain (phone, then e-mail), "murni" another (a bank account); the two decoys
# share only a look-alike name with them, so the linker suggests, never joins.
ACCOUNTS = [
    ("sehat1", "pasarku", "Apotek Sehat", "Jakarta", [P], "Tramadol", [RX]),
    ("sehat2", "sosmed", "Apotek Sehat Jaya", "Jakarta", [P, M], "Tramadol 50", [RX]),
    ("sehat3", "tokosehat", "Sehat Farma", "Jakarta", [M], "Krim merkuri", [BKO]),
    ("murni1", "pasarku", "Herbal Murni", "Medan", [B], "Jamu kuat", [CLAIM]),
    ("murni2", "sosmed", "Herbal Murni Official", "Medan", [B], "Jamu kuat", []),
    ("decoy1", "tokosehat", "Herbal Murni", "Medan", [("phone", "+6281399911122")],
     "Jamu kuat", [CLAIM]),
    ("decoy2", "pasarku", "Apotek Sehatku", "Jakarta", [("phone", "+6281355544433")],
     "Tramadol", [RX]),
]  # fmt: skip


@pytest.fixture(scope="module")
def profiled(shared) -> Seeded:
    """`shared` plus the accounts above, linked into actors by the casebook's own relink; the
    Surabaya UPT reads one listing of "sehat" (so it sees that actor, and no other). ids:
    each account's seller (`sehat1`...) and listing (`sehat1_listing`...), the actors `sehat`
    and `murni`, and the pending suggestions `suggestion` (decoy1, murni1) and `suggestion2`
    (decoy2, sehat1)."""
    ids = shared.ids
    with shared.sessions() as session, session.begin():
        rows = []
        for key, platform, name, city, found, title, codes in ACCOUNTS:
            url = f"http://pasar.example/{key}/1"
            seller = SellerRecord(platform, name, f"http://{platform}.example/{key}", city,
                                  tuple(found))  # fmt: skip
            record = ListingRecord(url=url, platform=platform, title=title, price=1.0,
                                   currency="IDR", seller=seller)  # fmt: skip
            rows.append((record, _verdict(url, codes, title)))
        listings.record_listings(session, rows, now=MADE)
        for key, *_ in ACCOUNTS:
            listing = session.scalar(
                select(Listing).where(Listing.url == f"http://pasar.example/{key}/1")
            )
            ids[key], ids[f"{key}_listing"] = listing.seller_id, listing.id
        access.claim_listings(session, SURABAYA, [ids["sehat3_listing"]], "test")
        profiling.relink(session, actor="test")
        ids["sehat"] = profiling.actor_of_seller(session, ids["sehat1"])
        ids["murni"] = profiling.actor_of_seller(session, ids["murni1"])
        pairs = {frozenset((s.a.seller_id, s.b.seller_id)): s.id
                 for s in profiling.suggestions(session, status="pending", limit=500)}  # fmt: skip
        ids["suggestion"] = pairs[frozenset((ids["decoy1"], ids["murni1"]))]
        ids["suggestion2"] = pairs[frozenset((ids["decoy2"], ids["sehat1"]))]
    return shared
