"""Background jobs end to end: the API queues them, a waker really spawns `patroli jobs run`,
the job re-checks the demo marketplace, and the casebook shows what it found — a listing the
platform took down becomes nonactive. A job that cannot run says why, and `patroli jobs work`
runs what waits."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from casebook.models import Hit, Job, Listing, utcnow
from casebook.services import plans, users
from patroli.jobs import JobWaker, job_waker, runner_environment
from web import create_app

pytestmark = [pytest.mark.slow]
FAST = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=0")
PATIENCE = 240  # seconds a job may take before the test gives up (a hang, not a measurement)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo, new_casebook):
    patroli = new_casebook(tmp_path_factory.mktemp("jobs"))
    patroli.run("crawl", "run", "marketplace", "-a", "site=pasarku", "-a", "keywords=obat,krim",
                "--base", f"pasarku={demo.base_urls['pasarku']}",
                *[arg for s in FAST for arg in ("-s", s)])  # fmt: skip
    with patroli.sessions()() as session, session.begin():
        users.create_user(session, "analis", "rahasia-1", "analyst", actor="test")
        users.create_user(session, "tamu", "rahasia-2", "viewer", actor="test")
        patroli.tokens = {name: users.create_token(session, name, actor="test")[1]
                          for name in ("analis", "tamu")}  # fmt: skip
    return patroli


@pytest.fixture(scope="module")
def api(crawled, demo):
    app = create_app(crawled.config, testing=True)
    app.config["PATROLI_PLATFORM_KINDS"] = {"pasarku": "marketplace"}
    # The waker `patroli serve` installs, told where the demo marketplace runs.
    app.config["PATROLI_JOB_WAKER"] = job_waker(
        crawled.config, {"pasarku": demo.base_urls["pasarku"]}, FAST
    )
    client = app.test_client()

    def call(method, path, who="analis", **kwargs):
        headers = {"Authorization": f"Bearer {crawled.tokens[who]}"}
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    return call


def _pasarku_listings(patroli) -> list[int]:
    with patroli.sessions()() as session:
        current = select(Hit.listing_id).where(Hit.superseded_at.is_(None))
        return list(session.scalars(select(Listing.id).where(Listing.id.in_(current))
                                    .order_by(Listing.id)))  # fmt: skip


def _demo_listing(patroli, demo, world, listing_id: int):
    with patroli.sessions()() as session:
        url = session.get(Listing, listing_id).url
    return next(x for x in world.listings_on("pasarku") if demo.url(x) == url)


def _ended(api, patroli, job_id: int) -> dict:
    """Poll the job as an integrator would until it ends."""
    deadline = time.monotonic() + PATIENCE
    while True:
        answer = api("GET", f"/jobs/{job_id}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        if answer.json["status"] in ("done", "failed"):
            return answer.json
        if time.monotonic() > deadline:
            log = patroli.data_dir / "jobs" / f"{job_id}.log"
            shown = log.read_text()[-4000:] if log.exists() else "(no log)"
            raise AssertionError(f"job {job_id} still {answer.json['status']}:\n{shown}")
        time.sleep(0.5)


def test_verifying_a_list_through_the_api_finds_the_link_taken_down(api, crawled, demo, world):
    first, second = _pasarku_listings(crawled)[:2]
    decided = api("POST", "/register", json={"listing_ids": [first, second],
                                             "decision": "takedown", "reason": "BKO"})  # fmt: skip
    built = api("POST", "/takedown-lists", json={"entry_ids": [e["id"] for e in
                                                               decided.json["items"]]})  # fmt: skip
    list_id = built.json["id"]
    gone = _demo_listing(crawled, demo, world, first)
    demo.take_down(gone.id)
    try:
        started = api("POST", f"/takedown-lists/{list_id}/verify")
        assert started.status_code == 202, started.get_data(as_text=True)
        job_id = started.json["job"]["id"]
        assert started.headers["Location"] == started.json["job"]["url"] == f"/api/v1/jobs/{job_id}"
        assert [link["listing_id"] for link in started.json["links"]] == [first, second]
        job = _ended(api, crawled, job_id)
    finally:
        demo.restore(gone.id)
    assert (job["status"], job["error"], job["kind"]) == ("done", None, "verify_list")
    assert job["progress"] == {"done": 2, "total": 2, "active": 1, "nonactive": 1, "unknown": 0}
    assert job["result"] == job["progress"]
    assert job["requested_by"] == "analis" and job["started_at"] and job["finished_at"]
    shown = api("GET", f"/takedown-lists/{list_id}").json
    assert shown["status"] == "verified"
    assert {link["listing_id"]: link["link_status"] for link in shown["links"]} == {
        first: "nonactive", second: "active"}  # fmt: skip


def test_a_recheck_through_the_api_records_each_listings_status(api, crawled, demo, world):
    ids = _pasarku_listings(crawled)[2:4]
    gone = _demo_listing(crawled, demo, world, ids[1])
    demo.take_down(gone.id)
    try:
        started = api("POST", "/recheck", json={"listing_ids": [ids[1], ids[0], ids[1]]})
        assert started.status_code == 202, started.get_data(as_text=True)
        assert started.json["items"] == [{"listing_id": ids[1], "status": "active"},
                                         {"listing_id": ids[0], "status": "active"}]  # fmt: skip
        job = _ended(api, crawled, started.json["job"]["id"])
    finally:
        demo.restore(gone.id)
    assert (job["status"], job["kind"]) == ("done", "recheck")
    assert job["args"] == {"listing_ids": [ids[1], ids[0]]}
    assert (job["progress"]["done"], job["progress"]["nonactive"]) == (2, 1)
    statuses = {i: api("GET", f"/listings/{i}").json["status"] for i in ids}
    assert statuses == {ids[0]: "active", ids[1]: "nonactive"}
    # Someone else's job is read by whoever sees all its work: the viewer (no unit) reads these
    # listings (another unit's officer would get 404: tests/web/test_access_gaps.py).
    assert api("GET", f"/jobs/{job['id']}", who="tamu").status_code == 200


def _queued(patroli, kind: str, args: dict) -> int:
    """A job queued earlier whose target changed since (the runner must not trust it)."""
    with patroli.sessions()() as session, session.begin():
        job = Job(kind=kind, args=args, status="queued", requested_by="analis",
                  requested_at=utcnow())  # fmt: skip
        session.add(job)
        session.flush()
        return job.id


def test_a_job_that_cannot_run_is_failed_with_its_reason(api, crawled):
    job_id = _queued(crawled, "verify_list", {"list_id": 99999})
    worked = crawled.run("jobs", "work")  # no waker: the queue waits for a worker
    assert f"job {job_id} failed: no takedown list 99999" in worked.stderr
    job = api("GET", f"/jobs/{job_id}").json
    assert (job["status"], job["error"]) == ("failed", "no takedown list 99999")
    again = crawled.run("jobs", "run", str(job_id), check=False)
    assert again.returncode == 1
    assert f"job {job_id} is failed, not queued" in again.stderr


def test_a_plan_run_now_shows_its_crawl_runs(api, crawled, demo):
    with crawled.sessions()() as session, session.begin():
        target = {"spider": "marketplace", "site": "pasarku"}
        plan = plans.save_plan(session, "Patroli obat", keywords=["obat"], targets=[target],
                               actor="test")  # fmt: skip
        plan_id = plan.id
    job_id = _queued(crawled, "crawl_plan", {"plan_id": plan_id})
    base = f"pasarku={demo.base_urls['pasarku']}"
    ran = crawled.run("jobs", "run", str(job_id), "--base", base, "-s", FAST[0], "-s", FAST[1])
    assert f"job {job_id} done" in ran.stdout
    job = api("GET", f"/jobs/{job_id}").json
    assert job["status"] == "done" and job["progress"]["done"] == job["progress"]["total"] == 1
    [run] = job["progress"]["runs"]
    assert (run["spider"], run["status"]) == ("marketplace", "finished")
    assert run["pages"] > 0 and run["stored"] > 0, ran.stdout + ran.stderr


def test_a_runner_that_dies_before_it_starts_fails_its_job(api, crawled):
    job_id = _queued(crawled, "recheck", {"listing_ids": _pasarku_listings(crawled)[:1]})
    broken = JobWaker(crawled.config, runner=("/bin/sh", "-c", "exit 3", "patroli"))
    broken(job_id)
    job = _ended(api, crawled, job_id)
    assert job["status"] == "failed" and job["started_at"] is None
    assert job["error"].startswith("the runner exited with status 3 before it started; see ")
    assert job["error"].endswith(f"jobs/{job_id}.log")


@pytest.mark.parametrize("allow, expected", [(True, "1"), (False, "0")])
def test_the_runner_gets_the_webs_database_and_private_address_rule(crawled, allow, expected):
    import dataclasses

    env = runner_environment(dataclasses.replace(crawled.config, allow_private=allow))
    assert env["PATROLI_ALLOW_PRIVATE"] == expected
    assert env["PATROLI_DATABASE_URL"] == crawled.config.database_url
    assert env["PATROLI_DATA_DIR"] == str(crawled.config.data_dir)
