"""`patroli demo` as an officer meets it: Ctrl-C in the terminal stops everything it started,
and running it again picks up the same casebook without doubling anything; set-up problems
(no Chromium, a marketplace port taken) are one line. Every test that starts the demo's
marketplace on its fixed ports (8801-8803) lives in this file: test workers split the suite by
file, so two demos never run at once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casebook.db import make_engine, make_session_factory
from casebook.models import Listing
from patroli import demo_alerts

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def descendants(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found |= {child} | descendants(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def running_crawl(pid: int, patience: float = 120) -> set[int]:
    """The demo's processes once Chromium is up under it (a loaded machine takes a while)."""
    deadline = time.monotonic() + patience
    while len(descendants(pid)) < 3 and time.monotonic() < deadline and alive(pid):
        time.sleep(0.5)
    time.sleep(2)  # let the crawl get going, so Ctrl-C meets it mid-way
    return descendants(pid)


def test_ctrl_c_stops_everything_and_a_second_run_reuses_the_data(tmp_path):
    env = {**os.environ, "PATROLI_DATA_DIR": str(tmp_path), "PATROLI_SECRET_KEY": "e2e"}
    command = [sys.executable, "-m", "patroli", "demo", "--port", "0"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, start_new_session=True)  # fmt: skip
    try:
        started = []
        while not started or "crawling the demo marketplace" not in started[-1]:
            started.append(first.stdout.readline())
            assert started[-1], started  # the demo ended before it crawled
        started_processes = running_crawl(first.pid)
        assert len(started_processes) >= 3  # the crawl, the Playwright driver, Chromium
        os.killpg(first.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        rest, _ = first.communicate(timeout=90)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.communicate(timeout=30)
    assert "interrupted; what was crawled so far is kept" in rest
    assert "Traceback" not in rest
    time.sleep(1)
    assert not [pid for pid in started_processes if alive(pid)]

    second = subprocess.run([*command, "--no-serve"], env=env, capture_output=True, text=True,
                            timeout=600)  # fmt: skip
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "300 listings in the casebook" in second.stdout
    sessions = make_session_factory(make_engine(f"sqlite:///{tmp_path / 'patroli.db'}"))
    with sessions() as session:
        rows = session.scalar(select(func.count(Listing.id)))
        urls = session.scalar(select(func.count(func.distinct(Listing.url))))
    # The marketplace's 300, and the tip shop the walk crawls before it starts blocking.
    assert rows == urls == 300 + len(demo_alerts.PRODUCTS)


def test_ctrl_c_before_the_spiders_open_stops_the_demo_too(tmp_path):
    # The spiders then close "finished" with nothing crawled: the signal, not their reason,
    # says the officer stopped it; the demo must not go on to walk the SOP and serve.
    env = {**os.environ, "PATROLI_DATA_DIR": str(tmp_path), "PATROLI_SECRET_KEY": "e2e"}
    command = [sys.executable, "-m", "patroli", "demo", "--port", "0"]
    demo = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)  # fmt: skip
    try:
        line = ""
        while "crawling the demo marketplace" not in line:
            line = demo.stdout.readline()
            assert line, "the demo ended before it crawled"
        os.killpg(demo.pid, signal.SIGINT)
        rest, _ = demo.communicate(timeout=90)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.communicate(timeout=30)
    assert "interrupted; what was crawled so far is kept" in rest
    assert "Register Informasi" not in rest and "Traceback" not in rest


def patroli(tmp_path, *args, **env):
    environment = {**os.environ, "PATROLI_DATA_DIR": str(tmp_path / "var"), **env}
    environment.pop("PATROLI_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "patroli", *args], env=environment,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def assert_one_line_error(result, *words):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    error = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(error) == 1, result.stderr
    for word in words:
        assert word in error[0]


def test_missing_chromium(tmp_path):
    result = patroli(tmp_path, "demo", "--no-serve",
                     PATROLI_CHROMIUM="/nonexistent/chromium")  # fmt: skip
    assert_one_line_error(result, "Chromium not found", "apt-get install -y chromium")


def test_demo_port_in_use(tmp_path):
    with socket.socket() as blocker:
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            blocker.bind(("127.0.0.1", 8801))
        except OSError:
            pytest.skip("127.0.0.1:8801 is taken by something else already")
        blocker.listen(1)
        result = patroli(tmp_path, "demo", "--no-serve")
    assert_one_line_error(result, "127.0.0.1:8801 is already in use")
