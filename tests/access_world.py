"""A casebook with work in three units and three classifications, and who should see what.

Shared by tests/casebook/test_access.py (the conditions, on SQLite and PostgreSQL) and
tests/web/test_access_matrix.py (the same answers through the UI and the API). Every object is
named; `EXPECTED[person]` is the set of names that person must see, every other name is a hard
negative. The objects are made through the casebook services (letters as rows: rendering DOCX
is not what is tested here).
"""

from __future__ import annotations

from datetime import UTC, datetime

from casebook.models import Letter, PatrolPlan
from casebook.services import access, listings, plans, register, runs, takedown, users
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Hit, Verdict

SIBER = access.DIT_SIBER
SBY = "UPT BPOM Surabaya"
MDN = "UPT BPOM Medan"
WAS = "Dit. Was"
INTEL = "Dit. Intelijen"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

# person -> (role, unit); a unit "" is Dit. Siber.
PEOPLE = {
    "admin": ("admin", ""),
    "analis": ("analyst", "Dit. Siber"),
    "analis_sby": ("analyst", SBY),  # an analyst is national wherever they sit
    "tamu": ("viewer", ""),
    "petugas_sby": ("upt_officer", SBY),
    "petugas_mdn": ("upt_officer", MDN),
    "tamu_sby": ("viewer", SBY),
    "reviu_was": ("reviewer", WAS),
    "reviu_intel": ("reviewer", INTEL),
}
PASSWORD = "kata-sandi-uji-9"

# name -> (unit, classification) for the entries; each stands on its own listing "l_<name>".
ENTRIES = {
    "e_siber": (SIBER, "biasa"),
    "e_siber_terbatas": (SIBER, "terbatas"),
    "e_sby": (SBY, "biasa"),
    "e_sby_terbatas": (SBY, "terbatas"),
    "e_sby_rahasia": (SBY, "rahasia"),
    "e_mdn": (MDN, "biasa"),
    "e_siber_to_sby": (SIBER, "biasa"),  # shared with Surabaya
    "e_rahasia_to_sby": (SIBER, "rahasia"),  # shared with Surabaya: still above its clearance
}
# name -> (unit, classification, entries on it)
LISTS = {
    "t_siber": (SIBER, "biasa", ["e_siber"]),
    "t_sby": (SBY, "biasa", ["e_sby"]),
    "t_sby_terbatas": (SBY, "terbatas", ["e_sby_terbatas"]),
    "t_mdn": (MDN, "biasa", ["e_mdn"]),
}
# name -> (list, recipient, classification)
LETTERS = {
    "s_sby_idea": ("t_sby", "idea", "biasa"),
    "s_siber_was": ("t_siber", "dit_was", "biasa"),
    "s_siber_intel": ("t_siber", "dit_intelijen", "terbatas"),
    "s_siber_intel_rahasia": ("t_siber", "dit_intelijen", "rahasia"),
    "s_mdn": ("t_mdn", "komdigi", "biasa"),
}
# name -> (unit, classification)
PLANS = {
    "p_siber": (SIBER, "biasa"),
    "p_siber_terbatas": (SIBER, "terbatas"),
    "p_sby": (SBY, "biasa"),
    "p_sby_terbatas": (SBY, "terbatas"),
    "p_sby_rahasia": (SBY, "rahasia"),
    "p_mdn": (MDN, "biasa"),
    "p_mdn_to_sby": (MDN, "biasa"),  # shared with Surabaya
}
# name -> the plan the crawl run ran (a run is seen with its plan)
RUNS = {"r_siber_terbatas": "p_siber_terbatas", "r_sby": "p_sby", "r_mdn_to_sby": "p_mdn_to_sby",
        "r_mdn": "p_mdn"}  # fmt: skip
# Listings no entry stands on: found by a plan's run, or by nobody's plan.
PLAN_LISTINGS = {"l_run_sby": "p_sby", "l_run_mdn_to_sby": "p_mdn_to_sby", "l_run_mdn": "p_mdn"}
FREE_LISTINGS = ("l_free",)
SHARES = (("entry", "e_siber_to_sby", SBY), ("entry", "e_rahasia_to_sby", SBY),
          ("plan", "p_mdn_to_sby", SBY))  # fmt: skip

ALL_LISTINGS = {f"l_{e}" for e in ENTRIES} | set(PLAN_LISTINGS) | set(FREE_LISTINGS)
EVERYTHING = ALL_LISTINGS | set(ENTRIES) | set(LISTS) | set(LETTERS) | set(PLANS) | set(RUNS)
SBY_SEES = {
    "p_sby", "p_sby_terbatas", "p_mdn_to_sby",
    "e_sby", "e_sby_terbatas", "e_siber_to_sby",
    "t_sby", "t_sby_terbatas",
    "s_sby_idea",
    # its entries' listings (the rahasia one too: a listing carries no classification), the
    # listings of entries shared with it, and what its plans and the shared plan found
    "l_e_sby", "l_e_sby_terbatas", "l_e_sby_rahasia", "l_e_siber_to_sby", "l_e_rahasia_to_sby",
    "l_run_sby", "l_run_mdn_to_sby",
}  # fmt: skip
EXPECTED = {
    "admin": EVERYTHING,
    "analis": EVERYTHING,
    "analis_sby": EVERYTHING,
    # Dit. Siber's viewer: every listing, Dit. Siber's biasa work only.
    "tamu": ALL_LISTINGS | {"p_siber", "e_siber", "e_siber_to_sby", "t_siber", "s_siber_was"},
    "petugas_sby": SBY_SEES,
    "petugas_mdn": {
        "p_mdn",
        "p_mdn_to_sby",
        "e_mdn",
        "t_mdn",
        "s_mdn",
        "l_e_mdn",
        "l_run_mdn",
        "l_run_mdn_to_sby",
    },
    # A viewer of Surabaya: as its officer, up to biasa only (listings carry no label).
    "tamu_sby": {n for n in SBY_SEES if n.startswith("l_")}
    | {"p_sby", "p_mdn_to_sby", "e_sby", "e_siber_to_sby", "t_sby", "s_sby_idea"},
    # Reviewers: the letters addressed to their directorate, up to terbatas.
    "reviu_was": {"s_siber_was"},
    "reviu_intel": {"s_siber_intel"},
}
# A crawl run is seen with the plan it ran.
EXPECTED = {
    person: seen | {run for run, plan in RUNS.items() if plan in seen}
    for person, seen in EXPECTED.items()
}
KIND_OF = {"p": "plan", "e": "entry", "t": "list", "s": "letter", "l": "listing", "r": "run"}


def kind(name: str) -> str:
    return KIND_OF[name.split("_")[0]]


def _verdict(url: str) -> Verdict:
    hit = Hit("no_nie", "TEST-NO-NIE", 0.9, Evidence(text="Krim", field="title", start=0, end=4),
              "test-1")  # fmt: skip
    return Verdict(url, (), "kosmetik", (hit,), "test-1")


def build(session, *, people: bool = False) -> dict[str, int]:
    """Make the world; name -> id. With `people`, also a user for each person (hashing their
    passwords takes most of the time, so only the web tests ask for them)."""
    for person, (role, unit) in PEOPLE.items() if people else ():
        users.create_user(session, person, PASSWORD, role, actor="test", unit=unit)
    ids: dict[str, int] = {}
    names = [f"l_{e}" for e in ENTRIES] + list(PLAN_LISTINGS) + list(FREE_LISTINGS)
    records = [
        (ListingRecord(url=f"http://pasar.example/{n}", platform="pasarku",
                       title=f"Krim {marker(n)} judul", currency="IDR", price=1000.0,
                       seller=SellerRecord("pasarku", f"Toko {n}")),
         _verdict(f"http://pasar.example/{n}"))
        for n in names
    ]  # fmt: skip
    stored = listings.record_listings(session, records, now=NOW).listing_ids
    ids.update({n: stored[f"http://pasar.example/{n}"] for n in names})
    for name, (unit, label) in PLANS.items():
        plan = plans.save_plan(session, f"Rencana {marker(name)}", keywords=["krim"],
                               targets=[{"spider": "marketplace", "site": "pasarku"}], unit=unit,
                               classification=label, actor="test", now=NOW)  # fmt: skip
        ids[name] = plan.id
    for name, (unit, label) in ENTRIES.items():
        (entry,) = register.decide(session, [ids[f"l_{name}"]], "takedown",
                                   reason=f"alasan {marker(name)}", actor="test", unit=unit,
                                   classification=label, now=NOW)  # fmt: skip
        ids[name] = entry.id
    for name, (unit, label, entries) in LISTS.items():
        built = takedown.build_list(session, [ids[e] for e in entries], actor="test",
                                    kind_of=lambda platform, url: "marketplace", unit=unit,
                                    classification=label, note=f"catatan {marker(name)}",
                                    now=NOW)  # fmt: skip
        ids[name] = built.id
    for seq, (name, (list_name, recipient, label)) in enumerate(LETTERS.items(), start=1):
        letter = Letter(kind="rekomendasi_takedown", list_id=ids[list_name], recipient=recipient,
                        number=f"B-{seq}/{marker(name)}/11/2026", year=2026, seq=seq,
                        classification=label, link_count=1, files={}, created_by="test",
                        created_at=NOW)  # fmt: skip
        session.add(letter)
        session.flush()
        ids[name] = letter.id
    national = access.Scope("admin", "admin", "")
    for share_kind, name, unit in SHARES:
        access.share(session, national, share_kind, ids[name], unit, now=NOW)
    for name, plan in RUNS.items():
        ids[name] = runs.start_run(session, "marketplace", {"site": "pasarku"}, plan_id=ids[plan],
                                   now=NOW).id  # fmt: skip
    for name, plan in PLAN_LISTINGS.items():  # runs after the share reach the sharer too
        access.claim_plan_listings(session, ids[plan], [ids[name]])
    assert {p.id for p in session.query(PatrolPlan)} >= {ids[p] for p in PLANS}
    return ids


def marker(name: str) -> str:
    """A text only this object's pages show (titles, reasons, notes, numbers, plan names); no
    marker is part of another ("#E_SBY#" is not in "#E_SBY_TERBATAS#")."""
    return f"#{name.upper()}#"


def shown_with(names: set[str]) -> set[str]:
    """`names` and what their pages may show beside them: a letter its list, a list its entries,
    an entry its listing."""
    out = set(names)
    for name in names:
        if name in LETTERS:
            out.add(LETTERS[name][0])
    for name in list(out):
        if name in LISTS:
            out.update(LISTS[name][2])
    out.update(f"l_{n}" for n in list(out) if n in ENTRIES)
    return out
