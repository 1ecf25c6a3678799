"""Progress of long CLI jobs: a bar on a terminal, a readable line now and then in a log.

On a terminal (stderr is a TTY) click's progress bar shows on stderr. Anywhere else (a
systemd journal, a cron mail, a CI log) a bar would be thousands of carriage returns, so a
line is written instead when the job crosses a 10% step or every few seconds, whichever comes
first — and only once the job has run a moment, so a quick job stays silent. With
PATROLI_LOG_FORMAT=json those lines are log records (logger `patroli.progress`, fields `job`,
`done`, `total`), one JSON object per line like every other log line.

    with progress("evidence verify", total=captures) as advance:
        for item in work:
            advance(1)

Services take the `advance` callable (`progress: Callable[[int], None] | None`); they never
know how it is shown.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import click

LINE_EVERY = 5.0  # seconds between lines when no 10% step was crossed
QUIET_FOR = 2.0  # a job done sooner than this writes no line at all
BAR_EVERY = 0.1  # seconds between redraws of the bar (a call per row must stay cheap)
logger = logging.getLogger("patroli.progress")


class Progress:
    """`advance(n)` counts work done; `total` may be set or raised while the job runs."""

    def __init__(self, label: str, total: int | None, stream: TextIO, *, tty: bool,
                 quiet_for: float, every: float, as_log: bool, unit: str = "") -> None:  # fmt: skip
        self.label, self.total, self.stream, self.unit = label, total, stream, unit
        self.done = 0
        self.tty, self.quiet_for, self.every, self.as_log = tty, quiet_for, every, as_log
        self.started = self._last = time.monotonic()
        self._step = -1  # the last 10% step a line was written for
        self._said: int | None = None  # `done` as the last line said it
        self._bar = None
        self._bar_pos = 0

    def __call__(self, advance: int = 1) -> None:
        now = time.monotonic()
        if not self.done and advance:  # the clock starts with the work (jobs may queue)
            self.started = self._last = now
        self.done += advance
        if self.tty:
            if now - self._last >= BAR_EVERY:
                self._draw(now)
        elif now - self.started >= self.quiet_for:
            step = self.done * 10 // self.total if self.total else -1
            if step > self._step or now - self._last >= self.every:
                self._line(now)
                self._step = step

    def to(self, done: int, total: int | None = None) -> None:
        """Report an absolute position (for work measured in bytes, say)."""
        if total is not None:
            self.total = total
        self(done - self.done)

    def _draw(self, now: float) -> None:
        if self._bar is None:
            self._bar = click.progressbar(
                length=max(self.total or 0, self.done, 1), label=self.label, file=self.stream,
                show_pos=self.unit != "bytes", show_percent=True, show_eta=True, width=30,
            )  # fmt: skip
            self._bar.__enter__()
        self._bar.length = max(self.total or 0, self.done, 1)
        self._bar.update(self.done - self._bar_pos)
        self._bar_pos, self._last = self.done, now

    def _line(self, now: float) -> None:
        self._last, self._said = now, self.done
        done, total = (_mb(self.done), _mb(self.total)) if self.unit == "bytes" else (
            f"{self.done:,}", f"{self.total:,}" if self.total else "")  # fmt: skip
        if self.total:
            shown = f"{self.label}: {done}/{total} ({100 * self.done // self.total}%)"
        else:
            shown = f"{self.label}: {done} done"
        elapsed = now - self.started
        if self.as_log:
            logger.info(shown, extra={"job": self.label, "done": self.done, "total": self.total,
                                      "seconds": round(elapsed, 1)})  # fmt: skip
        else:
            self.stream.write(f"{shown}, {elapsed:.0f} s\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.tty and self._bar is not None:
            self._draw(time.monotonic())
            self._bar.__exit__(None, None, None)
        elif not self.tty and self._said is not None and self._said != self.done:
            self._line(time.monotonic())  # the last line says where it ended


@contextlib.contextmanager
def progress(
    label: str,
    total: int | None = None,
    *,
    stream: TextIO | None = None,
    tty: bool | None = None,
    quiet_for: float = QUIET_FOR,
    every: float = LINE_EVERY,
    unit: str = "",
) -> Iterator[Progress]:
    """A Progress for one job; shown on stderr unless `stream` says otherwise. `unit="bytes"`
    writes its lines in MB."""
    stream = stream or sys.stderr
    if tty is None:
        tty = _isatty(stream)
    as_log = os.environ.get("PATROLI_LOG_FORMAT", "").strip().lower() == "json"
    shown = Progress(label, total, stream, tty=tty, quiet_for=quiet_for, every=every,
                     as_log=as_log and not tty, unit=unit)  # fmt: skip
    try:
        yield shown
    finally:
        shown.finish()


def _mb(count: int | None) -> str:
    return f"{(count or 0) / 1e6:,.1f} MB"


def count_rows(path: Path) -> int:
    """Lines after the header of a CSV file: the total of an import's progress (a quoted field
    with line breaks makes it a little high; the bar ends where the rows end)."""
    lines, last = 0, b"\n"
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines += block.count(b"\n")
            last = block[-1:]
    return max(lines + (last != b"\n") - 1, 0)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


Advance = Callable[[int], None]
