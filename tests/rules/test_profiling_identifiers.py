"""Identifiers in every writing, third-party numbers marked, and what must not become one."""

from __future__ import annotations

import pytest

from rules.identifiers import extract_identifiers
from rules.profiling import account_from_text, shop_key

PHONE = "+6281234567890"


def found(text: str) -> list[tuple[str, str]]:
    return [(i.kind, i.value) for i in extract_identifiers(text)]


@pytest.mark.parametrize(
    "text",
    [
        "WA 0812-3456-7890",
        "hub +62 812 3456 7890",
        "Telp (0812) 3456-7890",
        "62812.3456.7890",
        "wa.me/6281234567890",
        "https://api.whatsapp.com/send?phone=6281234567890&text=halo",
        "katalog wa.me/c/6281234567890",
        "0812 / 3456 / 7890",
        "0812.3456.7890",
        "O812 3456 789O",
        "08l2-3456-789O",
        "nol delapan satu dua tiga empat lima enam tujuh delapan sembilan nol",
        "WA 08 satu dua 3456 7890",
        "DANA/OVO 081234567890",
        "GoPay: +6281234567890",
        "(+62) 812 3456 7890",
        "+62 0812-3456-7890",
        "+62 (812) 3456-7890",
        "WA 812-3456-7890",
        "No. HP: 812 3456 7890",
        "WA ０８１２-３４５６-７８９０",
        "WA 0️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣9️⃣0️⃣",
    ],
)
def test_every_writing_of_a_phone_is_one_number(text):
    assert found(text) == [("phone", PHONE)]


@pytest.mark.parametrize(
    "text",
    [
        "BPOM NA18201234567 Barcode 8993413656013",
        "BPOM MD.743645583241, POM SD 381276351, Reg. DKL6786123900A1, ML 123456789012",
        "POM TR 083456789012",
        "Order ID 296980897151956 sudah dikirim",
        "No. resi JP1068499095 (kemarin)",
        "Testimoni order INV/20240309/MPL/8957783441",
        "harga Rp 081.000 12/08/2024 Buka 08.00-21.00 WIB",
        "kantor 021-5550123",
        "Terjual 20.7rb+ Rating 4.9/5",
        "Isi 812 3456 7890 kapsul",  # no word says it is a number to call
    ],
)
def test_registration_order_and_resi_numbers_prices_dates_are_not_phones(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kurir CepatSampai: 62 821 5596 6120", [("third_party_phone", "+6282155966120")]),
        ("Cek resi Ekspedisi +62 821 5596 6120", [("third_party_phone", "+6282155966120")]),
        ("Pickup kurir wa.me/6282155966120", [("third_party_phone", "+6282155966120")]),
        ("Komplain/retur hubungi CS Marketplace 0856-1869-8616",
         [("third_party_phone", "+6285618698616")]),
        ("Call center 085618698616", [("third_party_phone", "+6285618698616")]),
        ("Customer service: 0856 1869 8616", [("third_party_phone", "+6285618698616")]),
        ("contoh format: 0812-1111-2222", [("third_party_phone", "+6281211112222")]),
        ("Aman pakai rekber: MANDIRI 881 3913750333",
         [("third_party_bank_account", "mandiri:8813913750333")]),
        ("mandiri: 8813 9137 5033 3 (a.n Rekber Sentosa)",
         [("third_party_bank_account", "mandiri:8813913750333")]),
        ("Escrow account BCA 1234567890", [("third_party_bank_account", "bca:1234567890")]),
        ("Keluhan: Admin@marketplace-contoh.id",
         [("third_party_email", "admin@marketplace-contoh.id")]),
        ("Email: help@tokopedia.com", [("third_party_email", "help@tokopedia.com")]),
        ("Cek resi di IG @kurir_cepat", [("third_party_handle", "@kurir_cepat")]),
        ("Hubungi Shopee Care 0812-3456-7001", [("third_party_phone", "+6281234567001")]),
        ("Driver ojol: 0812-3456-7001", [("third_party_phone", "+6281234567001")]),
        ("Waspada penipuan atas nama kami: 0812-3456-7001",
         [("third_party_phone", "+6281234567001")]),
        ("noreply@tokoku.id", [("third_party_email", "noreply@tokoku.id")]),
        # hard negatives: the seller's own number beside a cue for another one
        ("📱 08969284268, Kurir CepatSampai: 62 821 5596 6120",
         [("phone", "+628969284268"), ("third_party_phone", "+6282155966120")]),
        ("Call/WA +62 887 8049 6811 // Pickup kurir wa.me/6282155966120",
         [("phone", "+6288780496811"), ("third_party_phone", "+6282155966120")]),
        ("Pengiriman ke seluruh Indonesia // WA 0812-3456-7890", [("phone", PHONE)]),
        ("Kirim dari Bogor, Order via WA 0812-3456-7890", [("phone", PHONE)]),
        ("Email: admin@tokoku.id", [("email", "admin@tokoku.id")]),
    ],
)  # fmt: skip
def test_a_number_beside_somebody_elses_service_is_third_party(text, expected):
    assert sorted(found(text)) == sorted(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Email: Order.Toko@Gmail.com", [("email", "order.toko@gmail.com")]),
        ("nama [at] gmail [dot] com", [("email", "nama@gmail.com")]),
        ("tokoku(at)yahoo.co.id", [("email", "tokoku@yahoo.co.id")]),
        ("nama @ gmail . com", [("email", "nama@gmail.com")]),
        ("toko.ku at gmail dot com", [("email", "toko.ku@gmail.com")]),
        ("tokoku at yahoo dot co dot id", [("email", "tokoku@yahoo.co.id")]),
        ("t.me/TokoKu_88", [("handle", "@tokoku_88")]),
        # hard negative: "at" in a sentence is no e-mail
        ("beli at toko kami", []),
        ("bca:1234567890", [("bank_account", "bca:1234567890")]),
        ("rek CIMB Niaga 4692 9574 1547 23", [("bank_account", "cimb:46929574154723")]),
        ("BRI: 0056 98 688749 89 5 (atas nama X)", [("bank_account", "bri:005698688749895")]),
        ("No. rek 1234567890 (BCA)", [("bank_account", "bca:1234567890")]),
        ("norek 1234567890 - Mandiri", [("bank_account", "mandiri:1234567890")]),
        ("IG: @Prima_Mulia91", [("handle", "@prima_mulia91")]),
        ("IG: prima_mulia91", [("handle", "@prima_mulia91")]),
        ("TikTok : toko.ku", [("handle", "@toko.ku")]),
        ("instagram.com/Prima_mulia91", [("handle", "@prima_mulia91")]),
        ("tiktok.com/@official.prima_mulia", [("handle", "@official.prima_mulia")]),
        (
            "Cek juga toko kami https://www.tokopedia.com/toko-x/obat-kuat-123",
            [("shop_url", "tokopedia.com/toko-x")],
        ),
        ("🌐 obatpriaoriginal.store", [("shop_url", "obatpriaoriginal.store")]),
        # hard negatives: the part of an e-mail after @ is no handle; a price is no account;
        # a government site cited is no shop
        ("order@tokoku.id", [("email", "order@tokoku.id")]),
        ("BCA harga Rp 150.000", []),
        ("Cek keaslian di cekbpom.pom.go.id atau www.kemkes.go.id", []),
    ],
)
def test_emails_banks_and_handles(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.tokopedia.com/merapi-makmur", ("shop_url", "tokopedia.com/merapi-makmur")),
        ("https://shopee.co.id/jamu-sehat-official",
         ("shop_url", "shopee.co.id/jamu-sehat-official")),
        ("https://www.bukalapak.com/u/berkahmakmur", ("shop_url", "bukalapak.com/u/berkahmakmur")),
        ("https://www.lazada.co.id/shop/vital-agung-78/",
         ("shop_url", "lazada.co.id/shop/vital-agung-78")),
        ("https://www.blibli.com/merchant/kencanamurni/LCP-63217",
         ("shop_url", "blibli.com/merchant/kencanamurni")),
        ("fb.com/vitalagung", ("shop_url", "facebook.com/vitalagung")),
        ("https://www.facebook.com/profile.php?id=1000989",
         ("shop_url", "facebook.com/profile/1000989")),
        ("https://www.instagram.com/berkahmakmur.store/", ("handle", "@berkahmakmur.store")),
        ("https://www.tiktok.com/@toko.jamu.sehat_id", ("handle", "@toko.jamu.sehat_id")),
        ("http://obatpriaoriginal.my.id", ("shop_url", "obatpriaoriginal.my.id")),
        ("obatpriaoriginal.store", ("shop_url", "obatpriaoriginal.store")),
        # hard negatives: a marketplace's front page and own pages, chat links, mail providers
        ("https://www.tokopedia.com/", None),
        ("https://www.tokopedia.com/help/article/retur", None),
        ("https://shopee.co.id/search?keyword=jamu", None),
        ("https://www.instagram.com/explore/tags/jamu", None),
        ("https://wa.me/6281234567890", None),
        ("gmail.com", None),
    ],
)  # fmt: skip
def test_shop_urls(url, expected):
    assert shop_key(url) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Komplain: https://pusat-komplain.id/lapor",
            ("third_party_shop_url", "pusat-komplain.id"),
        ),
        ("Powered by tokoweb.id", ("third_party_shop_url", "tokoweb.id")),
        ("Website dibuat oleh https://jasaweb.co.id", ("third_party_shop_url", "jasaweb.co.id")),
        # hard negative: the seller's own site
        ("Toko resmi kami: https://herbalku.id", ("shop_url", "herbalku.id")),
    ],
)
def test_a_shop_url_beside_a_service_cue_is_third_party(text, expected):
    assert account_from_text("a1", "web", "", "", text).identifiers == (expected,)


def test_an_account_reads_its_own_shop_mentions_city_and_products():
    account = account_from_text(
        "a1", "whatsapp-catalog", "Toko X", "https://wa.me/c/6281234567890",
        "Cek juga toko kami https://www.tokopedia.com/toko-x // Kirim dari Bogor // "
        "Obat kuat herbal + teh pelangsing",
    )  # fmt: skip
    assert account.identifiers == (("phone", PHONE), ("shop_url", "tokopedia.com/toko-x"))
    assert account.city == "Bogor"
    assert account.products == ("obat_kuat", "pelangsing")
