"""The office's own letter templates: upload a replacement, keep every version, revert.

A letter is rendered from `$PATROLI_DATA_DIR/templates/<kind>.docx` when the office has one,
else from the shipped template (casebook.letters.office.Office.template). An upload is refused
unless docxtpl can fill it with a sample letter's context in the same sandbox real letters use,
so a broken template is found here and not when a letter is due. Every accepted file is kept
under `templates/versions/<kind>/` (named by upload time and hash), so any earlier one, or the
shipped one, can be put back; each change is audited with the file's SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from casebook.letters import content, docx
from casebook.letters.office import TEMPLATES, Office
from casebook.models import utcnow
from casebook.services import audit

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024  # a letter template is text and a logo, not a zip bomb
VERSIONS = "versions"
_VERSION_NAME = re.compile(r"(\d{8}T\d{12}Z)-([0-9a-f]{12})\.docx")


class TemplateRejected(ValueError):
    """The file cannot serve as a letter template; the message says why."""


@dataclass(frozen=True)
class Version:
    name: str  # the file's name under versions/<kind>/
    uploaded_at: datetime
    sha256: str
    active: bool


def kinds() -> list[str]:
    return list(content.KINDS)


def current(settings: Office, kind: str) -> Path:
    """The template letters of `kind` are made from now."""
    return settings.template(_kind(kind))


def is_own(settings: Office, kind: str) -> bool:
    return _active_path(settings, kind).is_file()


def versions(settings: Office, kind: str) -> list[Version]:
    """Every uploaded file of `kind`, newest first; `active` marks the one in use."""
    folder = _versions_dir(settings, kind)
    active = _sha256(_active_path(settings, kind)) if is_own(settings, kind) else None
    found = []
    for path in folder.glob("*.docx") if folder.is_dir() else ():
        match = _VERSION_NAME.fullmatch(path.name)
        if match:
            at = datetime.strptime(match[1], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
            digest = _sha256(path)
            found.append(Version(path.name, at, digest, digest == active))
    return sorted(found, key=lambda v: v.name, reverse=True)


def version_path(settings: Office, kind: str, name: str) -> Path:
    if not _VERSION_NAME.fullmatch(name):
        raise TemplateRejected(f"no version {name!r} of template {kind}")
    path = _versions_dir(settings, kind) / name
    if not path.is_file():
        raise TemplateRejected(f"no version {name!r} of template {kind}")
    return path


def upload(
    session: Session, settings: Office, kind: str, data: bytes, *, filename: str, actor: str,
    now: datetime | None = None,
) -> Version:  # fmt: skip
    """Check `data` renders as a `kind` letter, keep it as a version and put it in use."""
    kind = _kind(kind)
    check(settings, kind, data)
    now = now or utcnow()
    digest = hashlib.sha256(data).hexdigest()
    folder = _versions_dir(settings, kind)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{now.astimezone(UTC):%Y%m%dT%H%M%S%f}Z-{digest[:12]}.docx"
    (folder / name).write_bytes(data)
    _put_in_use(settings, kind, folder / name)
    audit.record(session, actor, "template.upload", f"template:{kind}", None,
                 {"version": name, "sha256": digest, "file": filename[:200]}, now=now)  # fmt: skip
    return Version(name, now, digest, True)


def revert(
    session: Session, settings: Office, kind: str, name: str | None, *, actor: str,
    now: datetime | None = None,
) -> None:  # fmt: skip
    """Put an earlier version back in use; `name` None: the shipped template."""
    kind = _kind(kind)
    before = _sha256(_active_path(settings, kind)) if is_own(settings, kind) else "shipped"
    if name is None:
        _active_path(settings, kind).unlink(missing_ok=True)
        after = "shipped"
    else:
        source = version_path(settings, kind, name)
        _put_in_use(settings, kind, source)
        after = _sha256(source)
    if before != after:
        audit.record(session, actor, "template.revert", f"template:{kind}", {"sha256": before},
                     {"version": name or "shipped", "sha256": after}, now=now)  # fmt: skip


def check(settings: Office, kind: str, data: bytes) -> None:
    """Refuse what is not a DOCX docxtpl can fill with a sample `kind` letter."""
    if len(data) > MAX_BYTES:
        raise TemplateRejected(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    scratch = Path(tempfile.mkdtemp(prefix="template-check-"))
    try:
        source = scratch / "upload.docx"
        source.write_bytes(data)
        if not zipfile.is_zipfile(source):
            raise TemplateRejected("not a DOCX file (a DOCX is a zip archive; this is not one)")
        with zipfile.ZipFile(source) as archive:
            if "word/document.xml" not in archive.namelist():
                raise TemplateRejected("not a DOCX file: it has no word/document.xml")
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise TemplateRejected(f"the DOCX unpacks to more than {MAX_UNPACKED >> 20} MB")
        try:
            docx.render(source, sample_context(settings, kind), scratch / "sample.docx")
        except docx.TemplateProblem as error:
            raise TemplateRejected(str(error).replace(str(source), "the upload")) from None
        except Exception as error:  # an uploaded file is untrusted: any failure refuses it
            raise TemplateRejected(f"the template cannot be filled: {error}") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def sample_context(settings: Office, kind: str) -> dict[str, object]:
    """A letter's context with made-up facts, as content.context builds the real ones."""
    spec = content.KINDS[kind]
    today = date.today()
    facts = content.Facts(
        kind=kind, recipient=spec.default_recipient or spec.recipients[0],
        number="B-1/CONTOH/01/2026", classification="biasa", dated=today, link_count=3,
        platforms=["pasarku", "pasarku", "sosmed"], violations=["Obat keras tanpa resep"] * 3,
        seller_count=2, period=(today, today),
        routed_to=tuple(settings.recipient(r).agency for r in spec.recipients[:2]),
    )  # fmt: skip
    return content.context(settings, facts)


def _put_in_use(settings: Office, kind: str, source: Path) -> None:
    target = _active_path(settings, kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    draft = target.with_name(f".{target.name}.{os.getpid()}")
    shutil.copyfile(source, draft)
    draft.replace(target)  # atomic: a letter made meanwhile reads one whole template


def _active_path(settings: Office, kind: str) -> Path:
    return settings.data_dir / TEMPLATES / f"{_kind(kind)}.docx"


def _versions_dir(settings: Office, kind: str) -> Path:
    return settings.data_dir / TEMPLATES / VERSIONS / _kind(kind)


def _kind(kind: str) -> str:
    if kind not in content.KINDS:
        raise TemplateRejected(
            f"unknown kind of letter {kind!r}; one of {', '.join(content.KINDS)}"
        )
    return kind


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
