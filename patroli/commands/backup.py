"""`patroli backup DEST` and `patroli restore SOURCE [--force]`: the casebook and its evidence
in one archive, and back, verified (casebook.backup, backup_restore, backup_verify)."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from casebook import config as config_module
from casebook.backup import make_backup
from casebook.backup_db import BackupError
from casebook.backup_restore import install, occupied, open_backup
from casebook.backup_verify import audit_length, capture_count, verify
from casebook.db import make_engine
from patroli import logs
from patroli.progress import progress

logger = logging.getLogger("patroli.backup")


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
def backup(dest: Path) -> None:
    """Back up the casebook database and the data dir's files into one archive.

    DEST is the archive to write (.tar; .tar.gz compresses) or an existing folder, which gets
    patroli-backup-<UTC time>.tar. Safe while the web and crawlers write. The archive holds the
    secret key and the database: keep it as safe as the server."""
    logs.configure()
    # Not open_casebook: a casebook at an older schema must be backed up before it is upgraded.
    config = config_module.load()
    engine = make_engine(config.database_url)
    started = time.monotonic()
    try:
        with progress("backup", unit="bytes") as shown:
            result = make_backup(config, engine, dest, progress=shown.to)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    except (OperationalError, ProgrammingError) as error:
        where = engine.url.render_as_string(hide_password=True)
        raise click.ClickException(f"cannot back up database {where}: {error.orig}") from None
    finally:
        engine.dispose()
    for skipped in result.skipped:
        click.echo(f"left out {skipped.path}: {skipped.reason}", err=True)
    seconds = time.monotonic() - started
    click.echo(f"backup {result.path}: {result.kind} database (schema {result.revision}) and "
               f"{result.files} files, {_size(result.bytes)} in {seconds:.1f} s")  # fmt: skip
    figures = {"path": str(result.path), "bytes": result.bytes, "files": result.files,
               "seconds": round(seconds, 1)}  # fmt: skip
    logger.info("backup written", extra=figures)


@click.command("restore")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="replace a casebook that is not empty (its files are kept in the data dir's "
                   ".before-restore-<time>/, a SQLite database too)")  # fmt: skip
def restore(source: Path, force: bool) -> None:
    """Restore a backup made by `patroli backup`, then verify evidence and audit trail.

    The archive is checked whole first; a damaged one changes nothing. Stop the web, the
    scheduler and the workers first. Exit 1 if the restored casebook fails verification."""
    logs.configure()
    config = config_module.load()
    engine = make_engine(config.database_url)
    try:
        held = occupied(config, engine)
        if held and not force:
            raise click.ClickException(
                f"the casebook is not empty ({'; '.join(held)}): restore with --force to replace it"
            )
        with progress("restore: reading the archive", unit="bytes") as shown:
            staged = open_backup(source, config.data_dir, progress=shown.to)
        try:
            installed = install(staged, config, engine, replacing=bool(held))
        finally:
            staged.discard()
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    except OperationalError as error:
        where = engine.url.render_as_string(hide_password=True)
        raise click.ClickException(f"cannot open database {where}: {error.orig}") from None
    finally:
        engine.dispose()
    manifest = staged.manifest
    click.echo(f"restored {source}: {staged.kind} database (schema {staged.revision}), "
               f"{len(manifest['files']) - 1} files, made {manifest['created_at']}")  # fmt: skip
    if installed.upgraded_from:
        click.echo(f"schema upgraded from {installed.upgraded_from}")
    if installed.aside:
        click.echo(f"what the casebook held before is kept in {installed.aside}")
    logger.info(
        "backup restored", extra={"path": str(source), "created_at": manifest["created_at"]}
    )
    sys.exit(0 if _verify(config) else 1)


def _verify(config) -> bool:
    """The verdicts of `patroli evidence verify` and `patroli audit verify`, in their words."""
    engine = make_engine(config.database_url)
    try:
        with (
            progress("restore: evidence verify", capture_count(engine)) as captures,
            progress("restore: audit verify", audit_length(engine)) as events,
        ):
            verdict = verify(engine, config.data_dir, progress=captures, audit_progress=events)
    finally:
        engine.dispose()
    for problem in verdict.evidence_problems:
        click.echo(f"MISMATCH {problem.where}: {problem.reason}", err=True)
    click.echo(f"evidence: {verdict.captures} captures checked, "
               f"{len(verdict.evidence_problems)} problems")  # fmt: skip
    for problem in verdict.audit_breaks:
        click.echo(str(problem), err=True)
    if verdict.audit_breaks:
        click.echo(f"audit trail broken: {len(verdict.audit_breaks)} problem(s) found")
    else:
        end = verdict.audit_end
        click.echo(f"audit trail intact: {end.seq} events, head {end.hash[:16]}")
    if not verdict.ok:
        click.echo("Error: the restored casebook failed verification (see above)", err=True)
    return verdict.ok


def _size(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} B"
