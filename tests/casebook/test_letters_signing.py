"""PAdES: the sent copy signed with an office's PKCS#12 (pyHanko), and checked as a reader would."""

from __future__ import annotations

import importlib.util
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casebook.letters import office as office_module
from casebook.letters.sign import SigningError
from casebook.services import letters as service

pyhanko = pytest.importorskip("pyhanko")
from asn1crypto import x509 as asn1_x509  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from cryptography.hazmat.primitives.serialization import pkcs12  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko.sign.validation import validate_pdf_signature  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "letters_world", Path(__file__).with_name("test_letters.py")
)
world = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world)

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")


def office_certificate(folder: Path, passphrase: bytes) -> x509.Certificate:
    """A self-signed signing certificate in a PKCS#12 file, as an office would be issued one."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Direktur Siber Obat dan Makanan")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kantor.p12").write_bytes(pkcs12.serialize_key_and_certificates(
        b"kantor", key, certificate, None,
        serialization.BestAvailableEncryption(passphrase)))  # fmt: skip
    return certificate


@pytest.fixture
def signing_office(config, monkeypatch):
    certificate = office_certificate(config.data_dir / "keys", b"rahasia-kantor")
    (config.data_dir / "office.toml").write_text('[signing]\npkcs12 = "keys/kantor.p12"\n')
    monkeypatch.setenv("PATROLI_SIGNING_PASSPHRASE", "rahasia-kantor")
    return office_module.load(config.data_dir), certificate


def test_the_pdf_carries_a_valid_pades_signature(sessions, config, signing_office):
    office, certificate = signing_office
    list_id = world.build_list(sessions, config.data_dir, world.MIXED[:1], with_captures=False)
    with sessions() as session, session.begin():
        [letter] = service.make_letters(session, list_id, "rekomendasi_takedown", actor="ana",
                                        office=office, now=world.T0)  # fmt: skip
        pdf = config.data_dir / letter.files["pdf"]["path"]
    der = certificate.public_bytes(serialization.Encoding.DER)
    trusting = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])
    with pdf.open("rb") as handle:
        [signature] = PdfFileReader(handle).embedded_signatures
        status = validate_pdf_signature(signature, trusting)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert status.signing_cert.subject.native["common_name"] == "Direktur Siber Obat dan Makanan"
    signed = pdf.read_bytes()
    assert signed[9:10] == b"%"  # the header's binary comment line: signed, read by nobody
    pdf.write_bytes(signed[:10] + b"X" + signed[11:])
    with pdf.open("rb") as handle:
        [tampered] = PdfFileReader(handle, strict=False).embedded_signatures
        assert not validate_pdf_signature(tampered, trusting).intact


def test_a_wrong_passphrase_is_one_line_and_leaves_nothing(sessions, config, signing_office,
                                                         monkeypatch):  # fmt: skip
    office, _ = signing_office
    monkeypatch.setenv("PATROLI_SIGNING_PASSPHRASE", "salah")
    list_id = world.build_list(sessions, config.data_dir, world.MIXED[:1], with_captures=False)
    message = r"cannot open signing certificate .*kantor.p12: wrong passphrase \(\$PATROLI_SIGN"
    with pytest.raises(SigningError, match=message), sessions() as session, session.begin():
        service.make_letters(session, list_id, "rekomendasi_takedown", actor="ana",
                             office=office, now=world.T0)  # fmt: skip
    assert not list((config.data_dir / "letters").glob("2026/*"))
