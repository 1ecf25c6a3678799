"""The whole SOP through REST API v1 alone, over real HTTP with an analyst's bearer token, on
the demo data: listings with violations -> Register Informasi -> takedown list -> the platform
takes one listing down -> verify (a job, polled) -> Surat Rekomendasi Takedown -> its DOCX, PDF
and XLSX -> sent -> re-check (a job, polled) -> monitoring. The app is the one `patroli serve`
builds; its jobs really run `patroli jobs run` against the demo marketplace."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest


def _steps():
    """tests/e2e/sop_steps.py (the tests are no package): loaded once, registered by name so
    its dataclasses resolve their annotations."""
    if "sop_steps" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "sop_steps", Path(__file__).parent / "sop_steps.py"
        )
        sys.modules["sop_steps"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["sop_steps"])
    return sys.modules["sop_steps"]


sop = _steps()

pytestmark = [pytest.mark.slow]
REASON = "Obat keras tanpa izin edar (SOP patroli)"


@pytest.fixture(scope="module")
def api(tmp_path_factory, demo, new_casebook, serve_app):
    patroli = new_casebook(tmp_path_factory.mktemp("sop-api"))
    sop.crawl_pasarku(patroli, demo)
    token = sop.add_analyst(patroli)
    client = sop.Api(serve_app(sop.served_app(patroli, demo)), token)
    client.patroli = patroli
    return client


def _with_violations(api) -> list[dict]:
    """Every pasarku listing with violations, page by page through the cursors."""
    found, cursor = [], ""
    while True:
        page = api.ok("GET", f"/listings?has_violations=true&platform=pasarku&limit=20{cursor}")
        found += page["items"]
        if page["next_cursor"] is None:
            return found
        cursor = f"&cursor={page['next_cursor']}"


def test_the_whole_sop_through_the_api(api, demo, world):
    listed = _with_violations(api)
    assert listed and all(x["violations"] and x["platform"] == "pasarku" for x in listed)
    # Takedown material for IdEA: a finding other than an advertising one (DESIGN §1).
    material = [x for x in listed if {v["type"] for v in x["violations"]} - {sop.ADVERTISING_ONLY}]
    assert len(material) >= 2
    chosen = [x["id"] for x in material[:2]]
    urls = {x["id"]: x["url"] for x in material[:2]}

    decided = api.ok("POST", "/register", {"listing_ids": chosen, "decision": "takedown",
                                           "reason": REASON}, status=201)  # fmt: skip
    entries = {e["listing_id"]: e for e in decided["items"]}
    assert set(entries) == set(chosen)
    assert {(e["decision"], e["reason"], e["decided_by"]) for e in entries.values()} == {
        ("takedown", REASON, sop.ANALYST)}  # fmt: skip
    register = api.ok("GET", "/register?decision=takedown")["items"]
    assert {e["id"] for e in register} == {e["id"] for e in entries.values()}

    entry_ids = [entries[i]["id"] for i in chosen]
    built = api.ok("POST", "/takedown-lists", {"entry_ids": entry_ids}, status=201)
    list_id = built["id"]
    assert [(x["entry_id"], x["listing_id"], x["url"], x["recipient"]) for x in built["links"]] == [
        (entries[i]["id"], i, urls[i], "idea") for i in chosen]  # fmt: skip

    gone = sop.demo_listing_id(api.patroli, demo, world, chosen[0])
    demo.take_down(gone)  # the platform acts on the first listing
    try:
        _verify_to_monitoring(api, list_id, chosen, urls)
    finally:
        demo.restore(gone)


def _verify_to_monitoring(api, list_id: int, chosen: list[int], urls: dict[int, str]) -> None:
    taken_down, still_up = chosen
    started = api("POST", f"/takedown-lists/{list_id}/verify")
    assert started.status == 202, started.body
    job_id = started.json["job"]["id"]
    assert started.headers["Location"] == f"/api/v1/jobs/{job_id}"
    job = api.ended(job_id, api.patroli.data_dir)
    assert (job["status"], job["kind"], job["error"]) == ("done", "verify_list", None)
    shown = api.ok("GET", f"/takedown-lists/{list_id}")
    assert shown["status"] == "verified"
    assert {x["listing_id"]: x["link_status"] for x in shown["links"]} == {
        taken_down: "nonactive", still_up: "active"}  # fmt: skip
    assert all(x["checked_at"].endswith("Z") for x in shown["links"])

    # The Surat Rekomendasi Takedown: one letter to IdEA holding the link still up.
    made = api.ok("POST", f"/takedown-lists/{list_id}/letters",
                  {"kind": "rekomendasi_takedown"}, status=201)["items"]  # fmt: skip
    assert [(x["kind"], x["recipient"], x["status"], x["link_count"]) for x in made] == [
        ("rekomendasi_takedown", "idea", "draft", 1)]  # fmt: skip
    letter = made[0]
    assert set(letter["files"]) == {"docx", "pdf", "xlsx"}
    files = {}
    for kind, url in letter["files"].items():
        answer = api("GET", url)
        assert answer.status == 200, (kind, answer.body[:500])
        files[kind] = answer.body
    assert letter["number"] in sop.docx_text(files["docx"])
    assert files["pdf"].startswith(b"%PDF")
    rows = sop.xlsx_rows(files["xlsx"])
    assert rows[0] == sop.ATTACHMENT_HEADER
    assert [row[1] for row in rows[1:]] == [urls[still_up]]

    today = (datetime.now(UTC) + timedelta(hours=7)).date().isoformat()  # Jakarta's date
    sent = api.ok("POST", f"/letters/{letter['id']}/sent", {"sent_on": today})
    assert (sent["status"], sent["sent_on"]) == ("sent", today) and sent["due"]
    assert api.ok("GET", f"/letters/{letter['id']}")["status"] == "sent"

    # SOP 8 — re-check both listings: the one taken down stays down, the other is still up.
    started = api("POST", "/recheck", {"listing_ids": chosen})
    assert started.status == 202, started.body
    assert [x["listing_id"] for x in started.json["items"]] == chosen
    job = api.ended(started.json["job"]["id"], api.patroli.data_dir)
    assert (job["status"], job["kind"], job["progress"]["done"]) == ("done", "recheck", 2)
    statuses = {i: api.ok("GET", f"/listings/{i}")["status"] for i in chosen}
    assert statuses == {taken_down: "nonactive", still_up: "active"}

    figures = api.ok("GET", "/monitoring")
    pasarku = next(x for x in figures["by_platform"] if x["platform"] == "pasarku")
    assert pasarku == {"platform": "pasarku", "listed": 2, "taken_down": 1, "still_up": 1,
                       "unknown": 0, "reproposed": 0}  # fmt: skip
    assert [x["recipient"] for x in figures["by_recipient"]] == ["idea"]
    assert figures["overdue"] == 0
