"""Letters as files: DOCX (working copy), PDF from that DOCX, XLSX attachment, softcopy bundle.

Everything a letter is written from arrives as plain values (the service gathers them); this
package writes the files into one folder per letter and answers {name: {path, sha256}}.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from casebook.letters import bundle, docx, pdf, sign, xlsx
from casebook.letters.office import Office
from casebook.services.evidence import sha256_file


def render(
    office: Office,
    folder: Path,
    kind: str,
    context: dict[str, object],
    rows: Sequence[xlsx.Row],
    evidence: Sequence[bundle.Evidence],
    *,
    with_pdf: bool = True,
) -> dict[str, dict[str, str]]:
    """Write the letter's files into `folder` (emptied first); a failure leaves no folder."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    conversion = None
    try:
        captures = bundle.checked(office.data_dir, evidence)
        written = {"docx": docx.render(office.template(kind), context, folder / "surat.docx")}
        if with_pdf:
            conversion = pdf.start(written["docx"], office.letters_dir / ".soffice")
        if rows:
            written["xlsx"] = xlsx.write(rows, folder / "lampiran.xlsx")
        shots = bundle.screenshots(office.data_dir, captures, folder / "tangkapan-layar.zip")
        package = bundle.wacz(office.data_dir, captures, folder / "bukti.wacz",
                              title=str(context.get("nomor", "")))  # fmt: skip
        if conversion is not None:
            written["pdf"], conversion = conversion.wait(), None
            sign.sign(written["pdf"], office)
    except BaseException:
        if conversion is not None:
            conversion.stop()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    written.update({k: v for k, v in (("screenshots", shots), ("wacz", package)) if v})
    return {
        name: {"path": str(path.relative_to(office.data_dir)), "sha256": sha256_file(path)}
        for name, path in written.items()
    }
