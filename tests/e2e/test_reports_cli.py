"""`patroli monitoring monev | upt-report | escalate` as real subprocesses on a casebook built
through the services (tests/casebook/test_reports.py's patrol): files opened, bad input refused
in one line with nothing written."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from casebook.letters import office as office_module
from casebook.reports import words

_spec = importlib.util.spec_from_file_location(
    "reports_world", Path(__file__).parents[1] / "casebook" / "test_reports.py"
)
world = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world)

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
BANDUNG = world.BANDUNG


@pytest.fixture(scope="module")
def patroli(new_casebook, tmp_path_factory):
    patroli = new_casebook(tmp_path_factory.mktemp("reports") / "var")
    world.build_patrol(patroli.sessions(), patroli.data_dir, office_module.load(patroli.data_dir))
    return patroli


def letter_ids(patroli) -> dict[str, int]:
    out = {}
    for line in patroli.run("letters", "list").stdout.splitlines():
        letter = json.loads(line)
        out[letter["recipient"]] = letter["id"]
    return out


def refused(patroli, *args: str) -> str:
    result = patroli.run(*args, check=False)
    assert result.returncode != 0, result.stdout
    assert result.stdout == ""
    return result.stderr.strip().splitlines()[-1]


def test_escalate_monev_and_upt_report_from_the_command_line(patroli):
    komdigi = letter_ids(patroli)["komdigi"]
    escalate = ("monitoring", "escalate", str(komdigi), "--stage", "st1", "--on", "2026-11-06")
    staged = json.loads(patroli.run(*escalate, "--note", "ST-1/2026").stdout)
    assert staged == {"letter_id": komdigi, "stages": [
        {"stage": "st1", "reached_on": "2026-11-06", "note": "ST-1/2026"}]}  # fmt: skip

    made = json.loads(patroli.run("monitoring", "monev", "--since", "2026-11-01",
                                  "--until", "2026-11-30").stdout)  # fmt: skip
    assert set(made["files"]) == {"docx", "pdf", "xlsx"}
    assert made["folder"] == "reports/monev/2026-11-01_2026-11-30"
    docx = patroli.data_dir / made["files"]["docx"]["path"]
    recipient = [[c.text for c in row.cells] for row in Document(str(docx)).tables[1].rows]
    assert [row[:4] for row in recipient[1:]] == [
        ["IdEA", "2", "1", "1"], ["Komdigi", "2", "1", "1"], ["Dit. Was", "2", "0", "1"],
        ["Jumlah", "6", "2", "3"],
    ]  # fmt: skip
    stages = [[c.text for c in row.cells] for row in Document(str(docx)).tables[3].rows]
    assert stages[1][4:] == ["Surat Teguran 1", "6 November 2026"]
    book = load_workbook(patroli.data_dir / made["files"]["xlsx"]["path"], read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert rows[0] == words.MONEV_HEADER and len(rows) - 1 == made["summary"]["still_up_rows"] == 3
    pdf = patroli.data_dir / made["files"]["pdf"]["path"]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout  # fmt: skip
        assert "Hasil Monitoring dan Evaluasi" in text and "Surat Teguran 1" in text

    upt = json.loads(patroli.run("monitoring", "upt-report", "--month", "2026-11", "--unit",
                                 BANDUNG, "--no-pdf").stdout)  # fmt: skip
    assert set(upt["files"]) == {"docx", "xlsx"}
    assert upt["summary"]["listings"] == 2 and upt["summary"]["unit"] == BANDUNG
    book = load_workbook(patroli.data_dir / upt["files"]["xlsx"]["path"], read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert [row[6] for row in rows[1:]] == ["TR123456789", "tidak dicantumkan"]


@pytest.mark.parametrize(
    "args, message",
    [
        (("monitoring", "monev", "--since", "2026-11-30", "--until", "2026-11-01"),
         "Error: the period ends (2026-11-01) before it starts (2026-11-30)"),
        (("monitoring", "monev", "--since", "kemarin", "--until", "2026-11-01"),
         "Error: Invalid value for --since: not a date (YYYY-MM-DD): 'kemarin'"),
        (("monitoring", "upt-report", "--month", "2026-13"),
         "Error: Invalid value for --month: not a date (YYYY-MM): '2026-13'"),
        (("monitoring", "upt-report", "--month", "2026-11", "--unit", "Kantor Pos"),
         "Error: unit: 'Kantor Pos' is neither Dit. Siber nor an UPT BPOM (Balai Besar POM / "
         "Balai POM / Loka POM di ...)"),
        (("monitoring", "escalate", "idea", "--stage", "st1", "--on", "2026-11-06"),
         "only Komdigi escalates an order"),
        (("monitoring", "escalate", "komdigi", "--stage", "st2", "--on", "2026-11-01"),
         "st2 on 2026-11-01 predates"),  # the sending, or ST1 once recorded
        (("monitoring", "escalate", "komdigi", "--stage", "st3", "--on", "2026-11-06"),
         "Error: Invalid value for '--stage': 'st3' is not one of 'st1', 'st2', 'blocking'."),
        (("monitoring", "escalate", "999", "--stage", "st1", "--on", "2026-11-06"),
         "Error: no letter 999"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_writes_nothing(patroli, args, message):
    ids = letter_ids(patroli)
    args = tuple(str(ids.get(arg, arg)) if arg in ("idea", "komdigi") else arg for arg in args)
    before = sorted(p for p in patroli.data_dir.rglob("*") if "reports" in p.parts)
    assert message in refused(patroli, *args)
    assert sorted(p for p in patroli.data_dir.rglob("*") if "reports" in p.parts) == before
