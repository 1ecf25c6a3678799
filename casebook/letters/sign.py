"""An optional PAdES signature on the sent copy, with the office's own PKCS#12 (pyHanko).

The office names its .p12/.pfx in office.toml ([signing] pkcs12, relative to the data dir)
and gives the passphrase through the environment variable named there, never in the file.
Without [signing] pkcs12 a letter is not signed here (it may still be signed by BSrE's TTE
service, which the footer setting `tte` announces).
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

from casebook.letters.office import Office


class SigningError(RuntimeError):
    """The PDF could not be signed; the message names the certificate file."""


def sign(pdf: Path, office: Office) -> bool:
    """Sign `pdf` in place (an incremental update: the unsigned bytes stay as they were)."""
    settings = office.settings.get("signing") or {}
    if not settings.get("pkcs12"):
        return False
    try:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
    except ImportError:  # optional: only an office that signs here needs it
        raise SigningError(
            "office.toml asks for a signature but pyHanko is not installed"
        ) from None

    pkcs12 = office.data_dir / settings["pkcs12"]
    if not pkcs12.is_file():
        raise SigningError(f"signing certificate {pkcs12} not found (office.toml [signing])")
    passphrase = os.environ.get(settings.get("passphrase_env", ""), "")
    signer = signers.SimpleSigner.load_pkcs12(
        pfx_file=str(pkcs12), passphrase=passphrase.encode() or None
    )
    if signer is None:
        raise SigningError(
            f"cannot open signing certificate {pkcs12}: wrong passphrase "
            f"(${settings.get('passphrase_env', '')}) or not a PKCS#12 file"
        )
    metadata = signers.PdfSignatureMetadata(
        field_name=settings.get("field", "Tanda Tangan"),
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=settings.get("reason") or None,
        location=office["city"],
        md_algorithm="sha256",
    )
    out = BytesIO()
    with pdf.open("rb") as unsigned:
        signers.sign_pdf(IncrementalPdfFileWriter(unsigned), metadata, signer=signer, output=out)
    pdf.write_bytes(out.getvalue())
    return True
