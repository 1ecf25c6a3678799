"""An unterminated quote in a registry or warning CSV: the line where it opens is named, and the
rows after it are kept; quoted fields that legitimately span lines still read as one field."""

from __future__ import annotations

import pytest

from rules.model import RegistryProduct
from rules.tables import MAX_FIELD_LINES, RowError, read_registry

LONG_END = 'akhir",Merek,kosmetik,,,,,valid\n'
HEADER = "nie,product_name,brand,category,registrant,form,issued_on,expires_on,status\n"


def _row(n: int, name: str = "Krim") -> str:
    return f"NA1830123456{n},{name},Merek,kosmetik,,,,,valid\n"


@pytest.mark.parametrize(
    "body, names, error_lines",
    [
        # positives: a quote that never closes is named, the rows after it kept
        ([_row(1), _row(2, '"Krim Rusak'), _row(3), _row(4)], ["Krim", "Krim", "Krim"], [3]),
        ([_row(1), _row(2, '"Krim Rusak'), _row(3, '"Krim, Bagus"'), _row(4)],
         ["Krim", "Krim, Bagus", "Krim"], [3]),
        ([_row(1), _row(2, '"Krim Rusak')], ["Krim"], [3]),
        ([_row(1, '"Rusak Satu'), _row(2, '"Rusak Dua'), _row(3)], ["Krim"], [2, 3]),
        (["NA18301234561,\"Panjang\n", *["baris\n"] * MAX_FIELD_LINES, LONG_END],
         [], [2, *range(3, 3 + MAX_FIELD_LINES + 1)]),
        # hard negatives: legitimate quoting is read as before
        ([_row(1, '"Krim\nMalam"'), _row(2)], ["Krim\nMalam", "Krim"], []),
        ([_row(1, '"Krim\nMalam\nPutih"'), _row(2)], ["Krim\nMalam\nPutih", "Krim"], []),
        (["NA18301234561,\"Panjang\n", *["baris\n"] * (MAX_FIELD_LINES - 2), LONG_END],
         ["\n".join(["Panjang", *["baris"] * (MAX_FIELD_LINES - 2), "akhir"])], []),
        ([_row(1, '"Krim ""Super"""'), _row(2)], ['Krim "Super"', "Krim"], []),
        ([_row(1, 'Krim 5" Putih'), _row(2)], ['Krim 5" Putih', "Krim"], []),
        ([_row(1, '"Krim, Malam"'), _row(2)], ["Krim, Malam", "Krim"], []),
    ],
)  # fmt: skip
def test_an_unterminated_quote_loses_only_its_own_line(body, names, error_lines):
    rows = list(read_registry([HEADER, *body]))
    errors = [r for r in rows if isinstance(r, RowError)]
    assert [r.product_name for r in rows if isinstance(r, RegistryProduct)] == names
    assert [e.line for e in errors] == error_lines
    if error_lines:  # the first error is the opening line itself, its text given back
        assert "unterminated quote" in errors[0].reason
        assert errors[0].raw.startswith("NA1830123456")
