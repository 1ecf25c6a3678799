"""The CDXJ index of a WACZ: one line per archived response, sorted by SURT key and time.

Patroli's WARCs are written one gzip member per record (warcio's WARCWriter), so a member's
offset and length are found by inflating it, and its headers read from its first bytes —
ten times faster than walking the records with warcio, which a 10,000-link letter notices.
Anything else (a plain WARC, an odd record) is indexed by warcio's ArchiveIterator instead.
"""

from __future__ import annotations

import json
import re
import zlib
from io import BytesIO

from warcio.archiveiterator import ArchiveIterator

INDEXED = (b"response", b"resource", b"revisit")
_WANTED = re.compile(
    rb"^(WARC-Type|WARC-Target-URI|WARC-Date|WARC-Payload-Digest|Content-Type):[ \t]*([^\r\n]*)",
    re.MULTILINE | re.IGNORECASE,
)


def lines(data: bytes, filename: str) -> list[str]:
    """Index lines of one WARC file's bytes (unsorted)."""
    try:
        return [_line(filename, **record) for record in _members(data)]
    except (zlib.error, ValueError, IndexError):
        return [_line(filename, **record) for record in _warcio(data)]


def surt(url: str) -> str:
    """Sort-friendly URL key: http://www.Shop.example:8080/a?b -> example,shop:8080)/a?b."""
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    host, _, port = host.lower().partition(":")
    if host.startswith("www."):
        host = host[4:]
    key = ",".join(reversed(host.split(".")))
    if port and port not in ("80", "443"):
        key += f":{port}"
    return f"{key})/{path}".lower()


def _line(filename: str, *, url: str, date: str, mime: str, status: str, digest: str,
          offset: int, length: int) -> str:  # fmt: skip
    fields = {"url": url, "mime": mime, "status": status, "digest": digest,
              "offset": str(offset), "length": str(length), "filename": filename}  # fmt: skip
    stamp = "".join(ch for ch in date if ch.isdigit())[:14]
    return f"{surt(url)} {stamp} {json.dumps(fields, ensure_ascii=False)}\n"


def _members(data: bytes):
    if not data.startswith(b"\x1f\x8b"):
        raise ValueError("not gzip per record")
    offset = 0
    view = memoryview(data)
    while offset < len(data):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        record = inflater.decompress(view[offset:])
        if not inflater.eof:
            raise ValueError("truncated gzip member")
        length = len(data) - offset - len(inflater.unused_data)
        head, _, block = record.partition(b"\r\n\r\n")
        headers = _headers(head)
        if headers.get(b"warc-type") in INDEXED:
            yield _record(headers, block, offset, length)
        offset += length


def _record(headers: dict[bytes, bytes], block: bytes, offset: int, length: int) -> dict:
    status, mime = "200", ""
    if block.startswith(b"HTTP/"):
        http_head = block.split(b"\r\n\r\n", 1)[0]
        status = http_head.split(b" ", 2)[1].decode()
        mime = _headers(http_head).get(b"content-type", b"").split(b";")[0].decode().strip()
    return {
        "url": headers.get(b"warc-target-uri", b"").decode(),
        "date": headers.get(b"warc-date", b"").decode(),
        "mime": mime,
        "status": status,
        "digest": headers.get(b"warc-payload-digest", b"").decode(),
        "offset": offset,
        "length": length,
    }


def _headers(head: bytes) -> dict[bytes, bytes]:
    """The few headers an index line needs (names lower-cased), from a header block."""
    return {name.lower(): value.strip() for name, value in _WANTED.findall(head)}


def _warcio(data: bytes):
    records = ArchiveIterator(BytesIO(data))
    for record in records:
        if record.rec_type.encode() not in INDEXED:
            continue
        http = record.http_headers
        found = {
            "url": record.rec_headers.get_header("WARC-Target-URI") or "",
            "date": record.rec_headers.get_header("WARC-Date") or "",
            "mime": (http.get_header("Content-Type") or "").split(";")[0] if http else "",
            "status": http.get_statuscode() if http else "200",
            "digest": record.rec_headers.get_header("WARC-Payload-Digest") or "",
        }
        record.content_stream().read()  # to the end, so the length is known
        yield {**found, "offset": records.get_record_offset(),
               "length": records.get_record_length()}  # fmt: skip
