"""The nine violation codes (fixed vocabulary, DESIGN.md §3) and their labels."""

from __future__ import annotations

VIOLATION_CODES: dict[str, dict[str, str]] = {
    "unregistered_nie": {
        "id": "NIE tidak terdaftar",
        "en": "NIE not in the registry",
    },
    "malformed_nie": {
        "id": "Format NIE tidak sah",
        "en": "Malformed registration number",
    },
    "nie_mismatch": {
        "id": "NIE milik produk lain",
        "en": "NIE belongs to another product",
    },
    "expired_nie": {
        "id": "NIE kedaluwarsa/dicabut",
        "en": "NIE expired or revoked",
    },
    "public_warning": {
        "id": "Masuk peringatan publik",
        "en": "On the public-warning list",
    },
    "prescription_drug": {
        "id": "Obat keras (resep dokter)",
        "en": "Prescription-only drug",
    },
    "hazardous_ingredient": {
        "id": "Mengandung BKO/bahan dilarang",
        "en": "Drug substance or banned ingredient",
    },
    "misleading_claim": {
        "id": "Klaim berlebihan/menyesatkan",
        "en": "Forbidden or misleading claim",
    },
    "no_nie": {
        "id": "Tanpa NIE",
        "en": "No registration number",
    },
}


def label(code: str, lang: str = "id") -> str:
    return VIOLATION_CODES.get(code, {}).get(lang, code)
