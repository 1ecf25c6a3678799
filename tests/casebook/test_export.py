"""`patroli listings export`: the listing JSON contract out, readable by `patroli rules check`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from casebook.services import listings
from casebook.services.listings import ListingRecord, SellerRecord
from patroli.cli import main
from rules.model import Evidence, Hit, Verdict


def test_export_jsonl_and_csv(config, sessions, monkeypatch):
    monkeypatch.setenv("PATROLI_DATA_DIR", str(config.data_dir))
    url = "http://pasar.example/p/tramadol"
    record = ListingRecord(
        url=url, platform="pasarku", title="Tramadol 50 mg", description="tanpa resep",
        price=45000.0, currency="IDR",
        seller=SellerRecord("pasarku", "Toko X", "http://pasar.example/toko/x",
                            identifiers=(("phone", "+6281234567890"),)),
    )  # fmt: skip
    hit = Hit("prescription_drug", "RX-TRAMADOL", 1.0, Evidence("Tramadol"), "v1")
    with sessions() as session, session.begin():
        listings.record_listings(session, [(record, Verdict(url, (), "obat", (hit,), "v1"))])

    runner = CliRunner()
    jsonl = runner.invoke(main, ["listings", "export", "--code", "prescription_drug"])
    assert jsonl.exit_code == 0, jsonl.output
    (row,) = [json.loads(line) for line in jsonl.output.splitlines()]
    assert row["url"] == url and row["seller"]["phone"] == "+6281234567890"
    assert row["violations"][0]["rule"] == "RX-TRAMADOL"
    assert runner.invoke(main, ["listings", "export", "--code", "no_nie"]).output == ""

    table = runner.invoke(main, ["listings", "export", "--format", "csv"])
    (line,) = list(csv.DictReader(io.StringIO(table.output)))
    assert (line["violations"], line["seller_name"]) == ("prescription_drug", "Toko X")

    registry = config.data_dir / "registry.csv"
    registry.write_text(
        "nie,product_name,brand,category,registrant,form,issued_on,expires_on,status\n"
    )
    checked = runner.invoke(main, ["rules", "check", "--registry", str(registry), "-"],
                            input=jsonl.output)  # fmt: skip
    assert (
        "prescription_drug" in json.loads(checked.output.splitlines()[0])["violations"][0]["type"]
    )


FORMULAS = [
    '=HYPERLINK("http://evil","x")',
    "+62 812 CALL",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '   =HYPERLINK("http://evil")',
    "\n-1+1",
]
INERT = ["Krim Pemutih = putih", "Obat 50 mg - tanpa resep", "e-mail@toko", "100% aman", ""]


@pytest.mark.parametrize("title", FORMULAS + INERT)
def test_csv_export_never_hands_a_spreadsheet_a_formula(config, sessions, monkeypatch, title):
    monkeypatch.setenv("PATROLI_DATA_DIR", str(config.data_dir))
    url = "http://pasar.example/p/formula"
    seller = SellerRecord("pasarku", title, "http://pasar.example/toko/f")
    record = ListingRecord(url=url, platform="pasarku", title=title, seller=seller)
    with sessions() as session, session.begin():
        listings.record_listings(session, [(record, Verdict(url, (), "", (), "v1"))])
    runner = CliRunner()

    table = runner.invoke(main, ["listings", "export", "--format", "csv"])
    assert table.exit_code == 0, table.output
    (line,) = list(csv.DictReader(io.StringIO(table.output, newline="")))
    expected = "'" + title if title in FORMULAS else title
    assert (line["title"], line["seller_name"]) == (expected, expected)

    (row,) = [
        json.loads(x) for x in runner.invoke(main, ["listings", "export"]).output.splitlines()
    ]
    assert (row["title"], row["seller"]["name"]) == (title, title)  # JSONL stays exact
