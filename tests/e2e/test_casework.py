"""The SOP after the crawl, through `patroli` alone, on the demo marketplace: register ->
takedown list -> a listing taken down on the platform -> verify -> monitoring counts it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from casebook.models import Hit, Listing

pytestmark = [pytest.mark.slow]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo, new_casebook):
    patroli = new_casebook(tmp_path_factory.mktemp("casework"))
    keywords = "keywords=obat,jamu,krim,kopi,ready"
    patroli.run("crawl", "run", "marketplace", "-a", "site=pasarku", "-a", keywords,
                "--base", f"pasarku={demo.base_urls['pasarku']}", *FAST)  # fmt: skip
    return patroli


def _with_hits(patroli) -> list[int]:
    """Listings whose current findings go to IdEA: not only a misleading claim, which on a
    registered product is routed to Dit. Was (crawl order varies, so choose by findings)."""
    with patroli.sessions()() as session:
        current = select(Hit.listing_id).where(
            Hit.superseded_at.is_(None), Hit.code != "misleading_claim"
        )
        return list(session.scalars(select(Listing.id).where(Listing.id.in_(current))
                                    .order_by(Listing.id)))  # fmt: skip


def test_a_patrol_goes_from_register_to_monitoring(crawled, demo, world):
    patroli = crawled
    found = _with_hits(patroli)
    assert len(found) >= 3
    first, second, third = found[:3]
    ids = f"{first},{second},{third}"
    decided = patroli.run("register", "decide", "--ids", ids, "--decision", "takedown",
                          "--reason", "BKO", "--actor", "analis")  # fmt: skip
    entry_ids = [int(line.split()[1].rstrip(":")) for line in decided.stdout.splitlines()]
    assert len(entry_ids) == 3
    # A dismissed entry cannot be listed: one line naming it, exit 1, nothing written.
    patroli.run("register", "decide", "--ids", str(third), "--decision", "dismissed",
                "--reason", "produk terdaftar")  # fmt: skip
    refused = patroli.run("takedown", "build", "--entries", ",".join(map(str, entry_ids)),
                          check=False)  # fmt: skip
    assert refused.returncode == 1
    assert f"not decided takedown: {entry_ids[2]} (dismissed)" in refused.stderr

    built = patroli.run("takedown", "build", "--entries", f"{entry_ids[0]},{entry_ids[1]}")
    list_id = int(built.stdout.split()[2])
    shown = json.loads(built.stdout.split("\n", 1)[1])
    assert {link["recipient"] for link in shown["links"]} == {"idea"}  # a marketplace

    with patroli.sessions()() as session:
        gone_url = session.get(Listing, first).url
    gone = next(x for x in world.listings_on("pasarku") if demo.url(x) == gone_url)
    demo.take_down(gone.id)
    try:
        verified = patroli.run("takedown", "verify", str(list_id),
                               "--base", f"pasarku={demo.base_urls['pasarku']}")  # fmt: skip
    finally:
        demo.restore(gone.id)
    links = json.loads(verified.stdout[verified.stdout.index("{") :])["links"]
    assert {link["listing_id"]: link["link_status"] for link in links} == {
        first: "nonactive", second: "active"}  # fmt: skip

    figures = json.loads(patroli.run("monitoring", "report").stdout)
    assert figures["overall"]["listed"] == 2
    assert figures["overall"]["taken_down"] == 1 and figures["overall"]["still_up"] == 1
    assert figures["by_platform"]["pasarku"]["takedown_rate"] == 0.5

    # Letters (SOP 5-6): the link already down is left out; the attachment lists the other.
    made = [
        json.loads(line)
        for line in patroli.run(
            "letters", "make", str(list_id), "--kind", "rekomendasi_takedown"
        ).stdout.splitlines()
    ]
    assert [(x["recipient"], x["link_count"]) for x in made] == [("idea", 1)]
    book = load_workbook(patroli.data_dir / made[0]["files"]["xlsx"], read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()  # read-only workbooks keep the file open until closed
    still_up = next(link["url"] for link in shown["links"] if link["listing_id"] == second)
    assert rows[0][:2] == ("No", "Tautan") and [r[1] for r in rows[1:]] == [still_up]
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
    patroli.run("letters", "sent", str(made[0]["id"]), "--on", today)

    # Monitoring (SOP 8): before the platform's deadline nothing is proposed again; after it,
    # the link still up goes into a new list as its second proposal.
    assert "no link is still up" in patroli.run("monitoring", "repropose").stdout
    later = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    again = patroli.run("monitoring", "repropose", "--as-of", later).stdout
    relisted = json.loads(again[again.index("{") :])["links"]
    assert [(link["listing_id"], link["proposal"]) for link in relisted] == [(second, 2)]
    assert json.loads(patroli.run("monitoring", "report").stdout)["overall"]["reproposed"] == 1


def test_sla_due_dates_from_the_command_line(crawled):
    assert crawled.run("sla", "due", "--start", "2026-03-10", "--days", "20").stdout == (
        "2026-04-15\n"
    )
