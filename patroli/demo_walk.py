"""The demo's walk through the SOP after the crawl, so every page of the casebook has something
in it: Register Informasi -> List takedown -> a listing taken down on the platform -> re-check
-> letters -> sent -> monitoring. Run again, it adds nothing twice."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from casebook.config import Config
from casebook.letters import office
from casebook.models import Hit, Listing, RegisterEntry, TakedownLink
from casebook.services import letters, monitoring, register, takedown
from patroli.crawling import SpiderRun, run_spiders
from patroli.platforms import kind_of
from patroli.wiring import Casebook

ANALYST = "analis"
SERIOUS = ("prescription_drug", "hazardous_ingredient", "public_warning")
PER_PLATFORM = 6  # takedown entries per platform: a list a newcomer can read through


def walk(casebook: Casebook, config: Config, market, settings: dict, step: Callable) -> None:
    decided = _register(casebook)
    step(f"Register Informasi: {decided} entries (takedown, intelligence, dismissed)")
    list_id, new = _takedown_list(casebook)
    if list_id is None:
        return
    if not new:  # a second run: the restarted demo platform takes the same links down again
        step(f"List takedown {list_id} exists: monitoring re-checks its links")
    gone = _take_two_down(casebook, market, list_id)
    step(f"List takedown {list_id}: re-checking its links ({len(gone)} taken down on the demo)")
    with casebook.sessions() as session:
        ids = takedown.listing_ids(session, list_id)
    run_spiders(config, [SpiderRun("recheck", {"ids": ",".join(map(str, ids)), "due": "0",
                                               "bases": market.base_urls})], settings)  # fmt: skip
    with casebook.sessions() as session, session.begin():
        verified = takedown.refresh_statuses(session, list_id, actor=ANALYST)
        counts = {s: sum(link.link_status == s for link in verified.links)
                  for s in ("active", "nonactive", "unknown")}  # fmt: skip
    step(f"List takedown {list_id} verified: {counts}")
    if new:
        _letters(casebook, config, list_id, step)
    _monitoring(casebook, step)


def _register(casebook: Casebook) -> int:
    """Takedown for the serious findings, intelligence for a few more, one dismissal."""
    with casebook.sessions() as session, session.begin():
        rows = session.execute(
            select(Listing.id, Listing.platform, Hit.code)
            .join(Hit, Hit.listing_id == Listing.id)
            .where(Hit.superseded_at.is_(None))
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
    """(a new list of the takedown entries never listed, True), else (the latest list, False)."""
    with casebook.sessions() as session, session.begin():
        listed = select(TakedownLink.entry_id)
        fresh = session.scalars(
            select(RegisterEntry.id)
            .where(RegisterEntry.decision == "takedown", RegisterEntry.id.not_in(listed))
            .order_by(RegisterEntry.id)
        ).all()
        if not fresh:
            return session.scalar(select(func.max(TakedownLink.list_id))), False
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


def _letters(casebook: Casebook, config: Config, list_id: int, step: Callable) -> None:
    with_pdf = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None
    settings = office.load(config.data_dir)
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    with casebook.sessions() as session, session.begin():
        made = letters.make_letters(session, list_id, "rekomendasi_takedown", actor=ANALYST,
                                    office=settings, with_pdf=with_pdf)  # fmt: skip
        for letter in made:
            letters.mark_sent(session, letter.id, today, actor=ANALYST,
                              platform_hours=settings.platform_hours,
                              follow_up_days=settings.follow_up_days)  # fmt: skip
        summary = [f"{letter.number} -> {letter.recipient} ({letter.link_count} links)"
                   for letter in made]  # fmt: skip
    step("Surat Rekomendasi Takedown, sent today: " + "; ".join(summary))
    if not with_pdf:
        step("LibreOffice is not installed: the letters have DOCX and XLSX, no PDF")


def _monitoring(casebook: Casebook, step: Callable) -> None:
    with casebook.sessions() as session, session.begin():
        monitoring.refresh_links(session)
        overall = monitoring.report(session, now=datetime.now(UTC)).overall
    step(f"Monitoring: {overall.listed} links listed, {overall.taken_down} taken down, "
         f"{overall.still_up} still up, {overall.unknown} unknown")  # fmt: skip
