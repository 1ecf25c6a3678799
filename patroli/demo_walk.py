"""The demo's walk through the SOP after the crawl, so every page of the casebook has something
in it: Register Informasi (Dit. Siber's entries, an UPT's, a tip from Dit. Intelijen) -> List
takedown -> two links taken down on the platform -> the list verified by a job -> letters to
IdEA, Komdigi, Dit. Was and Dit. Intelijen, sent, IdEA's answer recorded -> a holiday override
-> profiling (accounts linked into actors, a suggestion decided, a Dokumen profiling and a
Rekomendasi Pelaku about one actor) -> monitoring. Run again, it adds nothing twice (a later
run re-checks the list: the restarted demo platform took the same links down again)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from casebook.config import Config
from casebook.models import Hit, Listing, RegisterEntry, TakedownLink
from casebook.services import imports, monitoring, register, takedown
from patroli import (
    demo_actors,
    demo_alerts,
    demo_jobs,
    demo_letters,
    demo_people,
    demo_schedule,
)
from patroli.crawling import SpiderRun, run_spiders
from patroli.platforms import kind_of
from patroli.wiring import Casebook

ANALYST = "analis"
SERIOUS = ("prescription_drug", "hazardous_ingredient", "public_warning")
PER_PLATFORM = 6  # takedown entries per platform: a list a newcomer can read through


def walk(casebook: Casebook, config: Config, market, settings: dict, step: Callable) -> None:
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    decided = _register(casebook, set(market.base_urls))
    step(f"Register Informasi: {decided} entries (takedown, intelligence, dismissed)")
    demo_people.upt_entries(casebook, step)
    list_id, new = _takedown_list(casebook)
    if list_id is None:
        return
    demo_people.tip_from_intelijen(casebook, step)  # after the list: its entries wait for one
    if not new:  # a second run: the restarted demo platform takes the same links down again
        step(f"List takedown {list_id} exists: monitoring re-checks its links")
    gone = _take_two_down(casebook, market, list_id)
    step(f"List takedown {list_id}: re-checking its links ({len(gone)} taken down on the demo)")
    if new:
        demo_jobs.verify_as_job(casebook, config, market.base_urls, list_id, ANALYST, step)
    else:
        _recheck(casebook, config, market, settings, list_id)
    with casebook.sessions() as session:
        verified = takedown.get_list(session, list_id)
        counts = {s: sum(link.link_status == s for link in verified.links)
                  for s in ("active", "nonactive", "unknown")}  # fmt: skip
    step(f"List takedown {list_id} verified: {counts}")
    if new:
        demo_letters.send_letters(casebook, config, list_id, today, step)
    demo_people.office_day_off(casebook, today, step)
    demo_actors.profile_actors(casebook, config, market.world, today, step)
    demo_schedule.scheduled_patrol(casebook, market, settings, step)
    demo_alerts.raise_demo_alerts(casebook, config, settings, step)
    _monitoring(casebook, step)


def _recheck(casebook: Casebook, config: Config, market, settings: dict, list_id: int) -> None:
    """Verify the list again (a later run: the crawl saw the taken-down links up once more)."""
    with casebook.sessions() as session:
        ids = takedown.listing_ids(session, list_id)
    run_spiders(config, [SpiderRun("recheck", {"ids": ",".join(map(str, ids)), "due": "0",
                                               "bases": market.base_urls})], settings)  # fmt: skip
    with casebook.sessions() as session, session.begin():
        takedown.refresh_statuses(session, list_id, actor=ANALYST)


def _register(casebook: Casebook, platforms: set[str]) -> int:
    """Takedown for the serious findings, intelligence for a few more, one dismissal — on the
    demo marketplace's platforms: the tip shop crawled later in the walk waits in triage."""
    with casebook.sessions() as session, session.begin():
        rows = session.execute(
            select(Listing.id, Listing.platform, Hit.code)
            .join(Hit, Hit.listing_id == Listing.id)
            .where(Hit.superseded_at.is_(None), Listing.platform.in_(platforms))
            .order_by(Listing.id)
        ).all()
        serious: dict[str, list[int]] = {}
        other: list[int] = []
        for listing_id, platform, code in rows:
            chosen = serious.setdefault(platform, [])
            if code in SERIOUS and listing_id not in chosen and len(chosen) < PER_PLATFORM:
                chosen.append(listing_id)
        picked = {i for ids in serious.values() for i in ids}
        other = list(dict.fromkeys(i for i, _, _ in rows if i not in picked))
        for ids in serious.values():
            register.decide(session, ids, "takedown", reason="temuan patroli siber: BKO/obat "
                            "keras/peringatan publik", actor=ANALYST)  # fmt: skip
        if other[:4]:
            register.decide(
                session,
                other[:3],
                "intelligence",
                reason="pantau penjual: pola pelanggaran berulang",
                actor=ANALYST,
            )
            register.decide(session, other[3:4], "dismissed",
                            reason="produk terdaftar, temuan iklan sudah dikoreksi penjual",
                            actor=ANALYST)  # fmt: skip
        return len(picked) + len(other[:4])


def _takedown_list(casebook: Casebook) -> tuple[int | None, bool]:
    """(a new list of the takedown entries, True) the first time, else (the latest list, False);
    takedown entries decided later (the tip) wait for the next list, as in the office."""
    with casebook.sessions() as session, session.begin():
        listed = select(TakedownLink.entry_id)
        fresh = session.scalars(
            select(RegisterEntry.id)
            .where(RegisterEntry.decision == "takedown", RegisterEntry.id.not_in(listed))
            .order_by(RegisterEntry.id)
        ).all()
        latest = session.scalar(select(func.max(TakedownLink.list_id)))
        if latest is not None or not fresh:  # the demo builds its list once
            return latest, False
        built = takedown.build_list(session, fresh, actor=ANALYST, kind_of=kind_of,
                                    unit="Direktorat Siber Obat dan Makanan")  # fmt: skip
        return built.id, True


def _take_two_down(casebook: Casebook, market, list_id: int) -> list[str]:
    """The platform acts on two of the links, as it would after an order."""
    with casebook.sessions() as session:
        urls = [link.url for link in takedown.get_list(session, list_id).links]
    by_url = {market.url(x): x.id for x in market.world.listings}
    gone = [by_url[url] for url in urls if url in by_url][:2]
    for listing_id in gone:
        market.take_down(listing_id)
    return gone


def _monitoring(casebook: Casebook, step: Callable) -> None:
    with casebook.sessions() as session, session.begin():
        monitoring.refresh_links(session)
        overall = monitoring.report(session, now=datetime.now(UTC)).overall
    step(f"Monitoring: {overall.listed} links listed, {overall.taken_down} taken down, "
         f"{overall.still_up} still up, {overall.unknown} unknown")  # fmt: skip


def load_registry(casebook: Casebook, data: Path, step: Callable) -> None:
    """The demo's registry and public warnings, imported as the Impor page does (so they show
    in its history). Once imported, a file that changes nothing leaves no second record."""
    for kind, name in (("registry", "registry.csv"), ("warnings", "warnings.csv")):
        with casebook.sessions() as session:
            known = any((event.after or {}).get("file") == name and event.actor == "demo"
                        for event in imports.history(session, limit=1000))  # fmt: skip
            report = imports.import_file(session, kind, data / name, filename=name,
                                         actor="demo")  # fmt: skip
            if known and not (report.new or report.updated):
                session.rollback()  # the same file again: nothing to record
            else:
                session.commit()
        step(f"{name}: {report.read} rows ({report.new} new, {report.updated} updated)")
