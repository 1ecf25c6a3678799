"""Is a shown, registered NIE the listing's own, or borrowed from another product?

DESIGN.md §3: `nie_mismatch` means the number is registered to a *different* product (name
or brand) or category. So a number is borrowed only when the listing positively offers
something else; a listing that names its product loosely is not:

- with the row's brand named: the rest of the row's name must be there, and when a sibling
  of the brand is named better, the row must still be told apart from it by a word of its
  own ("Serum Niacinamide ... lebih nyaman dari serum retinol" shows the niacinamide
  serum's number rightly; "Serum Retinol" with the vitamin C serum's number does not). A
  bundle names each of its products, so each of its numbers is its own;
- without the brand: borrowed when the listing names another registered product, when its
  headline names another brand before the product words ("Tunjung Baskara Derma Toner
  Niacinamide" for "Tanjung Sentana Aesthetic Toner Niacinamide"), when its product words
  miss most of the row's name ("Krim Pemutih Snow White" for a "Day Cream Vitamin C"), or
  when its words say another kind of product (a jamu showing a cosmetic's number). Named
  generically or by initials ("Paracetamol 500 mg", "Serum Vit C", "LA Serum Vitamin C" for
  Lumiere Ayu), the product is the row's own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from rules.catalogue import Catalogue
from rules.model import PublicWarning, RegistryProduct
from rules.names import GENERIC_WORDS, ListingWords, weight
from rules.registry import Candidate, RegistryIndex
from rules.text import name_tokens

BRAND_NAMED = 0.7  # share of the brand written as one phrase (as the registry's SAME_PRODUCT)
NAME_COVERED = 0.5  # share of the rest of the name (weighted) that makes it the same product
# Words of a headline that name neither a brand nor a product: promotion and shop talk.
_PROMO = frozenset((
    "promo", "sale", "diskon", "disc", "ori", "original", "asli", "ready", "stok", "stock",
    "paket", "hemat", "murah", "termurah", "best", "seller", "bestseller", "cod", "bisa",
    "grosir", "hot", "item", "new", "baru", "viral", "official", "store", "shop", "free",
    "ongkir", "kirim", "cepat", "jual", "dijual", "limited", "edisi", "bpom", "terdaftar",
    "harga", "spesial", "special", "flash", "big", "super", "premium", "import", "impor",
    "ecer", "eceran", "reseller", "agen", "distributor", "resmi", "authentic", "segel",
    "kemasan", "produk", "product", "pcs", "isi", "kak", "gan", "sis", "dan", "atau", "by",
    "untuk", "buat", "with", "varian", "size", "ukuran", "mini", "travel", "murmer", "obral",
    "gratis", "bonus", "packing", "aman", "legal", "no", "nomor", "reg", "nie", "pom", "ri",
    "registered", "cheap", "roll", "on", "spray", "pump", "tube", "refill", "stick", "jar",
    "pot", "strip", "box", "dus", "pack",
    # chat openers and where a product comes from: "Halo kak, ready lagi ...", "Korea ..."
    "halo", "hallo", "hai", "hi", "kakak", "bun", "bunda", "moms", "mom", "ya", "yaa", "nih",
    "dong", "lagi", "restock", "open", "order", "po", "preorder", "korea", "korean", "jepang",
    "japan", "thailand", "thai", "china", "usa", "lokal", "local", "indo",
))  # fmt: skip
# What a product promises, said before its name ("Cantik Alami Serum ...", "Ampuh Jamu ..."):
# no brand there, though after "by" such a word is one ("by Derma Putih").
_PROMISES = frozenset((
    "cantik", "putih", "bersih", "cerah", "mulus", "halus", "kenyal", "lembut", "segar",
    "wangi", "ampuh", "manjur", "mujarab", "sehat", "alami", "murni", "pure", "terbaik",
    "terlaris", "laris", "favorit", "best", "ajaib", "glowing", "awet", "muda", "lengkap",
    # and who it is for ("Sirup batuk anak")
    "anak", "dewasa", "bayi", "balita", "pria", "wanita", "cowok", "cewek", "remaja", "ibu",
    "hamil", "menyusui", "lansia", "kids", "men", "women", "adult", "adults",
))  # fmt: skip
# Units of a drug's or supplement's strength: another value is another registered product.
# Net contents (ml, gr) are not among them: one product is sold in several sizes.
_STRENGTH_UNITS = frozenset(("mg", "mcg", "iu", "ui"))
# The same product named in English or Indonesian: "Sabun Muka Jerawat" is a "Facial Wash
# Acne", "Krim Malam" a "Night Cream". Each pair is read both ways.
_SAME_MEANING = (
    ("facial", "muka"), ("facial", "wajah"), ("face", "wajah"), ("face", "muka"),
    ("wash", "sabun"), ("wash", "cuci"), ("wash", "pembersih"), ("cleanser", "pembersih"),
    ("night", "malam"), ("day", "siang"), ("sunscreen", "tabir"), ("sunscreen", "surya"),
    ("sunblock", "tabir"), ("sunblock", "surya"), ("fish", "ikan"), ("oil", "minyak"),
    ("calcium", "kalsium"), ("acne", "jerawat"), ("whitening", "pemutih"),
    ("brightening", "pencerah"), ("hair", "rambut"), ("body", "badan"), ("body", "tubuh"),
    ("cough", "batuk"), ("lip", "bibir"), ("moisturizer", "pelembab"),
    ("moisturizer", "pelembap"), ("ginger", "jahe"), ("turmeric", "kunyit"),
    ("honey", "madu"), ("coffee", "kopi"), ("tea", "teh"), ("milk", "susu"),
    ("collagen", "kolagen"), ("syrup", "sirup"), ("powder", "bubuk"), ("soap", "sabun"),
    ("paracetamol", "parasetamol"), ("vitamin", "vit"),
)  # fmt: skip
_MEANINGS: dict[str, set[str]] = {}
for _a, _b in _SAME_MEANING:
    _MEANINGS.setdefault(_a, set()).add(_b)
    _MEANINGS.setdefault(_b, set()).add(_a)
_STRONG_CUE = 3  # categories.toml: strong cue words weigh 3, weak ones 1
_BRAND_MARKERS = frozenset(("by", "merk", "merek", "brand", "cap", "from"))
# Kinds of product close enough that cue words cannot tell them apart reliably: a jamu, a
# supplement and a quasi drug share "kapsul herbal", "madu", "minyak angin"; food is food.
_FAMILY = {
    "pangan_olahan": "pangan", "pangan_irt": "pangan", "obat_tradisional": "herbal",
    "suplemen_kesehatan": "herbal", "obat_kuasi": "herbal", "obat": "obat",
    "kosmetik": "kosmetik",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Judgement:
    """Whether the shown number is the listing's own, and if not, why (for the evidence)."""

    own: bool
    why: str = ""


def judge(
    candidate: Candidate,
    named: Sequence[Candidate],
    words: ListingWords,
    headline: Sequence[str],
    catalogue: Catalogue,
    text_kinds: Callable[[], tuple[str | None, dict[str, int]]],
) -> Judgement:
    """`candidate`: the shown number's row compared with the listing; `named`: registered
    products the listing names (best first); `headline`: the headline's name words;
    `text_kinds`: the kind of product the text says (or None) and every kind its cue words
    point to, with the weight of the strongest cue (3 strong, 1 weak)."""
    row = candidate.row
    coverage = candidate.coverage
    strength = _other_strength(row, headline)
    if strength:
        return Judgement(False, f"kekuatan lain di judul: {strength}")
    if coverage.brand >= BRAND_NAMED:
        if coverage.name < NAME_COVERED and not _telling_words(row) & _read(words.present):
            return Judgement(False, "nama produk lain dari merek yang sama")
        sibling = _better_sibling(candidate, named)
        if sibling is not None and not _told_apart(row, sibling.row, words.present):
            return Judgement(False, f"iklan cocok dengan {sibling.row.product_name}")
        return Judgement(True)
    other = next((c for c in named if not _same_brand(c.row, row)), None)
    if other is not None:
        return Judgement(False, f"iklan cocok dengan {other.row.product_name}")
    if _brand_tail_only(row, words.present):
        return Judgement(False, "merek lain yang mirip: kata pertama merek tidak ada")
    own_words = _unexplained(row, headline, catalogue)
    if own_words and not _telling_words(row) <= _read(words.present):
        return Judgement(False, f"nama produk di iklan berbeda: {' '.join(own_words)}")
    lead = _another_brand(row, headline, catalogue) or _brand_after_marker(row, headline)
    if lead:
        return Judgement(False, f"merek lain di judul: {' '.join(lead)}")
    said, cues = text_kinds()
    family = _FAMILY.get(row.category)
    if cues.get(said or "", 0) >= _STRONG_CUE and family not in {_FAMILY[k] for k in cues}:
        return Judgement(False, f"kategori lain menurut teks iklan: {said}")
    return Judgement(True)


def _better_sibling(candidate: Candidate, named: Sequence[Candidate]) -> Candidate | None:
    """Another registered product the listing names better than the shown number's row."""
    if not named:
        return None
    best = named[0]
    if best.row.nie == candidate.row.nie or _same_name(best.row, candidate.row):
        return None  # the same product registered twice is not a borrowed NIE
    return best if best.score > candidate.score + 1e-9 else None


def named_by_its_own_word(registry: RegistryIndex, words: ListingWords) -> Candidate | None:
    """The one product of a brand named in full that the listing names by a word no other
    product of the brand has ("NutriBumi Effervescent 10 tab" is NutriBumi Vitamin C 1000 mg
    Tablet Effervescent): too short a name for `identify`, yet no other product it could be.
    A word the brand's products share ("Serum" of three serums) names none of them."""
    rows = [c for c in registry.names.covered(words) if c.brand >= 0.99]
    owners: dict[str, set[int]] = {}
    for coverage in rows:
        for word in _telling_words(registry.products[coverage.position]):
            owners.setdefault(word, set()).add(coverage.position)
    named = {next(iter(p)) for w, p in owners.items() if len(p) == 1 and w in words.present}
    if len(named) != 1:
        return None
    position = named.pop()
    coverage = next(c for c in rows if c.position == position)
    return Candidate(registry.products[position], coverage, registry.names.explain(position, words))


def _read(words: frozenset[str]) -> frozenset[str]:
    """The words, and the same words in the other language."""
    more = [m for w in words if w in _MEANINGS for m in _MEANINGS[w]]
    return words | frozenset(more) if more else words


def _telling_words(row: RegistryProduct) -> frozenset[str]:
    """The row's own name words that say which product it is ("Nastar" of "Dapur Ummi Kue
    Kering Nastar 250 gr"): a listing naming one of them with the brand names this product,
    however short ("Nastar Dapur Ummi 250gr")."""
    return _telling(row.product_name, row.brand)


@lru_cache(maxsize=65_536)  # rows of big brands come back listing after listing
def _telling(product_name: str, brand_name: str) -> frozenset[str]:
    brand = set(name_tokens(brand_name))
    return frozenset(w for w in name_tokens(product_name) if w not in brand and weight(w) == 1.0)


def _other_strength(row: RegistryProduct, headline: Sequence[str]) -> str:
    """A strength in the headline that the row's name has in the same unit with another
    value ("Ibuprofen 400 mg" showing a 200 mg tablet's number): another product."""
    registered = _strengths(tuple(name_tokens(row.product_name)))
    written = _strengths(tuple(headline))
    for unit, values in written.items():
        if unit in registered and not values & registered[unit]:
            return " ".join(f"{v} {unit}" for v in sorted(values))
    return ""


def _strengths(words: tuple[str, ...]) -> dict[str, set[str]]:
    """Strength unit -> the values written with it ("200", "mg" -> {"mg": {"200"}})."""
    out: dict[str, set[str]] = {}
    for value, unit in pairwise(words):
        if value.isdigit() and unit in _STRENGTH_UNITS:
            out.setdefault(unit, set()).add(value.lstrip("0") or "0")
    return out


def _brand_tail_only(row: RegistryProduct, present: frozenset[str]) -> bool:
    """The brand's later words without its first ("Glow Ayu" for "Lumiere Ayu"): a brand
    is known by its head word, so this is another brand that shares a word with it."""
    brand = [w for w in name_tokens(row.brand) if w not in GENERIC_WORDS]
    return len(brand) > 1 and brand[0] not in present and any(w in present for w in brand[1:])


def _unexplained(row: RegistryProduct, headline: Sequence[str], catalogue: Catalogue) -> list[str]:
    """Headline words that name something of their own: no promotion, promise or audience, no
    kind of product, no word of the row's name or brand ("Retinol Malam" of a "Serum Retinol
    Malam" showing a vitamin C serum's number; nothing in "Toner Wajah Segar"). With one of
    them and a telling word of the row missing, the listing names another product."""
    known = _read(frozenset(name_tokens(row.product_name))) | set(name_tokens(row.brand))
    return [
        w
        for w in headline
        if w not in known
        and w not in _PROMISES
        and not _filler(w)
        and not _product_type(w, catalogue)
    ]


def _brand_after_marker(row: RegistryProduct, headline: Sequence[str]) -> list[str]:
    """A brand introduced as one ("... by Derma Putih", "merk Kuda Mas") that is not the
    row's."""
    brand = set(name_tokens(row.brand))
    for i, word in enumerate(headline[:-1]):
        if word in _BRAND_MARKERS:
            named = [w for w in headline[i + 1 : i + 3] if not _filler(w)]
            if any(w not in brand for w in named):
                return named
    return []


def _told_apart(row: RegistryProduct, sibling: object, present: frozenset[str]) -> bool:
    """The listing names a telling word of the row that the better-named sibling lacks: both
    products are named (a bundle, a comparison), and the number is the row's own."""
    theirs = set(name_tokens(sibling.product_name))  # type: ignore[attr-defined]
    own = {w for w in name_tokens(row.product_name) if w not in theirs and weight(w) == 1.0}
    return bool(own & present)


def _another_brand(
    row: RegistryProduct, headline: Sequence[str], catalogue: Catalogue
) -> list[str]:
    """Words before the product words of the headline that name a brand, not this row's:
    nothing but promotion, product-type words, measures and the row's own brand (or its
    initials) may stand there."""
    name = _read(frozenset(name_tokens(row.product_name)))
    brand = name_tokens(row.brand)
    initials = "".join(w[0] for w in brand if w)
    lead: list[str] = []
    for word in headline:
        if word in name and word not in brand:
            break
        if word in brand or word == initials or word in _PROMISES or _filler(word):
            continue
        if _product_type(word, catalogue):
            continue
        lead.append(word)
    return lead


def _filler(word: str) -> bool:
    return word in _PROMO or word in GENERIC_WORDS or not word.isalpha() or len(word) < 2


def _product_type(word: str, catalogue: Catalogue) -> bool:
    return bool(catalogue.category_cues.find([word]))


def _same_brand(a: RegistryProduct | PublicWarning, b: RegistryProduct | PublicWarning) -> bool:
    return a.brand.casefold().split() == b.brand.casefold().split()


def _same_name(a: RegistryProduct | PublicWarning, b: RegistryProduct | PublicWarning) -> bool:
    return a.product_name.casefold().split() == b.product_name.casefold().split()
