"""Boilerplate: long spans of text copied verbatim onto many shops.

Resellers paste their supplier's text ("Produk ORIGINAL dari distributor resmi, order partai
besar hubungi 0812..., transfer BCA ...") word for word, with the supplier's phone and bank in
it; so do members of a dropship group. The identifiers inside such a span are the supplier's,
and they come TOGETHER on every copy — so two of them agreeing on the same accounts is one piece
of evidence, not two, and on a handful of accounts they are too rare for the frequency cap.

A span is a segment of the text (split at line breaks and the separators sellers use: | • —)
at least `MIN_SPAN` characters long after folding case and whitespace; it is fingerprinted
(crc32) and the identifiers written inside it are remembered with the fingerprint
(`Account.spans`). The linker treats an identifier written inside a span that two or more
accounts repeat as needing corroboration, whatever its frequency: it joins only accounts the
other evidence relates (same group, city, look-alike names — `rules.profiling.hubs`), so a
copied template's supplier number joins nothing, while an actor who pastes the same bio onto
all of its shops is still joined by the same city and names. A short span ("WA 0812...") is
how everybody writes a number and says nothing.
"""

from __future__ import annotations

import re
import zlib

from rules.identifiers import extract_identifiers

MIN_SPAN = 40
_SEGMENTS = re.compile(r"\n|\s[|•—]\s|\s-\s")
_SPACE = re.compile(r"\s+")


def long_spans(text: str) -> list[tuple[int, str]]:
    """(fingerprint, segment) of every segment of at least MIN_SPAN characters, folded."""
    spans = []
    for segment in _SEGMENTS.split(text):
        folded = _SPACE.sub(" ", segment).strip().lower()
        if len(folded) >= MIN_SPAN:
            spans.append((zlib.crc32(folded.encode("utf-8")), segment))
    return spans


def spans_of(text: str, own: set[tuple[str, str]]) -> tuple[tuple[str, str, int], ...]:
    """(kind, value, fingerprint) for each of the account's own identifiers written inside a
    long span."""
    found: dict[tuple[str, str, int], None] = {}
    for fingerprint, segment in long_spans(text):
        for identifier in extract_identifiers(segment):
            key = (identifier.kind.removeprefix("third_party_"), identifier.value)
            if key in own:
                found[(*key, fingerprint)] = None
    return tuple(found)
