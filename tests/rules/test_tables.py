"""Registry and warning CSV readers: good rows kept, each bad row named by line and reason."""

from __future__ import annotations

import io
from datetime import date

import pytest

from rules.model import PublicWarning, RegistryProduct
from rules.tables import RowError, read_registry, read_warnings

HEADER = "nie,product_name,brand,category,registrant,form,issued_on,expires_on,status\n"
GOOD = (
    "NA18301234567,Sekar Ayu Krim Malam,Sekar Ayu,kosmetik,PT X,Krim,2024-02-01,2029-02-01,valid\n"
)


def test_reads_a_good_row_with_its_nie_normalized():
    [row] = list(read_registry([HEADER, "na.183.0123.4567" + GOOD[13:]]))
    assert row == RegistryProduct(
        "NA18301234567", "Sekar Ayu Krim Malam", "Sekar Ayu", "kosmetik", "PT X", "Krim",
        date(2024, 2, 1), date(2029, 2, 1), "valid",
    )  # fmt: skip


@pytest.mark.parametrize(
    "bad_line, reason",
    [
        (",Nama,Merek,kosmetik,,,,,valid\n", "nie is empty"),
        ("NA1830123,Nama,Merek,kosmetik,,,,,valid\n", "not a well-formed NIE"),
        ("NA18301234568,Nama,Merek,jamu,,,,,valid\n", "category 'jamu'"),
        ("NA18301234568,Nama,Merek,kosmetik,,,,,aktif\n", "status 'aktif'"),
        ("NA18301234568,Nama,Merek,kosmetik,,,2024-13-01,,valid\n", "issued_on '2024-13-01'"),
        ("NA18301234568,,Merek,kosmetik,,,,,valid\n", "product_name is empty"),
        ("NA18301234568,Nama,Merek,kosmetik,valid\n", "expected 9 fields, found 5"),
    ],
)
def test_a_bad_row_is_reported_by_line_and_the_good_rows_kept(bad_line, reason):
    rows = list(read_registry([HEADER, GOOD, bad_line, GOOD.replace("567,", "569,")]))
    errors = [r for r in rows if isinstance(r, RowError)]
    assert len(errors) == 1 and errors[0].line == 3 and reason in errors[0].reason
    assert errors[0].raw.startswith(bad_line.split(",")[0])
    assert [r.nie for r in rows if isinstance(r, RegistryProduct)] == [
        "NA18301234567", "NA18301234569",
    ]  # fmt: skip


def test_line_numbers_count_physical_lines_of_quoted_multiline_fields():
    multiline = 'NA18301234568,"Nama\nbaris dua",Merek,kosmetik,,,,,valid\n'
    rows = list(read_registry(io.StringIO(HEADER + multiline + "x,y\n")))  # as a file reads
    assert isinstance(rows[0], RegistryProduct) and rows[0].product_name == "Nama\nbaris dua"
    assert isinstance(rows[1], RowError) and rows[1].line == 4


def test_header_may_carry_a_bom_and_any_column_order():
    header = "\ufeffstatus,nie,brand,product_name,category\n"
    [row] = list(read_registry([header, "expired,TR312456789,Bumi,Bumi Jamu,obat_tradisional\n"]))
    assert (row.nie, row.status, row.issued_on) == ("TR312456789", "expired", None)


def test_missing_required_columns_stop_with_one_error():
    [error] = list(read_registry(["nie,product_name\n", "TR312456789,Bumi Jamu\n"]))
    assert isinstance(error, RowError) and error.line == 1
    assert "brand" in error.reason and "category" in error.reason


def test_warnings_allow_an_empty_or_fictitious_nie():
    lines = [
        "product_name,brand,nie,category,hazard,published_on\n",
        "Ratu Krim Malam,Ratu,,kosmetik,mengandung merkuri,2024-05-01\n",
        "Jaya Kapsul,Jaya,POM TR 309999999,obat_tradisional,sildenafil,\n",
        "Tanpa Nama,,,,,2024-99-01\n",
    ]
    rows = list(read_warnings(lines))
    assert rows[0] == PublicWarning("Ratu Krim Malam", "Ratu", "", "kosmetik",
                                    "mengandung merkuri", date(2024, 5, 1))  # fmt: skip
    assert rows[1].nie == "TR309999999"
    assert isinstance(rows[2], RowError) and rows[2].line == 4
