"""Captured evidence in the casebook: recording captures, and re-hashing them to prove nothing
changed since (`patroli evidence verify`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.models import Capture

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class CaptureRecord:
    """What the casebook stores of a capture (paths relative to the data dir)."""

    url: str
    kind: str
    status_code: int | None
    captured_at: datetime
    manifest_path: str
    manifest_sha256: str
    files: list[dict[str, Any]] = field(default_factory=list)
    software: dict[str, str] = field(default_factory=dict)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Problem:
    where: str
    reason: str


def verify_capture(
    data_dir: Path, manifest_path: str, manifest_sha256: str | None
) -> list[Problem]:
    """Re-hash one capture: the manifest against its recorded hash, each file against the
    manifest. Returns every mismatch or missing file."""
    manifest_file = Path(data_dir) / manifest_path
    if not manifest_file.is_file():
        return [Problem(manifest_path, "manifest missing")]
    problems = []
    if manifest_sha256 and sha256_file(manifest_file) != manifest_sha256:
        problems.append(Problem(manifest_path, "manifest changed since capture"))
    try:
        manifest = json.loads(manifest_file.read_bytes())
    except ValueError:
        return [*problems, Problem(manifest_path, "manifest is not valid JSON")]
    for entry in manifest.get("files", []):
        path = manifest_file.parent / entry["path"]
        where = str(path.relative_to(data_dir))
        if not path.is_file():
            problems.append(Problem(where, "file missing"))
        elif sha256_file(path) != entry["sha256"]:
            problems.append(Problem(where, "SHA-256 mismatch"))
    return problems


def record_captures(
    session: Session, captures: Sequence[tuple[CaptureRecord, int | None]]
) -> list[Capture]:
    """Store captures, each linked to its listing (or to none, for pages that yield no listing)."""
    rows = [
        Capture(
            listing_id=listing_id,
            url=record.url[:2048],
            kind=record.kind,
            status_code=record.status_code,
            captured_at=record.captured_at,
            manifest_path=record.manifest_path,
            manifest_sha256=record.manifest_sha256,
            files=record.files,
            software=record.software,
        )
        for record, listing_id in captures
    ]
    session.add_all(rows)
    return rows


def verify_all(session: Session, data_dir: Path) -> Iterator[tuple[str, list[Problem]]]:
    """Every capture the casebook knows, then every manifest on disk it does not know."""
    known: set[str] = set()
    query = select(Capture.manifest_path, Capture.manifest_sha256).order_by(Capture.id)
    for manifest_path, manifest_sha256 in session.execute(query).yield_per(1000):
        known.add(manifest_path)
        yield manifest_path, verify_capture(data_dir, manifest_path, manifest_sha256)
    root = Path(data_dir) / "evidence"
    for manifest in sorted(root.rglob(MANIFEST)) if root.exists() else ():
        relative = str(manifest.relative_to(data_dir))
        if relative not in known:
            yield relative, verify_capture(data_dir, relative, None)


def listing_captures(session: Session, listing_id: int) -> list[Capture]:
    return list(
        session.scalars(
            select(Capture).where(Capture.listing_id == listing_id).order_by(Capture.id.desc())
        )
    )
