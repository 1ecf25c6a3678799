"""Structured logs: PATROLI_LOG_FORMAT=json makes every log line one JSON object.

    {"ts": "2026-12-01T03:50:00.123Z", "level": "INFO", "logger": "patroli.scheduler",
     "message": "plan 3 fired", "plan_id": 3, "run_id": 41}

`ts` is ISO 8601 UTC, `message` the formatted message; whatever a caller passes in `extra=`
(run_id, plan_id, spider, job_id, queue, ...) becomes a field of its own, and an exception
becomes one `trace` field (the whole traceback in one string, so one event stays one line).
`text` (the default) keeps the readable `time LEVEL logger: message` lines.

Call `configure()` once at a process's entry point. If the process already logs through
handlers of its own (Scrapy installs one on the root logger), JSON replaces their formatter and
keeps their levels and filters; otherwise one stderr handler is added. Patroli's own loggers
log INFO, others WARNING (alembic's INFO lines are not news).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

FORMATS = ("text", "json")
OUR_LOGGERS = ("patroli", "casebook", "crawler", "web", "rules")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# What every LogRecord carries; anything else on a record came in through `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


_PLAIN = (logging.StreamHandler, logging.FileHandler)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, message, the extra fields, trace."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": _iso_utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = value
        trace = []
        if record.exc_info:
            trace.append(self.formatException(record.exc_info))
        elif record.exc_text:
            trace.append(record.exc_text)
        if record.stack_info:
            trace.append(self.formatStack(record.stack_info))
        if trace:
            entry["trace"] = "\n".join(trace)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _iso_utc(created: float) -> str:
    moment = datetime.fromtimestamp(created, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (a test runner swaps it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class FormatError(ValueError):
    """PATROLI_LOG_FORMAT names no format we write."""


def log_format(fmt: str | None = None, env: dict[str, str] | None = None) -> str:
    """The format asked for: `fmt`, else PATROLI_LOG_FORMAT, else text."""
    env = os.environ if env is None else env
    chosen = (fmt or env.get("PATROLI_LOG_FORMAT") or "text").strip().lower()
    if chosen not in FORMATS:
        raise FormatError(f"PATROLI_LOG_FORMAT must be text or json, not {chosen!r}")
    return chosen


def configure(fmt: str | None = None, *, stream: TextIO | None = None) -> str:
    """Set up logging for this process in the chosen format; calling again re-configures.
    Returns the format used."""
    chosen = log_format(fmt)
    formatter = JsonFormatter() if chosen == "json" else logging.Formatter(TEXT_FORMAT)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_patroli", False):
            root.removeHandler(handler)
            handler.close()
    # Someone else's plain handlers (Scrapy's, on the root and on `patroli.progress` in the
    # crawl process): keep them and their levels, write in our format. A subclass (pytest's
    # capture) is not ours to restyle.
    adopted = [h for h in root.handlers if type(h) in _PLAIN]
    if chosen == "json":
        for handler in adopted + logging.getLogger("patroli.progress").handlers:
            if type(handler) in _PLAIN:
                handler.setFormatter(formatter)
    if not adopted:
        handler = logging.StreamHandler(stream) if stream else _Stderr()
        handler.setFormatter(formatter)
        handler._patroli = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(logging.WARNING)
    for name in OUR_LOGGERS:
        if logging.getLogger(name).level == logging.NOTSET:
            logging.getLogger(name).setLevel(logging.INFO)
    return chosen
