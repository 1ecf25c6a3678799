"""`patroli registry import`: bad rows are named by line with a reason; good rows are kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from casebook.models import AuditEvent, PublicWarningEntry, RegisteredProduct
from patroli.cli import main

CSV = Path(__file__).parents[1] / "fixtures" / "csv" / "registry_with_errors.csv"


def test_import_reports_bad_rows_and_keeps_the_good(config, engine, sessions, monkeypatch):
    monkeypatch.setenv("PATROLI_DATA_DIR", str(config.data_dir))
    monkeypatch.setenv("PATROLI_SECRET_KEY", "x")
    result = CliRunner().invoke(main, ["registry", "import", str(CSV)])
    assert result.exit_code == 1, result.output
    assert "3 added" in result.output and "3 rejected" in result.output
    errors = result.stderr if hasattr(result, "stderr") else result.output
    for line in (4, 5, 7):
        assert f"registry_with_errors.csv:{line}:" in errors
    with sessions() as session:
        nies = set(session.scalars(select(RegisteredProduct.nie)))
        # the import is in the history the imports page shows, as an upload there would be
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "registry.import"))
    assert nies == {"TR123456789", "NA18201234567", "DKL9713807110A1"}
    assert (event.actor, event.after["new"], event.after["rejected"]) == ("cli", 3, 3)


@pytest.mark.parametrize(
    "command, fixture, model, column, kept, broken",
    [
        (
            "registry", "registry_unterminated_quote.csv", RegisteredProduct, "product_name",
            {"Sekar Ayu Jamu Pegal Linu", 'Rani Glow Serum "Vitamin C"',
             "Trama Tramadol HCl 50 mg, kapsul", "Vita Prima Zinc 20 mg",
             "Segar Angin\nMinyak Angin", "Gurih Jaya Keripik Singkong"},
            (4, 10),
        ),
        (
            "warnings", "warnings_unterminated_quote.csv", PublicWarningEntry, "product_name",
            {"Ratu Krim Malam", 'Jaya Kapsul "Kuat"', "Sari Langsing", "Putih\nBersih Krim",
             "Kopi Jantan", "Jamu Akhir"},
            (4, 9, 11),
        ),
    ],
)  # fmt: skip
def test_an_unterminated_quote_is_named_and_the_rows_after_it_kept(
    config, engine, sessions, monkeypatch, command, fixture, model, column, kept, broken
):
    monkeypatch.setenv("PATROLI_DATA_DIR", str(config.data_dir))
    path = CSV.parent / fixture
    result = CliRunner().invoke(main, [command, "import", str(path)])
    assert result.exit_code == 1, result.output
    assert f"{len(kept)} added" in result.output and f"{len(broken)} rejected" in result.output
    errors = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert [int(line.split(":")[1]) for line in errors] == list(broken)
    assert all("unterminated quote" in line for line in errors)
    with sessions() as session:
        assert set(session.scalars(select(getattr(model, column)))) == kept
