"""The sent copy: the PDF made from the DOCX itself by LibreOffice headless (one layout only).

LibreOffice keeps a user profile that two running instances cannot share, and creating one costs
seconds; so one profile is kept under the letters folder and conversions take turns on a lock.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

TIMEOUT = 300


class PdfError(RuntimeError):
    """The PDF could not be made; the message says why in one line."""


def soffice() -> str:
    """The LibreOffice executable: $PATROLI_SOFFICE, else soffice/libreoffice on PATH."""
    found = os.environ.get("PATROLI_SOFFICE") or shutil.which("soffice")
    found = found or shutil.which("libreoffice")
    if not found or not shutil.which(found):
        raise PdfError(
            "LibreOffice not found: install it (Debian: apt-get install libreoffice-writer-nogui)"
            " or set PATROLI_SOFFICE to its soffice executable"
        )
    return found


def convert(docx: Path, work_dir: Path) -> Path:
    """`docx` converted to a PDF beside it."""
    executable = soffice()
    work_dir.mkdir(parents=True, exist_ok=True)
    profile = work_dir / "soffice-profile"
    command = [
        executable, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
        "--norestore", "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx),
    ]  # fmt: skip
    with (work_dir / "soffice.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"LibreOffice took over {TIMEOUT} s converting {docx.name}") from None
    pdf = docx.with_suffix(".pdf")
    if done.returncode != 0 or not pdf.is_file():
        said = (done.stderr or done.stdout).decode(errors="replace").strip().splitlines()
        raise PdfError(f"LibreOffice could not convert {docx.name}: {said[-1] if said else '?'}")
    return pdf
