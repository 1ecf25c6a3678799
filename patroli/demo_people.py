"""The demo's people and the work of the units beside Dit. Siber, so every page has someone in
it: a user of each role in four units, an API token, the demo plan shared with an UPT whose
officer decides on its findings, a tip from Dit. Intelijen, and a day off the office declared.
All of it through the casebook's services; run again, nothing is added twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import exists, select

from casebook.models import Hit, Listing, RegisterEntry, User
from casebook.services import access, calendar, plans, register, triage, users
from patroli.wiring import Casebook

PASSWORD = "patroli-demo"
DIT_SIBER = plans.DIT_SIBER
UPT = "Balai Besar POM di Surabaya"
DIT_WAS = "Direktorat Pengawasan Peredaran Obat dan Makanan"
DIT_INTELIJEN = "Direktorat Intelijen Obat dan Makanan"
# (username, role, full name, unit): what a newcomer logs in as to see each role's casebook.
PEOPLE = (
    ("admin", "admin", "Admin Patroli", DIT_SIBER),
    ("analis", "analyst", "Analis Siber", DIT_SIBER),
    ("pimpinan", "viewer", "Pimpinan Dit. Siber", DIT_SIBER),
    ("upt.surabaya", "upt_officer", "Petugas BBPOM Surabaya", UPT),
    ("was", "reviewer", "Penelaah Dit. Was", DIT_WAS),
    ("intel", "reviewer", "Penelaah Dit. Intelijen", DIT_INTELIJEN),
)
TOKEN_NAME = "contoh demo: skrip API"
ANALYST = "analis"
UPT_OFFICER = "upt.surabaya"


def add_people(casebook: Casebook, step: Callable) -> None:
    """The demo's users (the missing ones), and the admin's API token, shown the once it is
    made (the casebook keeps only its hash)."""
    with casebook.sessions() as session, session.begin():
        for username, role, full_name, unit in PEOPLE:
            if session.scalar(select(User.id).where(User.username == username)) is None:
                users.create_user(session, username, PASSWORD, role, actor="demo",
                                  full_name=full_name, unit=unit)  # fmt: skip
        if not any(t.name == TOKEN_NAME for t in users.list_tokens(session, "admin")):
            _, token = users.create_token(session, "admin", name=TOKEN_NAME, actor="demo")
            step(f"API token of admin (shown once; revoke it under Pengaturan): {token}")


def share_plan_with_upt(casebook: Casebook, plan_id: int, step: Callable) -> None:
    """Dit. Siber shares its patrol plan with an UPT: the UPT's officer then reads what the
    plan's runs found (run before the crawl, so the crawl's listings are the UPT's too)."""
    with casebook.sessions() as session, session.begin():
        analyst = session.scalar(select(User).where(User.username == ANALYST))
        access.share(session, access.Scope.of(analyst), "plan", plan_id, UPT)
    step(f"plan {plan_id} shared with {UPT}")


def upt_entries(casebook: Casebook, step: Callable) -> None:
    """The UPT's officer records two of the shared plan's findings for intelligence (its own
    entries, in its own unit), once."""
    with casebook.sessions() as session, session.begin():
        if session.scalar(select(exists().where(RegisterEntry.unit == UPT))):
            return
        officer = session.scalar(select(User).where(User.username == UPT_OFFICER))
        scope = access.Scope.of(officer)
        ids = _undecided(session, access.listing_condition(scope), 2)
        if not ids:
            return
        register.decide(session, ids, "intelligence", actor=UPT_OFFICER, unit=UPT,
                        reason="iklan di wilayah kerja BBPOM Surabaya: pantau penjual")  # fmt: skip
    step(f"{UPT}: {len(ids)} entries of its own (intelligence)")


def tip_from_intelijen(casebook: Casebook, step: Callable) -> None:
    """Dit. Intelijen sends two URLs; the analyst enters them for takedown, as the register's
    intake form does. They wait for the next takedown list."""
    with casebook.sessions() as session, session.begin():
        if session.scalar(select(exists().where(RegisterEntry.source == DIT_INTELIJEN))):
            return
        ids = _undecided(session, Listing.platform == "tokosehat", 2)
        if not ids:
            return
        urls = session.scalars(select(Listing.url).where(Listing.id.in_(ids))).all()
        tip = triage.read_tip(session, "\n".join(urls))
        register.decide(session, list(tip.known.values()), "takedown", actor=ANALYST,
                        source=DIT_INTELIJEN, unit=DIT_SIBER,
                        reason="informasi Dit. Intelijen: jaringan obat ilegal")  # fmt: skip
    step(f"tip from {DIT_INTELIJEN}: {len(tip.known)} URLs entered for takedown")


def office_day_off(casebook: Casebook, today: date, step: Callable) -> None:
    """The office closes on the last day of the year: working-day deadlines step over it."""
    day = date(today.year, 12, 31)
    with casebook.sessions() as session, session.begin():
        calendar.set_override(session, day, off=True, name="Cuti bersama akhir tahun (kantor)",
                              actor="admin")  # fmt: skip
    step(f"holiday override: {day} off")


def _undecided(session, where, count: int) -> list[int]:
    """The first listings with a current violation and no register entry yet."""
    decided = select(RegisterEntry.listing_id)
    return list(session.scalars(
        select(Listing.id).join(Hit, Hit.listing_id == Listing.id)
        .where(Hit.superseded_at.is_(None), Listing.id.not_in(decided), where)
        .group_by(Listing.id).order_by(Listing.id).limit(count)
    ))  # fmt: skip


def printed() -> list[str]:
    """The demo's logins as the terminal shows them."""
    return [f"{username:13} {role:12} {unit}" for username, role, _, unit in PEOPLE]
