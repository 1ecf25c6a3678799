"""Dashboard figures on a seeded casebook (SQLite and PostgreSQL): each SOP stage, the
breakdowns, takedown rate and median, SLA overdue, weekly trends, and what each role sees."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from casebook.models import Letter, LetterResponse, Listing, PatrolPlan
from casebook.services import access, dashboard, listings, monitoring, register, takedown
from casebook.services.access import Scope
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Verdict
from rules.model import Hit as RulesHit

T0 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # Monday 2 November 2026, 10:00 WIB (ISO 2026-W45)
NOW = T0 + timedelta(days=10)
UPT = "Balai POM di Bandung"
KINDS = {"pasarku": "marketplace", "ceritaku": "social"}

# key, platform, category, seller city, codes, first seen (days after T0)
LISTINGS = [
    ("a", "pasarku", "kosmetik", "Kota Bandung", ["no_nie", "hazardous_ingredient"], 0),
    ("b", "pasarku", "obat", "BANDUNG ", ["prescription_drug"], 0),
    ("c", "pasarku", "kosmetik", "Jakarta Barat", ["no_nie"], 1),
    ("d", "pasarku", "pangan_olahan", "Surabaya", [], 1),
    ("e", "ceritaku", "obat_tradisional", "Kab. Bogor", ["misleading_claim"], 8),
    ("f", "ceritaku", None, "", [], 8),
]


def _record(key, platform, category, city, codes):
    url = f"http://{platform}.example/{key}"
    hits = tuple(RulesHit(code, f"R-{code}", 1.0, Evidence(key), "v1") for code in codes)
    record = ListingRecord(
        url=url,
        platform=platform,
        title=key,
        seller=SellerRecord(platform, f"Toko {key}", location=city),
    )
    return record, Verdict(url, (), category, hits, "v1")


def _letter(session, built, recipient: str, sent_on: date, deadline: datetime) -> Letter:
    letter = Letter(
        kind="rekomendasi_takedown",
        list_id=built.id,
        recipient=recipient,
        number=f"B-{built.id}-{recipient}/2026",
        year=2026,
        seq=built.id,
        status="sent",
        created_by="a",
        created_at=T0,
        sent_on=sent_on,
        due_on=sent_on + timedelta(days=3),
        deadline_at=deadline,
    )
    session.add(letter)
    session.flush()
    for link in built.links:
        if link.recipient == recipient:
            link.letter_id = letter.id
    return letter


@pytest.fixture
def seeded(sessions):
    """Six listings, four with findings; three listed by Dit. Siber (one down after 30 h, one
    still up past the deadline, one unknown), one by the UPT (down after 50 h); two plans."""
    ids = {}
    for key, platform, category, city, codes, day in LISTINGS:
        with sessions() as session, session.begin():
            result = listings.record_listings(
                session,
                [_record(key, platform, category, city, codes)],
                now=T0 + timedelta(days=day),
            )
            ids[key] = result.listing_ids[f"http://{platform}.example/{key}"]
    with sessions() as session, session.begin():
        upt_plan = PatrolPlan(
            name="Obat keras",
            status="active",
            unit=UPT,
            classification="terbatas",
            created_by="a",
            created_at=T0,
            keywords=["tramadol"],
            targets=[],
        )
        session.add_all(
            [
                upt_plan,
                PatrolPlan(
                    name="Kosmetik",
                    status="draft",
                    created_by="a",
                    created_at=T0,
                    keywords=["krim"],
                    targets=[],
                ),
            ]
        )
        session.flush()
        access.claim_plan_listings(session, upt_plan.id, [ids["e"], ids["f"]])  # its crawl
        kind = lambda platform, url: KINDS.get(platform, "website")  # noqa: E731
        entries = register.decide(
            session, [ids["a"], ids["b"]], "takedown", actor="a", now=T0 + timedelta(days=1)
        )
        entries += register.decide(
            session, [ids["e"]], "takedown", actor="u", unit=UPT, now=T0 + timedelta(days=8)
        )
        register.decide(session, [ids["c"]], "intelligence", actor="a", now=T0)
        by_listing = {e.listing_id: e.id for e in entries}
        siber = takedown.build_list(
            session,
            [by_listing[ids[k]] for k in "ab"],
            actor="a",
            kind_of=kind,
            now=T0 + timedelta(days=1),
        )
        upt = takedown.build_list(
            session,
            [by_listing[ids["e"]]],
            actor="a",
            kind_of=kind,
            unit=UPT,
            now=T0 + timedelta(days=8),
        )
        late = _letter(session, siber, "idea", date(2026, 11, 3), T0 + timedelta(days=2))
        _letter(session, upt, "komdigi", date(2026, 11, 10), NOW + timedelta(days=1))
        session.add(
            LetterResponse(
                letter_id=late.id,
                outcome="partial",
                received_on=date(2026, 11, 4),
                recorded_by="a",
                recorded_at=T0,
            )
        )
    checks = {
        "a": ("nonactive", T0 + timedelta(days=1, hours=30)),
        "b": ("active", T0 + timedelta(days=4)),
        "e": ("nonactive", T0 + timedelta(days=8, hours=50)),
    }
    with sessions() as session, session.begin():
        for key, (status, at) in checks.items():
            listing = session.get(Listing, ids[key])
            listing.status, listing.status_checked_at = status, at
        monitoring.refresh_links(session)
    return ids


ANALYST = Scope("analis", "analyst")
UPT_OFFICER = Scope("upt", "upt_officer", UPT)
VIEWER = Scope("tamu", "viewer")


@pytest.mark.parametrize(
    "scope, filters, expected",
    [
        (
            ANALYST,
            dashboard.Filters(),
            {
                "plans": 2,
                "found": 6,
                "with_findings": 4,
                "registered": 4,
                "listed": 3,
                "letters_sent": 2,
                "taken_down": 2,
            },
        ),
        # The UPT officer: its plan, the listings its plan found, its entry, list and letter.
        (
            UPT_OFFICER,
            dashboard.Filters(),
            {
                "plans": 1,
                "found": 2,
                "with_findings": 1,
                "registered": 1,
                "listed": 1,
                "letters_sent": 1,
                "taken_down": 1,
            },
        ),
        # A viewer of no unit is Dit. Siber's: every listing, Dit. Siber's biasa work only.
        (
            VIEWER,
            dashboard.Filters(),
            {
                "plans": 1,
                "found": 6,
                "with_findings": 4,
                "registered": 3,
                "listed": 2,
                "letters_sent": 1,
                "taken_down": 1,
            },
        ),
        # A national role narrowed to one unit sees what that unit sees.
        (
            ANALYST,
            dashboard.Filters(unit=UPT),
            {
                "plans": 1,
                "found": 2,
                "with_findings": 1,
                "registered": 1,
                "listed": 1,
                "letters_sent": 1,
                "taken_down": 1,
            },
        ),
        # A non-national role cannot widen or move itself by asking for another unit.
        (
            UPT_OFFICER,
            dashboard.Filters(unit="Balai POM di Lain"),
            {
                "plans": 1,
                "found": 2,
                "with_findings": 1,
                "registered": 1,
                "listed": 1,
                "letters_sent": 1,
                "taken_down": 1,
            },
        ),
        # The second week only: listings e and f, the UPT's entry, list and letter.
        (
            ANALYST,
            dashboard.Filters(since=T0 + timedelta(days=7), until=NOW),
            {
                "plans": 0,
                "found": 2,
                "with_findings": 1,
                "registered": 1,
                "listed": 1,
                "letters_sent": 1,
                "taken_down": 1,
            },
        ),
    ],
)
def test_stage_counts_follow_scope_unit_and_period(sessions, seeded, scope, filters, expected):
    with sessions() as session:
        board = dashboard.figures(session, scope, filters, now=NOW)
    assert board.stages == expected


def test_breakdowns_rates_and_overdue(sessions, seeded):
    with sessions() as session:
        board = dashboard.figures(session, ANALYST, dashboard.Filters(), now=NOW)
    assert {
        p: (f.found, f.with_findings, f.listed, f.taken_down) for p, f in board.by_platform.items()
    } == {"pasarku": (4, 3, 2, 1), "ceritaku": (2, 1, 1, 1)}
    assert board.by_commodity == {"kosmetik": 2, "obat": 1, "obat_tradisional": 1}
    assert board.by_violation == {
        "no_nie": 2,
        "hazardous_ingredient": 1,
        "misleading_claim": 1,
        "prescription_drug": 1,
    }
    # "Kota Bandung" and "BANDUNG " are one city; listings without findings are not counted.
    assert board.by_city == [("Bandung", 2), ("Bogor", 1), ("Jakarta Barat", 1)]
    assert board.decisions == {"takedown": 3, "intelligence": 1}
    assert board.link_statuses == {"nonactive": 2, "active": 1}
    assert board.takedown_rate == round(2 / 3, 4)
    assert board.median_hours_to_takedown == 40.0  # 30 h and 50 h
    # b is still up after the IdEA deadline; its letter was answered, so it is not late;
    # the draft plan made on T0 is past its 5 working days.
    assert (board.overdue.links, board.overdue.letters, board.overdue.plans) == (1, 0, 1)


def test_an_unanswered_letter_past_its_due_day_is_overdue(sessions, seeded):
    with sessions() as session, session.begin():
        session.query(LetterResponse).delete()
    with sessions() as session:
        board = dashboard.figures(session, ANALYST, dashboard.Filters(), now=NOW)
    assert board.overdue.letters == 1  # due 6 Nov; the UPT letter is due after NOW


def test_weekly_trend_counts_each_stage_in_its_iso_week(sessions, seeded):
    with sessions() as session:
        board = dashboard.figures(session, ANALYST, dashboard.Filters(), now=NOW)
    assert len(board.weeks) == dashboard.DEFAULT_WEEKS
    assert board.weeks[-2:] == ["2026-W45", "2026-W46"]
    assert {name: values[-2:] for name, values in board.trend.items()} == {
        "found": [4, 2],
        "listed": [2, 1],
        "taken_down": [1, 1],
    }
    assert sum(sum(values[:-2]) for values in board.trend.values()) == 0


def test_an_empty_casebook_has_zeros_and_no_rates(sessions):
    with sessions() as session:
        board = dashboard.figures(session, ANALYST, dashboard.Filters(), now=NOW)
    assert set(board.stages.values()) == {0}
    assert board.takedown_rate is None and board.median_hours_to_takedown is None
    assert board.by_platform == {} and board.by_city == [] and board.overdue.total == 0
    assert all(values == [0] * dashboard.DEFAULT_WEEKS for values in board.trend.values())


def test_units_offered_to_national_roles_only(sessions, seeded):
    with sessions() as session:
        assert dashboard.units(session, ANALYST) == [UPT, access.DIT_SIBER]
        assert dashboard.units(session, UPT_OFFICER) == []
