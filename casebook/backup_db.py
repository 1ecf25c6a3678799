"""The database part of a backup: dumped consistently while others write, and put back whole.

SQLite: the online backup API copies the database in one read transaction, a snapshot that
WAL lets writers go on past; the copy is written to a temporary file and renamed into place.
PostgreSQL: `pg_dump -Fc` (a snapshot of its own) and `pg_restore --clean --if-exists` in one
transaction, with client tools at least as new as the server (pg_dump refuses an older one).
The password goes through PGPASSWORD, never the command line (which `ps` shows to anyone).
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url

SIDECARS = ("-wal", "-shm", "-journal")


class BackupError(RuntimeError):
    """A backup or restore cannot go on; the message names the file or tool and says why."""


def kind_of(url: str | URL) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {backend} database (SQLite or PostgreSQL only)")
    return backend


def sqlite_path(url: str | URL) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(database)


def dump_sqlite(url: str | URL, into: Path) -> str:
    """A consistent copy of the live database in `into`; returns its schema revision."""
    path = sqlite_path(url)
    if not path.is_file():
        raise BackupError(f"{path}: no casebook database here (PATROLI_DATABASE_URL, "
                          "PATROLI_DATA_DIR)")  # fmt: skip
    source = sqlite3.connect(path, timeout=30)
    target = sqlite3.connect(into)
    try:
        source.backup(target)  # all pages in one step: one read snapshot, writers carry on (WAL)
        target.execute("PRAGMA journal_mode=DELETE")  # the copy stands alone, no -wal beside it
        return _sqlite_revision(target)
    finally:
        target.close()
        source.close()


def _sqlite_revision(connection: sqlite3.Connection) -> str:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return ""
    return row[0] if row else ""


def revision_of_sqlite_file(path: Path) -> str:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _sqlite_revision(connection)
    finally:
        connection.close()


def install_sqlite(staged: Path, url: str | URL, aside: Path | None) -> None:
    """Put the staged copy where the URL says: moved (or copied) next to the target, then
    renamed over it, so a crash leaves either the old database or the new one. The old
    one and its WAL move into `aside` when given; a stale -wal beside the new file would be
    replayed into it."""
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    draft = target.with_name(f".{target.name}.restoring")
    try:
        os.replace(staged, draft)  # staging is in the data dir: usually the same disk
    except OSError:
        shutil.copyfile(staged, draft)
    with draft.open("rb+") as handle:
        os.fsync(handle.fileno())
    for suffix in ("", *SIDECARS):
        old = Path(f"{target}{suffix}")
        if not old.exists():
            continue
        if aside is not None:
            aside.mkdir(parents=True, exist_ok=True)
            try:
                os.link(old, aside / old.name)  # the same bytes, kept under a second name
            except OSError:  # another file system
                shutil.copy2(old, aside / old.name)
        if suffix:
            old.unlink()
    os.replace(draft, target)


# PostgreSQL


def dump_postgres(engine: Engine, into: Path) -> tuple[str, str]:
    """`pg_dump -Fc` of the configured database into `into`: (revision, tool version)."""
    major = server_major(engine)
    tool = find_tool("pg_dump", major)
    with engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    _run([tool, "--format=custom", "--file", str(into)], engine.url, "pg_dump")
    return revision or "", tool_version(tool)


def restore_postgres(engine: Engine, dump: Path) -> None:
    """The dump into the configured database, replacing what it holds, in one transaction: a
    failure leaves the database as it was."""
    tool = find_tool("pg_restore", server_major(engine))
    _run([tool, "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
          "--no-owner", "--no-privileges", "--dbname", _dbname(engine.url), str(dump)],
         engine.url, "pg_restore")  # fmt: skip


def server_major(engine: Engine) -> int:
    with engine.connect() as connection:
        number = int(connection.execute(text("SHOW server_version_num")).scalar() or 0)
    return number // 10000


def find_tool(name: str, major: int) -> str:
    """The first `name` at least as new as the server: the server's own version's, pg_config's,
    the one on PATH, then any other installed."""
    candidates = [f"/usr/lib/postgresql/{major}/bin/{name}"]
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(str(Path(found.stdout.strip()) / name))
    candidates.append(shutil.which(name) or "")
    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    seen = []
    for candidate in filter(None, candidates):
        if not os.access(candidate, os.X_OK) or candidate in seen:
            continue
        seen.append(candidate)
        if _major(tool_version(candidate)) >= major:
            return candidate
    found = ", ".join(f"{c} ({tool_version(c)})" for c in seen) or "none"
    raise BackupError(
        f"no {name} for PostgreSQL {major} or newer (found: {found}): "
        f"install postgresql-client-{major}"
    )


def tool_version(tool: str) -> str:
    done = subprocess.run([tool, "--version"], capture_output=True, text=True)
    return done.stdout.strip()


def _major(version: str) -> int:
    found = re.search(r"\(PostgreSQL\) (\d+)", version)  # "pg_dump (PostgreSQL) 15.18 (Debian...)"
    return int(found.group(1)) if found else 0


def _dbname(url: URL) -> str:
    return url.database or ""


def _environment(url: URL) -> dict[str, str]:
    """Connection settings for libpq's tools: all through the environment, the password too."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    query = dict(url.query)
    host = url.host or query.get("host")
    settings = {"PGHOST": host, "PGPORT": str(url.port) if url.port else query.get("port"),
                "PGUSER": url.username, "PGPASSWORD": url.password,
                "PGDATABASE": url.database, "PGSSLMODE": query.get("sslmode")}  # fmt: skip
    env.update({k: str(v) for k, v in settings.items() if v})
    return env


def _run(command: list[str], url: URL, what: str) -> None:
    done = subprocess.run(command, env=_environment(url), capture_output=True, text=True)
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise BackupError(f"{what} failed: {said}")
