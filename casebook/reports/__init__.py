"""Reports as files: the DOCX working copy from a template, its PDF, an XLSX of the rows.

The machinery is the letters' (casebook.letters: the sandboxed DOCX rendering, the PDF made
from that DOCX by LibreOffice on the letters' shared profile); the templates are this
package's (`templates/<name>.docx`, replaceable by the office's own in
`$PATROLI_DATA_DIR/templates/`). Files go into one folder per report, answered as
{name: {path, sha256}} with paths relative to the data dir.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from casebook.letters import docx, pdf
from casebook.letters.office import Office, OfficeError
from casebook.reports.xlsx import Sheet, write
from casebook.services.evidence import sha256_file

TEMPLATES = "templates"

__all__ = ["Sheet", "render", "template"]


def template(office: Office, name: str) -> Path:
    """The office's own template of this report, else the shipped one."""
    own = office.data_dir / TEMPLATES / f"{name}.docx"
    if own.is_file():
        return own
    shipped = Path(str(resources.files("casebook.reports").joinpath(TEMPLATES, f"{name}.docx")))
    if not shipped.is_file():
        raise OfficeError(f"no report template {name}.docx (shipped or in {own.parent})")
    return shipped


def render(
    office: Office,
    folder: Path,
    name: str,
    context: dict[str, object],
    sheet: Sheet | None,
    *,
    stem: str,
    with_pdf: bool = True,
) -> dict[str, dict[str, str]]:
    """Write `<stem>.docx` (+ `.pdf`) and `lampiran.xlsx` into `folder`, emptied first; a
    failure leaves no folder behind."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    conversion = None
    try:
        written = {"docx": docx.render(template(office, name), context, folder / f"{stem}.docx")}
        if with_pdf:
            conversion = pdf.start(written["docx"], office.letters_dir / ".soffice")
        if sheet is not None:
            written["xlsx"] = write(sheet, folder / "lampiran.xlsx")
        if conversion is not None:
            written["pdf"], conversion = conversion.wait(), None
    except BaseException:
        if conversion is not None:
            conversion.stop()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return {
        kind: {"path": str(path.relative_to(office.data_dir)), "sha256": sha256_file(path)}
        for kind, path in written.items()
    }
