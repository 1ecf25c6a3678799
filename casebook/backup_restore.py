"""`patroli restore`: a backup checked whole before anything is touched, then put in place.

1. `open_backup` unpacks the archive into a staging folder inside the data dir, hashing every
   member, and compares it with the manifest: a truncated, corrupt or altered archive is
   refused naming the member, and the casebook is left as it was.
2. `occupied` says what a casebook already holds; the caller refuses to restore over it unless
   told to (--force).
3. `install` puts the database back (SQLite: a renamed copy; PostgreSQL: pg_restore in one
   transaction), moves the data dir's files in — whatever they replace goes to
   `.before-restore-<time>/` in the data dir, nothing is deleted — and upgrades an older schema.
4. `backup_verify.verify` runs the checks of `patroli evidence verify` and `patroli audit
   verify` on the result.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, select

from casebook import schema
from casebook.backup import DATA, FORMAT, MANIFEST, WITNESS
from casebook.backup_db import (
    SIDECARS,
    BackupError,
    install_sqlite,
    kind_of,
    restore_postgres,
    sqlite_path,
)
from casebook.config import Config
from casebook.db import make_engine
from casebook.models import Base

ALWAYS_THERE = {"secret_key", WITNESS}  # a fresh data dir may hold these: not a casebook yet
SEEDED_TABLES = {"audit_head"}  # migrations fill it; not a record

Progress = Callable[[int, int], None]  # (bytes read, bytes in all)


@dataclass
class Staged:
    source: Path
    folder: Path  # the staging folder; `discard` removes it
    manifest: dict[str, Any]

    @property
    def kind(self) -> str:
        return self.manifest["database"]["kind"]

    @property
    def revision(self) -> str:
        return self.manifest.get("schema_revision") or ""

    @property
    def database_file(self) -> Path:
        return self.folder / self.manifest["database"]["member"]

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Installed:
    aside: Path | None  # where what the restore replaced was moved
    upgraded_from: str | None  # the backup's schema, when it was older than this Patroli's


def open_backup(source: Path, data_dir: Path, *, progress: Progress | None = None) -> Staged:
    """Unpack and check the archive; BackupError names the first bad member."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file")
    data_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=data_dir, prefix=".restore-"))
    try:
        seen = _unpack(source, folder, progress)
        manifest = _manifest(source, folder)
        _compare(source, manifest, seen)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Staged(source, folder, manifest)


def _unpack(source: Path, folder: Path, progress: Progress | None) -> dict[str, tuple[int, str]]:
    seen: dict[str, tuple[int, str]] = {}
    total = source.stat().st_size
    name = "(the archive's start)"
    with source.open("rb") as raw:
        counted = _Counting(raw, total, progress)
        try:
            with tarfile.open(fileobj=counted, mode="r|*") as tar:
                for member in tar:
                    name = member.name
                    if member.isdir():
                        continue
                    target = folder / _safe_name(source, member)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    seen[name] = _write(tar.extractfile(member), target)
        except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
            raise BackupError(
                f"{source}: truncated or corrupt at {name} ({error}); nothing was restored"
            ) from None
    return seen


def _safe_name(source: Path, member: tarfile.TarInfo) -> str:
    """A member may only be a regular file under database/ or data/, or the manifest."""
    path = PurePosixPath(member.name)
    allowed = member.name == MANIFEST or path.parts[:1] in (("database",), ("data",))
    if not member.isfile() or path.is_absolute() or ".." in path.parts or not allowed:
        raise BackupError(f"{source}: {member.name}: not a member a Patroli backup has")
    return member.name


def _write(stream: BinaryIO | None, target: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        while stream is not None and (block := stream.read(1 << 20)):
            digest.update(block)
            size += len(block)
            out.write(block)
    return size, digest.hexdigest()


def _manifest(source: Path, folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source}: no {MANIFEST}: truncated, or not a Patroli backup")
    try:
        manifest = json.loads(path.read_bytes())
        files, database = manifest["files"], manifest["database"]
        ok = manifest.get("format") == FORMAT and isinstance(files, list) and database["kind"]
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise BackupError(f"{source}: {MANIFEST} is damaged or not a Patroli backup's")
    return manifest


def _compare(source: Path, manifest: dict[str, Any], seen: dict[str, tuple[int, str]]) -> None:
    problems = []
    listed = set()
    for entry in manifest["files"]:
        name = str(entry.get("path"))
        listed.add(name)
        if name not in seen:
            problems.append(f"{name}: in the manifest but not in the archive")
        elif seen[name][0] != entry.get("bytes"):
            problems.append(f"{name}: {seen[name][0]} bytes, the manifest says {entry['bytes']}")
        elif seen[name][1] != entry.get("sha256"):
            problems.append(f"{name}: SHA-256 differs from the manifest")
    listed.add(MANIFEST)
    problems += [f"{name}: not in the manifest" for name in seen if name not in listed]
    if manifest["database"].get("member") not in listed:
        problems.append(f"{manifest['database'].get('member')}: the database is missing")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise BackupError(f"{source}: {problems[0]}{more}; nothing was restored")


class _Counting:
    """The archive file as tarfile reads it, counted for the progress bar."""

    def __init__(self, raw: BinaryIO, total: int, progress: Progress | None) -> None:
        self.raw, self.total, self.progress, self.done = raw, total, progress, 0

    def read(self, size: int = -1) -> bytes:
        block = self.raw.read(size)
        self.done += len(block)
        if self.progress is not None:
            self.progress(self.done, self.total)
        return block


def occupied(config: Config, engine: Engine) -> list[str]:
    """What the casebook already holds (empty: a restore may go ahead without --force)."""
    held = []
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in present and table.name not in SEEDED_TABLES:
                count = connection.execute(select(func.count()).select_from(table)).scalar()
                if count:
                    held.append(f"{count} {table.name}")
    files = [path.name for path in _entries(config)]
    if files:
        held.append(f"files in {config.data_dir} ({', '.join(sorted(files)[:4])})")
    return held


def _entries(config: Config) -> list[Path]:
    """The data dir's top-level entries a restore replaces: not dot-names (staging, the aside
    folders, drafts), not the SQLite database (replaced on its own), not what a fresh one has."""
    if not config.data_dir.is_dir():
        return []
    database: set[Path] = set()
    if kind_of(config.database_url) == "sqlite":
        path = sqlite_path(config.database_url).resolve()
        database = {Path(f"{path}{suffix}") for suffix in ("", *SIDECARS)}
    return [entry for entry in config.data_dir.iterdir()
            if not entry.name.startswith(".") and entry.resolve() not in database
            and entry.name not in ALWAYS_THERE]  # fmt: skip


def install(staged: Staged, config: Config, engine: Engine, *, replacing: bool = True,
            now: datetime | None = None) -> Installed:  # fmt: skip
    """Put the staged backup in place of the casebook; the caller checked `occupied` (not
    `replacing` an occupied one, an empty SQLite database is not worth keeping aside).
    `engine` is disposed (a SQLite file is replaced under it)."""
    kind = kind_of(config.database_url)
    if staged.kind != kind:
        raise BackupError(f"{staged.source} holds a {staged.kind} database but "
                          f"PATROLI_DATABASE_URL is {kind}: restore into a {staged.kind} "
                          "casebook (moving between kinds is not supported)")  # fmt: skip
    if staged.revision and staged.revision not in _known_revisions():
        raise BackupError(f"{staged.source} was made by a newer Patroli (schema "
                          f"{staged.revision}): upgrade Patroli first")  # fmt: skip
    now = (now or datetime.now(UTC)).astimezone(UTC)
    aside = config.data_dir / f".before-restore-{now:%Y%m%dT%H%M%SZ}"
    target_label = engine.url.render_as_string(hide_password=True)
    engine.dispose()
    try:
        if kind == "sqlite":
            install_sqlite(staged.database_file, config.database_url, aside if replacing else None)
        else:
            restore_postgres(engine, staged.database_file)
    finally:
        engine.dispose()
    _move_files(staged.folder / DATA.rstrip("/"), config, aside)
    _rekey_witness(config.data_dir / WITNESS, staged.manifest["database"].get("source"),
                   target_label)  # fmt: skip
    upgraded = _upgrade(config)
    return Installed(aside if aside.exists() else None, upgraded)


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(schema.alembic_config("sqlite://"))
    return {revision.revision for revision in script.walk_revisions()}


def _move_files(staged: Path, config: Config, aside: Path) -> None:
    """Everything in the way goes aside (a rename: quick, and nothing lost), then the staged
    entries are renamed in; staging lives in the data dir, so the renames stay on one disk."""
    for entry in _entries(config) + [config.data_dir / n for n in ALWAYS_THERE]:
        if entry.exists() or entry.is_symlink():
            aside.mkdir(parents=True, exist_ok=True)
            os.replace(entry, aside / entry.name)
    if staged.is_dir():
        for entry in sorted(staged.iterdir()):
            os.replace(entry, config.data_dir / entry.name)


def _rekey_witness(path: Path, source: str | None, target: str) -> None:
    """The witness is kept per database URL; restored into another database, the head it saw
    must still be checked there."""
    if not source or source == target or not path.is_file():
        return
    try:
        witnessed = json.loads(path.read_text())
    except ValueError:
        return  # audit verify will say what is wrong with it
    if source in witnessed:
        witnessed[target] = witnessed[source]
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        draft.write_text(json.dumps(witnessed, indent=1, sort_keys=True) + "\n")
        draft.replace(path)


def _upgrade(config: Config) -> str | None:
    engine = make_engine(config.database_url)
    try:
        current = schema.current_revision(engine)
        if current == schema.head_revision():
            return None
        schema.upgrade(engine)
        return current or "(none)"
    finally:
        engine.dispose()
