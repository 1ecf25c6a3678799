"""NIE (nomor izin edar) shapes, normalisation and extraction from free text (DESIGN.md §3).

Extraction separates two questions: "is a registration number being claimed here?" and
"is it well-formed for its prefix?". A number with a known prefix and the right digit count
is taken on its own; a wrong count only counts as a claim when registration wording
("BPOM RI", "No. Reg", "Notifikasi", "P-IRT" ...) stands right before it, or the prefix is
glued to a long digit run ("MD506420913"). Phone numbers, prices, barcodes, halal numbers
and order ids carry no NIE prefix and so are never read as NIEs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.text import fold

# prefix pattern -> (category, accepted digit counts). Obat NIEs also end in letter + digit.
_SHAPES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("PIRT", "pangan_irt", (15,)),
    ("[DG][BTKPN][LIEX]", "obat", (10,)),
    ("TR|TI|TL|HT|FF", "obat_tradisional", (9,)),
    ("SD|SI|SL", "suplemen_kesehatan", (9,)),
    ("N[A-E]", "kosmetik", (11,)),
    ("MD|ML", "pangan_olahan", (12, 15)),
    ("QD|QI|QL", "obat_kuasi", (9,)),
)
_PREFIX_RULES = [(re.compile(f"(?:{p})$"), category, counts) for p, category, counts in _SHAPES]
_WELL_FORMED = re.compile(
    r"^(?:PIRT\d{15}|[DG][BTKPN][LIEX]\d{10}[A-Z]\d|(?:TR|TI|TL|HT|FF)\d{9}"
    r"|(?:SD|SI|SL)\d{9}|N[A-E]\d{11}|M[DL](?:\d{12}|\d{15})|Q[DIL]\d{9})$"
)
PRESCRIPTION_CLASSES = {"K": "keras", "P": "psikotropika", "N": "narkotika"}

# A candidate: a known prefix, optional separators (line breaks allowed: "BPOM RI\nTR 26..."),
# digit groups split by single spaces, dots or dashes, then for obat a letter + digit.
_CANDIDATE = re.compile(
    r"(?<![0-9a-z])"
    r"(?P<prefix>(?:sp)?p[ .\-]?irt|[dg][btkpn][liex]|t[ril]|ht|ff|s[dil]|n[a-e]|m[dl]|q[dil])"
    r"(?P<sep>[ \t.:\-]*(?:\n[ \t.:\-]*)?(?:no[ .:]*)?)"
    r"(?P<digits>\d+(?:[ .\-]\d+)*)"
    r"(?P<suffix>[ .\-]?[a-z][ .\-]?\d(?![0-9a-z]))?"
    r"(?![0-9a-z])"
)
# Registration wording right before a bare number: "No. BPOM: 123.456.789".
_BARE_CLAIM = re.compile(
    r"(?<![0-9a-z])(?:bpom|pom|nie|no\.? ?reg|izin edar|ijin edar|notifikasi)"
    r"(?:[ \t.:\-]|\bri\b|\bno\b|\bnomor\b)*?"
    r"(?P<digits>\d{2,}(?:[ .\-]\d+)*)(?![0-9a-z])"
)
_WORDING_HINT = re.compile(r"pom|nie|reg|edar|notifikasi")
_WORDING = {
    "bpom", "pom", "ri", "nie", "no", "nomor", "reg", "registrasi", "notifikasi", "izin",
    "ijin", "edar", "terdaftar", "depkes", "dinkes", "badan", "kode", "sudah", "legal", "spp",
    "irt", "p", "nomer", "num", "number", "noreg", "reg.",
}  # fmt: skip
_STRONG_WORDING = {"bpom", "pom", "nie", "reg", "registrasi", "notifikasi", "edar", "noreg"}
_STRONG_WORDING |= {"depkes", "dinkes", "irt"}
_WORD_BACK = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True, slots=True)
class NieMention:
    """A registration number claimed in a listing, as written and as normalized."""

    raw: str
    nie: str  # normalized: prefix + digits (+ letter + digit), uppercase, no separators
    category: str | None  # from the prefix; None when no known prefix was written
    well_formed: bool
    field: str = ""
    start: int = -1
    end: int = -1

    @property
    def drug_class(self) -> str | None:
        return drug_class(self.nie) if self.well_formed else None


def normalize_nie(raw: str) -> str:
    """Normalized form: 'BPOM RI MD 867.028.042.317' -> 'MD867028042317', 'P-IRT' -> 'PIRT'."""
    text = fold(raw)
    text = re.sub(r"\b(?:bpom|pom|ri|nie|no|nomor|reg|notifikasi|izin|edar)\b\.?", " ", text)
    text = re.sub(r"(?:sp)?p[ .\-]?irt", "pirt", text)
    return re.sub(r"[^0-9a-z]", "", text).upper()


def is_well_formed(nie: str) -> bool:
    return bool(_WELL_FORMED.match(nie))


def nie_category(nie: str) -> str | None:
    """The category a normalized NIE's prefix stands for (None when the prefix is unknown)."""
    for prefix_len in (4, 3, 2):
        prefix = nie[:prefix_len]
        for pattern, category, _ in _PREFIX_RULES:
            if pattern.match(prefix):
                return category
    return None


def drug_class(nie: str) -> str | None:
    """The class letter of an obat NIE (2nd letter: B, T, K, P, N); None for other categories."""
    if len(nie) >= 3 and nie[0] in "DG" and nie[1] in "BTKPN" and nie[2] in "LIEX":
        return nie[1]
    return None


def is_prescription_class(nie: str) -> bool:
    return drug_class(nie) in PRESCRIPTION_CLASSES


def extract_nies(text: str, field: str = "") -> list[NieMention]:
    """Every registration number claimed in `text`, well-formed or not, in order of appearance."""
    if not text:
        return []
    folded = fold(text)
    mentions: list[NieMention] = []
    taken: list[tuple[int, int]] = []
    for match in _CANDIDATE.finditer(folded):
        mention = _read_candidate(text, folded, match, field)
        if mention is not None:
            mentions.append(mention)
            taken.append((match.start(), match.end()))
    bare = _BARE_CLAIM.finditer(folded) if _WORDING_HINT.search(folded) else ()
    for match in bare:
        start, end = match.span("digits")
        if any(s < end and start < e for s, e in taken) or _looks_like_phone(match["digits"]):
            continue
        digits = re.sub(r"\D", "", match["digits"])
        if len(digits) < 6:
            continue
        mentions.append(NieMention(text[start:end], digits, None, False, field, start, end))
    mentions.sort(key=lambda m: m.start)
    return mentions


def _read_candidate(text: str, folded: str, match: re.Match, field: str) -> NieMention | None:
    prefix = re.sub(r"[^a-z]", "", match["prefix"]).upper()
    if prefix.endswith("IRT"):
        prefix = "PIRT"  # "SPP-IRT" (the certificate) carries the same P-IRT number
    category, counts = _shape_of(prefix)
    groups = re.split(r"[ .\-]", match["digits"])
    suffix = re.sub(r"[^0-9a-z]", "", match["suffix"] or "").upper()
    used = _groups_used(groups, counts, whole=category == "obat")
    if used:
        nie = prefix + "".join(groups[:used])
        end = _end_of_groups(match, groups, used)
        if category == "obat":
            if not suffix:
                return _malformed(text, folded, match, prefix, field)
            nie += suffix
            end = match.end("suffix")
        if is_well_formed(nie):
            return NieMention(
                text[match.start() : end], nie, category, True, field, match.start(), end
            )
    return _malformed(text, folded, match, prefix, field)


def _groups_used(groups: list[str], counts: tuple[int, ...], *, whole: bool) -> int:
    """How many digit groups make the NIE: all of them if that fits ("MD.499.756.043.972.233"
    is 15 digits, not 12), else the shortest run that fits ("NA18216628540 2 pcs")."""
    totals = [sum(len(g) for g in groups[: k + 1]) for k in range(len(groups))]
    if totals[-1] in counts:
        return len(groups)
    if whole:
        return 0
    return next((k + 1 for k, total in enumerate(totals) if total in counts), 0)


def _malformed(
    text: str, folded: str, match: re.Match, prefix: str, field: str
) -> NieMention | None:
    digits = re.sub(r"\D", "", match["digits"])
    glued = match["sep"] == "" and len(digits) >= 6
    if not (glued or prefix == "PIRT" or _wording_before(folded, match.start())):
        return None
    if _looks_like_phone(match["digits"]) and prefix != "PIRT":
        return None
    category, _ = _shape_of(prefix)
    end = match.end() if category == "obat" else match.end("digits")
    raw = text[match.start() : end]
    return NieMention(raw, normalize_nie(raw), category, False, field, match.start(), end)


def _wording_before(folded: str, start: int) -> bool:
    """True when only registration wording ("BPOM RI", "No. Reg:") stands right before `start`."""
    window = folded[max(0, start - 40) : start]
    if re.search(r"\n\s*\n", window):
        window = window[window.rfind("\n") :]
    words = _WORD_BACK.findall(window)
    strong = False
    for word in reversed(words):
        if word not in _WORDING:
            break
        strong = strong or word in _STRONG_WORDING
    return strong


def _end_of_groups(match: re.Match, groups: list[str], used: int) -> int:
    # groups are split by single separator characters, so lengths add up exactly
    return match.start("digits") + sum(len(g) for g in groups[:used]) + used - 1


def _shape_of(prefix: str) -> tuple[str | None, tuple[int, ...]]:
    for pattern, category, counts in _PREFIX_RULES:
        if pattern.match(prefix):
            return category, counts
    return None, ()


def _looks_like_phone(digits: str) -> bool:
    bare = re.sub(r"\D", "", digits)
    return bare.startswith(("08", "628")) and 10 <= len(bare) <= 14
