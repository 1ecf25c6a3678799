"""Who sees what (services.access), on SQLite and PostgreSQL: role x unit x classification x
kind -> visible or not, every object of the world checked for every person (hard negatives
beside positives), one object at a time and as a query condition; sharing and unsharing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import select

from casebook.db import make_session_factory
from casebook.models import AuditEvent, Job, RegisterEntry, Share, UnitListing
from casebook.services import access, findings, jobs, monitoring, register

_spec = importlib.util.spec_from_file_location(
    "access_world", Path(__file__).parents[1] / "access_world.py"
)
world = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world)


@pytest.fixture
def sessions(engine):
    return make_session_factory(engine)


@pytest.fixture
def ids(sessions):
    with sessions() as session, session.begin():
        return world.build(session)


def scope_of(person: str) -> access.Scope:
    role, unit = world.PEOPLE[person]
    return access.Scope(person, role, unit)


@pytest.mark.parametrize("person", list(world.PEOPLE))
def test_each_person_sees_exactly_their_objects(sessions, ids, person):
    scope = scope_of(person)
    seen = set()
    with sessions() as session:
        for kind, model in access.KINDS.items():
            found = set(session.scalars(select(model.id).where(access.condition(scope, kind))))
            seen |= {n for n in world.EVERYTHING if world.kind(n) == kind and ids[n] in found}
    assert seen == world.EXPECTED[person]


@pytest.mark.parametrize("person", list(world.PEOPLE))
def test_one_object_at_a_time_answers_as_the_condition(sessions, ids, person):
    scope = scope_of(person)
    with sessions() as session:
        for name in sorted(world.EVERYTHING):
            if name in world.EXPECTED[person]:
                access.ensure_visible(session, scope, world.kind(name), ids[name])
            else:
                with pytest.raises(access.NotVisible, match=f"no .* {ids[name]}$"):
                    access.ensure_visible(session, scope, world.kind(name), ids[name])


@pytest.mark.parametrize("kind", list(access.KINDS))
def test_a_missing_object_answers_as_an_invisible_one(sessions, ids, kind):
    with sessions() as session, pytest.raises(access.NotVisible) as missing:
        access.ensure_visible(session, scope_of("admin"), kind, 999_999)
    assert str(missing.value) == f"no {access._NAMES[kind]} 999999"


def test_require_visible_names_the_ids_it_refuses(sessions, ids):
    scope = scope_of("petugas_sby")
    with sessions() as session:
        access.require_visible(session, scope, "entry", [ids["e_sby"], ids["e_siber_to_sby"]])
        with pytest.raises(access.NotVisible, match=f"no register entry {ids['e_mdn']}$"):
            access.require_visible(session, scope, "entry", [ids["e_sby"], ids["e_mdn"]])


@pytest.mark.parametrize(
    ("unit", "home"),
    [
        ("", access.DIT_SIBER),
        ("  Dit.  Siber ", access.DIT_SIBER),
        ("direktorat siber", access.DIT_SIBER),
        ("UPT BPOM  Surabaya", "UPT BPOM Surabaya"),
        ("Dit. Siberia", "Dit. Siberia"),  # hard negative: not a name of Dit. Siber
    ],
)
def test_home_unit(unit, home):
    assert access.home_unit(unit) == home


@pytest.mark.parametrize(
    ("role", "unit", "reviews"),
    [
        ("reviewer", "Dit. Was", "dit_was"),
        ("reviewer", "Direktorat Pengawasan Peredaran Obat", "dit_was"),
        ("reviewer", "Dit. Intelijen", "dit_intelijen"),
        ("reviewer", "UPT BPOM Medan", None),
        ("upt_officer", "Dit. Was", None),  # only a reviewer answers referrals
        ("reviewer", "Dit. Siber", None),
    ],
)
def test_a_reviewer_reads_the_letters_of_its_directorate(role, unit, reviews):
    assert access.Scope("x", role, unit).reviews_for == reviews


@pytest.mark.parametrize(
    ("role", "cleared"),
    [
        ("viewer", ("biasa",)),
        ("reviewer", ("biasa", "terbatas")),
        ("upt_officer", ("biasa", "terbatas")),
        ("analyst", ("biasa", "terbatas", "rahasia")),
        ("admin", ("biasa", "terbatas", "rahasia")),
    ],
)
def test_clearance_per_role(role, cleared):
    assert access.Scope("x", role, "").cleared_for == cleared


def test_an_unknown_role_has_no_scope():
    with pytest.raises(access.AccessError, match="unknown role 'superuser'"):
        access.Scope("x", "superuser", "")


def test_sharing_is_audited_and_unsharing_takes_the_listings_back(sessions, ids):
    admin, medan = scope_of("admin"), scope_of("petugas_mdn")
    with sessions() as session, session.begin():
        access.share(session, admin, "list", ids["t_sby"], "UPT BPOM  Medan")
        access.share(session, admin, "list", ids["t_sby"], "UPT BPOM Medan")  # again: no-op
    with sessions() as session:
        access.ensure_visible(session, medan, "list", ids["t_sby"])
        access.ensure_visible(session, medan, "listing", ids["l_e_sby"])
        assert [s.unit for s in access.shares_of(session, "list", ids["t_sby"])] == [world.MDN]
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.target == f"list:{ids['t_sby']}")
        ).all()
        assert actions == ["access.share"]
    with sessions() as session, session.begin():
        assert access.unshare(session, admin, "list", ids["t_sby"], world.MDN) is True
        assert access.unshare(session, admin, "list", ids["t_sby"], world.MDN) is False
    with sessions() as session:
        for kind, name in (("list", "t_sby"), ("listing", "l_e_sby")):
            with pytest.raises(access.NotVisible):
                access.ensure_visible(session, medan, kind, ids[name])
        events = session.scalars(
            select(AuditEvent.action).where(AuditEvent.target == f"list:{ids['t_sby']}")
        ).all()
        assert events == ["access.share", "access.unshare"]


def test_unsharing_keeps_what_the_unit_reaches_by_another_way(sessions, ids):
    admin = scope_of("admin")
    with sessions() as session, session.begin():
        access.share(session, admin, "listing", ids["l_e_sby"], world.SBY)  # its own already
        access.unshare(session, admin, "listing", ids["l_e_sby"], world.SBY)
    with sessions() as session:
        access.ensure_visible(session, scope_of("petugas_sby"), "listing", ids["l_e_sby"])
        rows = session.scalars(
            select(UnitListing.via).where(UnitListing.listing_id == ids["l_e_sby"])
        ).all()
        assert rows == ["entry"]


@pytest.mark.parametrize(
    ("person", "kind", "name", "allowed"),
    [
        ("petugas_sby", "entry", "e_sby", True),  # its own unit's work
        ("petugas_sby", "plan", "p_sby", True),
        ("petugas_sby", "entry", "e_siber_to_sby", False),  # shared with it: not its to pass on
        ("petugas_sby", "entry", "e_mdn", False),  # another unit's: not even visible
        ("petugas_sby", "listing", "l_e_sby", False),  # a listing is no unit's: analysts share
        ("tamu_sby", "entry", "e_sby", False),  # a viewer shares nothing
        ("reviu_was", "letter", "s_siber_was", False),
        ("analis", "entry", "e_mdn", True),
        ("analis", "listing", "l_free", True),
    ],
)
def test_who_may_share(sessions, ids, person, kind, name, allowed):
    with sessions() as session, session.begin():
        if allowed:
            access.share(session, scope_of(person), kind, ids[name], "UPT BPOM Jayapura")
            assert session.scalar(select(Share.unit).where(Share.object_id == ids[name],
                                                           Share.kind == kind))  # fmt: skip
        else:
            with pytest.raises(access.AccessError):
                access.share(session, scope_of(person), kind, ids[name], "UPT BPOM Jayapura")


@pytest.mark.parametrize(
    ("kind", "unit", "message"),
    [
        ("user", world.SBY, "cannot share a 'user'"),
        ("entry", "  ", "share with which unit"),
    ],
)
def test_bad_shares_say_why(sessions, ids, kind, unit, message):
    with sessions() as session, pytest.raises(ValueError, match=message):
        access.share(session, scope_of("admin"), kind, ids["e_sby"], unit)


def test_a_share_never_lifts_a_classification(sessions, ids):
    with sessions() as session:
        assert session.scalar(select(Share.id).where(Share.object_id == ids["e_rahasia_to_sby"]))
        with pytest.raises(access.NotVisible):
            access.ensure_visible(session, scope_of("petugas_sby"), "entry",
                                  ids["e_rahasia_to_sby"])  # fmt: skip


def test_an_entry_stays_with_the_unit_that_first_decided_it(sessions, ids):
    with sessions() as session, session.begin():
        (entry,) = register.decide(session, [ids["l_e_sby"]], "intelligence", reason="ulang",
                                   actor="analis", unit="", classification="terbatas")  # fmt: skip
    with sessions() as session:
        entry = session.get(RegisterEntry, ids["e_sby"])
        assert (entry.unit, entry.classification, entry.decision) == (
            world.SBY,
            "terbatas",
            "intelligence",
        )


def test_register_and_lists_refuse_an_unknown_classification(sessions, ids):
    from casebook.services import takedown

    with sessions() as session:
        with pytest.raises(register.RegisterError, match="unknown classification 'rahsia'"):
            register.decide(
                session, [ids["l_free"]], "takedown", actor="a", classification="rahsia"
            )
        with pytest.raises(takedown.TakedownError, match="unknown classification 'semua'"):
            takedown.build_list(session, [ids["e_sby"]], actor="a", classification="semua",
                                kind_of=lambda p, u: "marketplace")  # fmt: skip


def test_dit_siber_decisions_write_no_listing_rows(sessions, ids):
    # Dit. Siber reads every listing: a bulk decision by its analysts stays one batch.
    with sessions() as session, session.begin():
        register.decide(session, [ids["l_free"]], "takedown", actor="analis", unit="Dit. Siber")
        rows = session.scalars(
            select(UnitListing.unit).where(UnitListing.listing_id == ids["l_free"])
        ).all()
    assert rows == []


def test_a_plan_crawl_lets_the_plans_unit_read_what_it_found(config, sessions, ids):
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from crawler.items import ListingItem
    from crawler.pipelines import CasebookPipeline
    from rules.model import Verdict

    crawler = get_crawler(Spider, {"PATROLI_DATABASE_URL": config.database_url})
    crawler._apply_settings()
    crawler.spider = Spider(name="marketplace")
    crawler.spider.plan_id = ids["p_sby_terbatas"]  # a Surabaya plan, shared with nobody
    pipeline = CasebookPipeline.from_crawler(crawler)
    url = "http://pasar.example/baru-dari-patroli-sby"
    pipeline.write([ListingItem(url=url, platform="pasarku", title="Krim baru",
                                verdict=Verdict(url, (), "", (), "v1"))])  # fmt: skip
    pipeline.engine.dispose()
    with sessions() as session:
        found = session.scalar(select(UnitListing.listing_id).where(
            UnitListing.unit == world.SBY, UnitListing.via == f"plan:{ids['p_sby_terbatas']}"
        ))  # fmt: skip
        access.ensure_visible(session, scope_of("petugas_sby"), "listing", found)
        with pytest.raises(access.NotVisible):
            access.ensure_visible(session, scope_of("petugas_mdn"), "listing", found)


def _seen(person: str, kind: str) -> int:
    return sum(1 for n in world.EXPECTED[person] if world.kind(n) == kind)


@pytest.mark.parametrize("person", list(world.PEOPLE))
def test_figures_count_only_what_the_person_sees(sessions, ids, person):
    """Monitoring counts the links of the lists one sees (one link a list in the world), the
    findings summary the listings one reads; without a condition, everything (the CLI)."""
    scope = scope_of(person)
    with sessions() as session:
        shown = monitoring.report(session, visible=access.list_condition(scope))
        counted = findings.summary(session, access.listing_condition(scope))
        assert shown.overall.listed == _seen(person, "list")
        assert sum(f.listed for f in shown.by_recipient.values()) == _seen(person, "list")
        assert (counted.listings, counted.with_hits) == (_seen(person, "listing"),) * 2
        assert monitoring.report(session).overall.listed == len(world.LISTS)
        assert findings.summary(session).listings == len(world.ALL_LISTINGS)


# (kind, the names of its work, who asked): a job is seen by who asked, the national roles,
# and whoever sees all of its work
JOBS = [
    ("verify_list", ["t_sby"], "petugas_sby"),
    ("crawl_plan", ["p_mdn"], "petugas_mdn"),
    ("recheck", ["l_e_sby", "l_e_mdn"], "admin"),
    ("verify_list", ["t_siber"], "analis"),
]
ARGS = {"verify_list": "list_id", "crawl_plan": "plan_id", "recheck": "listing_ids"}


@pytest.mark.parametrize("person", list(world.PEOPLE))
def test_a_job_is_seen_with_its_work(sessions, ids, person):
    scope = scope_of(person)
    with sessions() as session, session.begin():
        for kind, work, who in JOBS:
            value = [ids[w] for w in work] if kind == "recheck" else ids[work[0]]
            job = Job(kind=kind, args={ARGS[kind]: value}, status="queued", requested_by=who,
                      requested_at=world.NOW)  # fmt: skip
            session.add(job)
            session.flush()
            if scope.national or who == person or set(work) <= world.EXPECTED[person]:
                assert jobs.visible(session, job.id, scope) is job
            else:
                with pytest.raises(jobs.JobNotFound, match=rf"^no job {job.id}$"):
                    jobs.visible(session, job.id, scope)
        with pytest.raises(jobs.JobNotFound, match=r"^no job 999999$"):
            jobs.visible(session, 999999, scope)
