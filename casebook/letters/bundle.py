"""The softcopy that travels with a letter: the screenshots (zip) and the captures as one WACZ.

WACZ 1.1.1 (https://specs.webrecorder.net/wacz/1.1.1/), written here rather than with py-wacz,
which pulls some thirty packages (frictionless, pydantic, tldextract's online suffix list) for
what is a zip of five kinds of entry: archive/*.warc.gz (the captures' WARCs, byte for byte, so
their SHA-256 is the one in each capture's manifest), indexes/index.cdx (CDXJ), pages/pages.jsonl,
datapackage.json (every file with its sha256) and datapackage-digest.json. ReplayWeb.page opens it.
Evidence is checked as it is copied: a manifest that no longer has its recorded hash, or a file
that no longer has its manifest's, stops the letter — changed evidence is never sent.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from casebook.letters import cdxj

WACZ_VERSION = "1.1.1"
BLOCK = 1 << 20


class EvidenceProblem(ValueError):
    """A capture's files no longer match its manifest; the message names the file."""


@dataclass(frozen=True)
class Evidence:
    """One capture of one link: where its manifest is (relative to the data dir), what it holds."""

    number: int  # the link's row in the attachment
    capture_id: int
    url: str
    title: str
    captured_at: datetime
    manifest_path: str
    manifest_sha256: str


@dataclass(frozen=True)
class Checked:
    """A capture whose manifest still has its recorded hash: role -> (file, its manifest hash).

    Paths are plain strings: pathlib costs more than the reading for 30,000 small files."""

    item: Evidence
    files: dict[str, tuple[str, str]]

    def problem(self, path: str, data_dir: Path, reason: str) -> EvidenceProblem:
        where = os.path.relpath(path, data_dir)
        return EvidenceProblem(f"capture {self.item.capture_id}: {where}: {reason}")


def checked(data_dir: Path, evidence: Sequence[Evidence]) -> list[Checked]:
    """Every capture's manifest, verified against the hash the casebook recorded."""
    out, root = [], str(data_dir)
    for item in evidence:
        path = os.path.join(root, item.manifest_path)
        try:
            with open(path, "rb") as manifest:
                raw = manifest.read()
        except OSError:
            raise EvidenceProblem(f"capture {item.capture_id}: {item.manifest_path}: "
                                  "manifest missing") from None  # fmt: skip
        if hashlib.sha256(raw).hexdigest() != item.manifest_sha256:
            raise EvidenceProblem(f"capture {item.capture_id}: {item.manifest_path}: "
                                  "manifest changed since capture")  # fmt: skip
        folder = os.path.dirname(path)
        files = {
            entry["role"]: (os.path.join(folder, entry["path"]), entry["sha256"])
            for entry in json.loads(raw).get("files", [])
        }
        out.append(Checked(item, files))
    return out


def screenshots(data_dir: Path, captures: Sequence[Checked], out: Path) -> Path | None:
    """The screenshots, named by the link's row number in the attachment; None when none."""
    shots = [(c, c.files["screenshot"]) for c in captures if "screenshot" in c.files]
    if not shots:
        return None
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for capture, (path, sha256) in shots:
            name = f"{capture.item.number:05d}-capture-{capture.item.capture_id}.png"
            with _opened(capture, path, data_dir) as source, archive.open(name, "w") as target:
                digest = hashlib.sha256()
                for block in iter(lambda: source.read(BLOCK), b""):
                    digest.update(block)
                    target.write(block)
            if digest.hexdigest() != sha256:
                raise capture.problem(path, data_dir, "SHA-256 mismatch")
    return out


def wacz(data_dir: Path, captures: Sequence[Checked], out: Path, *, title: str) -> Path | None:
    """The captures' WARCs as one WACZ package; None when no capture has a WARC."""
    warcs = [(c, c.files["warc"]) for c in captures if "warc" in c.files]
    if not warcs:
        return None
    resources: list[dict[str, Any]] = []
    index: list[str] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for capture, (path, sha256) in warcs:
            with _opened(capture, path, data_dir) as source:
                data = source.read()
            if hashlib.sha256(data).hexdigest() != sha256:
                raise capture.problem(path, data_dir, "SHA-256 mismatch")
            name = f"capture-{capture.item.capture_id}.warc.gz"
            _add(archive, resources, f"archive/{name}", data, sha256)
            index.extend(cdxj.lines(data, name))
        _add(archive, resources, "indexes/index.cdx", "".join(sorted(index)).encode())
        _add(archive, resources, "pages/pages.jsonl", _pages(c.item for c, _ in warcs))
        package = _datapackage(resources, title)
        archive.writestr("datapackage.json", package)
        digest = {"path": "datapackage.json", "hash": _hash(package)}
        archive.writestr("datapackage-digest.json", json.dumps(digest, indent=2))
    return out


def _opened(capture: Checked, path: str, data_dir: Path):
    try:
        return open(path, "rb")  # the caller's with-statement closes it
    except OSError:
        raise capture.problem(path, data_dir, "file missing") from None


def _add(archive, resources, name: str, data: bytes, sha256: str | None = None) -> None:
    archive.writestr(name, data)
    digest = f"sha256:{sha256}" if sha256 else _hash(data)
    resources.append({"name": name.rsplit("/", 1)[-1], "path": name, "hash": digest,
                      "bytes": len(data)})  # fmt: skip


def _pages(items) -> bytes:
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
    lines += [{"id": f"capture-{item.capture_id}", "url": item.url, "ts": _iso(item.captured_at),
               "title": item.title} for item in items]  # fmt: skip
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def _datapackage(resources: list[dict[str, Any]], title: str) -> bytes:
    package = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": title,
        "created": _iso(datetime.now(UTC)),
        "software": "Patroli",
        "resources": resources,
    }
    # no indent: the indenting encoder is pure Python, and 10,000 resources notice it
    return json.dumps(package, ensure_ascii=False).encode()


def _hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
