"""A crawl that cannot start says why in one line and exits non-zero; spiders started beside
it run on, and what they find is kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casebook.models import CrawlRun, Listing
from casebook.services import plans

pytestmark = pytest.mark.slow
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]


@pytest.fixture(scope="module")
def patroli(tmp_path_factory, new_casebook):
    return new_casebook(tmp_path_factory.mktemp("bad-input"))


def one_line_error(result) -> str:
    assert result.returncode != 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "Crawler.stats" not in output, output[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr[-3000:]
    return errors[0]


@pytest.mark.parametrize(
    "args, expected",
    [
        (["crawl", "run", "marketplace"], "Error: marketplace not started: marketplace spider "
         "needs keywords (-a keywords=...) or a plan"),
        (["crawl", "run", "social", "-a", "site=ceritaku"],
         "Error: social not started: social spider needs keywords, accounts or a plan"),
        (["crawl", "run", "marketplace", "-a", "site=nope", "-a", "keywords=jamu"],
         "Error: marketplace not started: no site profile 'nope' (known: ceritaku, pasarku, "
         "tokosehat)"),
        (["crawl", "run", "marketplace", "-a", "plan=999", "-a", "keywords=jamu"],
         "Error: marketplace not started: no patrol plan 999"),
        (["crawl", "run", "mystery"], "Error: mystery not started: no spider 'mystery' (known: "
         "marketplace, recheck, shop, social, urls)"),
        (["crawl", "recheck", "--ids", "12,dua"],
         "Error: recheck not started: recheck: ids must be listing numbers, not '12,dua'"),
    ],
)  # fmt: skip
def test_a_spider_that_cannot_start_is_one_line(patroli, args, expected):
    assert one_line_error(patroli.run(*args, *FAST, check=False)) == expected


def test_a_crawl_that_fails_to_open_is_one_line(patroli, tmp_path):
    """Not the spider's arguments: its crawl state cannot be kept where it was asked to."""
    (tmp_path / "not-a-folder").write_text("")
    jobdir = tmp_path / "not-a-folder" / "job"
    result = patroli.run("crawl", "run", "urls", "-a", "urls=http://127.0.0.1:9/produk",
                         "--jobdir", str(jobdir), *FAST, check=False)  # fmt: skip
    assert one_line_error(result) == (
        f"Error: urls not started: [Errno 20] Not a directory: '{jobdir}'"
    )


def test_a_good_spider_is_not_a_refusal(patroli):
    """The hard negative: a spider given what it needs starts, even with nothing to check."""
    result = patroli.run("crawl", "recheck", "--ids", "999999", *FAST)
    assert "recheck: finished" in result.stdout


def test_the_spiders_beside_a_refused_one_run_on(tmp_path, demo, new_casebook):
    patroli = new_casebook(tmp_path / "casebook")
    with patroli.sessions()() as session, session.begin():
        plan = plans.save_plan(
            session,
            "Patroli dengan salah ketik",
            keywords=["tramadol"],
            targets=[
                {"spider": "marketplace", "site": "pasarku"},
                {"spider": "marketplace", "site": "pasarkuu"},
                {"spider": "tokosehat"},
            ],
            actor="test",
        )
    bases = [arg for name, url in demo.base_urls.items() for arg in ("--base", f"{name}={url}")]
    result = patroli.run("crawl", "plan", str(plan.id), *bases, *FAST, check=False)
    assert one_line_error(result) == (
        "Error: marketplace not started: no site profile 'pasarkuu' (known: ceritaku, pasarku, "
        "tokosehat); tokosehat not started: no spider 'tokosehat' (known: marketplace, recheck, "
        "shop, social, urls)"
    )
    assert "marketplace: finished" in result.stdout
    with patroli.sessions()() as session:
        stored = session.scalars(select(Listing.url)).all()
        runs = session.scalars(select(CrawlRun)).all()
    assert stored and all(url.startswith(demo.base_urls["pasarku"]) for url in stored)
    assert [(run.spider, run.status) for run in runs] == [("marketplace", "finished")]
