"""Backup and restore on SQLite and PostgreSQL: a casebook with listings, captures (WARC,
screenshot, manifest), letters and audit events round-trips into an empty data dir and an empty
database and passes evidence verify and audit verify; a damaged archive is refused naming the
member and nothing changes; an altered evidence file fails the verification naming the file;
a casebook that is not empty is not overwritten unless forced; writers running during the
backup leave it consistent."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import tarfile
import threading
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from casebook import config as config_module
from casebook import schema
from casebook.backup import MANIFEST, make_backup
from casebook.backup_db import BackupError
from casebook.backup_restore import install, occupied, open_backup
from casebook.backup_verify import verify
from casebook.db import make_engine, make_session_factory
from casebook.letters import office as office_module
from casebook.models import AuditEvent, Capture, Letter, Listing
from casebook.services import audit
from casebook.services import letters as letter_service

_spec = importlib.util.spec_from_file_location(
    "letters_world", Path(__file__).with_name("test_letters.py")
)
world = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world)

RECORDS = (Listing, Capture, Letter, AuditEvent)


@pytest.fixture
def casebook(config, sessions):
    """Listings with captures, a takedown list, letters (DOCX, XLSX, screenshots, WACZ) and
    the audit events all that made, verified once (so the witness file exists)."""
    list_id = world.build_list(sessions, config.data_dir, world.MIXED)
    with sessions() as session, session.begin():
        letter_service.make_letters(session, list_id, "rekomendasi_takedown", actor="ana",
                                    office=office_module.load(config.data_dir),
                                    with_pdf=False, now=world.T0)  # fmt: skip
    engine = make_engine(config.database_url)
    assert verify(engine, config.data_dir).ok
    engine.dispose()
    return config


@pytest.fixture
def target(request, backend, tmp_path):
    """An empty casebook to restore into: a new data dir, and a new empty database."""
    env = {"PATROLI_DATA_DIR": str(tmp_path / "restored"), "PATROLI_SECRET_KEY": "test-secret",
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    if backend == "postgresql":
        admin_url = request.getfixturevalue("postgres_template")
        name = f"{make_url(request.getfixturevalue('config').database_url).database}_restored"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        env["PATROLI_DATABASE_URL"] = (
            make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        )
    return config_module.load(env)


def counts(config) -> dict[str, int]:
    engine = make_engine(config.database_url)
    try:
        with make_session_factory(engine)() as session:
            return {m.__tablename__: session.scalar(select(func.count()).select_from(m))
                    for m in RECORDS}  # fmt: skip
    finally:
        engine.dispose()


def restore(source: Path, config) -> tuple:
    engine = make_engine(config.database_url)
    staged = open_backup(source, config.data_dir)
    try:
        installed = install(staged, config, engine)
    finally:
        staged.discard()
    engine = make_engine(config.database_url)
    try:
        return installed, verify(engine, config.data_dir)
    finally:
        engine.dispose()


def backup(config, dest: Path):
    engine = make_engine(config.database_url)
    try:
        return make_backup(config, engine, dest)
    finally:
        engine.dispose()


def held_by(config) -> list[str]:
    engine = make_engine(config.database_url)
    try:
        return occupied(config, engine)
    finally:
        engine.dispose()


def tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.name.endswith((".db",
            "-wal", "-shm")) and not any(part.startswith(".") for part in p.parts)}  # fmt: skip


def test_round_trip_keeps_every_record_and_file(casebook, target, tmp_path):
    before = counts(casebook)
    files = tree(casebook.data_dir)
    result = backup(casebook, tmp_path / "b.tar")
    assert all(before.values()), before  # listings, captures, letters, audit events: a real one

    installed, verdict = restore(result.path, target)

    assert verdict.ok, (verdict.evidence_problems, verdict.audit_breaks)
    assert verdict.captures == before["captures"]
    assert verdict.audit_end.seq == before["audit_events"]
    assert counts(target) == before
    restored = tree(target.data_dir)
    assert restored.pop("audit-head") != files.pop("audit-head")  # re-keyed (checked below)
    assert restored == files  # evidence, letters: the same bytes
    assert installed.aside is None and installed.upgraded_from is None
    assert not list(target.data_dir.glob(".restore-*"))  # staging cleaned up
    witness = json.loads((target.data_dir / "audit-head").read_text())
    target_label = make_url(target.database_url).render_as_string(hide_password=True)
    assert witness[target_label]["seq"] == before["audit_events"]  # checked in the new home


def test_manifest_lists_every_member_with_size_and_hash(casebook, tmp_path):
    left_out = {"patroli-backup-20261130T000000Z.tar": "a backup", "jobs/frontier.sqlite":
                "a live SQLite file", "letters/.soffice/profile.xcu": None,
                "letters/.draft.docx": None}  # fmt: skip
    for name in left_out:
        (casebook.data_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (casebook.data_dir / name).write_text("x")
    result = backup(casebook, tmp_path / "b.tar")
    assert {s.path: s.reason.split(" (")[0] for s in result.skipped} == {
        name: reason for name, reason in left_out.items() if reason
    }
    with tarfile.open(result.path) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}
    manifest = json.loads(members.pop(MANIFEST))
    assert manifest["schema_revision"] == schema.head_revision()
    assert manifest["database"]["kind"] == make_url(casebook.database_url).get_backend_name()
    assert manifest["created_at"].endswith("Z")
    assert {e["path"]: (e["bytes"], e["sha256"]) for e in manifest["files"]} == {
        name: (len(data), hashlib.sha256(data).hexdigest()) for name, data in members.items()
    }
    names = set(members)
    assert any(n.startswith("data/evidence/") and n.endswith("response.warc.gz") for n in names)
    assert any(n.startswith("data/evidence/") and n.endswith("screenshot.png") for n in names)
    assert any(n.startswith("data/letters/") and n.endswith(".docx") for n in names)
    assert "data/audit-head" in names
    assert not any(n.endswith((".db", "-wal", "-shm")) for n in names)  # never a plain copy
    assert not any(n.removeprefix("data/") in left_out for n in names)
    assert result.path.stat().st_mode & 0o077 == 0  # it holds the database: owner only


def rewrite(source: Path, dest: Path, change) -> None:
    """A copy of the archive with `change(name, data) -> data | None` applied to each member
    (None drops it); the manifest is rewritten to match, as a careful forger would."""
    with tarfile.open(source) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar if m.isfile()]
    kept = []
    for name, data in members:
        changed = change(name, data) if name != MANIFEST else data
        if changed is not None:
            kept.append((name, changed))
    manifest = json.loads(dict(kept)[MANIFEST])
    sizes = {name: data for name, data in kept}
    manifest["files"] = [{"path": n, "bytes": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                         for n, d in kept if n != MANIFEST]  # fmt: skip
    kept = [(n, d if n != MANIFEST else json.dumps(manifest).encode()) for n, d in kept]
    assert sizes
    with tarfile.open(dest, "w") as tar:
        for name, data in kept:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def flip(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])


@pytest.mark.parametrize("backend", ["sqlite"])  # the archive check is the same on both
@pytest.mark.parametrize(
    "damage, named",
    [
        ("truncated", "truncated or corrupt"),
        ("cut_at_a_member", f"no {MANIFEST}"),
        ("flipped_evidence", "response.warc.gz: SHA-256 differs from the manifest"),
        ("manifest_lies", "screenshot.png: SHA-256 differs from the manifest"),
        ("manifest_broken", f"{MANIFEST} is damaged"),
        ("extra_member", "data/evidence/planted.html: not in the manifest"),
        ("escaping_member", "../outside: not a member a Patroli backup has"),
    ],
)
def test_a_damaged_archive_is_refused_naming_the_member_and_nothing_changes(
    casebook, target, tmp_path, damage, named
):
    good = backup(casebook, tmp_path / "b.tar").path
    bad = tmp_path / "bad.tar"
    raw = good.read_bytes()
    with tarfile.open(good) as tar:
        members = [m for m in tar if m.isfile()]
    if damage == "truncated":
        bad.write_bytes(raw[: len(raw) // 2])
    elif damage == "cut_at_a_member":
        last = members[-1]  # the manifest: cut just before its header
        bad.write_bytes(raw[: last.offset])
    elif damage in ("flipped_evidence", "manifest_lies"):
        which = "response.warc.gz" if damage == "flipped_evidence" else "screenshot.png"
        member = next(m for m in members if m.name.endswith(which))
        if damage == "flipped_evidence":
            at = member.offset_data + member.size - 1
            bad.write_bytes(raw[:at] + bytes([raw[at] ^ 1]) + raw[at + 1 :])
        else:
            manifest = next(m for m in members if m.name == MANIFEST)
            body = raw[manifest.offset_data : manifest.offset_data + manifest.size]
            entry = next(e for e in json.loads(body)["files"] if e["path"] == member.name)
            lie = body.replace(entry["sha256"].encode(), b"0" * 64)
            bad.write_bytes(raw[: manifest.offset_data] + lie + raw[manifest.offset_data
                            + manifest.size :])  # fmt: skip
    elif damage == "manifest_broken":
        manifest = next(m for m in members if m.name == MANIFEST)
        bad.write_bytes(raw[: manifest.offset_data] + b"{" * manifest.size
                        + raw[manifest.offset_data + manifest.size :])  # fmt: skip
    else:
        with tarfile.open(good) as tar:
            kept = [(m, tar.extractfile(m).read()) for m in tar if m.isfile()]
        name = "data/evidence/planted.html" if damage == "extra_member" else "../outside"
        with tarfile.open(bad, "w") as tar:
            for member, data in [*kept[:-1], (tarfile.TarInfo(name), b"<p>x</p>"), *kept[-1:]]:
                member.size = len(data)
                tar.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="bad.tar: .*" + named.replace(".", r"\.")) as error:
        open_backup(bad, target.data_dir)
    assert "\n" not in str(error.value)
    assert list(target.data_dir.iterdir()) == []  # nothing restored, no staging left behind
    assert not (tmp_path / "outside").exists()


@pytest.mark.parametrize(
    "altered, reason",
    [
        ("response.warc.gz", "SHA-256 mismatch"),
        ("screenshot.png", "SHA-256 mismatch"),
        ("manifest.json", "manifest changed since capture"),
    ],
)
def test_altered_evidence_in_a_consistent_archive_fails_verification_naming_the_file(
    casebook, target, tmp_path, altered, reason
):
    good = backup(casebook, tmp_path / "b.tar").path
    forged = tmp_path / "forged.tar"
    hits = []

    def change(name, data):
        if name.startswith("data/evidence/") and name.endswith(altered) and not hits:
            hits.append(name.removeprefix("data/"))
            return flip(data) if altered != "manifest.json" else data.replace(b'"http', b'"ftp')
        return data

    rewrite(good, forged, change)
    _installed, verdict = restore(forged, target)
    assert not verdict.ok
    assert [(p.where, p.reason) for p in verdict.evidence_problems] == [(hits[0], reason)]
    assert not verdict.audit_breaks


def test_a_casebook_that_is_not_empty_is_named_and_force_keeps_it_aside(casebook, target, tmp_path):
    result = backup(casebook, tmp_path / "b.tar")
    assert held_by(target) == []
    held = held_by(casebook)
    assert any(h.endswith(" listings") for h in held) and any("evidence" in h for h in held)

    # restoring over the casebook itself (what --force does): what it held is moved aside
    (casebook.data_dir / "evidence" / "note.txt").write_text("written after the backup")
    installed, verdict = restore(result.path, casebook)
    assert verdict.ok
    assert installed.aside is not None
    assert (installed.aside / "evidence" / "note.txt").read_text() == "written after the backup"
    assert not (casebook.data_dir / "evidence" / "note.txt").exists()


@pytest.mark.parametrize("backend", ["sqlite"])  # the schema step is the same on both
def test_an_older_backup_is_upgraded_and_a_newer_one_refused(config, target, tmp_path):
    engine = create_engine(config.database_url)
    alembic = schema.alembic_config(config.database_url)
    with engine.begin() as connection:
        alembic.attributes["connection"] = connection
        command.upgrade(alembic, "0013")
    engine.dispose()
    older = backup(config, tmp_path / "older.tar").path
    installed, verdict = restore(older, target)
    assert installed.upgraded_from == "0013" and verdict.ok
    engine = make_engine(target.database_url)
    assert schema.current_revision(engine) == schema.head_revision()
    engine.dispose()

    newer = tmp_path / "newer.tar"
    rewrite(older, newer, lambda name, data: data)
    with tarfile.open(newer) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar]
    manifest = json.loads(dict(members)[MANIFEST])
    manifest["schema_revision"] = "9999"
    with tarfile.open(newer, "w") as tar:
        for name, data in members:
            data = json.dumps(manifest).encode() if name == MANIFEST else data
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    fresh = config_module.load({"PATROLI_DATA_DIR": str(tmp_path / "again")})
    staged, engine = open_backup(newer, fresh.data_dir), make_engine(fresh.database_url)
    with pytest.raises(BackupError, match="made by a newer Patroli"):
        install(staged, fresh, engine)
    staged.discard()
    engine.dispose()


def test_a_backup_taken_while_others_write_is_consistent(casebook, sessions, target, tmp_path):
    """Writers append audit events (each a chained pair of rows) all through the backup: the
    restored chain must be whole, and hold what was committed before it began."""
    before = counts(casebook)["audit_events"]
    stop, written = threading.Event(), []

    def write() -> None:
        while not stop.is_set():
            with sessions() as session, session.begin():
                audit.record(session, "crawler", "listing.seen", f"listing:{len(written)}")
            written.append(1)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 5:  # the writer is really going before the backup starts
            threading.Event().wait(0.01)
        result = backup(casebook, tmp_path / "busy.tar")
    finally:
        stop.set()
        writer.join()
    _installed, verdict = restore(result.path, target)
    assert verdict.ok, verdict.audit_breaks
    assert before + 5 <= verdict.audit_end.seq <= before + len(written)
