"""Evidence files: a WARC warcio can read back, hashes that catch any change."""

from __future__ import annotations

import hashlib
import json
from io import BytesIO

from warcio.archiveiterator import ArchiveIterator

from casebook.services.evidence import verify_capture
from crawler.evidence import EvidenceStore, Exchange

PAGE = b"<html><body><h1>Jamu Kuat</h1><p>sildenafil</p></body></html>"


def _capture(tmp_path, **extra):
    store = EvidenceStore(tmp_path)
    exchange = Exchange(
        url="http://shop.example/p/jamu",
        method="GET",
        request_headers=[("User-Agent", "Patroli")],
        status=200,
        reason="OK",
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=PAGE,
    )
    return store.capture(url=exchange.url, kind="http", exchanges=[exchange], **extra)


def test_warc_holds_the_exchange_as_sent(tmp_path):
    record = _capture(tmp_path)
    manifest = tmp_path / record.manifest_path
    warc = manifest.parent / "response.warc.gz"
    records = [
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.http_headers,
         r.content_stream().read())
        for r in ArchiveIterator(BytesIO(warc.read_bytes()))
    ]  # fmt: skip
    assert [kind for kind, *_ in records] == ["warcinfo", "response", "request"]
    _, target, http_headers, body = records[1]
    assert target == "http://shop.example/p/jamu"
    assert http_headers.get_statuscode() == "200"
    assert body == PAGE


def test_manifest_records_every_file_hash_and_the_software(tmp_path):
    record = _capture(tmp_path, rendered_html=PAGE, screenshot=b"\x89PNG fake")
    manifest_path = tmp_path / record.manifest_path
    manifest = json.loads(manifest_path.read_text())
    assert {f["role"] for f in manifest["files"]} == {"warc", "rendered_html", "screenshot"}
    for entry in manifest["files"]:
        data = (manifest_path.parent / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert manifest["captured_at"].endswith("+00:00")
    assert {"python", "scrapy", "warcio"} <= set(manifest["software"])
    assert record.manifest_sha256 == hashlib.sha256(manifest_path.read_bytes()).hexdigest()


def test_verify_passes_untouched_and_catches_each_kind_of_tampering(tmp_path):
    record = _capture(tmp_path, rendered_html=PAGE)
    folder = (tmp_path / record.manifest_path).parent
    assert verify_capture(tmp_path, record.manifest_path, record.manifest_sha256) == []

    (folder / "rendered.html").write_bytes(PAGE.replace(b"sildenafil", b"vitamin C"))
    problems = verify_capture(tmp_path, record.manifest_path, record.manifest_sha256)
    assert [p.reason for p in problems] == ["SHA-256 mismatch"]

    (folder / "response.warc.gz").unlink()
    reasons = {p.reason for p in verify_capture(tmp_path, record.manifest_path, None)}
    assert reasons == {"SHA-256 mismatch", "file missing"}

    manifest = folder / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"http"', '"browser"'))
    reasons = {
        p.reason for p in verify_capture(tmp_path, record.manifest_path, record.manifest_sha256)
    }
    assert "manifest changed since capture" in reasons
