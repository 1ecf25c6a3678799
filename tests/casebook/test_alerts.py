"""Alerts on anomalous crawls: drops, climbs and blocks raised against the target's usual
figures, hard negatives beside them (no history, a small plan, normal noise), no duplicates,
acknowledgement audited, and what each user may see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from casebook.models import AuditEvent, CrawlRun
from casebook.models.operations import Alert
from casebook.services import alerts, plans, runs
from casebook.services.access import Scope

T0 = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
SURABAYA = "Balai Besar POM di Surabaya"
SHOP = "toko.example"
NORMAL = {"stored": 40, "pages": 100, "failed": 2, "sites": {SHOP: (100, 0)}}


def stats(stored=40, pages=100, failed=2, sites=None) -> dict:
    sites = {SHOP: (pages, 0)} if sites is None else sites
    return {
        "patroli/stored": stored,
        "response_received_count": pages,
        "patroli/failed_urls": failed,
        "patroli/sites": {h: {"pages": p, "blocked": b} for h, (p, b) in sites.items()},
        "failures": [],
    }


def crawl(session, plan_id, figures, *, status="finished", site="pasarku", spider="marketplace",
          at=0, queue="") -> int:  # fmt: skip
    when = T0 + timedelta(days=at)
    arguments = {"site": site} if site else {}
    if queue:
        arguments["queue"] = queue
    run = runs.start_run(session, spider, arguments, plan_id=plan_id, now=when)
    runs.finish_run(session, run.id, status, figures, now=when + timedelta(minutes=30))
    return run.id


def plan(session, name="Patroli Lebaran", unit="Dit. Siber") -> int:
    made = plans.save_plan(session, name, keywords=["tramadol"], targets=[], unit=unit,
                           actor="ani", now=T0)  # fmt: skip
    return made.id


# (case, earlier runs' stats, this run's stats, this run's status, expected (kind, site))
CASES = [
    ("items fell under half", [stats(40), stats(44), stats(38), stats(42)], stats(12),
     "finished", [("item_drop", "pasarku")]),
    ("items fell to nothing", [stats(25)] * 3, stats(0, pages=3), "finished",
     [("item_drop", "pasarku")]),
    ("a 40% dip is noise", [stats(40), stats(44), stats(38), stats(42)], stats(25),
     "finished", []),
    ("a small plan with few items", [stats(4), stats(5), stats(3), stats(4)], stats(1),
     "finished", []),
    ("a first run has no history", [], stats(0, pages=80, failed=70, sites={SHOP: (80, 80)}),
     "finished", []),
    ("two earlier runs are too few for a usual", [stats(40), stats(40)], stats(2), "finished",
     []),
    ("a run cut short is not judged", [stats(40)] * 4, stats(3), "shutdown", []),
    ("errors climbed", [stats(failed=2)] * 4, stats(failed=35), "finished",
     [("error_rate", "pasarku")]),
    ("timeouts with no answer count as errors", [stats(failed=1)] * 3,
     stats(30, pages=0, failed=40, sites={}), "finished", [("error_rate", "pasarku")]),
    ("a site that always fails a third", [stats(failed=30)] * 4, stats(failed=38), "finished",
     []),
    ("a climb under the floor", [stats(failed=2)] * 4, stats(failed=15), "finished", []),
    ("too few failures to be a climb", [stats(pages=10, failed=0)] * 4,
     stats(pages=10, failed=4), "finished", []),
    ("a site started blocking", [stats()] * 2, stats(sites={SHOP: (20, 18)}), "finished",
     [("blocking", SHOP)]),
    ("one earlier run is history enough for blocking", [stats()],
     stats(sites={SHOP: (30, 29), "cdn.example": (10, 0)}), "finished", [("blocking", SHOP)]),
    ("a site that always blocks", [stats(sites={SHOP: (50, 45)})] * 3,
     stats(sites={SHOP: (20, 18)}), "finished", []),
    ("a site never reached before", [stats(sites={"lain.example": (50, 0)})] * 3,
     stats(sites={SHOP: (20, 18)}), "finished", []),
    ("a few blocks", [stats()] * 3, stats(sites={SHOP: (3, 2)}), "finished", []),
    ("blocks under half the answers", [stats()] * 3, stats(sites={SHOP: (100, 40)}),
     "finished", []),
    ("the blocks are the errors: one alert, not two", [stats()] * 4,
     stats(5, pages=40, failed=36, sites={SHOP: (40, 36)}), "finished",
     [("item_drop", "pasarku"), ("blocking", SHOP)]),
    ("all three at once: errors beside the blocks", [stats()] * 4,
     stats(5, pages=40, failed=36, sites={SHOP: (40, 22)}), "finished",
     [("item_drop", "pasarku"), ("error_rate", "pasarku"), ("blocking", SHOP)]),
]  # fmt: skip


@pytest.mark.parametrize(("history", "current", "status", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])  # fmt: skip
def test_a_run_is_judged_against_its_usual(sessions, history, current, status, expected):
    with sessions() as session, session.begin():
        plan_id = plan(session)
        for n, figures in enumerate(history):
            crawl(session, plan_id, figures, at=n)
        run_id = crawl(session, plan_id, current, status=status, at=len(history))
        raised = alerts.check_run(session, run_id, now=T0 + timedelta(days=30))
        assert sorted((a.kind, a.site) for a in raised) == sorted(expected)
        for alert in raised:
            assert (alert.plan_id, alert.run_id) == (plan_id, run_id)
            assert "usual" in alert.figures and alert.message
        stored = session.scalars(select(Alert)).all()
        assert len(stored) == len(expected)


def test_the_usual_is_said_in_the_figures(sessions):
    with sessions() as session, session.begin():
        plan_id = plan(session)
        for n, stored in enumerate((40, 44, 38, 42)):
            crawl(session, plan_id, stats(stored), at=n)
        (alert,) = alerts.check_run(session, crawl(session, plan_id, stats(12), at=4))
        assert alert.figures["usual"] == 41
        assert alert.figures["history"] == [42, 38, 44, 40]  # newest first
        assert alert.figures["stored"] == 12
        assert "usually 41" in alert.message


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ("another plan", []),  # its runs are not this plan's history
        ("another site", []),  # a plan's two targets have separate usuals
        ("another spider", []),
        ("the same target", [("item_drop", "pasarku")]),
    ],
)
def test_history_is_the_same_targets(sessions, other, expected):
    with sessions() as session, session.begin():
        plan_id, second = plan(session), plan(session, "Patroli Ramadan")
        for n in range(4):
            if other == "another plan":
                crawl(session, second, stats(40), at=n)
            elif other == "another site":
                crawl(session, plan_id, stats(40), site="tokosehat", at=n)
            elif other == "another spider":
                crawl(session, plan_id, stats(40), spider="shop", at=n)
            else:
                crawl(session, plan_id, stats(40), at=n)
        raised = alerts.check_run(session, crawl(session, plan_id, stats(3), at=5))
        assert [(a.kind, a.site) for a in raised] == expected


def test_adhoc_runs_compare_with_the_same_spider_and_site(sessions):
    with sessions() as session, session.begin():
        for n in range(3):  # `patroli crawl run marketplace -a site=...`, no plan
            crawl(session, None, stats(30), at=n)
            crawl(session, None, stats(300), site="tokosehat", at=n)
        (alert,) = alerts.check_run(session, crawl(session, None, stats(3), at=4))
        assert (alert.kind, alert.plan_id, alert.site) == ("item_drop", None, "pasarku")
        assert alert.figures["history"] == [30, 30, 30]


@pytest.mark.parametrize(
    ("spider", "current", "expected"),
    [
        ("urls", stats(3, sites={SHOP: (40, 0)}), []),  # a short list of tips, not a drop
        ("recheck", stats(3, sites={SHOP: (40, 0)}), []),  # fewer links due today
        ("urls", stats(3, pages=40, failed=30, sites={SHOP: (40, 0)}), [("error_rate", SHOP)]),
        ("urls", stats(30, sites={SHOP: (40, 38)}), [("blocking", SHOP)]),
    ],
)
def test_runs_handed_a_list_of_links_are_not_judged_by_their_count(sessions, spider, current,
                                                                   expected):  # fmt: skip
    with sessions() as session, session.begin():
        for n in range(3):  # named by the site that answered most
            crawl(session, None, stats(30), spider=spider, site="", at=n)
            crawl(session, None, stats(30, sites={"lain.example": (100, 0)}), spider=spider,
                  site="", at=n)  # fmt: skip
        run_id = crawl(session, None, current, spider=spider, site="", at=4)
        raised = alerts.check_run(session, run_id)
        assert [(a.kind, a.site) for a in raised] == expected
        assert all(a.plan_id is None for a in raised)


def test_an_open_alert_is_renewed_not_repeated(sessions):
    with sessions() as session, session.begin():
        plan_id = plan(session)
        for n in range(4):
            crawl(session, plan_id, stats(40), at=n)
        (first,) = alerts.check_run(session, crawl(session, plan_id, stats(5), at=4))
        later = crawl(session, plan_id, stats(4), at=5)
        (again,) = alerts.check_run(session, later)
        assert again.id == first.id
        assert (again.run_id, again.figures["runs_seen"], again.figures["stored"]) == (later, 2, 4)
        assert len(session.scalars(select(Alert)).all()) == 1
        # acknowledged, the next drop is a new alert
        alerts.acknowledge(session, first.id, actor="ani")
        (fresh,) = alerts.check_run(session, crawl(session, plan_id, stats(3), at=6))
        assert fresh.id != first.id and fresh.figures["runs_seen"] == 1


def test_acknowledge_is_audited_and_kept(sessions):
    with sessions() as session, session.begin():
        plan_id = plan(session)
        for n in range(3):
            crawl(session, plan_id, stats(40), at=n)
        (alert,) = alerts.check_run(session, crawl(session, plan_id, stats(1), at=3))
        moment = T0 + timedelta(days=5)
        alerts.acknowledge(session, alert.id, actor="ani", now=moment)
        alerts.acknowledge(session, alert.id, actor="budi")  # again: nothing changes
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "alert.acknowledge")
        ).all()
        assert [(e.actor, e.target) for e in events] == [("ani", f"alert:{alert.id}")]
        kept = session.get(Alert, alert.id)
        assert kept.acknowledged_by == "ani"
        assert kept.acknowledged_at.replace(tzinfo=UTC) == moment
        with pytest.raises(alerts.AlertNotFound):
            alerts.acknowledge(session, alert.id + 100, actor="ani")


SCOPES = {
    "analyst": (Scope("ani", "analyst"), {"siber", "surabaya", "adhoc"}),
    "upt": (Scope("budi", "upt_officer", SURABAYA), {"surabaya"}),
    "upt elsewhere": (Scope("citra", "upt_officer", "Balai POM di Ambon"), set()),
    "viewer of Dit. Siber": (Scope("dedi", "viewer"), {"siber"}),
}


@pytest.mark.parametrize("who", SCOPES)
def test_each_user_sees_the_alerts_of_the_plans_it_may_see(sessions, who):
    scope, expected = SCOPES[who]
    with sessions() as session, session.begin():
        owners = {"siber": plan(session), "surabaya": plan(session, "Patroli Jatim", SURABAYA),
                  "adhoc": None}  # fmt: skip
        names = {}
        for name, plan_id in owners.items():
            for n in range(3):
                crawl(session, plan_id, stats(40), at=n)
            (alert,) = alerts.check_run(session, crawl(session, plan_id, stats(2), at=3))
            names[alert.id] = name
        seen = alerts.alerts(session, scope=scope)
        assert {names[a.id] for a in seen} == expected
        for alert_id, name in names.items():
            if name in expected:
                assert alerts.get_alert(session, alert_id, scope=scope).id == alert_id
            else:
                with pytest.raises(alerts.AlertNotFound):
                    alerts.get_alert(session, alert_id, scope=scope)
        assert alerts.open_count(session, scope=scope) == len(expected)


def test_alerts_newest_first_with_filters_and_a_cursor(sessions):
    national = Scope("ani", "analyst")
    with sessions() as session, session.begin():
        plan_id, other = plan(session), plan(session, "Patroli Ramadan")
        for owner in (plan_id, other):
            for n in range(3):
                crawl(session, owner, stats(40), at=n)
            alerts.check_run(session, crawl(session, owner, stats(2, failed=40), at=3))
        every = alerts.alerts(session, scope=national)
        assert [a.id for a in every] == sorted((a.id for a in every), reverse=True)
        assert len(every) == 4
        page = alerts.alerts(session, scope=national, limit=3)
        rest = alerts.alerts(session, scope=national, limit=3, after_id=page[-1].id)
        assert [a.id for a in page + rest] == [a.id for a in every]
        assert {a.plan_id for a in alerts.alerts(session, scope=national, plan_id=other)} == {other}
        drops = alerts.alerts(session, scope=national, kind="item_drop")
        assert {a.kind for a in drops} == {"item_drop"} and len(drops) == 2
        alerts.acknowledge(session, every[0].id, actor="ani")
        assert every[0].id not in {a.id for a in alerts.alerts(session, scope=national,
                                                               open_only=True)}  # fmt: skip
        with pytest.raises(ValueError, match="no alert kind"):
            alerts.alerts(session, scope=national, kind="meltdown")


@pytest.mark.parametrize(
    ("earlier", "this", "expected"),
    [
        ("whole", "worker", []),  # a worker of a shared crawl stores a share of the items
        ("worker", "whole", []),  # workers' shares are no usual for a whole crawl
        ("whole", "whole", [("item_drop", "pasarku")]),
        ("worker", "worker", [("error_rate", "pasarku")]),  # a rate holds for a worker too
    ],
)
def test_workers_of_a_shared_crawl_are_not_counted_as_whole_crawls(sessions, earlier, this,
                                                                   expected):  # fmt: skip
    queue = {"whole": "", "worker": "patroli-lebaran"}
    with sessions() as session, session.begin():
        plan_id = plan(session)
        for n in range(4):
            crawl(session, plan_id, stats(40), at=n, queue=queue[earlier])
        current = stats(12, failed=40) if this == earlier == "worker" else stats(12)
        run_id = crawl(session, plan_id, current, at=5, queue=queue[this])
        assert [(a.kind, a.site) for a in alerts.check_run(session, run_id)] == expected


def test_open_alerts_and_run_figures_add_up_in_the_database(sessions):
    """services.metrics reads what this module writes: sums of run stats (JSON) and open alerts
    per kind, done by each database (SQLite's json_extract, PostgreSQL's ->>)."""
    from casebook.services import metrics

    with sessions() as session, session.begin():
        plan_id = plan(session)
        for n in range(3):
            crawl(session, plan_id, stats(40, pages=100, failed=2), at=n)
        run_id = crawl(session, plan_id, stats(3, pages=50.0, failed=30), at=3)
        raised = alerts.check_run(session, run_id)
        alerts.acknowledge(session, raised[0].id, actor="ani")
        figures = metrics.gather(session, now=T0 + timedelta(days=3, minutes=20))
    assert figures.last_day == {"pages": 150, "stored": 43, "failed_urls": 32}  # runs 2 and 3
    assert figures.alerts_open == {"item_drop": 0, "error_rate": 1, "blocking": 0}
    assert figures.crawl_runs == {"finished": 4}
    assert [(p.plan_id, p.age_seconds) for p in figures.plans] == [(plan_id, 1200.0)]


@pytest.mark.parametrize(
    ("status", "body", "blocked"),
    [
        (403, b"<h1>Forbidden</h1>", True),
        (429, b"Too many requests", True),
        (401, b"", True),
        (200, b"<title>Just a moment...</title><p>Verify you are human</p>", True),
        (503, b"<p>Checking your browser before accessing</p>", True),
        (200, b'<div class="cf-turnstile" data-sitekey="x"></div>', True),
        (200, b"<h1>Tramadol 50 mg</h1><p>Rp150.000</p>", False),
        (200, b"<p>Robot vakum pembersih lantai, bukan mainan</p>", False),
        (404, b"<h1>Produk tidak ditemukan</h1>", False),  # gone, not a block
        (503, b"<h1>Service Unavailable</h1>", False),  # a failing server, not a block
        (200, b"<p>" + b"x" * 70_000 + b"verify you are human</p>", False),  # past the head
    ],
)
def test_what_the_crawler_counts_as_a_bot_block(status, body, blocked):
    from scrapy.http import HtmlResponse

    from crawler.extensions import bot_block

    response = HtmlResponse("https://toko.example/p/1", status=status, body=body)
    assert bot_block(response) is blocked


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://toko.example/p/1", "toko.example"),
        ("https://Toko.Example:443/p/1", "toko.example:443"),
        ("http://127.0.0.4:8804/produk/1", "127.0.0.4:8804"),
        ("http://[::1]:8801/", "::1:8801"),
    ],
)
def test_answers_are_counted_per_site(url, site):
    from crawler.extensions import site_of

    assert site_of(url) == site


def test_the_crawler_logs_each_alert_with_its_fields(sessions, caplog):
    from crawler.extensions import check_alerts

    with sessions() as session, session.begin():
        plan_id = plan(session)
        for n in range(3):
            crawl(session, plan_id, stats(40), at=n)
        run_id = crawl(session, plan_id, stats(2), at=3)
        with caplog.at_level("WARNING", logger="patroli.alerts"):
            check_alerts(session, run_id)
    (record,) = [r for r in caplog.records if r.name == "patroli.alerts"]
    assert (record.plan_id, record.run_id, record.kind) == (plan_id, run_id, "item_drop")
    assert "2 items stored from pasarku, usually 40" in record.getMessage()


def test_a_fault_in_the_alerts_costs_the_run_nothing(sessions, monkeypatch, caplog):
    """RunRecorder judges alerts in the transaction that finishes the run: a fault in them is
    rolled back to a savepoint and logged, and the run's record is kept."""
    from crawler import extensions

    def failing(session, run_id, **kwargs):
        session.add(Alert(kind="item_drop", message="half-made", raised_at=T0))
        session.flush()
        raise RuntimeError("a bug in the alerts")

    monkeypatch.setattr(extensions.alerts, "check_run", failing)
    with sessions() as session, session.begin():
        run = runs.start_run(session, "marketplace", {"site": "pasarku"}, now=T0)
        run_id = run.id
    with sessions() as session, session.begin(), caplog.at_level("ERROR", "patroli.alerts"):
        runs.finish_run(session, run_id, "finished", stats(40), now=T0 + timedelta(hours=1))
        extensions.check_alerts(session, run_id)
    with sessions() as session:
        assert session.get(CrawlRun, run_id).status == "finished"
        assert session.scalars(select(Alert)).all() == []
    assert f"crawl run {run_id}: alerts not checked" in caplog.text


def test_more_blocks_than_answers_are_no_figures_to_judge(sessions):
    with sessions() as session, session.begin():
        plan_id = plan(session)
        crawl(session, plan_id, stats(), at=0)
        run_id = crawl(session, plan_id, stats(sites={SHOP: (0, 5)}), at=1)
        assert alerts.check_run(session, run_id) == []
