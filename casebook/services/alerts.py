"""Alerts on anomalous crawls: a patrol's item count drops, its error rate climbs, a site
starts blocking. A finished crawl run is compared with the same target's recent finished runs
(the same plan, spider and site; for ad-hoc runs the same spider and site), and what stands
out becomes an Alert an analyst acknowledges. Alerts are records: acknowledged, never deleted.
Item counts are judged only for runs that patrol a site (a plan's target, `-a site=`): a run
handed a list of links (tips, re-checks) stores what its list holds.

What a run measured comes from its stats (crawler/extensions.py RunRecorder): `patroli/stored`
(items stored), `response_received_count` (pages answered), `patroli/failed_urls` (URLs that
failed after their retries) and `patroli/sites` ({host: {"pages", "blocked"}}: answers per site,
and how many of them were a bot block — HTTP 401/403/429 or a captcha/bot-check page).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from casebook.models import ALERT_KINDS, Alert, CrawlRun, PatrolPlan, utcnow
from casebook.services import access, audit

# -- thresholds (each says why) -------------------------------------------------------------
# The usual is the median of the target's last ten finished runs: two weeks of a daily plan,
# long enough that one odd run does not move it, short enough to follow a site that grew.
HISTORY_RUNS = 10
# Fewer earlier runs than this give no usual worth comparing with: no alert (a first run, a
# plan's second run). Blocking needs one: a site that answered before and now blocks.
MIN_HISTORY = 3
MIN_BLOCKING_HISTORY = 1
# Runs of one plan come and go in a day's noise of about ±40% (sites reorder results, sellers
# list and delist); falling under half the usual is more than noise.
DROP_SHARE = 0.5
# A plan that usually stores a handful of items swings by half on chance alone (4 -> 1): judged
# only when it usually stores at least this many.
MIN_USUAL_ITEMS = 20
# Error rate (failed URLs / pages): at least one URL in five failed, twice the usual rate and
# ten points above it — the internet's daily timeouts stay under, a broken site does not.
ERROR_RATE_FLOOR = 0.2
ERROR_RATE_FACTOR = 2.0
ERROR_RATE_MARGIN = 0.10
MIN_FAILED = 5  # a few failed URLs of a small run are chance, not a climb
# Blocking: at least half of a site's answers were bot blocks (at least three of them), where
# usually at most one in ten was — a site starting to block us, not one that always walls a
# login page.
BLOCKED_SHARE = 0.5
MIN_BLOCKED = 3
USUAL_BLOCKED_SHARE = 0.1
# Earlier runs of one spider read to find an ad-hoc target's history (ad-hoc runs of a spider
# spread over many sites).
SCAN_RUNS = 200


class AlertNotFound(LookupError):
    """No alert has this id (the 404), or the caller may not see it."""


@dataclass(frozen=True)
class Measure:
    """What one run measured, as the alerts read it."""

    stored: int
    pages: int
    failed: int
    sites: dict[str, tuple[int, int]]  # host -> (pages, blocked)

    @property
    def error_rate(self) -> float:
        # A failed URL may have had no answer at all (a timeout): never above one.
        attempted = max(self.pages, self.failed)
        return self.failed / attempted if attempted else 0.0


def measure(stats: dict[str, Any] | None) -> Measure:
    stats = stats or {}
    sites: dict[str, tuple[int, int]] = {}
    for host, counts in (stats.get("patroli/sites") or {}).items():
        if isinstance(counts, dict):
            sites[str(host)] = (_int(counts.get("pages")), _int(counts.get("blocked")))
    return Measure(
        stored=_int(stats.get("patroli/stored")),
        pages=_int(stats.get("response_received_count")),
        failed=_int(stats.get("patroli/failed_urls")),
        sites=sites,
    )


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def target(run: CrawlRun) -> str:
    """The site a run patrolled: its `site` (a profile) or `url` argument, else the host that
    answered most."""
    arguments = run.arguments or {}
    named = arguments.get("site") or arguments.get("url")
    if named:
        return str(named)[:300]
    sites = measure(run.stats).sites
    return max(sites, key=lambda host: (sites[host][0], host))[:300] if sites else ""


# -- judging a finished run ------------------------------------------------------------------


def check_run(session: Session, run_id: int, *, now: datetime | None = None) -> list[Alert]:
    """The alerts a finished run raises (new ones, and open ones it renews). A run that did not
    finish normally (killed, shut down) is not judged: its figures say nothing of the site."""
    run = session.get_one(CrawlRun, run_id)
    if run.status != "finished":
        return []
    now = now or utcnow()
    site = target(run)
    earlier = _history(session, run, site)
    history = [measure(r.stats) for r in earlier]
    # One worker of a shared crawl (PATROLI_QUEUE) stores only its share of the items: counts
    # are compared only between whole crawls. Rates and blocks hold for a worker alike.
    whole = [measure(r.stats) for r in earlier if not _worker(r)]
    current = measure(run.stats)
    found: list[tuple[str, str, str, dict[str, Any]]] = []
    if len(whole) >= MIN_HISTORY and not _worker(run) and _patrols_a_site(run):
        found += _item_drop(current, whole, site)
    blocking = _blocking(current, history)
    if len(history) >= MIN_HISTORY:
        found += _error_rate(_besides_blocks(current, blocking), history, site)
    found += blocking
    return [_raise(session, run, kind, where, message, figures, now)
            for kind, where, message, figures in found]  # fmt: skip


def _patrols_a_site(run: CrawlRun) -> bool:
    """A run that patrols a site (its `site` or `url`) stores what the site shows; a run handed
    a list of links (tips: `urls`; re-checks: `ids`) stores what its list holds, so its count
    says nothing of the site."""
    arguments = run.arguments or {}
    return bool(arguments.get("site") or arguments.get("url"))


def _worker(run: CrawlRun) -> bool:
    return bool((run.arguments or {}).get("queue"))


def _history(session: Session, run: CrawlRun, site: str) -> list[CrawlRun]:
    """The same target's finished runs before this one, newest first."""
    query = select(CrawlRun).where(
        CrawlRun.id < run.id, CrawlRun.status == "finished", CrawlRun.spider == run.spider
    )
    if run.plan_id is not None:
        query = query.where(CrawlRun.plan_id == run.plan_id)
    else:
        query = query.where(CrawlRun.plan_id.is_(None))
    earlier = session.scalars(query.order_by(CrawlRun.id.desc()).limit(SCAN_RUNS))
    return [r for r in earlier if target(r) == site][:HISTORY_RUNS]


def _item_drop(current: Measure, history: list[Measure], site: str):
    counts = [m.stored for m in history]
    usual = statistics.median(counts)
    if usual < MIN_USUAL_ITEMS or current.stored >= DROP_SHARE * usual:
        return []
    figures = {"stored": current.stored, "usual": usual, "history": counts,
               "threshold": DROP_SHARE}  # fmt: skip
    message = (
        f"{current.stored} items stored from {site or 'this patrol'}, "
        f"usually {usual:g} (median of the last {len(counts)} runs)"
    )
    return [("item_drop", site, message, figures)]


def _error_rate(current: Measure, history: list[Measure], site: str):
    rates = [round(m.error_rate, 4) for m in history]
    usual = statistics.median(rates)
    rate = current.error_rate
    bar = max(ERROR_RATE_FLOOR, usual * ERROR_RATE_FACTOR, usual + ERROR_RATE_MARGIN)
    if current.failed < MIN_FAILED or rate < bar:
        return []
    figures = {"failed": current.failed, "pages": current.pages, "rate": round(rate, 4),
               "usual": usual, "history": rates, "threshold": round(bar, 4)}  # fmt: skip
    message = (
        f"{current.failed} URLs failed of {max(current.pages, current.failed)} "
        f"({rate:.0%}) on {site or 'this patrol'}, usually {usual:.0%}"
    )
    return [("error_rate", site, message, figures)]


def _besides_blocks(current: Measure, blocking: list) -> Measure:
    """The run's failures other than the blocks its blocking alerts already report: a site
    answering every request with 403 is one anomaly, not two."""
    blocked = sum(figures["blocked"] for _, _, _, figures in blocking)
    return replace(current, failed=max(current.failed - blocked, 0))


def _blocking(current: Measure, history: list[Measure]):
    found = []
    for host, (pages, blocked) in sorted(current.sites.items()):
        if blocked < MIN_BLOCKED or blocked < BLOCKED_SHARE * pages or blocked > pages:
            continue  # (more blocks than answers: not figures RunRecorder writes)
        shares = [round(m.sites[host][1] / m.sites[host][0], 4)
                  for m in history if m.sites.get(host, (0, 0))[0]]  # fmt: skip
        if len(shares) < MIN_BLOCKING_HISTORY:
            continue  # never reached before: nothing says it *started* blocking
        usual = statistics.median(shares)
        if usual > USUAL_BLOCKED_SHARE:
            continue  # it has been blocking: the alert was raised back then
        figures = {"pages": pages, "blocked": blocked, "share": round(blocked / pages, 4),
                   "usual": usual, "history": shares, "threshold": BLOCKED_SHARE}  # fmt: skip
        message = (
            f"{host} blocked {blocked} of {pages} requests ({blocked / pages:.0%}: HTTP "
            f"401/403/429 or a captcha), usually {usual:.0%}"
        )
        found.append(("blocking", host, message, figures))
    return found


def _raise(session, run: CrawlRun, kind, site, message, figures, now: datetime) -> Alert:
    """A new alert, or the open one of the same kind, plan and site, renewed by this run."""
    same = select(Alert).where(
        Alert.kind == kind,
        Alert.site == site,
        Alert.acknowledged_at.is_(None),
        Alert.plan_id == run.plan_id if run.plan_id is not None else Alert.plan_id.is_(None),
    )
    alert = session.scalars(same.order_by(Alert.id).limit(1)).first()
    if alert is None:
        alert = Alert(kind=kind, plan_id=run.plan_id, site=site, raised_at=now,
                      figures={})  # fmt: skip
        session.add(alert)
        runs_seen = 1
    else:
        runs_seen = int((alert.figures or {}).get("runs_seen", 1)) + 1
    alert.run_id, alert.message = run.id, message
    alert.figures = {**figures, "spider": run.spider, "runs_seen": runs_seen}
    session.flush()
    return alert


# -- reading and acknowledging ---------------------------------------------------------------


def alerts(
    session: Session,
    *,
    scope: access.Scope,
    open_only: bool = False,
    plan_id: int | None = None,
    kind: str | None = None,
    limit: int = 50,
    after_id: int = 0,
) -> list[Alert]:
    """Alerts newest first; `after_id` is the cursor: the alerts after that one in this order
    (older ids). National roles see every alert (also of ad-hoc runs); an UPT its plans'."""
    if kind is not None and kind not in ALERT_KINDS:
        raise ValueError(f"no alert kind {kind!r} (one of {', '.join(ALERT_KINDS)})")
    query = _visible(select(Alert), scope)
    if open_only:
        query = query.where(Alert.acknowledged_at.is_(None))
    if plan_id is not None:
        query = query.where(Alert.plan_id == plan_id)
    if kind is not None:
        query = query.where(Alert.kind == kind)
    if after_id:
        query = query.where(Alert.id < after_id)
    return list(session.scalars(query.order_by(Alert.id.desc()).limit(limit)))


def get_alert(session: Session, alert_id: int, *, scope: access.Scope) -> Alert:
    found = session.scalars(_visible(select(Alert), scope).where(Alert.id == alert_id)).first()
    if found is None:
        raise AlertNotFound(f"no alert {alert_id}")
    return found


def plan_names(session: Session, shown: list[Alert]) -> dict[int, str]:
    """The names of the plans of these alerts, in one query."""
    ids = {a.plan_id for a in shown if a.plan_id is not None}
    if not ids:
        return {}
    query = select(PatrolPlan.id, PatrolPlan.name).where(PatrolPlan.id.in_(ids))
    return {plan_id: name for plan_id, name in session.execute(query)}


def open_count(session: Session, *, scope: access.Scope) -> int:
    query = _visible(select(func.count(Alert.id)), scope)
    return session.scalar(query.where(Alert.acknowledged_at.is_(None))) or 0


def acknowledge(
    session: Session, alert_id: int, *, actor: str, now: datetime | None = None
) -> Alert:
    """An analyst has seen it: closed, kept. Acknowledging again changes nothing."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise AlertNotFound(f"no alert {alert_id}")
    if alert.acknowledged_at is not None:
        return alert
    alert.acknowledged_by, alert.acknowledged_at = actor, now or utcnow()
    after = {"acknowledged": True, "kind": alert.kind, "site": alert.site,
             "plan_id": alert.plan_id}  # fmt: skip
    audit.record(session, actor, "alert.acknowledge", f"alert:{alert.id}",
                 {"acknowledged": False}, after)  # fmt: skip
    session.flush()
    return alert


def _visible(query, scope: access.Scope):
    """National roles: every alert. Others: the alerts of plans they may see."""
    adhoc = Alert.plan_id.is_(None) if scope.national else false()
    visible_plan = and_(Alert.plan_id.is_not(None), access.plan_condition(scope))
    return query.outerjoin(PatrolPlan, PatrolPlan.id == Alert.plan_id).where(
        or_(adhoc, visible_plan)
    )
