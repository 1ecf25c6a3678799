"""NIE extraction: every category of the formats table, real-world writing, and hard negatives."""

from __future__ import annotations

import pytest

from rules.nie import (
    drug_class,
    extract_nies,
    is_well_formed,
    nie_category,
    normalize_nie,
    shape_note,
)


def claimed(text: str) -> list[tuple[str, bool]]:
    return [(m.nie, m.well_formed) for m in extract_nies(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # one per category, as printed
        ("No. Reg: DKL 4410293857 B2", [("DKL4410293857B2", True)]),
        ("Reg. GPL7720184455A1 asli", [("GPL7720184455A1", True)]),
        ("POM TR 312456789", [("TR312456789", True)]),
        ("BPOM RI HT.412.556.781", [("HT412556781", True)]),
        ("bpom ff412556781", [("FF412556781", True)]),
        ("No. POM: SI.301.998.776", [("SI301998776", True)]),
        ("Notifikasi BPOM NC 12345678901", [("NC12345678901", True)]),
        ("BPOM RI MD 412345678901", [("MD412345678901", True)]),
        ("BPOM RI ML.412.345.678.901.234", [("ML412345678901234", True)]),  # 15 digits, dotted
        ("P-IRT No. 4123456789012-27", [("PIRT412345678901227", True)]),
        ("PIRT 412345678901227", [("PIRT412345678901227", True)]),
        ("SPP-IRT No. 4123456789012-27", [("PIRT412345678901227", True)]),
        ("POM QD 412556781", [("QD412556781", True)]),
        # obfuscated or spaced-out wording
        ("BP0M RI MD 401112221001", [("MD401112221001", True)]),
        ("Sudah BP0M: NA 18401112223", [("NA18401112223", True)]),
        ("B P O M NA18401112223", [("NA18401112223", True)]),
        ("P0M TR401112221", [("TR401112221", True)]),
        # line breaks between wording and number, or inside the number's wording
        ("BPOM RI\nTR 401928374", [("TR401928374", True)]),
        ("POM TR\n401928374", [("TR401928374", True)]),
        ("No. Notifikasi BPOM:\nNE41234567890", [("NE41234567890", True)]),
        # lower case, dashes, spaced digit groups
        ("sudah terdaftar bpom sd-401-928-374", [("SD401928374", True)]),
        ("BPOM NA 41 2345 67890", [("NA41234567890", True)]),
        # trailing numbers that are not part of the NIE
        ("BPOM NA41234567890 2 pcs", [("NA41234567890", True)]),
        ("MD 412345678901, isi 3", [("MD412345678901", True)]),
    ],
)
def test_well_formed_nies_in_every_writing(text, expected):
    assert claimed(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sudah terdaftar Reg. BPOM RI MD41234567", [("MD41234567", False)]),  # 8 digits
        ("Legal, BPOM RI ML4123456789012", [("ML4123456789012", False)]),  # 13 digits
        ("No. Reg BPOM DTL 4410293 A1", [("DTL4410293A1", False)]),  # 7 digits
        ("Reg. DKL4410293857", [("DKL4410293857", False)]),  # obat without letter + digit
        ("Terdaftar PIRT 4123456789", [("PIRT4123456789", False)]),
        ("TR4019283741", [("TR4019283741", False)]),  # glued, one digit too many
        ("No. BPOM: 412.345.678", [("412345678", False)]),  # claimed, no prefix at all
    ],
)
def test_claimed_but_malformed(text, expected):
    assert claimed(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Fast respon WA 0812-4455-6677",
        "Info: +62 813 4455 6677 / 6281344556677",
        "Harga Rp125.000, grosir Rp1.250.000",
        "Barcode: 8991234567893",
        "Sertifikat Halal ID31110000123456789",
        "Order ID contoh: INV/20250102/MPL/6665981531",
        "No. pesanan lama: 250528WQFDB6AS",
        "Kode SKU: SKU-7694-970",
        "Exp. 04/2027, isi 100 ml 2 botol",
        "SPF 50 PA++++, untuk anak SD 6 tahun",
        "NB: 2 pcs dikirim besok",
        "Cek BPOM 0812-4455-6677",
    ],
)
def test_phones_prices_barcodes_and_order_ids_are_not_nies(text):
    assert claimed(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        # the whole digit run after the prefix, in any grouping
        ("BPOM RI ML 4123 4567 8901 234", [("ML412345678901234", True)]),  # 15 in fours
        ("No. POM: MD 4123 4567 8901", [("MD412345678901", True)]),
        ("POM TR-412-556-781", [("TR412556781", True)]),
        ("BPOM SD. 412. 556. 781", [("SD412556781", True)]),  # dot and space
        ("Notifikasi NC 4 1234 5678 90", [("NC41234567890", True)]),
        ("BPOM ML 412345678901 234", [("ML412345678901234", True)]),  # 15 fits: read whole
        ("P-IRT 4123 4567 8901 227", [("PIRT412345678901227", True)]),
        ("No. Reg: DKL 4410 2938 57 B2", [("DKL4410293857B2", True)]),
        # broken over two lines
        ("BPOM RI MD 4123 4567\n8901\nisi 12 pcs", [("MD412345678901", True)]),
        ("BPOM RI TR 412\n556 781", [("TR412556781", True)]),
        # a space parts it from an unrelated number that follows
        ("BPOM NA 4123 4567 890 2 pcs", [("NA41234567890", True)]),  # a quantity
        ("BPOM RI ML 4123 4567 8901 3 botol", [("ML412345678901", True)]),
        ("TR 123456789. 2 botol", [("TR123456789", True)]),
        ("POM TR 412 556 781 0812 3456 7890", [("TR412556781", True)]),  # a phone
        ("BPOM MD412345678901 2025", [("MD412345678901", True)]),  # printed whole in one piece
        ("BPOM TR.412.556.781 25.000", [("TR412556781", True)]),  # grouped by dots
        # ...but a line break does not join a complete number to the next line
        ("BPOM RI MD 412345678901\n250 gr", [("MD412345678901", True)]),
        ("BPOM RI TR 412556781\n2025", [("TR412556781", True)]),
        # "ml" as a unit before the real number
        ("Kemasan 250 ml\nBPOM RI ML 412345678901", [("ML412345678901", True)]),
    ],
)
def test_the_number_is_read_whole(text, expected):
    assert claimed(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a wrong count is never cut down to a right one
        ("BPOM RI MD 4123 4567 8901 2", [("MD4123456789012", False)]),  # 13 in fours
        ("BPOM ML.4123.4567.8901.2345", [("ML4123456789012345", False)]),  # 16, dotted
        ("bpom ml.4123.4567.8901.2", [("ML4123456789012", False)]),
        ("Reg. BPOM ML 41234567890123", [("ML41234567890123", False)]),  # 14
        ("No. POM: MD-4123-4567-8901-23", [("MD41234567890123", False)]),
        ("BPOM RI SI 412 556 7810", [("SI4125567810", False)]),  # 10 for 9
        ("Notifikasi BPOM NA 4123 4567 8901", [("NA412345678901", False)]),  # 12 for 11
        ("P-IRT No. 4123456789012-275", [("PIRT4123456789012275", False)]),  # 16 for 15
        ("Reg. DKL 44102938571 B2", [("DKL44102938571B2", False)]),  # 11 for 10
        # a short number does not take a quantity or price from the next line
        ("BPOM RI MD 412345678\n250 gr", [("MD412345678", False)]),
        ("BPOM RI MD 412345678\n250.000 aja", [("MD412345678", False)]),
        # registration wording further back: "terdaftar (di) BPOM dengan nomor"
        ("Sudah terdaftar BPOM dengan nomor TR.4125.5678.123 ya kak", [("TR41255678123", False)]),
        ("terdaftar di bpom dengan nomor sd.4125.56", [("SD412556", False)]),
        ("BPOM dengan nomor 412.556.7", [("4125567", False)]),  # no prefix at all
        # a prefix printed as a code, with six digits or more, is a claim without wording
        ("Ready stok NA-412-345-678", [("NA412345678", False)]),
        ("Promo COD ML 41234567890123", [("ML41234567890123", False)]),
        ("Keripik Pedas MD 4123 4567 8", [("MD412345678", False)]),
        ("POM QD-4125-5678", [("QD41255678", False)]),
        ("ready stok md-412-345-678", [("MD412345678", False)]),  # joined: a code in any case
        ("dijual ti.4125.5678.123 ya", [("TI41255678123", False)]),
        # digits shaped like a phone count only after wording on the same line
        ("Reg. BPOM RI NB 628412556781", [("NB628412556781", False)]),
        ("No. POM: TL 0812 3456 7890", [("TL081234567890", False)]),
        # ...unless a dash or dot joins them to the prefix as a printed code does
        ("Ready stok FF-628 235 090 7 kak", [("FF6282350907", False)]),
        ("Ready stok TR.0812.3456.78", [("TR0812345678", False)]),
    ],
)
def test_malformed_numbers_are_read_whole(text, expected):
    assert claimed(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # "ml" after a number is a unit: the price or barcode after it is no NIE
        "Botol 100 ml 1.250.000",
        "isi 250 ML 8991234567893",
        "Parfum 30 ML 125.000 aja",
        # labelled as another kind of number
        "Kode SKU: SD-2231-889",
        "No. pesanan: MD-2025-0612-8812",
        "Order ID: TR2506128812",
        "Resi: TL1234567890",
        "Transfer Bank DKI 1234567890 a.n. Toko",
        "Barcode EAN NA 8991234567893",
        # phone numbers after a prefix-like abbreviation
        "TL: 0812-3456-7890",
        "NB 0813 4455 6677 (WA)",
        "Cek keaslian di BPOM\nNB 0813-4455-6677",
        # lower-case words with a number and no registration wording
        "untuk anak sd 412556 ok",
        "na 4123456 harga",
        # a measure or range with its unit
        "Ukuran S M L XL, TL 155-160 cm",
        "SD 120000 mAh powerbank",
        # a count, date or years after a capitalised abbreviation
        "SD 1.000.000 terjual",
        "TL: 12-12-1990",
        "NA 2024-2025 koleksi terbaru",
        # too few digits for a bare prefix
        "SD 6 tahun, NB: 2 pcs, SI 12345",
        # halal certificates, barcodes, prices and dates on their own
        "Sertifikat Halal No. ID32106112614010650",
        "Barcode: 8991234567893\nHarga Rp 1.250.000\nExp. 12/2027",
    ],
)
def test_more_numbers_that_are_not_nies(text):
    assert claimed(text) == []


def test_mentions_keep_their_span_and_field():
    text = "Legal, Notifikasi BPOM NA 41234567890 ya"
    [mention] = extract_nies(text, field="description")
    assert (mention.field, text[mention.start : mention.end]) == ("description", "NA 41234567890")
    assert mention.raw == "NA 41234567890" and mention.category == "kosmetik"


@pytest.mark.parametrize(
    "raw, normalized",
    [
        ("BPOM RI MD 867.028.042.317", "MD867028042317"),
        ("P-IRT No. 2063173010125-25", "PIRT206317301012525"),
        ("pom tr-123-456-789", "TR123456789"),
        ("NIE: dkl 9713807110 a1", "DKL9713807110A1"),
    ],
)
def test_normalize_nie(raw, normalized):
    assert normalize_nie(raw) == normalized


@pytest.mark.parametrize(
    "nie, category, klass, ok",
    [
        ("DKL9713807110A1", "obat", "K", True),
        ("GPL7720184455A1", "obat", "P", True),
        ("DNL7720184455A1", "obat", "N", True),
        ("DTL7720184455A1", "obat", "T", True),
        ("TR123456789", "obat_tradisional", None, True),
        ("QL123456789", "obat_kuasi", None, True),
        ("MD1234567890123", "pangan_olahan", None, False),  # 13 digits: neither 12 nor 15
        ("XY123456789", None, None, False),
    ],
)
def test_prefix_category_and_drug_class(nie, category, klass, ok):
    assert (nie_category(nie), drug_class(nie), is_well_formed(nie)) == (category, klass, ok)


def _writings(nie: str) -> list[str]:
    """Ways sellers print one number: spaced, dotted, lower case, after a line break."""
    if nie.startswith("PIRT"):
        digits = nie[4:]
        return [f"P-IRT No. {digits[:13]}-{digits[13:]}", f"PIRT {digits}", f"pirt{digits}"]
    if nie[0] in "DG" and nie[2] in "LIEX":
        return [f"Reg. {nie}", f"No. Reg: {nie[:3]} {nie[3:13]} {nie[13:]}", nie.lower()]
    prefix, digits = nie[:2], nie[2:]
    dotted = ".".join(digits[i : i + 3] for i in range(0, len(digits), 3))
    return [f"BPOM RI {nie}", f"No. BPOM: {prefix}.{dotted}", f"bpom {nie.lower()}",
            f"BPOM RI\n{prefix} {digits}", f"POM {prefix}-{dotted.replace('.', '-')}"]  # fmt: skip


def test_every_registry_number_survives_every_writing():
    from benchmarks.synth import generate_registry

    for row in generate_registry(400, seed=9):
        for text in _writings(row.nie):
            noisy = f"Fast respon WA 0812-3456-7890\n{text}\nHarga Rp125.000"
            assert claimed(noisy) == [(row.nie, True)], text


def _grouped(digits: str, size: int, sep: str) -> str:
    return sep.join(digits[i : i + size] for i in range(0, len(digits), size))


def _number_writings(prefix: str, digits: str, suffix: str = "") -> list[str]:
    """The number in groups of three and four, spaced, dotted and dashed, after wording or as
    a bare printed code; for obat the letter + digit follows."""
    tail = f" {suffix}" if suffix else ""
    out = []
    for size in (3, 4):
        for sep in (" ", ".", "-", ". "):
            out.append(f"BPOM RI {prefix} {_grouped(digits, size, sep)}{tail}")
            out.append(f"No. POM: {prefix}{sep.strip() or ' '}{_grouped(digits, size, sep)}{tail}")
            out.append(f"Ready stok {prefix}-{_grouped(digits, size, sep)}{tail} kak")
    return out


def test_every_registry_number_read_whole_in_any_grouping():
    from benchmarks.synth import generate_registry

    noise_before = "Fast respon WA 0812-3456-7890\nHarga Rp125.000\n"
    noise_after = "\nBarcode: 8991234567893\nisi 2 pcs"
    for row in generate_registry(300, seed=11):
        nie = row.nie
        if nie.startswith("PIRT"):
            prefix, digits, suffix = "P-IRT", nie[4:], ""
        elif nie[0] in "DG" and nie[2] in "LIEX":
            prefix, digits, suffix = nie[:3], nie[3:13], nie[13:]
        else:
            prefix, digits, suffix = nie[:2], nie[2:], ""
        short, long_ = digits[:-1], digits + "7"
        for text in _number_writings(prefix, digits, suffix):
            assert claimed(noise_before + text + noise_after) == [(nie, True)], text
        for wrong in (short, long_):
            expected = nie[: len(nie) - len(digits) - len(suffix)] + wrong + suffix
            for text in _number_writings(prefix, wrong, suffix):  # 13 digits fit no MD/ML
                assert claimed(noise_before + text + noise_after) == [(expected, False)], text


@pytest.mark.parametrize(
    "nie, note",
    [
        ("MD4123456789012", "MD: 13 digit, seharusnya 12 atau 15 digit"),
        ("TR4125567", "TR: 7 digit, seharusnya 9 digit"),
        ("NA412345678901", "NA: 12 digit, seharusnya 11 digit"),
        ("PIRT4123456789", "PIRT: 10 digit, seharusnya 15 digit"),
        ("DKL44102938571B2", "DKL: 11 digit, seharusnya 10 digit lalu huruf dan angka"),
    ],
)
def test_shape_note_says_how_many_digits_were_read_and_wanted(nie, note):
    assert shape_note(nie) == note


@pytest.mark.parametrize(
    "text, expected",
    [
        # dashes of any kind, and a dash with spaces around it, join digit groups
        ("BPOM NA\u20131850\u20131234\u2013561", [("NA18501234561", True)]),
        ("No Reg POM : TR \u2013 502 345 671", [("TR502345671", True)]),
        ("PIRT: 2053578010234 - 27", [("PIRT205357801023427", True)]),
        ("TR502345671 - 30 kapsul", [("TR502345671", True)]),  # ...not to a quantity
        ("TR502345671 - 25.000", [("TR502345671", True)]),  # ...nor to a price
        # the number glued to the wording before it, or to a word after it
        ("BPOMNA18501234561", [("NA18501234561", True)]),
        ("POMTR193847561", [("TR193847561", True)]),
        ("noregTR502345671", [("TR502345671", True)]),
        ("bpom ri md224411330099exp2027", [("MD224411330099", True)]),
        ("MD503456789012ED12/2027", [("MD503456789012", True)]),
        ("dbl5034567890exp", [("DBL5034567890", False)]),  # obat without letter + digit
        # a year after a number whose grouping had ended; an even grouping reads on
        ("BPOM NA 1850 1234 561 2024", [("NA18501234561", True)]),
        ("BPOM RI ML 5540 7915 6676 2097", [("ML5540791566762097", False)]),
    ],
)
def test_numbers_glued_dashed_or_followed_by_a_year(text, expected):
    assert claimed(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Original BPOM 125.000 free ongkir",  # a price after the wording
        "Sudah BPOM 1.250.000 aja",
        "Batch: NA2301 | Lot SD23110",
        "Exp 11/2027 | Lot SD23110 | hub 0857 1234 5678",
        "pomade 20 gr",
        "NIE & barcode di foto\nEAN 8997012345678",
        "No. pesanan 240512TR88123456",
        "NA18501234561ml",  # a number running into a unit is no printed NIE
    ],
)
def test_prices_lots_and_glued_units_are_not_nies(text):
    assert claimed(text) == []
