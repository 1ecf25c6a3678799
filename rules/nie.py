"""NIE (nomor izin edar) shapes, normalisation and extraction from free text (DESIGN.md §3).

Extraction separates two questions: "what number is written after this prefix?" and "is it
well-formed for its prefix?". The number is read whole: every digit group after a known
prefix, across spaces, dots, dashes and a wrapped line, in any grouping. Only a space may
part it from an unrelated number that follows: a quantity ("2 pcs"), a phone number, or
whatever follows a complete number printed in one piece or grouped by dots or dashes
("NA41234567890 2", "TR.412.556.781 25.000"). The digit count then decides well-formed or
malformed; a wrong count is never cut down to a right one ("MD 4120 3456 7890 1" is 13
digits, malformed).

A well-formed number counts as claimed on its own. A malformed one counts when registration
wording ("BPOM RI", "No. Reg", "terdaftar BPOM dengan nomor", "P-IRT" ...) stands before
it, or when the prefix is written as a code, with at least six digits: glued or joined by a
dot or dash to its digits ("md412345678", "md-412-345-678"), or in capitals ("MD 4123 4567
8"). Phone numbers, prices, barcodes, halal numbers and order ids carry no NIE prefix;
"100 ml 25.000" is a unit, and a prefix labelled as something else ("SKU", "resi", a bank
account) is not a registration number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

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
# digit groups parted by a space, or a dot or dash (with or without a space after it), then for
# obat a letter + digit.
_DIGIT_SEP = r"(?:[ \t]?[.\-][ \t]?|[ \t])"  # "2053578010234 - 27" too
_DIGIT_RUN = rf"\d+(?:{_DIGIT_SEP}\d+)*"
# Words a number may run into without a space ("md224411330099exp2027", "...ed12/27").
_GLUED_AFTER = r"(?:exp|ed\d|ed\b|halal|isi|netto|bpom|pom)"
_CANDIDATE = re.compile(
    # a prefix starts a word, or is glued to the wording before it ("BPOMNA1850...")
    r"(?:(?<![0-9a-z])|(?<=pom)|(?<=nie)|(?<=reg))"
    r"(?P<prefix>(?:sp)?p[ .\-]?irt|[dg][btkpn][liex]|t[ril]|ht|ff|s[dil]|n[a-e]|m[dl]|q[dil])"
    r"(?P<sep>[ \t.:\-]*(?:\n[ \t.:\-]*)?(?:no[ .:]*)?)"
    rf"(?P<digits>{_DIGIT_RUN})"
    r"(?P<suffix>[ .\-]?[a-z][ .\-]?\d(?![0-9a-z]))?"
    rf"(?![0-9])(?!(?!{_GLUED_AFTER})[a-z])"
)
_GROUP = re.compile(r"\d+")
# en and em dashes, minus signs and hyphen look-alikes read as "-" (one character each, so
# offsets stay those of the text)
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
# The number goes on after a line break ("BPOM RI MD 4123 4567\n8901"): only digits on that
# line, so "MD 412345678\n250 gr" or "...\n250.000 aja" never join.
_WRAPPED = re.compile(rf"[ \t]*\n[ \t]*(?P<digits>{_DIGIT_RUN})[ \t]*(?:\n|$)")
# A digit group followed by one of these is a quantity, measure, price or age, not part of a
# number.
_QUANTITY = re.compile(
    r"[ \t]*(?:pcs|pc|buah|bh|biji|btl|botol|box|boks|dus|pack|pak|pax|sachet|saset|sct|strip"
    r"|tablet|tab|kapsul|kaps|caps|kaplet|pil|gr|g|gram|kg|mg|mcg|ml|l|lt|liter|cc|oz|lusin"
    r"|cm|mm|m|w|v|mah"
    r"|x|pot|jar|tube|pouch|kantong|bungkus|bks|rb|ribu|k|jt|juta|thn|tahun|bln|bulan|hari"
    r"|minggu|%)(?![0-9a-z])"
)
# Thousands ("1.250.000"), dates ("12-12-1990") and year ranges ("2024-2025").
_COUNT_OR_DATE = re.compile(
    r"\d{1,3}(?:\.\d{3})+|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d\d|(?:19|20)\d\d-(?:19|20)\d\d"
)
# a price as sellers print it: thousands by dots, in round hundreds ("125.000", "1.250.500")
_PRICE = re.compile(r"\d{1,3}(?:\.\d{3})*\.\d00")
_YEAR = re.compile(r"(?:19|20)\d\d")
_MIN_CLAIMED_DIGITS = 6  # fewer digits after a bare prefix: "SD 6 tahun", "NB: 2 pcs"
# Registration wording right before a bare number: "No. BPOM: 123.456.789".
_BARE_CLAIM = re.compile(
    r"(?<![0-9a-z])(?:bpom|pom|nie|no\.? ?reg|izin edar|ijin edar|notifikasi)"
    r"(?:[ \t.:\-]|\b(?:ri|no|nomor|dengan|dgn|yaitu|yakni|adalah|terdaftar)\b)*?"
    r"(?P<digits>\d{2,}(?:[ .\-]\d+)*)(?![0-9a-z])"
)
_WORDING_HINT = re.compile(r"pom|nie|reg|edar|notifikasi")
_WORDING = {
    "bpom", "pom", "ri", "nie", "no", "nomor", "reg", "registrasi", "notifikasi", "izin",
    "ijin", "edar", "terdaftar", "depkes", "dinkes", "badan", "kode", "sudah", "legal", "spp",
    "irt", "p", "nomer", "num", "number", "noreg", "reg.",
    # the words that join wording to its number: "terdaftar di BPOM dengan nomor ..."
    "dengan", "di", "yaitu", "yakni", "adalah", "telah", "resmi", "asli", "ada", "punya",
    "memiliki", "ber", "sdh", "udah", "dgn", "yg", "nya",
}  # fmt: skip
_STRONG_WORDING = {"bpom", "pom", "nie", "reg", "registrasi", "notifikasi", "edar", "noreg"}
_STRONG_WORDING |= {"depkes", "dinkes", "irt"}
# Words that label a number as something else: a product code, a parcel, an order, a barcode,
# a bank account, a phone, a halal certificate ("Kode SKU: SD-2231-889", "Bank DKI 12...").
_OTHER_IDS = {
    "sku", "resi", "awb", "order", "pesanan", "invoice", "inv", "transaksi", "tracking",
    "barcode", "ean", "upc", "gtin", "rek", "rekening", "norek", "bank", "akun", "va",
    "hp", "wa", "telp", "tlp", "telepon", "whatsapp", "halal", "mui", "voucher", "kupon",
    "model", "serial", "sn", "imei", "batch", "lot",
    # bank names that are no ordinary word (not "mandiri", "permata", "jago": brands use them)
    "bca", "bri", "bni", "bsi", "btn", "bjb", "cimb", "ocbc", "btpn", "maybank", "seabank",
}  # fmt: skip
_LABEL_FILLER = {"no", "nomor", "nomer", "nr", "kode", "contoh", "id", "number", "num"}
_WORD_BACK = re.compile(r"[0-9a-z]+")
_CLAUSE_BREAK = re.compile(r"[\n,;!?|()]|\.(?!\d)")


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


def shape_note(nie: str) -> str:
    """Why a normalized number is not well-formed, in the officer's language (Indonesian):
    "MD: 13 digit, seharusnya 12 atau 15 digit"."""
    category = nie_category(nie)
    prefix_len = 4 if nie.startswith("PIRT") else 3 if category == "obat" else 2
    prefix, rest = nie[:prefix_len], nie[prefix_len:]
    _, counts = _shape_of(prefix)
    digits = len(re.match(r"\d*", rest).group())
    wanted = " atau ".join(str(c) for c in counts)
    if category == "obat":
        return f"{prefix}: {digits} digit, seharusnya 10 digit lalu huruf dan angka"
    return f"{prefix}: {digits} digit, seharusnya {wanted} digit"


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
    folded = fold(text).translate(_DASHES)
    mentions: list[NieMention] = []
    taken: list[tuple[int, int]] = []
    for match in _CANDIDATE.finditer(folded):
        mention = _read_candidate(text, folded, match, field)
        if mention is not None:
            mentions.append(mention)
            taken.append((match.start(), max(match.end(), mention.end)))
    bare = _BARE_CLAIM.finditer(folded) if _WORDING_HINT.search(folded) else ()
    for match in bare:
        start, end = match.span("digits")
        if any(s < end and start < e for s, e in taken) or _not_a_number(match["digits"]):
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
    if _is_unit(folded, match) or _labelled_otherwise(folded, match.start()):
        return None
    category, counts = _shape_of(prefix)
    groups = _digit_groups(folded, match, counts, obat=category == "obat")
    digits = "".join(folded[s:e] for s, e in groups)
    end = groups[-1][1]
    nie = prefix + digits
    if category == "obat" and end == match.end("digits") and match["suffix"]:
        nie += re.sub(r"[^0-9a-z]", "", match["suffix"]).upper()
        end = match.end("suffix")
    start = match.start()
    if is_well_formed(nie):
        return NieMention(text[start:end], nie, category, True, field, start, end)
    if not _claims_malformed(text, folded, match, prefix, digits, end):
        return None
    raw = text[start:end]
    return NieMention(raw, normalize_nie(raw), category, False, field, start, end)


def _digit_groups(
    folded: str, match: re.Match, counts: tuple[int, ...], *, obat: bool
) -> list[tuple[int, int]]:
    """The spans of the digit groups that make the number written after the prefix."""
    base = match.start("digits")
    groups = [(base + g.start(), base + g.end()) for g in _GROUP.finditer(match["digits"])]
    used = _groups_used(folded, groups, counts)
    if used < len(groups) or obat or _digit_count(groups) >= min(counts):
        return groups[:used]
    wrapped = _WRAPPED.match(folded, groups[-1][1])
    if wrapped:  # a number broken over two lines
        base = wrapped.start("digits")
        more = [(base + g.start(), base + g.end()) for g in _GROUP.finditer(wrapped["digits"])]
        if _digit_count(groups + more) in counts:
            return groups + more
    return groups


def _groups_used(folded: str, groups: list[tuple[int, int]], counts: tuple[int, ...]) -> int:
    """How many digit groups belong to the number: all of them, unless a space parts them
    from a quantity, a phone number, or from a number already printed whole in one piece."""
    used = len(groups)
    spaced = [False] + [_spaced(folded[a[1] : b[0]]) for a, b in pairwise(groups)]
    if used > 1 and spaced[-1] and _QUANTITY.match(folded, groups[-1][1]):
        used -= 1  # "NA 4123 4567 890 2 pcs"
    if _digit_count(groups[:used]) in counts:
        return used
    if _year_after(folded, groups[:used], spaced) and _digit_count(groups[: used - 1]) in counts:
        return used - 1  # "NA 1850 1234 561 2024": a year after a complete number
    for k in range(1, used):
        if (
            spaced[k]
            and _digit_count(groups[:k]) in counts
            and _looks_like_phone(folded[groups[k][0] : groups[used - 1][1]])
        ):
            return k  # "TR 123 456 789 0812 3456 7890"
    # a number printed in one piece or grouped by dots or dashes ends where a space comes:
    # "NA41234567890 2", "TR.123.456.789 2024" (spaced groups give no such sign)
    head = 1
    while head < used and not spaced[head]:
        head += 1
    if head < used and _digit_count(groups[:head]) in counts:
        return head
    return used


def _year_after(folded: str, groups: list[tuple[int, int]], spaced: list[bool]) -> bool:
    """The last group is a year after a number whose grouping had already ended: its last
    group shorter than the one before ("1850 1234 561 2024"), so the year is no fifth group
    of an even grouping ("5540 7915 6676 2097" is one number, 16 digits)."""
    if len(groups) < 3 or not spaced[len(groups) - 1]:
        return False
    (a, b), (c, d), (e, f) = groups[-3:]
    return bool(_YEAR.fullmatch(folded, e, f)) and d - c < b - a


def _claims_malformed(
    text: str, folded: str, match: re.Match, prefix: str, digits: str, end: int
) -> bool:
    """Whether a number that is not well-formed is still claimed as a registration number."""
    if prefix == "PIRT":
        return True  # "P-IRT" is registration wording in itself
    # "NB 0812 3456 7890" is a phone, even after "BPOM" on the line before; "FF-628 235 090 7"
    # joins prefix and digits as a code does, so it is a (malformed) number all the same
    if _looks_like_phone(digits) and match["sep"] not in ("-", "."):
        return _wording_before(folded, match.start(), same_line=True)
    if _wording_before(folded, match.start()):
        return True
    if len(digits) < _MIN_CLAIMED_DIGITS or _QUANTITY.match(folded, end):
        return False  # too short for a bare code, or a measure: "TL 155-160 cm"
    if match["sep"] in ("", ".", "-"):
        return True  # "md412345678", "md-412-345-678": a code, not a word and a number
    if not text[match.start("prefix") : match.end("prefix")].isupper():
        return False
    # a capitalised prefix, a space, then a number: not a count or date ("SD 1.000.000 terjual")
    return not _COUNT_OR_DATE.fullmatch(folded, match.start("digits"), end)


def _is_unit(folded: str, match: re.Match) -> bool:
    """'ml' after a number is millilitres ("botol 100 ml 25.000"), not a food NIE prefix."""
    if match["prefix"] != "ml":
        return False
    before = folded[max(0, match.start() - 4) : match.start()].rstrip(" \t")
    return before[-1:].isdigit()


def _labelled_otherwise(folded: str, start: int) -> bool:
    """True when the label right before `start` names another kind of number ("Kode SKU:",
    "No. pesanan:", "Resi", "Bank DKI"); "No.", "kode", "contoh" are looked through."""
    clause = _CLAUSE_BREAK.split(folded[max(0, start - 40) : start])[-1]
    for word in reversed(_WORD_BACK.findall(clause)):
        if word not in _LABEL_FILLER:
            return word in _OTHER_IDS
    return False


def _wording_before(folded: str, start: int, *, same_line: bool = False) -> bool:
    """True when only registration wording ("BPOM RI", "No. Reg:") stands right before `start`
    (on the same line, or on the line before when not `same_line`)."""
    window = folded[max(0, start - 60) : start]
    if same_line or re.search(r"\n\s*\n", window):
        window = window[window.rfind("\n") + 1 :]
    words = _WORD_BACK.findall(window)
    strong = False
    for word in reversed(words):
        if word not in _WORDING:
            break
        strong = strong or word in _STRONG_WORDING
    return strong


def _spaced(separator: str) -> bool:
    return " " in separator or "\t" in separator


def _digit_count(groups: list[tuple[int, int]]) -> int:
    return sum(end - start for start, end in groups)


def _shape_of(prefix: str) -> tuple[str | None, tuple[int, ...]]:
    for pattern, category, counts in _PREFIX_RULES:
        if pattern.match(prefix):
            return category, counts
    return None, ()


def _not_a_number(digits: str) -> bool:
    """A phone, or a price in thousands ("Original BPOM 125.000 free ongkir")."""
    return _looks_like_phone(digits) or bool(_PRICE.fullmatch(digits))


def _looks_like_phone(digits: str) -> bool:
    bare = re.sub(r"\D", "", digits)
    return bare.startswith(("08", "628")) and 10 <= len(bare) <= 14
