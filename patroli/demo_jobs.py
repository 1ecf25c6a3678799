"""The demo verifies its takedown list as the web's "verify now" does: a casebook job, run by
`patroli jobs run ID` in a process of its own, its output kept beside the web's job logs."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Mapping

from casebook.config import Config
from casebook.services import jobs
from patroli.jobs import runner_environment
from patroli.wiring import Casebook


def verify_as_job(casebook: Casebook, config: Config, bases: Mapping[str, str], list_id: int,
                  actor: str, step: Callable) -> int:  # fmt: skip
    """Queue a verify_list job for the list and run it to its end; the job's id."""
    with casebook.sessions() as session, session.begin():
        job_id = jobs.enqueue(session, "verify_list", {"list_id": list_id}, actor).id
    command = [sys.executable, "-m", "patroli", "jobs", "run", str(job_id)]
    for site, url in bases.items():
        command += ["--base", f"{site}={url}"]
    log = config.data_dir / "jobs" / f"{job_id}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        subprocess.run(command, env=runner_environment(config), stdin=subprocess.DEVNULL,
                       stdout=output, stderr=subprocess.STDOUT, check=False)  # fmt: skip
    with casebook.sessions() as session:
        job = jobs.get(session, job_id)
        status, error = job.status, job.error
    step(f"job {job_id} (verify list {list_id}): {status}" + (f": {error}" if error else ""))
    return job_id
