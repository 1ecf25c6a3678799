"""Progress of long jobs (patroli.progress): readable lines at 10% steps when stderr is not a
terminal (a quick job says nothing), JSON records under PATROLI_LOG_FORMAT=json, and click's bar
on a real pseudo-terminal."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
import textwrap

import pytest

from patroli.progress import count_rows, progress


def lines_of(total, steps, *, quiet_for=0.0, every=3600.0, set_total=None) -> list[str]:
    out = io.StringIO()
    with progress("evidence verify", total, stream=out, quiet_for=quiet_for, every=every) as p:
        if set_total is not None:
            p.total = set_total
        for advance in steps:
            p(advance)
    return [line.rsplit(",", 1)[0] for line in out.getvalue().splitlines()]


HUNDRED = ["evidence verify: 1/100 (1%)"] + [
    f"evidence verify: {n}/100 ({n}%)" for n in range(10, 101, 10)
]


@pytest.mark.parametrize(
    "total, steps, every, expected",
    [
        # the first row, then one line per 10% step crossed, however the work arrives
        (100, [1] * 100, 3600.0, HUNDRED),
        (1000, [250] * 4, 3600.0, ["evidence verify: 250/1,000 (25%)",
                                   "evidence verify: 500/1,000 (50%)",
                                   "evidence verify: 750/1,000 (75%)",
                                   "evidence verify: 1,000/1,000 (100%)"]),
        # no total known: a count when the interval has passed, then the end
        (None, [5, 5], 0.0, ["evidence verify: 5 done", "evidence verify: 10 done"]),
        (None, [5, 5], 3600.0, []),
        # nothing to do: nothing said
        (0, [], 0.0, []),
    ],
)  # fmt: skip
def test_non_tty_lines_at_ten_percent_steps(total, steps, every, expected):
    assert lines_of(total, steps, every=every) == expected


def test_a_quick_job_writes_nothing():
    assert lines_of(100, [1] * 100, quiet_for=3600.0) == []


def test_a_total_learned_late_is_used():
    assert lines_of(None, [50, 50], set_total=100) == [
        "evidence verify: 50/100 (50%)",
        "evidence verify: 100/100 (100%)",
    ]


def test_json_format_makes_progress_log_records():
    code = textwrap.dedent(
        """
        import sys
        from patroli import logs
        from patroli.progress import progress
        logs.configure()
        with progress("audit verify", 4, quiet_for=0) as advance:
            for _ in range(4):
                advance(1)
        """
    )
    env = {**os.environ, "PATROLI_LOG_FORMAT": "json"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    entries = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(e["logger"], e["job"], e["done"], e["total"]) for e in entries] == [
        ("patroli.progress", "audit verify", n, 4) for n in (1, 2, 3, 4)
    ]


def test_a_terminal_gets_click_s_bar():
    """The helper on a real pseudo-terminal: a bar with the label and the position."""
    code = textwrap.dedent(
        """
        import time
        from patroli.progress import progress
        with progress("registry import", 50) as advance:
            for _ in range(50):
                advance(1)
                time.sleep(0.005)
        """
    )
    parent, child = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=child)  # fmt: skip
        os.close(child)
        child = -1
        seen = b""
        while True:
            try:
                chunk = os.read(parent, 4096)
            except OSError:  # the terminal closed: the process is done with it
                break
            if not chunk:
                break
            seen += chunk
        assert process.wait(timeout=60) == 0
    finally:
        os.close(parent)
        if child != -1:
            os.close(child)
    text = seen.decode(errors="replace")
    assert "registry import" in text
    assert "50/50" in text
    assert "#" in text and "\r" in text  # a bar redrawn in place, not lines


@pytest.mark.parametrize(
    "content, rows",
    [
        (b"", 0),
        (b"nie,product_name\n", 0),
        (b"nie,product_name\nMD1,a\nMD2,b\n", 2),
        (b"nie,product_name\nMD1,a\nMD2,b", 2),  # no newline at the end
        (b"nie,product_name\r\nMD1,a\r\n", 1),
    ],
)
def test_an_import_s_total_is_its_rows_after_the_header(tmp_path, content, rows):
    path = tmp_path / "registry.csv"
    path.write_bytes(content)
    assert count_rows(path) == rows


def test_bytes_are_written_in_megabytes():
    out = io.StringIO()
    with progress("backup", 4_000_000, stream=out, quiet_for=0, every=3600, unit="bytes") as p:
        p.to(2_000_000)
        p.to(4_000_000)
    assert [line.rsplit(",", 1)[0] for line in out.getvalue().splitlines()] == [
        "backup: 2.0 MB/4.0 MB (50%)",
        "backup: 4.0 MB/4.0 MB (100%)",
    ]
