"""What the two whole-SOP tests share: a casebook crawled from the demo marketplace, an analyst
(with an API token), the web app built as `patroli serve` builds it with a job waker that
reaches the demo's loopback ports, and reading back a letter's files."""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from casebook.models import Hit, Listing
from casebook.services import users
from patroli.jobs import job_waker
from patroli.serving import make_app

FAST = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=0")
PATIENCE = 240  # seconds a job may take before a test gives up (a hang, not a measurement)
ANALYST, PASSWORD = "analis", "rahasia-analis-1"
# DESIGN §7: the attachment's header row, in this order.
ATTACHMENT_HEADER = ("No", "Tautan", "Platform", "Penjual", "Produk", "Pelanggaran",
                     "Dasar Hukum", "SHA-256 Bukti", "Waktu Tangkapan",
                     "Status Tautan")  # fmt: skip
# A registered product that only breaks advertising rules is Dit. Was's to send (DESIGN §1):
# the whole SOP to IdEA needs listings with another finding.
ADVERTISING_ONLY = "misleading_claim"


def crawl_pasarku(patroli, demo) -> None:
    patroli.run("crawl", "run", "marketplace", "-a", "site=pasarku", "-a", "keywords=obat,krim",
                "--base", f"pasarku={demo.base_urls['pasarku']}",
                *[arg for s in FAST for arg in ("-s", s)])  # fmt: skip


def add_analyst(patroli) -> str:
    """An analyst of Dit. Siber who logs in with PASSWORD; returns the analyst's API token."""
    with patroli.sessions()() as session, session.begin():
        users.create_user(session, ANALYST, PASSWORD, "analyst", actor="test")
        return users.create_token(session, ANALYST, name="sop", actor="test")[1]


def served_app(patroli, demo):
    """The app `patroli serve` runs (patroli.serving.make_app), its waker told where the demo
    marketplace listens, as `patroli demo` does."""
    app = make_app(patroli.config)
    app.config["PATROLI_JOB_WAKER"] = job_waker(
        patroli.config, {"pasarku": demo.base_urls["pasarku"]}, FAST
    )
    return app


def commonest_code(patroli) -> str:
    """The current finding other than an advertising one that most listings carry: the triage
    filter an analyst would pick to find takedown material."""
    with patroli.sessions()() as session:
        codes = session.scalars(
            select(Hit.code).where(Hit.superseded_at.is_(None), Hit.code != ADVERTISING_ONLY)
        )
        return Counter(codes).most_common(1)[0][0]


def listing_url(patroli, listing_id: int) -> str:
    with patroli.sessions()() as session:
        return session.get(Listing, listing_id).url


def listing_status(patroli, listing_id: int) -> str:
    with patroli.sessions()() as session:
        return session.get(Listing, listing_id).status


def demo_listing_id(patroli, demo, world, listing_id: int) -> str:
    """The demo marketplace's own id of a crawled listing (to take it down on the platform)."""
    url = listing_url(patroli, listing_id)
    return next(x.id for x in world.listings_on("pasarku") if demo.url(x) == url)


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def xlsx_rows(data: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return list(book.active.iter_rows(values_only=True))
    finally:
        book.close()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Api:
    """REST API v1 over real HTTP with the analyst's bearer token, as another system calls it."""

    base: str
    token: str

    def __call__(self, method: str, path: str, body: dict | None = None) -> Answer:
        url = path if path.startswith("http") else f"{self.base}/api/v1{path}"
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, dict(error.headers), error.read())

    def ok(self, method: str, path: str, body: dict | None = None, status: int = 200):
        """The JSON of an answer that must have `status`; else fail showing what came back."""
        answer = self(method, path, body)
        assert answer.status == status, f"{method} {path}: {answer.status} {answer.body[:2000]!r}"
        return answer.json

    def ended(self, job_id: int, data_dir) -> dict:
        """Poll the job as an integrator would until it ends (its log shown if it hangs)."""
        deadline = time.monotonic() + PATIENCE
        while True:
            job = self.ok("GET", f"/jobs/{job_id}")
            if job["status"] in ("done", "failed"):
                return job
            if time.monotonic() > deadline:
                log = data_dir / "jobs" / f"{job_id}.log"
                shown = log.read_text()[-4000:] if log.exists() else "(no log)"
                raise AssertionError(f"job {job_id} still {job['status']}:\n{shown}")
            time.sleep(0.5)
