"""The README's screenshots: the demo's casebook, served by `patroli serve`, photographed in
headless Chromium (Playwright on the system Chromium) after an analyst logs in.

    .venv/bin/python scripts/screenshots.py [--data-dir var/screenshots] [--reuse]
                                            [--out docs/screenshots] [--lang id|en]

1. `patroli demo --no-serve` in DATA_DIR: the demo marketplace crawled, matched and walked
   through the SOP, so every page has something in it (`--reuse` skips this when DATA_DIR
   already holds a casebook).
2. `patroli serve` on a free loopback port, over that casebook.
3. Chromium logs in as the demo analyst and saves one PNG per page of PAGES, 1280x800, the
   first screen only (long pages are cut: a README shows what a page is, not all of it).
A page that does not exist in this build, or does not answer 200, is skipped with a message;
the others are still taken. Exit 1 only when nothing could be taken at all.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a file from anywhere: the project's packages first

from casebook import config as config_module  # noqa: E402
from casebook.db import make_engine, make_session_factory  # noqa: E402
from casebook.models import ActorAccount, Capture, Hit, Letter, Listing, TakedownList  # noqa: E402
from patroli.commands.demo import DEMO_PASSWORD  # noqa: E402

ANALYST = "analis"
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
SERIOUS = ("prescription_drug", "hazardous_ingredient", "public_warning")


def _serious_listing(session: Session) -> int | None:
    """A listing with a serious finding, browser-captured when one is (it has a screenshot)."""
    query = (
        select(Listing.id)
        .join(Hit, Hit.listing_id == Listing.id)
        .outerjoin(Capture, (Capture.listing_id == Listing.id) & (Capture.kind == "browser"))
        .where(Hit.code.in_(SERIOUS), Hit.superseded_at.is_(None))
        .order_by(Capture.id.is_(None), Listing.id)
        .limit(1)
    )
    return session.scalar(query)


def _first(model) -> Callable[[Session], int | None]:
    return lambda session: session.scalar(select(model.id).order_by(model.id).limit(1))


def _widest_actor(session: Session) -> int | None:
    """The actor with the most accounts (the demo's one person on several platforms)."""
    return session.scalar(
        select(ActorAccount.actor_id)
        .group_by(ActorAccount.actor_id)
        .order_by(func.count().desc(), ActorAccount.actor_id)
        .limit(1)
    )


# (file name, endpoint, the id its URL needs or None). In the order of the SOP.
PAGES: tuple[tuple[str, str, Callable[[Session], int | None] | None], ...] = (
    ("dashboard", "dashboard.index", None),
    ("plans", "plans.index", None),
    ("schedule", "schedule.index", None),
    ("triage", "findings.index", None),
    ("listing", "findings.show", _serious_listing),
    ("register", "register.index", None),
    ("takedown-lists", "takedown.index", None),
    ("takedown-list", "takedown.show", _first(TakedownList)),
    ("letter", "letters.show", _first(Letter)),
    ("actors", "actors.index", None),
    ("actor", "actors.show", _widest_actor),
    ("suggestions", "actors.suggestions", None),
    ("monitoring", "monitoring.index", None),
    ("alerts", "alerts.index", None),
    ("audit", "admin.audit", None),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "screenshots")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--reuse", action="store_true", help="skip the demo if DATA_DIR has data")
    parser.add_argument("--lang", choices=("id", "en"), default="id")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    env = {**os.environ, "PATROLI_DATA_DIR": str(args.data_dir.resolve()),
           "PATROLI_SECRET_KEY": "screenshots"}  # fmt: skip
    env.pop("PATROLI_DATABASE_URL", None)
    if not (args.reuse and (args.data_dir / "patroli.db").exists()):
        _run_demo(env)
    config = config_module.load(env)
    urls = _page_urls(config)
    serve = [sys.executable, "-m", "patroli", "serve", "--port", "0"]
    server = subprocess.Popen(serve, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)  # fmt: skip
    try:
        base = _base_url(server)
        args.out.mkdir(parents=True, exist_ok=True)
        taken = _photograph(base, urls, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{len(taken)} of {len(PAGES)} pages in {args.out}: {', '.join(taken) or 'none'}")
    return 0 if taken else 1


def _run_demo(env: dict[str, str]) -> None:
    print("running `patroli demo --no-serve` (a few minutes: it crawls with Chromium)", flush=True)
    demo = subprocess.run([sys.executable, "-m", "patroli", "demo", "--no-serve"], env=env,
                          capture_output=True, text=True)  # fmt: skip
    if demo.returncode != 0:
        raise SystemExit(f"patroli demo failed:\n{demo.stdout[-2000:]}{demo.stderr[-2000:]}")
    print("\n".join(line for line in demo.stdout.splitlines() if line.startswith("==>")))


def _page_urls(config) -> dict[str, str | None]:
    """File name -> path, or None (with a message) for a page this build does not have."""
    from flask import url_for
    from werkzeug.routing import BuildError

    from web import create_app

    app = create_app(config)
    engine = make_engine(config.database_url)
    urls: dict[str, str | None] = {}
    with make_session_factory(engine)() as session, app.test_request_context():
        for name, endpoint, find in PAGES:
            rules = list(app.url_map.iter_rules(endpoint)) if endpoint in app.view_functions else []
            if not rules:
                print(f"  skip {name}: no {endpoint} in this build")
                urls[name] = None
                continue
            if find is None:
                urls[name] = url_for(endpoint)
                continue
            found = find(session)
            if found is None:
                print(f"  skip {name}: the demo casebook has nothing for {endpoint}")
                urls[name] = None
                continue
            argument = next(iter(rules[0].arguments))
            try:
                urls[name] = url_for(endpoint, **{argument: found})
            except BuildError as error:
                print(f"  skip {name}: {error}")
                urls[name] = None
    engine.dispose()
    app.extensions["patroli.engine"].dispose()
    return urls


def _base_url(server: subprocess.Popen) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        if found:
            return found.group(1)
        if not line and server.poll() is not None:
            break
    raise SystemExit("patroli serve did not start")


def _photograph(base: str, urls: dict[str, str | None], args) -> list[str]:
    from playwright.sync_api import sync_playwright

    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, locale="id-ID")
            page = context.new_page()
            _log_in(page, base, args.lang)
            for name, path in urls.items():
                if path is None:
                    continue
                response = page.goto(base + path, wait_until="load")
                if response is None or response.status != 200:
                    status = response.status if response else "no answer"
                    print(f"  skip {name}: {path} answered {status}")
                    continue
                page.wait_for_timeout(400)  # charts and progress bars draw after load
                target = args.out / f"{name}.png"
                page.screenshot(path=str(target), full_page=False)
                print(f"  {name}: {path} -> {target} ({target.stat().st_size // 1024} KiB)")
                taken.append(name)
        finally:
            browser.close()
    return taken


def _log_in(page, base: str, lang: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", ANALYST)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    if "/login" in page.url:
        raise SystemExit(f"logging in as {ANALYST} failed: still on {page.url}")
    if lang == "en":  # the language switch is a POST form in the top bar
        switch = page.locator(f"form[action$='/lang/{lang}'] button")
        if switch.count():
            with page.expect_navigation():
                switch.first.click()


if __name__ == "__main__":
    raise SystemExit(main())
