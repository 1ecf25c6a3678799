"""The load generator of benchmarks.web_load: CLIENTS threads, each with its own keep-alive
connection (http.client), a login through the form, and meters for a server process."""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode


@dataclass
class Target:
    name: str
    weight: int
    path: str  # may hold {id}: a listing chosen at random
    auth: str


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)


def log_in(port: int, username: str, password: str) -> str:
    """Log in through the form, as a browser does; returns the Cookie header to send."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login")
    page = connection.getresponse()
    jar = SimpleCookie()
    for value in page.headers.get_all("Set-Cookie") or []:
        jar.load(value)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.read().decode())
    if found is None:
        raise SystemExit("login page: no csrf_token field")
    body = urlencode({"username": username, "password": password, "csrf_token": found.group(1)})
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())
    connection.request("POST", "/login", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})  # fmt: skip
    answer = connection.getresponse()
    answer.read()
    for value in answer.headers.get_all("Set-Cookie") or []:
        jar.load(value)
    connection.close()
    if answer.status != 302:
        raise SystemExit(f"login refused: HTTP {answer.status}")
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def run_clients(port: int, headers, targets, args, seconds: float, seed_offset: int):
    tally = Tally()
    stop_at = time.perf_counter() + seconds
    lock = threading.Lock()
    start = threading.Barrier(args.clients)

    def client(n: int) -> None:
        rng = random.Random(args.seed + seed_offset + n)
        mine = Tally()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        while time.perf_counter() < stop_at:
            target = rng.choices(targets, weights=[t.weight for t in targets])[0]
            path = target.path.format(id=rng.randint(1, args.listings))
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers[target.auth])
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                mine.errors.append(f"{target.name} {path}: {type(error).__name__} {error}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.latencies[target.name].append(time.perf_counter() - began)
            if status != 200:
                mine.errors.append(f"{target.name} {path}: HTTP {status}")
        connection.close()
        with lock:
            for name, values in mine.latencies.items():
                tally.latencies[name].extend(values)
            tally.errors.extend(mine.errors)

    began = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return tally, time.perf_counter() - began


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (gunicorn's workers)."""
    children = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            children.update(map(int, (task / "children").read_text().split()))
    return [pid, *(grandchild for child in children for grandchild in process_tree(child))]


def rss_mib(pid: int) -> float:
    """Resident memory of the server and its workers (shared pages counted in each)."""
    total = 0
    for member in process_tree(pid):
        status = Path(f"/proc/{member}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time of the server and its worker processes (gunicorn forks them), in seconds."""
    total = 0
    for member in process_tree(pid):
        fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")
