"""The dashboard and patrol-plan pages through the Flask test client on a real SQLite casebook:
figures shown, filters, plan forms refusing bad input by field, transitions, run now, access."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from casebook.models import CrawlRun, Job, PatrolPlan
from casebook.services import listings, plans, register, users
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Verdict
from rules.model import Hit as RulesHit
from web import create_app

UPT = "Balai POM di Bandung"
HOSTILE = "<script>alert(1)</script><svg onload=alert(2)>"
NOW = datetime.now(UTC)


def _record(key: str, platform: str, codes: list[str], city: str):
    url = f"http://{platform}.example/{key}"
    hits = tuple(RulesHit(code, f"R-{code}", 1.0, Evidence(key), "v1") for code in codes)
    record = ListingRecord(
        url=url,
        platform=platform,
        title=key,
        seller=SellerRecord(platform, f"Toko {key}", location=city),
    )
    return record, Verdict(url, (), "kosmetik", hits, "v1")


@pytest.fixture
def app(config, sessions):
    with sessions() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="test")
        users.create_user(session, "petugas", "rahasia-2", "upt_officer", unit=UPT, actor="test")
        users.create_user(session, "tamu", "rahasia-3", "viewer", actor="test")
        old = listings.record_listings(
            session,
            [_record("lama", "pasarku", ["no_nie"], "Kota Bandung")],
            now=NOW - timedelta(days=60),
        )
        listings.record_listings(
            session, [_record("baru", "tokoku", ["prescription_drug"], HOSTILE)], now=NOW
        )
        register.decide(
            session,
            list(old.listing_ids.values()),
            "intelligence",
            actor="analis",
            now=NOW - timedelta(days=59),
        )
        plans.save_plan(
            session,
            "Kosmetik Siber",
            keywords=["krim pemutih"],
            actor="analis",
            targets=[{"spider": "marketplace", "site": "pasarku"}],
            risk_basis="Kajian risiko kosmetik 2026",
        )
        upt_plan = plans.save_plan(
            session,
            "Obat Bandung",
            keywords=["tramadol"],
            unit=UPT,
            targets=[{"spider": "marketplace", "site": "pasarku"}],
            actor="petugas",
        )
        session.add(
            CrawlRun(
                spider="marketplace",
                plan_id=upt_plan.id,
                started_at=NOW,
                finished_at=NOW + timedelta(seconds=75),
                status="finished",
                arguments={"site": "pasarku"},
                stats={
                    "response_received_count": 12,
                    "patroli/stored": 9,
                    "patroli/listings_with_hits": 4,
                    "patroli/failed_urls": 1,
                    "failures": [
                        {"url": f"http://pasarku.example/{HOSTILE}", "reason": "HTTP 503"}
                    ],
                },
            )
        )
    return create_app(config, testing=True)


def _login(client, username="analis", password="rahasia-1"):
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1)
    client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token.decode()}
    )
    return client


def _csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _stage(page: str, stage: str) -> str:
    return re.search(rf'id="stage-{stage}"><span class="n">([^<]*)<', page).group(1)


def _plan_id(sessions, name: str) -> int:
    with sessions() as session:
        return session.scalar(select(PatrolPlan.id).where(PatrolPlan.name == name))


# Dashboard


def test_dashboard_shows_the_figures_as_numbers_and_svg_charts(app):
    page = _login(app.test_client()).get("/dashboard").get_data(as_text=True)
    assert (
        _stage(page, "plans"),
        _stage(page, "found"),
        _stage(page, "with_findings"),
        _stage(page, "registered"),
        _stage(page, "listed"),
    ) == ("2", "2", "2", "1", "0")
    assert page.count("<svg") == 8 and page.count('role="img"') == 8
    assert "pasarku" in page and "tokoku" in page
    shown = page.lower()  # the seller city, title-cased as one city name
    assert "<script>alert(1)" not in shown and "&lt;script&gt;alert(1)" in shown
    assert 'style="' not in page  # the CSP forbids inline styles


@pytest.mark.parametrize(
    "query, found, message",
    [
        ("", "2", None),
        ("?periode=7", "1", None),  # the listing first seen 60 days ago is outside
        (
            f"?dari={(NOW - timedelta(days=70)).date()}&sampai={(NOW - timedelta(days=50)).date()}",
            "1",
            None,
        ),
        ("?dari=kemarin", "2", "Tanggal tidak dikenali: kemarin"),  # refused, not a 500
        ("?dari=0001-01-01", "2", "Tanggal tidak dikenali: 0001-01-01"),  # no overflow
        ("?sampai=9999-12-31", "2", "Tanggal tidak dikenali: 9999-12-31"),
        ("?periode=9999", "2", None),  # an unknown preset is all time
    ],
)
def test_dashboard_period_filter(app, query, found, message):
    page = _login(app.test_client()).get("/dashboard" + query).get_data(as_text=True)
    assert _stage(page, "found") == found
    if message:
        assert message in page


@pytest.mark.parametrize(
    "user, query, plans_seen, unit_select",
    [
        ("analis", "", "2", True),
        ("analis", f"?unit={UPT}", "1", True),  # a national role narrows to one unit
        ("petugas", "", "1", False),  # an UPT officer sees its own unit's plan
        ("petugas", "?unit=Direktorat Siber", "1", False),  # and cannot ask for another
    ],
)
def test_dashboard_unit_filter_is_for_national_roles(app, user, query, plans_seen, unit_select):
    client = _login(app.test_client(), user, {"analis": "rahasia-1", "petugas": "rahasia-2"}[user])
    page = client.get("/dashboard" + query).get_data(as_text=True)
    assert _stage(page, "plans") == plans_seen
    assert ('name="unit"' in page) is unit_select


def test_dashboard_in_english(app):
    client = _login(app.test_client())
    client.post("/lang/en", data={"csrf_token": _csrf(client, "/dashboard")})
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Links found" in page and "Tautan ditemukan" not in page


def test_dashboard_needs_a_login(app):
    assert app.test_client().get("/dashboard").status_code == 302


# Plans


def _plan_form(**changes) -> dict:
    form = {
        "name": "Jamu BKO",
        "risk_basis": "Temuan BKO meningkat",
        "keywords": "jamu\npegal",
        "targets": "marketplace pasarku\nshop https://toko.example/",
        "schedule": "0 2 * * 1-5",
        "classification": "biasa",
        "categories": ["obat_tradisional"],
        "unit": "",
    }
    return {**form, **changes}


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"schedule": "0 25 * * *"}, "schedule", "hour '25' is out of 0-23"),
        ({"schedule": "setiap hari"}, "schedule", "needs 5 fields"),
        ({"keywords": ""}, "keywords", "at least one keyword"),
        ({"targets": "marketplace"}, "targets", "targets[1]"),
        ({"targets": "shop ftp://x.example/"}, "targets", "targets[1]"),
        ({"period_start": "2026-12-01", "period_end": "2026-11-01"}, "period_end", "before"),
        ({"period_start": "1 Desember"}, "period_start", "not a date"),
        ({"unit": "Kantor Lain"}, "unit", "neither Dit. Siber nor an UPT"),
        ({"name": "Kosmetik Siber"}, "name", "Sudah ada rencana dengan nama ini."),
    ],
)
def test_a_bad_plan_is_refused_naming_the_field_and_keeps_what_was_typed(
    app, sessions, changes, field, words
):
    client = _login(app.test_client())
    form = _plan_form(csrf_token=_csrf(client, "/plans/new"), **changes)
    response = client.post("/plans/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'id="plan-error"[^>]*>([^<]*)<', page).group(1)
    assert error.startswith("Rencana tidak disimpan: " + field) and words in html.unescape(page)
    invalid = re.findall(
        r'<label class="invalid">[^<]*<(?:input|textarea|select)[^>]*name="(\w+)"', page
    )
    assert invalid == [field]
    assert "Temuan BKO meningkat" in page  # nothing typed is lost
    with sessions() as session:
        assert session.scalar(select(func.count(PatrolPlan.id))) == 2


def test_a_good_plan_is_saved_and_shows_its_next_runs_in_jakarta_time(app, sessions):
    client = _login(app.test_client())
    response = client.post("/plans/new", data=_plan_form(csrf_token=_csrf(client, "/plans/new")))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    times = re.findall(r'<time datetime="([^"]+)">', page)
    assert len(times) == 5
    for moment in map(datetime.fromisoformat, times):
        assert moment.utcoffset() == timedelta(hours=7)  # WIB
        assert (moment.hour, moment.minute) == (2, 0) and moment.weekday() < 5
    with sessions() as session:
        plan = session.get(PatrolPlan, _plan_id(sessions, "Jamu BKO"))
        assert plan.targets == [
            {"spider": "marketplace", "site": "pasarku"},
            {"spider": "shop", "url": "https://toko.example/"},
        ]
        assert plan.categories == ["obat_tradisional"] and plan.status == "draft"


def test_an_upt_officer_plans_for_its_own_unit_only(app, sessions):
    client = _login(app.test_client(), "petugas", "rahasia-2")
    form = _plan_form(unit="Direktorat Siber", csrf_token=_csrf(client, "/plans/new"))
    assert client.post("/plans/new", data=form).status_code == 302
    with sessions() as session:
        assert session.get(PatrolPlan, _plan_id(sessions, "Jamu BKO")).unit == UPT
    rahasia = _plan_form(
        name="Rahasia", classification="rahasia", csrf_token=_csrf(client, "/plans/new")
    )
    assert client.post("/plans/new", data=rahasia).status_code == 422  # above its clearance


@pytest.mark.parametrize(
    "user, password, plan, code",
    [
        ("petugas", "rahasia-2", "Kosmetik Siber", 404),  # Dit. Siber's plan: as missing
        ("petugas", "rahasia-2", "Obat Bandung", 200),
        ("analis", "rahasia-1", "Obat Bandung", 200),
        ("tamu", "rahasia-3", "Kosmetik Siber", 200),  # a viewer of no unit is Dit. Siber's
        ("tamu", "rahasia-3", "Obat Bandung", 404),
    ],
)
def test_plan_pages_follow_the_access_conditions(app, sessions, user, password, plan, code):
    client = _login(app.test_client(), user, password)
    plan_id = _plan_id(sessions, plan)
    assert client.get(f"/plans/{plan_id}").status_code == code
    assert (plan in client.get("/plans").get_data(as_text=True)) is (code == 200)


def test_a_viewer_reads_but_cannot_edit(app, sessions):
    client = _login(app.test_client(), "tamu", "rahasia-3")
    plan_id = _plan_id(sessions, "Kosmetik Siber")
    assert "Rencana baru" not in client.get("/plans").get_data(as_text=True)
    assert client.get("/plans/new").status_code == 403
    token = _csrf(client, f"/plans/{plan_id}")
    response = client.post(
        f"/plans/{plan_id}/status", data={"status": "approved", "csrf_token": token}
    )
    assert response.status_code == 403


def test_transitions_and_illegal_ones_say_why(app, sessions):
    client = _login(app.test_client())
    plan_id = _plan_id(sessions, "Obat Bandung")  # no risk basis yet

    def move(status: str) -> str:
        token = _csrf(client, f"/plans/{plan_id}")
        response = client.post(
            f"/plans/{plan_id}/status", data={"status": status, "csrf_token": token}
        )
        assert response.status_code == 303
        return client.get(f"/plans/{plan_id}").get_data(as_text=True)

    page = move("active")
    assert "Status tidak diubah: plan " in page and "is draft: it cannot become active" in page
    page = move("approved")
    assert "risk_basis: plan" in page and "cannot be approved without it" in page
    token = _csrf(client, f"/plans/{plan_id}/edit")
    form = _plan_form(
        name="ignored", keywords="tramadol", unit=UPT, csrf_token=token, risk_basis="Laporan UPT"
    )
    assert client.post(f"/plans/{plan_id}/edit", data=form).status_code == 302
    for status, label in (("approved", "Disetujui"), ("active", "Aktif"), ("closed", "Ditutup")):
        page = move(status)
        assert re.search(r'id="plan-status">([^<]*)<', page).group(1) == label
    assert "Ubah rencana" not in page and "Jalankan sekarang" not in page  # closed is final
    page = move("active")
    assert "is closed: it cannot become active" in page
    with sessions() as session:
        assert session.get(PatrolPlan, plan_id).name == "Obat Bandung"  # the name stays


def test_run_now_queues_a_crawl_job_for_an_active_plan_only(app, sessions):
    client = _login(app.test_client())
    plan_id = _plan_id(sessions, "Kosmetik Siber")
    token = _csrf(client, f"/plans/{plan_id}")
    refused = client.post(f"/plans/{plan_id}/run", data={"csrf_token": token})
    assert refused.status_code == 303
    assert "Hanya rencana aktif" in client.get(f"/plans/{plan_id}").get_data(as_text=True)
    with sessions() as session, session.begin():
        plans.set_status(session, plan_id, "approved", actor="analis")
        plans.set_status(session, plan_id, "active", actor="analis")
    response = client.post(f"/plans/{plan_id}/run", data={"csrf_token": token})
    assert response.status_code == 303
    job_id = int(re.search(r"job=(\d+)", response.headers["Location"]).group(1))
    with sessions() as session:
        jobs = session.scalars(select(Job)).all()
        assert [(j.id, j.kind, j.args, j.requested_by) for j in jobs] == [
            (job_id, "crawl_plan", {"plan_id": plan_id}, "analis")
        ]


def test_runs_of_a_plan_and_a_run_with_its_errors(app, sessions):
    client = _login(app.test_client())
    plan_id = _plan_id(sessions, "Obat Bandung")
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    row = re.search(r'<table class="runs".*?</table>', page, re.S).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[3:] == ["0:01:15", "finished", "12", "9", "4", "1"]
    run_id = re.search(r'href="/runs/(\d+)"', row).group(1)
    page = client.get(f"/runs/{run_id}").get_data(as_text=True)
    assert "HTTP 503" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert _login(app.test_client(), "tamu", "rahasia-3").get(f"/runs/{run_id}").status_code == 404
    assert client.get("/runs/999").status_code == 404


def test_plan_pages_in_english(app, sessions):
    client = _login(app.test_client())
    client.post("/lang/en", data={"csrf_token": _csrf(client, "/plans")})
    listing = client.get("/plans").get_data(as_text=True)
    assert "Patrol plans" in listing and ">Draft<" in listing and "New plan" in listing
    page = client.get(f"/plans/{_plan_id(sessions, 'Kosmetik Siber')}").get_data(as_text=True)
    assert "Crawl runs" in page and "Approve" in page and "Setujui" not in page


def test_run_now_says_why_the_job_was_refused(app, sessions):
    client = _login(app.test_client())
    plan_id = _plan_id(sessions, "Kosmetik Siber")
    with sessions() as session, session.begin():
        plans.set_status(session, plan_id, "approved", actor="analis")
        plans.set_status(session, plan_id, "active", actor="analis")
        session.get(PatrolPlan, plan_id).targets = []  # as an old plan might have been saved
    token = _csrf(client, f"/plans/{plan_id}")
    assert client.post(f"/plans/{plan_id}/run", data={"csrf_token": token}).status_code == 303
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Penelusuran tidak dijadwalkan: " in page and "names no targets" in page
    with sessions() as session:
        assert session.scalar(select(func.count(Job.id))) == 0


@pytest.mark.parametrize(
    "path, code",
    [
        ("/plans/99999999999999999999", 404),  # beyond SQLite's integers: missing, not a 500
        ("/runs/99999999999999999999", 404),
        ("/plans?after=99999999999999999999", 200),
        ("/plans?after=-5", 200),
        ("/plans?status=%3Cscript%3E", 200),
    ],
)
def test_odd_ids_and_cursors_answer_without_a_server_error(app, path, code):
    assert _login(app.test_client()).get(path).status_code == code
