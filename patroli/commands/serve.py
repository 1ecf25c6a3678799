"""`patroli serve`: the casebook UI and API behind a production WSGI server (waitress)."""

from __future__ import annotations

import click

from patroli.serving import DEFAULT_THREADS, DEFAULT_WORKERS, serve_as_worker, serve_forever
from patroli.wiring import open_casebook


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8800, show_default=True, type=int)
@click.option(
    "--threads",
    default=DEFAULT_THREADS,
    show_default=True,
    type=click.IntRange(1, 15),  # past the database pool's 15 connections, threads only wait
    help="requests served at once (at most 15: the database pool's size)",
)
@click.option(
    "--workers",
    default=DEFAULT_WORKERS,
    show_default=True,
    type=click.IntRange(1, 8),
    help="serving processes, each with its threads (one per core)",
)
@click.option(
    "--trusted-proxy",
    metavar="ADDRESS",
    help="the reverse proxy (e.g. nginx at 127.0.0.1) whose X-Forwarded-For/-Proto/-Host "
    "headers are believed; from anyone else they are dropped",
)
@click.option("--worker-of", type=int, hidden=True)  # a worker of the process with this id
def serve(
    host: str,
    port: int,
    threads: int,
    workers: int,
    trusted_proxy: str | None,
    worker_of: int | None,
) -> None:
    """Serve the casebook UI and JSON API (SIGTERM or Ctrl-C stops it)."""
    casebook = open_casebook()
    if worker_of is not None:
        serve_as_worker(
            casebook.config, worker_of, host, port, threads=threads, trusted_proxy=trusted_proxy
        )
        return
    serve_forever(
        casebook.config, host, port, threads=threads, workers=workers, trusted_proxy=trusted_proxy
    )
