"""Structured logs (patroli.logs): JSON lines with ts, level, logger, message, the extra fields
and one trace field; the text default; a wrong PATROLI_LOG_FORMAT said in one line. Processes
are real child processes, so pytest's own log capture is not in the way."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import textwrap

import pytest

from patroli import logs

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def run(script: str, fmt: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PATROLI_LOG_FORMAT"}
    if fmt is not None:
        env["PATROLI_LOG_FORMAT"] = fmt
    code = "from patroli import logs\nimport logging\n" + textwrap.dedent(script)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip


def record(msg="plan %s fired", args=(3,), exc=None, **extra) -> logging.LogRecord:
    made = logging.makeLogRecord({"name": "patroli.scheduler", "levelno": logging.INFO,
                                  "levelname": "INFO", "msg": msg, "args": args,
                                  "exc_info": exc, **extra})  # fmt: skip
    return made


@pytest.mark.parametrize(
    "extra, expected",
    [
        ({}, {}),
        ({"run_id": 41, "plan_id": 3}, {"run_id": 41, "plan_id": 3}),
        (
            {"spider": "pasarku", "queue": "jabar", "job_id": 7},
            {"spider": "pasarku", "queue": "jabar", "job_id": 7},
        ),
        # a value JSON cannot hold is written as its text, not dropped and not a crash
        ({"sizes": {1, 2}}, {"sizes": "{1, 2}"}),
    ],
)
def test_json_record_has_the_fixed_fields_and_every_extra(extra, expected):
    line = logs.JsonFormatter().format(record(**extra))
    entry = json.loads(line)
    assert "\n" not in line
    assert TS.match(entry.pop("ts"))
    assert entry == {"level": "INFO", "logger": "patroli.scheduler", "message": "plan 3 fired",
                     **expected}  # fmt: skip


def test_an_exception_is_one_trace_field_on_one_line():
    try:
        raise KeyError("hilang")
    except KeyError:
        line = logs.JsonFormatter().format(record(exc=sys.exc_info()))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["trace"].startswith("Traceback (most recent call last)")
    assert "KeyError: 'hilang'" in entry["trace"]
    assert json.loads(logs.JsonFormatter().format(record())).get("trace") is None


@pytest.mark.parametrize(
    "fmt, given, expected",
    [
        (None, {}, "text"),
        (None, {"PATROLI_LOG_FORMAT": "json"}, "json"),
        (None, {"PATROLI_LOG_FORMAT": " JSON "}, "json"),
        ("text", {"PATROLI_LOG_FORMAT": "json"}, "text"),  # the argument wins
        (None, {"PATROLI_LOG_FORMAT": ""}, "text"),
    ],
)
def test_the_format_comes_from_the_argument_then_the_environment(fmt, given, expected):
    assert logs.log_format(fmt, given) == expected


@pytest.mark.parametrize("wrong", ["yaml", "jsonl", "logfmt"])
def test_a_wrong_format_is_refused_by_name(wrong):
    with pytest.raises(logs.FormatError, match=f"not '{wrong}'"):
        logs.log_format(None, {"PATROLI_LOG_FORMAT": wrong})


def test_a_process_in_json_writes_one_object_per_line():
    done = run(
        """
        logs.configure()
        logging.getLogger("patroli.scheduler").info("plan %d fired", 3, extra={"run_id": 9})
        logging.getLogger("alembic.runtime.migration").info("not news")
        logging.getLogger("scrapy.core").warning("blocked at %s", "toko.example")
        try:
            1 / 0
        except ZeroDivisionError:
            logging.getLogger("patroli.jobs").exception("job failed", extra={"job_id": 4})
        """,
        "json",
    )
    assert done.returncode == 0, done.stderr
    entries = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(e["level"], e["logger"], e["message"]) for e in entries] == [
        ("INFO", "patroli.scheduler", "plan 3 fired"),
        ("WARNING", "scrapy.core", "blocked at toko.example"),
        ("ERROR", "patroli.jobs", "job failed"),
    ]
    assert entries[0]["run_id"] == 9 and entries[2]["job_id"] == 4
    assert "ZeroDivisionError" in entries[2]["trace"]
    assert all(TS.match(e["ts"]) for e in entries)


def test_a_process_in_text_writes_readable_lines():
    done = run(
        """
        logs.configure()
        logging.getLogger("patroli.scheduler").info("plan %d fired", 3, extra={"run_id": 9})
        """,
        None,
    )
    assert done.returncode == 0, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.endswith(" INFO patroli.scheduler: plan 3 fired")
    with pytest.raises(ValueError):
        json.loads(line)


def test_json_restyles_a_handler_someone_else_installed_instead_of_doubling_lines():
    # Scrapy installs a plain StreamHandler on the root logger before our code runs.
    done = run(
        """
        import sys
        theirs = logging.StreamHandler(sys.stderr)
        theirs.setFormatter(logging.Formatter("SCRAPY %(message)s"))
        logging.getLogger().addHandler(theirs)
        logging.getLogger().setLevel(logging.INFO)
        logs.configure()
        logs.configure()  # twice is once
        logging.getLogger("scrapy.core.engine").info("Spider opened", extra={"spider": "toko"})
        """,
        "json",
    )
    assert done.returncode == 0, done.stderr
    (line,) = done.stderr.splitlines()
    assert json.loads(line)["spider"] == "toko"
