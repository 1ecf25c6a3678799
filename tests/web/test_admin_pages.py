"""Administration pages over a real SQLite casebook: audit log (filters, keyset pages, chain
check), holidays, letter templates, numbering, office details, users, API tokens, role gates."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from casebook.letters.gather import local_date
from casebook.models import LetterSequence, utcnow
from casebook.services import audit, letters, listings, register, settings, takedown, users
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Evidence, Hit, Verdict
from web import create_app

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PASSWORDS = {"admin": "rahasia-admin", "analis": "rahasia-analis", "tamu": "rahasia-tamu"}


@pytest.fixture
def app(config, sessions):
    with sessions() as session, session.begin():
        users.create_user(session, "admin", PASSWORDS["admin"], "admin", actor="test")
        users.create_user(session, "analis", PASSWORDS["analis"], "analyst", actor="test")
        users.create_user(session, "tamu", PASSWORDS["tamu"], "viewer", actor="test")
    return create_app(config, testing=True)


def _login(client, username="admin"):
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post(
        "/login",
        data={"username": username, "csrf_token": token, "password": PASSWORDS.get(username, "")},
    )
    return client, response


def _admin(app):
    return _login(app.test_client())[0]


def _post(client, path, data, *, page=None, **kwargs):
    token = CSRF.search(client.get(page or path).get_data(as_text=True)).group(1)
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


# -- audit log --------------------------------------------------------------------------------

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
EVENTS = [  # actor, action, target, days after T0
    ("analis", "register.decide", "entry:1", 0),
    ("analis", "register.decide", "entry:2", 1),
    ("admin", "user.create", "user:7", 2),
    ("admin", "user.change", "user:7", 3),
    ("analis", "letter.sent", "letter:3", 4),
    ("admin", "calendar.override", "day:2026-12-24", 5),
]


@pytest.fixture
def auditor(app, sessions):
    """An analyst logged in, then a trail of exactly EVENTS (the logins' own events gone)."""
    client = _login(app.test_client(), "analis")[0]
    with sessions() as session, session.begin():
        session.execute(text("DELETE FROM audit_events"))
        session.execute(text("UPDATE audit_head SET seq = 0, hash = :h"), {"h": "0" * 64})
        for actor, action, target, days in EVENTS:
            audit.record(
                session,
                actor,
                action,
                target,
                None,
                {"note": HOSTILE},
                now=T0 + timedelta(days=days),
            )
    return client


def _seqs(page: str) -> list[int]:
    return [int(s) for s in re.findall(r'data-seq="(\d+)"', page)]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", [6, 5, 4, 3, 2, 1]),
        ("actor=admin", [6, 4, 3]),
        ("actor=nobody", []),
        ("action=register.decide", [2, 1]),
        ("action=user.", [4, 3]),  # a prefix
        ("action=user", []),  # not a prefix without the dot
        ("kind=user", [4, 3]),
        ("kind=user&object_id=7", [4, 3]),
        ("kind=user&object_id=70", []),
        ("kind=entry&object_id=2", [2]),
        ("kind=us", []),  # a kind is whole
        ("since=2026-11-04", [6, 5, 4, 3]),
        ("until=2026-11-03", [2, 1]),
        ("since=2026-11-03&until=2026-11-03", [2]),
        ("actor=analis&since=2026-11-04", [5]),
        ("since=not-a-date", [6, 5, 4, 3, 2, 1]),  # ignored, not a 500
    ],
)
def test_audit_filters(auditor, query, expected):
    response = auditor.get(f"/audit?{query}")
    assert response.status_code == 200
    assert _seqs(response.get_data(as_text=True)) == expected


def test_audit_pages_by_keyset_without_gaps_or_repeats(auditor):
    client = auditor
    seen, path = [], "/audit?limit=2&actor=analis"
    while path:
        page = client.get(path).get_data(as_text=True)
        seen.extend(_seqs(page))
        found = re.search(r'rel="next" href="([^"]+)"', page)
        path = found.group(1).replace("&amp;", "&") if found else None
        assert "actor=analis" in (path or "actor=analis")  # the filter travels with the page
    assert seen == [5, 2, 1]
    assert _seqs(client.get("/audit?limit=2&before=3").get_data(as_text=True)) == [2, 1]


def test_audit_details_are_escaped(auditor):
    page = auditor.get("/audit").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page


@pytest.mark.parametrize(
    "tamper, seq",
    [
        ("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3", 3),
        ('UPDATE audit_events SET after = \'{"note": "lain"}\' WHERE seq = 2', 2),
        ("DELETE FROM audit_events WHERE seq = 4", 4),
        ("DELETE FROM audit_events WHERE seq = 6", 6),
    ],
)
def test_verify_shows_ok_then_the_first_break_after_tampering(auditor, sessions, tamper, seq):
    client = auditor
    page = client.get("/audit/verify").get_data(as_text=True)
    assert 'data-ok="1"' in page
    with sessions() as session, session.begin():
        session.execute(text(tamper))
    page = client.get("/audit/verify").get_data(as_text=True)
    assert 'data-ok="0"' in page
    assert f"Rantai audit putus pada kejadian {seq}<" in page


# -- holidays ---------------------------------------------------------------------------------


def _due(client, start: str, days: int) -> str:
    page = client.get(f"/settings/holidays?start={start}&days={days}").get_data(as_text=True)
    return re.search(r'id="due">([0-9-]+)<', page).group(1)


@pytest.mark.parametrize(
    "start, days, before, override, off, after",
    [
        # 2027-03-01 is a Monday: 3 HK later is Thursday; a cuti bersama on Wednesday moves it.
        ("2027-03-01", 3, "2027-03-04", "2027-03-03", "1", "2027-03-05"),
        # 2026-12-24 is cuti bersama in the package; declared a working day, the due comes sooner.
        ("2026-12-22", 2, "2026-12-28", "2026-12-24", "0", "2026-12-24"),
        # A Saturday declared a working day (a swapped day) counts; declared off, nothing moves.
        ("2027-04-12", 5, "2027-04-19", "2027-04-17", "0", "2027-04-17"),
        ("2027-04-12", 5, "2027-04-19", "2027-04-17", "1", "2027-04-19"),
    ],
)
def test_a_holiday_override_changes_a_due_date_and_removing_it_restores_it(
    app, start, days, before, override, off, after
):
    client = _admin(app)
    assert _due(client, start, days) == before
    _post(client, "/settings/holidays", {"day": override, "off": off, "name": "Cuti bersama"})
    assert _due(client, start, days) == after
    page = client.get(f"/settings/holidays?year={override[:4]}").get_data(as_text=True)
    assert f'class="override" data-day="{override}"' in page
    _post(client, "/settings/holidays", {"day": override, "remove": "1"})
    assert _due(client, start, days) == before


def test_the_year_calendar_lists_package_holidays_and_the_offices_own(app):
    client = _admin(app)
    _post(client, "/settings/holidays", {"day": "2027-06-07", "off": "1", "name": HOSTILE})
    page = client.get("/settings/holidays?year=2027").get_data(as_text=True)
    assert 'data-day="2027-01-01"><td>2027-01-01</td><td>Tahun Baru Masehi<' in page
    assert 'class="off own" data-day="2027-06-07"' in page
    assert 'data-day="2027-01-02"' not in page  # a Saturday is not listed as a weekday off
    assert "<script>alert" not in page and "&lt;script&gt;" in page


# -- letter templates -------------------------------------------------------------------------


def _docx(path: Path, *paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path.read_bytes()


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def _upload_template(client, kind: str, body: bytes, name="templat.docx"):
    return _post(
        client,
        f"/settings/templates/{kind}",
        {"template": (io.BytesIO(body), name)},
        page="/settings/templates",
        content_type="multipart/form-data",
        follow_redirects=True,
    )


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda tmp: b"nie,product_name\nNA1,Krim\n", "not a DOCX"),
        (lambda tmp: _zip({"readme.txt": "hello"}), "no word/document.xml"),
        (lambda tmp: _zip({"word/document.xml": " " * (51 << 20)}), "unpacks to more than 50 MB"),
        (lambda tmp: _docx(tmp / "a.docx", "Nomor {{ nomor }", "Hal {{ hal }}"), "Templat ditolak"),
        (lambda tmp: _docx(tmp / "b.docx", "{{ tidak_ada_nilai_ini }}"), "tidak_ada_nilai_ini"),
        (lambda tmp: _docx(tmp / "c.docx", "{{ ''.__class__.__mro__ }}"), "Templat ditolak"),
    ],
)
def test_a_template_upload_that_cannot_render_is_refused(app, config, tmp_path, make, reason):
    client = _admin(app)
    page = _upload_template(client, "tembusan", make(tmp_path)).get_data(as_text=True)
    assert reason in page and "Templat ditolak" in page
    assert not (config.data_dir / "templates" / "tembusan.docx").exists()
    assert 'Templat yang dipakai: <strong class="source">bawaan' in page


def _download(client, path: str) -> tuple[int, bytes]:
    response = client.get(path)
    try:
        return response.status_code, response.data
    finally:
        response.close()  # send_file keeps the file open until the response is closed


def _letter_docx_text(config, letter) -> str:
    import docx

    path = config.data_dir / letter.files["docx"]["path"]
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def _seed_list(sessions) -> int:
    with sessions() as session, session.begin():
        url = "http://pasar.example/p/1"
        record = ListingRecord(
            url=url,
            platform="pasarku",
            title="Krim Pemutih",
            description="",
            price=10000.0,
            currency="IDR",
            seller=SellerRecord("pasarku", "Toko", "http://pasar.example/t"),
        )
        hit = Hit(
            "no_nie",
            "TEST-NO-NIE",
            0.9,
            Evidence(text="Krim", field="title", start=0, end=4, compared_with={}),
            "test-1",
        )
        stored = listings.record_listings(
            session, [(record, Verdict(url, (), "kosmetik", (hit,), "test-1"))]
        )
        entries = register.decide(
            session, [stored.listing_ids[url]], "takedown", reason="uji", actor="analis"
        )
        built = takedown.build_list(
            session,
            [e.id for e in entries],
            actor="analis",
            kind_of=lambda platform, url: "marketplace",
        )
        return built.id


def test_an_accepted_template_is_used_for_the_next_letter_and_versions_revert(
    app, config, sessions, tmp_path
):
    client = _admin(app)
    own = _docx(tmp_path / "own.docx", "TEMPLAT KANTOR UJI {{ nomor }}", "{{ hal }}")
    page = _upload_template(client, "rekomendasi_takedown", own).get_data(as_text=True)
    assert "Templat diterima" in page
    list_id = _seed_list(sessions)
    with sessions() as session, session.begin():
        (letter,) = letters.make_letters(
            session,
            list_id,
            "rekomendasi_takedown",
            actor="analis",
            office=settings.office(config.data_dir),
            with_pdf=False,
        )
        assert "TEMPLAT KANTOR UJI " + letter.number in _letter_docx_text(config, letter)
    assert _download(client, "/settings/templates/rekomendasi_takedown.docx") == (200, own)
    second = _docx(tmp_path / "two.docx", "VERSI DUA {{ nomor }}")
    page = _upload_template(client, "rekomendasi_takedown", second).get_data(as_text=True)
    section = page.split('id="template-rekomendasi_takedown"')[1].split("</section>")[0]
    assert section.count('class="version') == 2 and section.count('class="version active"') == 1
    first_version = re.findall(r'name="version" value="([^"]+)"', section)
    assert len(first_version) == 1  # only the version not in use offers "use again"
    client.post(
        "/settings/templates/rekomendasi_takedown/revert",
        data={"version": first_version[0], "csrf_token": CSRF.search(page).group(1)},
    )
    assert _download(client, "/settings/templates/rekomendasi_takedown.docx") == (200, own)
    client.post(
        "/settings/templates/rekomendasi_takedown/revert",
        data={"csrf_token": CSRF.search(page).group(1)},
    )
    shipped = _download(client, "/settings/templates/rekomendasi_takedown.docx")[1]
    assert shipped not in (own, second) and shipped[:2] == b"PK"


@pytest.mark.parametrize(
    "path",
    [
        "/settings/templates/bukan_surat.docx",
        "/settings/templates/tembusan/versions/..%2Foffice.toml",
    ],
)
def test_template_downloads_of_unknown_kinds_or_versions_are_404(app, path):
    assert _download(_admin(app), path)[0] == 404


# -- numbering --------------------------------------------------------------------------------


def _previews(page: str) -> dict[str, str]:
    rows = re.findall(r'data-kind="(\w+)">.*?<code class="preview">([^<]+)</code>', page, re.S)
    return dict(rows)


def test_numbering_preview_reads_the_sequence_and_never_takes_from_it(app, sessions):
    client = _admin(app)
    year = local_date(utcnow()).year
    month = local_date(utcnow()).month
    with sessions() as session, session.begin():
        session.add(LetterSequence(year=year, last=41))
    page = client.get("/settings/numbering").get_data(as_text=True)
    assert _previews(page)["tembusan"] == f"B-42/SM.01/PW.02.03/{month:02}/{year}"
    assert _previews(client.get("/settings/numbering").get_data(as_text=True)) == _previews(page)
    with sessions() as session:
        assert session.get(LetterSequence, year).last == 41
    form = {
        "pattern": "{classification}-{seq}/{unit_code}/{archive_code}/{month:02}/{year}",
        "unit_code": "SM.02",
        "archive_code": "HK.01",
        "pattern.tembusan": "TB.{seq}/{year}",
    }
    page = _post(client, "/settings/numbering", form, follow_redirects=True).get_data(as_text=True)
    previews = _previews(page)
    assert previews["tembusan"] == f"TB.42/{year}"
    assert previews["rekomendasi_takedown"] == f"B-42/SM.02/HK.01/{month:02}/{year}"


@pytest.mark.parametrize(
    "pattern, error",
    [
        ("{classification}-{seq}", "must contain {seq} and {year}"),  # repeats every year
        ("{classification}/{month}/{year}", "must contain {seq} and {year}"),  # repeats at once
        ("{seq}/{tahun}/{year}", "unknown field {tahun}"),
        ("{seq/{year}", "cannot be filled"),
        ("", "1 to 100 characters"),
    ],
)
def test_a_number_pattern_that_would_repeat_or_break_is_refused(app, config, pattern, error):
    client = _admin(app)
    form = {"pattern": pattern, "unit_code": "SM.01", "archive_code": "PW.02.03"}
    page = _post(client, "/settings/numbering", form, follow_redirects=True).get_data(as_text=True)
    assert error in page.replace("&#39;", "'")
    assert settings.office(config.data_dir)["number_pattern"].startswith("{classification}-{seq}/")


def test_a_kinds_own_pattern_numbers_its_letters_from_the_shared_sequence(app, config, sessions):
    client = _admin(app)
    form = {
        "pattern": "{classification}-{seq}/{unit_code}/{archive_code}/{month:02}/{year}",
        "unit_code": "SM.01",
        "archive_code": "PW.02.03",
        "pattern.rekomendasi_takedown": "RT-{seq}/{year}",
    }
    _post(client, "/settings/numbering", form)
    list_id = _seed_list(sessions)
    year = local_date(utcnow()).year
    with sessions() as session, session.begin():
        office = settings.office(config.data_dir)
        (made,) = letters.make_letters(
            session, list_id, "rekomendasi_takedown", actor="analis", office=office, with_pdf=False
        )
        (copy,) = letters.make_letters(
            session, list_id, "tembusan", actor="analis", office=office, with_pdf=False
        )
        assert made.number == f"RT-1/{year}"
        assert copy.number.startswith("B-2/SM.01/")  # the next number: none skipped or reused


# -- office details ---------------------------------------------------------------------------

OFFICE = {
    "kop.agency": "BADAN POM",
    "kop.unit": "BALAI BESAR POM DI MEDAN",
    "kop.address": "Jalan Willem Iskandar\nMedan 20222",
    "city": "Medan",
    "signatory.position": "Kepala Balai",
    "signatory.name": "Dr. Nama & Gelar",
    "signatory.nip": "197001012000031001",
}


def test_office_details_are_saved_where_every_door_reads_them(app, config):
    client = _admin(app)
    page = _post(client, "/settings/office", OFFICE, follow_redirects=True).get_data(as_text=True)
    assert "Pengaturan disimpan." in page
    office = settings.office(config.data_dir)
    assert office["kop"]["address"] == ["Jalan Willem Iskandar", "Medan 20222"]
    assert (office["city"], office["signatory"]["name"]) == ("Medan", "Dr. Nama & Gelar")
    assert office["recipients"]["idea"]["city"] == "Jakarta"  # shipped keys not edited stay
    assert "Dr. Nama &amp; Gelar" in client.get("/settings/office").get_data(as_text=True)


@pytest.mark.parametrize(
    "name",
    [
        'Dr. "Nama" \\ Gelar',
        "Ir. Nama '''Gelar''' # bukan komentar",
        "[kop]\nunit = 'x'",
        "Nama Pejabat, S.Farm., Apt. — é ñ 漢",
        '="; tte = true',
    ],
)
def test_office_details_with_toml_syntax_in_them_are_kept_as_written(app, config, name):
    client = _admin(app)
    _post(client, "/settings/office", {**OFFICE, "signatory.name": name})
    office = settings.office(config.data_dir)
    assert office["signatory"]["name"] == " ".join(name.split())
    assert office.settings.get("tte") is False  # nothing in a value became a key


@pytest.mark.parametrize(
    "field, value, error",
    [
        ("signatory.nip", "NIP-ABC", "digits only"),
        ("city", "   ", "city: required"),
        ("kop.agency", "x" * 600, "at most 500"),
    ],
)
def test_bad_office_details_are_refused_and_nothing_is_written(app, config, field, value, error):
    client = _admin(app)
    page = _post(client, "/settings/office", {**OFFICE, field: value}, follow_redirects=True)
    assert error in page.get_data(as_text=True)
    assert not (config.data_dir / "office.toml").exists()


# -- users and tokens -------------------------------------------------------------------------


def _api(app, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return app.test_client().get("/api/v1/listings", headers=headers).status_code


def _new_token(client, name="skrip") -> str:
    page = _post(client, "/tokens", {"name": name}).get_data(as_text=True)
    return re.search(r'id="new-token">([^<]+)<', page).group(1)


def test_users_added_changed_and_deactivated_cannot_log_in_nor_use_tokens(app, sessions):
    client = _admin(app)
    form = {
        "username": "petugas",
        "password": "sandi-petugas-1",
        "role": "upt_officer",
        "unit": "Balai Besar POM di Medan",
        "full_name": "Petugas Medan",
    }
    page = _post(client, "/settings/users", form, follow_redirects=True).get_data(as_text=True)
    assert 'data-username="petugas"' in page
    assert '<option value="Balai Besar POM di Medan">' in page  # offered to the next user
    PASSWORDS["petugas"] = "sandi-petugas-1"
    own, response = _login(app.test_client(), "petugas")
    assert response.status_code == 302
    token = _new_token(own)
    assert _api(app, token) == 200
    assert own.get("/imports").status_code == 403  # an UPT officer does not import
    _post(
        client,
        "/settings/users/petugas",
        {"role": "analyst", "unit": "", "full_name": "P"},
        page="/settings/users",
    )
    assert own.get("/imports").status_code == 200  # the new role applies at the next request
    _post(client, "/settings/users/petugas", {"active": "0"}, page="/settings/users")
    assert own.get("/imports").status_code == 302  # the open session is gone
    assert _login(app.test_client(), "petugas")[1].status_code == 200  # login page again
    assert _api(app, token) == 401
    _post(client, "/settings/users/petugas", {"active": "1"}, page="/settings/users")
    assert _api(app, token) == 200  # reactivated: tokens were never revoked
    _post(client, "/settings/users/petugas", {"password": "sandi-baru-22"}, page="/settings/users")
    assert _login(app.test_client(), "petugas")[1].status_code == 200  # the old one fails
    PASSWORDS["petugas"] = "sandi-baru-22"
    assert _login(app.test_client(), "petugas")[1].status_code == 302
    with sessions() as session:
        actions = session.scalars(
            text(
                "SELECT action FROM audit_events WHERE target = "
                "(SELECT 'user:' || id FROM users WHERE username = 'petugas') "
                "AND action LIKE 'user.%' ORDER BY seq"
            )
        )
        assert list(actions) == [
            "user.create",
            "user.change",
            "user.deactivate",
            "user.reactivate",
            "user.password_reset",
        ]


@pytest.mark.parametrize(
    "path, form, error",
    [
        (
            "/settings/users",
            {"username": "x", "password": "panjang-sekali", "role": "viewer"},
            "username: 2 to 64",
        ),
        (
            "/settings/users",
            {"username": "a b", "password": "panjang-sekali", "role": "viewer"},
            "username: 2 to 64",
        ),
        (
            "/settings/users",
            {"username": "baru", "password": "pendek", "role": "viewer"},
            "at least 8",
        ),
        (
            "/settings/users",
            {"username": "baru", "password": "panjang-sekali", "role": "raja"},
            "unknown role",
        ),
        (
            "/settings/users",
            {"username": "analis", "password": "panjang-sekali", "role": "viewer"},
            "exists",
        ),
        ("/settings/users/admin", {"active": "0"}, "cannot deactivate your own"),
        ("/settings/users/admin", {"role": "viewer", "unit": ""}, "last active admin"),
        ("/settings/users/hantu", {"role": "viewer", "unit": ""}, "no user"),
    ],
)
def test_user_changes_an_admin_may_not_make_are_refused(app, path, form, error):
    client = _admin(app)
    page = _post(client, path, form, page="/settings/users", follow_redirects=True)
    assert error in page.get_data(as_text=True).replace("&#39;", "'")
    assert _login(app.test_client(), "admin")[1].status_code == 302  # still an admin who logs in


def test_a_token_is_shown_once_then_only_listed_and_revoking_ends_it(app):
    client = _login(app.test_client(), "tamu")[0]
    token = _new_token(client, name=HOSTILE)
    assert token.startswith("ptl_") and _api(app, token) == 200
    page = client.get("/tokens").get_data(as_text=True)
    assert token not in page and 'id="new-token"' not in page
    assert page.count('class="token"') == 1 and "&lt;script&gt;" in page
    assert "<script>alert" not in page
    assert re.search(r'class="last-used">\d{4}-\d\d-\d\d', page)  # the API call was noted
    token_id = re.search(r'data-token-id="(\d+)"', page).group(1)
    _post(client, f"/tokens/{token_id}/revoke", {}, page="/tokens")
    assert _api(app, token) == 401
    assert 'class="token revoked"' in client.get("/tokens").get_data(as_text=True)


def test_a_user_revokes_only_their_own_tokens_an_admin_anyones(app):
    guest = _login(app.test_client(), "tamu")[0]
    analyst = _login(app.test_client(), "analis")[0]
    token = _new_token(analyst)
    token_id = re.search(r'data-token-id="(\d+)"', analyst.get("/tokens").get_data(as_text=True))
    path = f"/tokens/{token_id.group(1)}/revoke"
    assert _post(guest, path, {}, page="/tokens").status_code == 404  # as a missing token
    assert token_id.group(0) not in guest.get("/tokens").get_data(as_text=True)
    assert _api(app, token) == 200
    admin = _admin(app)
    assert token_id.group(0) in admin.get("/tokens").get_data(as_text=True)
    assert _post(admin, path, {}, page="/tokens").status_code == 302
    assert _api(app, token) == 401
    assert _post(admin, "/tokens/9999/revoke", {}, page="/tokens").status_code == 404


def test_hostile_names_and_units_are_escaped_on_the_users_page(app):
    client = _admin(app)
    form = {
        "username": "jahat",
        "password": "panjang-sekali",
        "role": "viewer",
        "unit": HOSTILE,
        "full_name": HOSTILE,
    }
    _post(client, "/settings/users", form)
    page = client.get("/settings/users").get_data(as_text=True)
    assert 'data-username="jahat"' in page
    assert "<script>alert" not in page and "<img src=x" not in page


# -- role gates -------------------------------------------------------------------------------

PAGES = [
    "/audit",
    "/audit/verify",
    "/settings",
    "/settings/holidays",
    "/settings/templates",
    "/settings/numbering",
    "/settings/office",
    "/settings/users",
    "/tokens",
    "/imports",
]
LEAST = {
    "/audit": "analyst",
    "/audit/verify": "analyst",
    "/tokens": "viewer",
    "/imports": "analyst",
}
ORDER = ["viewer", "analyst", "admin"]


@pytest.mark.parametrize("who", ["tamu", "analis", "admin", None])
def test_role_gates(app, who):
    client = _login(app.test_client(), who)[0] if who else app.test_client()
    role = {"tamu": "viewer", "analis": "analyst", "admin": "admin", None: None}[who]
    for path in PAGES:
        if role is None:
            expected = 302  # to the login page
        else:
            allowed = ORDER.index(role) >= ORDER.index(LEAST.get(path, "admin"))
            expected = 200 if allowed else 403
        assert (path, client.get(path).status_code) == (path, expected)


@pytest.mark.parametrize(
    "path, form",
    [
        ("/settings/holidays", {"day": "2027-03-03", "off": "1"}),
        ("/settings/users", {"username": "baru", "password": "panjang-sekali", "role": "admin"}),
        ("/settings/users/tamu", {"role": "admin", "unit": ""}),
        ("/settings/numbering", {"pattern": "{seq}/{year}", "unit_code": "A", "archive_code": "B"}),
        ("/settings/office", OFFICE),
    ],
)
def test_an_analyst_cannot_change_settings(app, config, sessions, path, form):
    client = _login(app.test_client(), "analis")[0]
    assert _post(client, path, form, page="/tokens").status_code == 403
    with sessions() as session:
        assert session.scalar(text("SELECT count(*) FROM holiday_overrides")) == 0
        assert session.scalar(text("SELECT role FROM users WHERE username = 'tamu'")) == "viewer"
    assert not (config.data_dir / "office.toml").exists()


def test_the_top_bar_shows_the_admin_areas_by_role(app):
    admin = _admin(app).get("/tokens").get_data(as_text=True)
    guest = _login(app.test_client(), "tamu")[0].get("/tokens").get_data(as_text=True)
    assert 'href="/settings"' in admin and 'href="/audit"' in admin
    assert 'href="/settings"' not in guest and 'href="/audit"' not in guest


def test_english_is_switchable(app):
    client = _admin(app)
    _post(client, "/lang/en", {}, page="/settings")
    page = client.get("/settings/holidays?year=2027").get_data(as_text=True)
    assert "The office&#39;s calendar corrections" in page and "Koreksi kalender" not in page
    assert "<td>New Year&#39;s Day<" in page and "Tahun Baru" not in page


def test_a_trail_cut_back_with_its_head_rewritten_is_caught_by_the_witness(auditor, sessions):
    assert 'data-ok="1"' in auditor.get("/audit/verify").get_data(as_text=True)  # witness: 6
    with sessions() as session, session.begin():  # cut back to 4, the head made to agree
        session.execute(text("DELETE FROM audit_events WHERE seq > 4"))
        session.execute(
            text("UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_events "
                 "WHERE seq = 4)")
        )  # fmt: skip
    page = auditor.get("/audit/verify").get_data(as_text=True)
    assert 'data-ok="0"' in page and "Rantai audit putus pada kejadian 6<" in page
    assert "cut back or rewritten" in page
