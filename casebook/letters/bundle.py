"""The softcopy that travels with a letter: the screenshots (zip) and the captures as one WACZ.

WACZ 1.1.1 (https://specs.webrecorder.net/wacz/1.1.1/), written here rather than with py-wacz,
which pulls some thirty packages (frictionless, pydantic, tldextract's online suffix list) for
what is a zip of five kinds of entry: archive/*.warc.gz (the captures' WARCs, byte for byte, so
their SHA-256 is the one in each capture's manifest), indexes/index.cdx (CDXJ), pages/pages.jsonl,
datapackage.json (every file with its sha256) and datapackage-digest.json. ReplayWeb.page opens it.
Each capture is re-hashed against its manifest first: changed evidence is never sent.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from casebook.services.evidence import verify_capture

WACZ_VERSION = "1.1.1"


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
    files: Sequence[dict[str, Any]]

    def file(self, data_dir: Path, role: str) -> Path | None:
        for entry in self.files:
            if entry.get("role") == role:
                return data_dir / Path(self.manifest_path).parent / entry["path"]
        return None


def checked(data_dir: Path, evidence: Sequence[Evidence]) -> None:
    for item in evidence:
        problems = verify_capture(data_dir, item.manifest_path, item.manifest_sha256)
        if problems:
            first = problems[0]
            raise EvidenceProblem(f"capture {item.capture_id}: {first.where}: {first.reason}")


def screenshots(data_dir: Path, evidence: Sequence[Evidence], out: Path) -> Path | None:
    """The screenshots, named by the link's row number in the attachment; None when none."""
    found = [(item, item.file(data_dir, "screenshot")) for item in evidence]
    found = [(item, path) for item, path in found if path is not None]
    if not found:
        return None
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for item, path in found:
            archive.write(path, f"{item.number:05d}-capture-{item.capture_id}.png")
    return out


def wacz(data_dir: Path, evidence: Sequence[Evidence], out: Path, *, title: str) -> Path | None:
    """The captures' WARCs as one WACZ package; None when no capture has a WARC."""
    warcs = [(item, item.file(data_dir, "warc")) for item in evidence]
    warcs = [(item, path) for item, path in warcs if path is not None]
    if not warcs:
        return None
    entries: dict[str, bytes] = {}
    index: list[str] = []
    for item, path in warcs:
        name = f"capture-{item.capture_id}.warc.gz"
        data = path.read_bytes()
        entries[f"archive/{name}"] = data
        index.extend(_cdxj(path, name))
    entries["indexes/index.cdx"] = "".join(sorted(index)).encode()
    entries["pages/pages.jsonl"] = _pages(item for item, _ in warcs)
    package = _datapackage(entries, title)
    entries["datapackage.json"] = package
    entries["datapackage-digest.json"] = json.dumps(
        {"path": "datapackage.json", "hash": _hash(package)}, indent=2
    ).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out


def _cdxj(path: Path, name: str) -> list[str]:
    lines = []
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            if record.rec_type not in ("response", "resource", "revisit"):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            http = record.http_headers
            fields = {
                "url": url,
                "mime": (http.get_header("Content-Type") or "").split(";")[0] if http else "",
                "status": http.get_statuscode() if http else "200",
                "digest": record.rec_headers.get_header("WARC-Payload-Digest") or "",
                "filename": name,
            }
            warc_date = record.rec_headers.get_header("WARC-Date") or ""
            record.content_stream().read()  # to the end, so the length is known
            fields["offset"] = str(records.get_record_offset())
            fields["length"] = str(records.get_record_length())
            stamp = "".join(ch for ch in warc_date if ch.isdigit())[:14]
            lines.append(f"{surt(url)} {stamp} {json.dumps(fields, ensure_ascii=False)}\n")
    return lines


def surt(url: str) -> str:
    """Sort-friendly URL key of CDXJ: http://www.Shop.example:8080/a?b -> example,shop:8080)/a?b."""
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    host, _, port = host.lower().partition(":")
    if host.startswith("www."):
        host = host[4:]
    key = ",".join(reversed(host.split(".")))
    if port and port not in ("80", "443"):
        key += f":{port}"
    return f"{key})/{path}".lower()


def _pages(items) -> bytes:
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
    for item in items:
        lines.append(
            {
                "id": f"capture-{item.capture_id}",
                "url": item.url,
                "ts": _iso(item.captured_at),
                "title": item.title,
            }
        )
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def _datapackage(entries: dict[str, bytes], title: str) -> bytes:
    resources = [
        {"name": Path(name).name, "path": name, "hash": _hash(data), "bytes": len(data)}
        for name, data in entries.items()
    ]
    package = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": title,
        "created": _iso(datetime.now(UTC)),
        "software": "Patroli",
        "resources": resources,
    }
    return json.dumps(package, indent=2, ensure_ascii=False).encode()


def _hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
