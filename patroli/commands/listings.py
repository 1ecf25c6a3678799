"""`patroli listings export`: the casebook's listings as JSONL or CSV, for other tools."""

from __future__ import annotations

import csv
import json
import sys

import click

from casebook.services import findings
from patroli.wiring import open_casebook
from rules.codes import VIOLATION_CODES

CSV_COLUMNS = ("id", "url", "platform", "title", "price", "currency", "seller_name",
               "seller_url", "seller_phone", "category", "nies", "violations", "status",
               "first_seen", "captured_at")  # fmt: skip
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection), and
# crawled titles and seller names are written by the people we patrol. OWASP's remedy: a
# leading single quote, which spreadsheets show as text. Only the CSV is changed; JSONL is exact.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@click.group("listings")
def listings() -> None:
    """Listings in the casebook."""


@listings.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl")
@click.option("--code", type=click.Choice(list(VIOLATION_CODES)), help="only listings with it")
@click.option("--platform", help="only this platform")
@click.option("--status", type=click.Choice(["active", "nonactive"]))
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
def export(fmt: str, code: str | None, platform: str | None, status: str | None, output) -> None:
    """Write listings (with their violations) to stdout or a file."""
    wanted = findings.ListingFilter(code=code, platform=platform, status=status)
    casebook = open_casebook()
    with casebook.sessions() as session:
        rows = findings.export(session, wanted)
        (_jsonl if fmt == "jsonl" else _csv)(rows, output)
    if output is not sys.stdout:
        output.close()


def _jsonl(rows, output) -> None:
    for row in rows:
        output.write(json.dumps(row, ensure_ascii=False) + "\n")


def _csv(rows, output) -> None:
    writer = csv.DictWriter(output, CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        seller = row.pop("seller")
        cells = (
            row | {f"seller_{k}": v for k, v in seller.items()}
            | {"nies": " ".join(row["nies"]),
               "violations": " ".join(sorted({v["type"] for v in row["violations"]}))}
        )  # fmt: skip
        writer.writerow({name: inert_cell(value) for name, value in cells.items()})


def inert_cell(value):
    """`value` as a spreadsheet will show it, never run it: a formula start gets a quote."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS)
    ):
        return "'" + value
    return value
