"""Issue 7's catalogue gaps: every new name resolves to its entry, labels and bases say what
they must. Names are looked up the way the text rules look them up (FieldText + find_mentions:
folding, de-obfuscation and the phrase index), not by reading the TOML."""

from __future__ import annotations

import pytest

from rules.mentions import FieldText, find_mentions


def _resolved(catalogue, text: str) -> set[str]:
    """Rule ids the catalogue reads in `text` as drugs or substances."""
    field = FieldText.of("title", text, catalogue)
    return {
        m.term.rule.id
        for m in find_mentions(field, catalogue)
        if m.term.rule.kind in ("prescription", "bko", "banned")
    }


@pytest.mark.parametrize(
    "name, rule_id",
    [
        # heavy metals and poisons, in any kind of product
        ("timbal", "BAN-TIMBAL"), ("Timah hitam", "BAN-TIMBAL"), ("plumbum", "BAN-TIMBAL"),
        ("lead (Pb)", "BAN-TIMBAL"), ("timbal asetat", "BAN-TIMBAL-ASETAT"),
        ("kadmium", "BAN-KADMIUM"), ("cadmium", "BAN-KADMIUM"),
        ("arsen", "BAN-ARSEN"), ("arsenik", "BAN-ARSEN"), ("arsenic", "BAN-ARSEN"),
        ("etilen glikol", "BAN-EG-DEG"), ("ethylene glycol", "BAN-EG-DEG"),
        ("dietilen glikol", "BAN-EG-DEG"), ("diethylene glycol", "BAN-EG-DEG"),
        ("EG/DEG", "BAN-EG-DEG"),
        # orlistat, and sildenafil/tadalafil analogues (BKO only: never approved)
        ("orlistat", "RX-ORLISTAT"), ("orlistat", "BKO-ORLISTAT"), ("Xenical", "RX-ORLISTAT"),
        ("hydroxyhomosildenafil", "BKO-ANALOG-PDE5"),
        ("hidroksihomosildenafil", "BKO-ANALOG-PDE5"),
        ("acetildenafil", "BKO-ANALOG-PDE5"), ("asetildenafil", "BKO-ANALOG-PDE5"),
        ("aminotadalafil", "BKO-ANALOG-PDE5"), ("thiosildenafil", "BKO-ANALOG-PDE5"),
        ("desmethyl carbodenafil", "BKO-ANALOG-PDE5"),
        ("vardenafil", "RX-VARDENAFIL"), ("vardenafil", "BKO-VARDENAFIL"),
        # trade names stand for their substance, as a drug and as a BKO
        ("viagra", "RX-SILDENAFIL"), ("viagra", "BKO-SILDENAFIL"), ("Kamagra", "BKO-SILDENAFIL"),
        ("cialis", "RX-TADALAFIL"), ("cialis", "BKO-TADALAFIL"), ("vidalista", "RX-TADALAFIL"),
        ("levitra", "RX-VARDENAFIL"), ("levitra", "BKO-VARDENAFIL"),
        ("reductil", "RX-SIBUTRAMIN"), ("reductil", "BKO-SIBUTRAMIN"),
        # street names
        ("pil koplo", "RX-PIL-KOPLO"), ("double L", "RX-TRIHEKSIFENIDIL"),
        ("pil LL", "RX-TRIHEKSIFENIDIL"), ("dobel L", "RX-TRIHEKSIFENIDIL"),
        ("pil Y", "RX-TRIHEKSIFENIDIL"), ("pil sapi", "RX-TRIHEKSIFENIDIL"),
        ("dextro", "RX-DEKSTRO"), ("dekstro", "RX-DEKSTRO"), ("madol", "RX-TRAMADOL"),
        ("pil PCC", "RX-KARISOPRODOL"),
        # the OOT list of PerBPOM 10/2019, and ketamine (PerBPOM 12/2025)
        ("tramadol", "RX-TRAMADOL"), ("trihexyphenidyl", "RX-TRIHEKSIFENIDIL"),
        ("chlorpromazine", "RX-KLORPROMAZIN"), ("amitriptyline", "RX-AMITRIPTILIN"),
        ("haloperidol", "RX-HALOPERIDOL"), ("dekstrometorfan tunggal", "RX-DEKSTRO"),
        ("dextromethorphan", "BKO-DEKSTROMETORFAN"),
        ("ketamin", "RX-KETAMIN"), ("ketamine", "RX-KETAMIN"), ("Ketalar", "RX-KETAMIN"),
        # injections
        ("suntik glutathione", "RX-GLUTATION-INJEKSI"),
        ("glutathione injeksi", "RX-GLUTATION-INJEKSI"),
        ("infus whitening", "RX-GLUTATION-INJEKSI"), ("suntik putih", "RX-GLUTATION-INJEKSI"),
        ("botulinum toxin", "RX-TOKSIN-BOTULINUM"), ("toksin botulinum", "RX-TOKSIN-BOTULINUM"),
        ("suntik botox", "RX-TOKSIN-BOTULINUM"), ("Dysport", "RX-TOKSIN-BOTULINUM"),
        # hormonal contraceptives
        ("pil KB", "RX-KONTRASEPSI"), ("levonorgestrel", "RX-KONTRASEPSI"),
        ("ethinyl estradiol", "RX-KONTRASEPSI"), ("etinil estradiol", "RX-KONTRASEPSI"),
        ("desogestrel", "RX-KONTRASEPSI"), ("Postinor", "RX-KONTRASEPSI"),
        ("suntik KB", "RX-KONTRASEPSI"), ("Diane 35", "RX-KONTRASEPSI"),
        # food colours
        ("rhodamin B", "BAN-RHODAMIN-B"), ("methanyl yellow", "BAN-KUNING-METANIL"),
        ("kuning metanil", "BAN-KUNING-METANIL"), ("auramin", "BAN-PEWARNA-BERBAHAYA"),
        ("sibutramin", "RX-SIBUTRAMIN"), ("sibutramine HCl", "BKO-SIBUTRAMIN"),
    ],
)  # fmt: skip
def test_every_new_name_resolves_to_its_entry(catalogue, name, rule_id):
    assert rule_id in _resolved(catalogue, name)


@pytest.mark.parametrize(
    "text",
    [
        "obat kuat",  # a hint only: names no substance
        "obat kuat pria tahan lama",
        "hubungan timbal balik",  # reciprocal, not lead
        "follow timbal balik ya kak",
        "serum efek botox tanpa jarum",  # a "botox effect" is a claim, not botulinum
        "glutathione 500 mg kapsul",  # oral glutathione is a supplement
        "gluta collagen drink",
        "dextrose monohidrat",
        "jersey arsenal original",
        "dodol garut asli",
        "Dextro Energy tablet glukosa",
        "lipstik shade butter yellow",
        "body oil orange blossom",
        "sudan",
        "pil herbal",
        "lead time 3 hari",
        "obat batuk DMP sirup",  # combined DXM cough syrup is sold without prescription
        "kaos polos ukuran LL",
    ],
)
def test_hard_negatives_name_nothing(catalogue, text):
    assert _resolved(catalogue, text) == set()


@pytest.mark.parametrize(
    "text, rule_id",
    [
        ("l.o.r.a.z.e.p.a.m", "RX-LORAZEPAM"),  # "double l" makes "l" a catalogue word
        ("y-ohimbin", "BKO-YOHIMBIN"),  # so does "pil y"
        ("k.l.o.n.a.z.e.p.a.m", "RX-KLONAZEPAM"),  # and "merah k 3"
        ("a.l.p.r.a.z.o.l.a.m", "RX-ALPRAZOLAM"),  # and "vitamin a acid"
    ],
)
def test_one_letter_words_of_names_do_not_hide_split_names(catalogue, text, rule_id):
    assert rule_id in _resolved(catalogue, text)


def test_obat_kuat_is_a_hint_not_a_term(catalogue):
    words = ["obat", "kuat"]
    assert catalogue.terms.find(words) == []
    [hint] = catalogue.hints.find(words)
    assert "RX-SILDENAFIL" in hint.payloads and "RX-TADALAFIL" in hint.payloads


@pytest.mark.parametrize(
    "name",
    ["dekstrometorfan", "dextromethorphan", "dekstrometorfan hbr"],
)
def test_dextromethorphan_generic_is_not_a_prescription_term(catalogue, name):
    assert not any(i.startswith("RX-") for i in _resolved(catalogue, name))


@pytest.mark.parametrize(
    "rule_id",
    ["RX-TRAMADOL", "RX-TRIHEKSIFENIDIL", "RX-KLORPROMAZIN", "RX-AMITRIPTILIN", "RX-HALOPERIDOL",
     "RX-DEKSTRO", "RX-PIL-KOPLO"],
)  # fmt: skip
def test_the_oot_of_perbpom_10_2019_are_oot_and_cite_it(catalogue, rule_id):
    rule = catalogue.rule(rule_id)
    assert rule.drug_class == "oot"
    assert "Peraturan BPOM No. 10 Tahun 2019" in rule.legal_basis


def test_ketamine_is_an_oot_of_perbpom_12_2025(catalogue):
    rule = catalogue.rule("RX-KETAMIN")
    assert rule.drug_class == "oot" and "No. 12 Tahun 2025" in rule.legal_basis


@pytest.mark.parametrize("rule_id", ["RX-SIBUTRAMIN", "BKO-SIBUTRAMIN"])
def test_sibutramine_label_says_withdrawn_in_2010(catalogue, rule_id):
    label = catalogue.rule(rule_id).label
    assert "ditarik dari peredaran" in label and "2010" in label


@pytest.mark.parametrize("rule_id", ["BAN-RHODAMIN-B", "BAN-KUNING-METANIL", "BAN-PEWARNA-TEKSTIL"])
@pytest.mark.parametrize("category", ["pangan_olahan", "pangan_irt", None])
def test_food_colours_cite_the_food_rules_not_the_cosmetics_one(catalogue, rule_id, category):
    basis = catalogue.rule(rule_id).basis_for(category)
    assert "239/Men.Kes/Per/V/85" in basis
    assert "No. 033 Tahun 2012 tentang Bahan Tambahan Pangan" in basis
    assert "Bahan Kosmetika" not in basis


def test_rhodamin_in_a_cosmetic_cites_the_cosmetics_rule(catalogue):
    assert "No. 23 Tahun 2019" in catalogue.rule("BAN-RHODAMIN-B").basis_for("kosmetik")


@pytest.mark.parametrize(
    "rule_id, category, cited",
    [
        ("BAN-TIMBAL", "kosmetik", "No. 16 Tahun 2024"),
        ("BAN-TIMBAL", "obat_tradisional", "No. 32 Tahun 2019"),
        ("BAN-TIMBAL", "pangan_olahan", "No. 9 Tahun 2022"),
        ("BAN-KADMIUM", "pangan_irt", "No. 9 Tahun 2022"),
        ("BAN-ARSEN", "kosmetik", "No. 16 Tahun 2024"),
        ("BKO-SILDENAFIL", "pangan_olahan", "No. 18 Tahun 2012 tentang Pangan"),
        ("BKO-SILDENAFIL", "obat_tradisional", "No. 32 Tahun 2019"),
    ],
)
def test_metals_and_bko_cite_the_rule_of_the_product_they_are_in(
    catalogue, rule_id, category, cited
):
    assert cited in catalogue.rule(rule_id).basis_for(category)


@pytest.mark.parametrize(
    "rule_id, cited",
    [
        ("RX-SILDENAFIL", "Pasal 27 huruf c"),  # ED drugs: not online, even from a pharmacy
        ("RX-GLUTATION-INJEKSI", "Pasal 27 huruf d"),  # injections other than insulin
        ("RX-TOKSIN-BOTULINUM", "Pasal 27 huruf d"),
        ("RX-KONTRASEPSI", "No. 02396/A/SK/VIII/1986"),
    ],
)
def test_new_drug_entries_cite_their_basis(catalogue, rule_id, cited):
    assert cited in catalogue.rule(rule_id).legal_basis


@pytest.mark.parametrize(
    "title, description, rule_id",
    [
        ("Kopi Jantan Perkasa", "Mengandung viagra asli, langsung terasa", "BKO-SILDENAFIL"),
        ("Lipstik Matte Merah", "Warna tahan lama, mengandung timbal", "BAN-TIMBAL"),
        ("Kerupuk Merah Renyah", "Pewarna rhodamin B biar cerah", "BAN-RHODAMIN-B"),
    ],
)
def test_a_non_drug_naming_a_new_substance_is_a_hazardous_ingredient(
    verdict, title, description, rule_id
):
    hits = verdict(title, description).hits
    assert (rule_id, "hazardous_ingredient") in {(h.rule, h.code) for h in hits}
