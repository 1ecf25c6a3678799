"""The checks a restore ends with: those of `patroli evidence verify` and `patroli audit
verify`, through the same services, so a restored casebook passes or fails as they would."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select

from casebook.db import make_session_factory
from casebook.models import Capture
from casebook.services import audit, evidence
from casebook.services.audit import ChainBreak, Head

WITNESS = "audit-head"  # as patroli audit verify


@dataclass
class Verdict:
    captures: int = 0
    evidence_problems: list[evidence.Problem] = field(default_factory=list)
    audit_breaks: list[ChainBreak] = field(default_factory=list)
    audit_end: Head = field(default_factory=lambda: Head(0, audit.GENESIS))

    @property
    def ok(self) -> bool:
        return not self.evidence_problems and not self.audit_breaks


def capture_count(engine: Engine) -> int:
    with make_session_factory(engine)() as session:
        return session.scalar(select(func.count()).select_from(Capture)) or 0


def audit_length(engine: Engine) -> int:
    with make_session_factory(engine)() as session:
        head = audit.recorded_head(session)
        return head.seq if head else 0


def verify(
    engine: Engine,
    data_dir: Path,
    *,
    progress: Callable[[int], None] | None = None,
    audit_progress: Callable[[int], None] | None = None,
) -> Verdict:
    """Re-hash every capture, then walk the audit chain against its head and the witness; a
    clean chain moves the witness on, as `patroli audit verify` does. `progress` hears of each
    capture checked, `audit_progress` of each event walked."""
    verdict = Verdict()
    database = engine.url.render_as_string(hide_password=True)
    with make_session_factory(engine)() as session:
        for _manifest, problems in evidence.verify_all(session, data_dir):
            verdict.captures += 1
            verdict.evidence_problems += problems
            if progress is not None:
                progress(1)
        verdict.audit_breaks = audit.verify(session, progress=audit_progress)
        witnessed = audit.read_witness(data_dir / WITNESS, database)
        if witnessed is not None:
            verdict.audit_breaks += audit.check_witness(session, *witnessed)
        verdict.audit_end = audit.chain_end(session)
    if not verdict.audit_breaks:
        audit.write_witness(data_dir / WITNESS, database, verdict.audit_end)
    return verdict
