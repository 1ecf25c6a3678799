"""`patroli backup`: the casebook database and the data dir's files in one tar with a manifest.

The archive (plain tar; gzip when its name ends in .tar.gz or .tgz):

    database/patroli.sqlite3 | database/patroli.pgdump   the database (backup_db)
    data/<path in the data dir>                          evidence, letters, reports, templates,
                                                         tips, job logs, secret_key, audit-head
    manifest.json                                        last: what the archive holds, with the
                                                         size and SHA-256 of every member

What is left out, and why: names starting with a dot (LibreOffice's profile, drafts being
written), the casebook's SQLite file and its -wal/-shm (copied by plain copy while the web
writes, they would be torn; the database member is its consistent copy) and any other SQLite
file (a crawl's frontier is state, not record), symlinks (never followed out of the data
dir), and earlier backups left in the data dir. The secret key and the audit trail's witness
are kept: without the key every session is logged out and signed links break; without the
witness a trail cut back before the backup would pass the check after a restore. So the
archive is as secret as the database: it is written readable by its owner only.

The witness is read before the database is dumped: the head it names is then always inside the
dump, even when an `audit verify` moves it on while the backup runs. Evidence files written
while the backup runs may be in the archive without their capture row; `evidence verify`
checks such manifests on their own, and the next backup has both.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Engine

from casebook.backup_db import (
    SIDECARS,
    BackupError,
    dump_postgres,
    dump_sqlite,
    kind_of,
    sqlite_path,
)
from casebook.config import Config

FORMAT, FORMAT_VERSION = "patroli-backup", 1
MANIFEST = "manifest.json"
DATA = "data/"
DATABASE_MEMBER = {"sqlite": "database/patroli.sqlite3", "postgresql": "database/patroli.pgdump"}
BACKUP_PREFIX = "patroli-backup-"
WITNESS = "audit-head"  # the audit trail's witness file (patroli audit verify)
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3", *SIDECARS)

Progress = Callable[[int, int], None]  # (bytes done, bytes in all)


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass
class BackupResult:
    path: Path
    kind: str
    revision: str
    files: int = 0  # data files, the database not counted
    bytes: int = 0  # everything archived, the database included
    skipped: list[Skipped] = field(default_factory=list)


def archive_path(dest: Path, now: datetime) -> Path:
    """DEST itself, or a dated name inside DEST when it is a folder."""
    if dest.is_dir():
        return dest / f"{BACKUP_PREFIX}{now:%Y%m%dT%H%M%SZ}.tar"
    if dest.exists() or dest.is_symlink():
        raise BackupError(f"{dest} exists: choose a new name (a backup never overwrites one)")
    if not dest.parent.is_dir():
        raise BackupError(f"{dest.parent} is not a folder")
    return dest


def data_files(data_dir: Path, leave_out: set[Path]) -> tuple[list[Path], list[Skipped]]:
    """The data dir's files worth keeping, sorted, and what was left out with the reason."""
    kept, skipped = [], []
    for folder, dirs, names in os.walk(data_dir):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(names):
            path = here / name
            relative = str(path.relative_to(data_dir))
            if name.startswith(".") or path in leave_out:
                continue
            if name.startswith(BACKUP_PREFIX):
                skipped.append(Skipped(relative, "a backup (keep backups outside the data dir)"))
            elif path.is_symlink():
                skipped.append(Skipped(relative, "a symlink (not followed)"))
            elif name.endswith(SQLITE_SUFFIXES):
                skipped.append(Skipped(relative, "a live SQLite file (state, not record)"))
            elif path.is_file():
                kept.append(path)
    return kept, skipped


def make_backup(
    config: Config,
    engine: Engine,
    dest: Path,
    *,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> BackupResult:
    """Write the backup archive; a failure leaves no archive (only `<name>.partial` is ever
    written to, and it is removed)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    kind = kind_of(config.database_url)
    archive = archive_path(Path(dest), now)
    partial = archive.with_name(archive.name + ".partial")
    leave_out = {archive.resolve(), partial.resolve()}
    if kind == "sqlite":
        database = sqlite_path(config.database_url).resolve()
        leave_out |= {Path(f"{database}{suffix}") for suffix in ("", *SIDECARS)}
    data_dir = config.data_dir.resolve()
    files, skipped = data_files(data_dir, leave_out)
    witness = _read(data_dir / WITNESS)  # before the dump: the head it names is in the dump
    try:
        with tempfile.TemporaryDirectory(dir=archive.parent, prefix=".patroli-backup-") as tmp:
            dump = Path(tmp) / Path(DATABASE_MEMBER[kind]).name
            if kind == "sqlite":
                revision = dump_sqlite(config.database_url, dump)
                tool = f"SQLite {sqlite3.sqlite_version} online backup"
            else:
                revision, tool = dump_postgres(engine, dump)
            result = BackupResult(archive, kind, revision, skipped=skipped)
            total = dump.stat().st_size + sum(_size(path) for path in files)
            writer = _Writer(partial, total, progress)
            with writer:
                writer.add_file(dump, DATABASE_MEMBER[kind])
                for path in files:
                    relative = path.relative_to(data_dir).as_posix()
                    if relative == WITNESS and witness is not None:
                        writer.add_bytes(witness, DATA + relative)
                    elif not writer.add_file(path, DATA + relative):
                        skipped.append(Skipped(relative, "removed while the backup ran"))
                result.files = len(writer.entries) - 1
                result.bytes = sum(entry["bytes"] for entry in writer.entries)
                database_label = engine.url.render_as_string(hide_password=True)
                manifest = {
                    "format": FORMAT, "format_version": FORMAT_VERSION,
                    "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "patroli_version": _patroli_version(), "schema_revision": revision,
                    "database": {"kind": kind, "member": DATABASE_MEMBER[kind], "tool": tool,
                                 "source": database_label},
                    "data_dir": str(data_dir),
                    "files": writer.entries,
                    "skipped": [{"path": s.path, "reason": s.reason} for s in skipped],
                }  # fmt: skip
                writer.add_bytes(json.dumps(manifest, indent=1).encode() + b"\n", MANIFEST)
        os.replace(partial, archive)
    finally:
        partial.unlink(missing_ok=True)
    return result


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _patroli_version() -> str:
    try:
        return version("patroli")
    except PackageNotFoundError:
        return "unknown"


class _Writer:
    """The tar being written: every member hashed as it goes in, progress counted in bytes."""

    def __init__(self, path: Path, total: int, progress: Progress | None) -> None:
        self.path, self.total, self.progress = path, total, progress
        self.done = 0
        self.entries: list[dict[str, Any]] = []
        gz = path.name.removesuffix(".partial").endswith((".tar.gz", ".tgz"))
        self.mode = "w:gz" if gz else "w"

    def __enter__(self) -> _Writer:
        fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        self.raw = os.fdopen(fd, "wb")
        # gzip level 6, not tarfile's 9: about as small, several times faster (WARCs and
        # screenshots are compressed already; the database is what shrinks).
        extra = {"compresslevel": 6} if self.mode == "w:gz" else {}
        self.tar = tarfile.open(fileobj=self.raw, mode=self.mode, format=tarfile.PAX_FORMAT,
                                **extra)  # fmt: skip
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.tar.close()
        if error is None:
            self.raw.flush()
            os.fsync(self.raw.fileno())
        self.raw.close()

    def add_file(self, path: Path, name: str) -> bool:
        """Archive one file; False when it vanished before it could be opened."""
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            return False
        with handle:
            stat = os.fstat(handle.fileno())
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
            reader = _Hashing(handle, self._advance)
            try:
                self.tar.addfile(info, reader)
            except OSError as error:  # it shrank while being read
                raise BackupError(f"{path} changed while it was archived ({error}): "
                                  "run the backup again") from None  # fmt: skip
        self.entries.append({"path": name, "bytes": info.size, "sha256": reader.hexdigest()})
        return True

    def add_bytes(self, data: bytes, name: str) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
        self.tar.addfile(info, io.BytesIO(data))
        if name != MANIFEST:
            digest = hashlib.sha256(data).hexdigest()
            self.entries.append({"path": name, "bytes": len(data), "sha256": digest})
            self._advance(len(data))

    def _advance(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done))


class _Hashing:
    """A file object that hashes (and counts) what tarfile reads from it."""

    def __init__(self, handle: BinaryIO, advance: Callable[[int], None]) -> None:
        self.handle, self.advance = handle, advance
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        block = self.handle.read(size)
        self.digest.update(block)
        self.advance(len(block))
        return block

    def hexdigest(self) -> str:
        return self.digest.hexdigest()
