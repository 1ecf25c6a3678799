"""`patroli registry import`: bad rows are named by line with a reason; good rows are kept."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from casebook.models import RegisteredProduct
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
    assert nies == {"TR123456789", "NA18201234567", "DKL9713807110A1"}
