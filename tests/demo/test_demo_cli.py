"""`python -m patroli.demo serve`: prints the URLs, serves, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys


def serve(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "patroli.demo", "serve", "--size", "60", *args]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_prints_urls_and_stops_on_ctrl_c(get) -> None:
    process = serve(
        "--pasarku", "127.0.0.1:0", "--tokosehat", "127.0.0.2:0", "--ceritaku", "127.0.0.3:0"
    )
    try:
        lines = [process.stdout.readline() for _ in range(5)]
        urls = dict(line.split() for line in lines[1:4])
        assert lines[4].startswith("Ctrl-C") and set(urls) == {"pasarku", "tokosehat", "ceritaku"}
        assert get(urls["pasarku"] + "robots.txt").status == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    finally:
        process.kill() if process.poll() is None else None
    assert process.returncode == 0 and "demo stopped." in out and err == ""


def test_serve_on_a_taken_port_is_a_one_line_error(demo) -> None:
    taken = demo.base_urls["ceritaku"].removeprefix("http://")
    process = serve("--pasarku", "127.0.0.1:0", "--tokosehat", "127.0.0.2:0", "--ceritaku", taken)
    _, err = process.communicate(timeout=15)
    assert process.returncode == 1
    assert err.count("\n") == 1 and taken in err and "Traceback" not in err
