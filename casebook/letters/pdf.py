"""The sent copy: the PDF made from the DOCX itself by LibreOffice headless (one layout only).

LibreOffice keeps a user profile that two running instances cannot share, and creating one costs
seconds; so one profile is kept under the letters folder and conversions take turns on a lock.
The conversion runs beside the rest of the letter's files (`start`, then `Conversion.wait`):
LibreOffice's start-up is most of its time, and the attachment is written meanwhile.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path
from typing import IO

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


class Conversion:
    """One running conversion, holding the profile's lock until it is waited for or stopped."""

    def __init__(self, docx: Path, process: subprocess.Popen[bytes], lock: IO[str]) -> None:
        self.docx, self.process, self.lock = docx, process, lock

    def wait(self) -> Path:
        try:
            out, err = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.stop()
            raise PdfError(
                f"LibreOffice took over {TIMEOUT} s converting {self.docx.name}"
            ) from None
        finally:
            self.lock.close()
        pdf = self.docx.with_suffix(".pdf")
        if self.process.returncode != 0 or not pdf.is_file():
            said = (err or out).decode(errors="replace").strip().splitlines()
            raise PdfError(
                f"LibreOffice could not convert {self.docx.name}: {said[-1] if said else '?'}"
            )
        return pdf

    def stop(self) -> None:
        """Abandon the conversion (the letter failed elsewhere)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self.lock.close()


def start(docx: Path, work_dir: Path) -> Conversion:
    """Start converting `docx` to a PDF beside it."""
    executable = soffice()
    work_dir.mkdir(parents=True, exist_ok=True)
    profile = work_dir / "soffice-profile"
    command = [
        executable, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
        "--norestore", "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx),
    ]  # fmt: skip
    lock = (work_dir / "soffice.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except BaseException:
        lock.close()
        raise
    return Conversion(docx, process, lock)


def convert(docx: Path, work_dir: Path) -> Path:
    """`docx` converted to a PDF beside it, waiting for it."""
    return start(docx, work_dir).wait()
