"""Evidence that holds up later: WARC of what the server sent, rendered HTML, screenshot,
and a manifest with the SHA-256 of every file, the UTC capture time and the software used."""

from __future__ import annotations

import hashlib
import json
import platform
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from casebook.services.evidence import MANIFEST, CaptureRecord

# Headers that describe an encoding the stored body no longer has.
_TRANSPORT_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, as seen on the wire or by the browser."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes
    decoded: bool = False  # the browser hands bodies back already content-decoded
    truncated: bool = False


def software_versions(browser: str | None = None) -> dict[str, str]:
    found = dict(_package_versions())
    if browser:
        found["chromium"] = browser
    return found


@cache
def _package_versions() -> tuple[tuple[str, str], ...]:
    found = [("python", platform.python_version())]
    for package in ("patroli", "scrapy", "scrapy-playwright", "playwright", "warcio"):
        try:
            found.append((package, version(package)))
        except Exception:  # a missing distribution is not a reason to lose evidence
            found.append((package, "unknown"))
    return tuple(found)


class EvidenceStore:
    """Writes one folder per capture under `<data dir>/evidence/YYYY/MM/DD/`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "evidence"

    def capture(
        self,
        *,
        url: str,
        kind: str,
        exchanges: list[Exchange],
        rendered_html: bytes | None = None,
        screenshot: bytes | None = None,
        browser: str | None = None,
        now: datetime | None = None,
    ) -> CaptureRecord:
        captured_at = now or datetime.now(UTC)
        folder = self._new_folder(url, captured_at)
        files = [self._write(folder, "response.warc.gz", "warc", _warc(exchanges, captured_at))]
        if rendered_html is not None:
            files.append(self._write(folder, "rendered.html", "rendered_html", rendered_html))
        if screenshot is not None:
            files.append(self._write(folder, "screenshot.png", "screenshot", screenshot))
        status = exchanges[0].status if exchanges else None
        software = software_versions(browser)
        manifest = {
            "url": url,
            "kind": kind,
            "captured_at": captured_at.isoformat(),
            "status": status,
            "software": software,
            "exchanges": [
                {"url": e.url, "status": e.status, "bytes": len(e.body), "truncated": e.truncated}
                for e in exchanges
            ],
            "files": files,
        }
        manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        (folder / MANIFEST).write_bytes(manifest_bytes)
        return CaptureRecord(
            url=url,
            kind=kind,
            status_code=status,
            captured_at=captured_at,
            manifest_path=str((folder / MANIFEST).relative_to(self.data_dir)),
            manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
            files=files,
            software=software,
        )

    def _new_folder(self, url: str, at: datetime) -> Path:
        token = hashlib.sha1(url.encode()).hexdigest()[:10]
        name = f"{at:%H%M%S}-{token}-{secrets.token_hex(3)}"
        folder = self.root / f"{at:%Y}" / f"{at:%m}" / f"{at:%d}" / name
        folder.mkdir(parents=True, exist_ok=False)
        return folder

    def _write(self, folder: Path, name: str, role: str, data: bytes) -> dict[str, Any]:
        (folder / name).write_bytes(data)
        return {
            "role": role,
            "path": name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
        }


def _warc(exchanges: list[Exchange], at: datetime) -> bytes:
    buffer = BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(
        writer.create_warcinfo_record(
            "response.warc.gz",
            {
                "software": "Patroli",
                "format": "WARC File Format 1.1",
                "captured-at": at.isoformat(),
            },
        )
    )
    warc_date = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    for exchange in exchanges:
        for record in _records(writer, exchange, warc_date):
            writer.write_record(record)
    return buffer.getvalue()


def _records(writer: WARCWriter, exchange: Exchange, warc_date: str):
    headers = exchange.response_headers
    if exchange.decoded:
        headers = [(k, v) for k, v in headers if k.lower() not in _TRANSPORT_HEADERS]
    warc_headers = {"WARC-Date": warc_date}
    if exchange.truncated:
        warc_headers["WARC-Truncated"] = "length"
    response = writer.create_warc_record(
        exchange.url,
        "response",
        payload=BytesIO(exchange.body),
        length=len(exchange.body),
        http_headers=StatusAndHeaders(
            f"{exchange.status} {exchange.reason or 'Unknown'}", headers, protocol="HTTP/1.1"
        ),
        warc_headers_dict=warc_headers,
    )
    target = exchange.url.split("/", 3)
    path = "/" + (target[3] if len(target) > 3 else "")
    request = writer.create_warc_record(
        exchange.url,
        "request",
        http_headers=StatusAndHeaders(
            f"{exchange.method} {path} HTTP/1.1",
            exchange.request_headers,
            is_http_request=True,
        ),
        warc_headers_dict={
            "WARC-Date": warc_date,
            "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
        },
    )
    return response, request
