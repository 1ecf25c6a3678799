"""Serving the casebook web app with waitress, a production WSGI server: a pool of threads in
each of `--workers` processes (2 by default, one per core) sharing one port.

Why waitress and not gunicorn: both use the two cores of our machines with two processes
(one waitress process tops out at one core, held by the GIL; benchmarks/web_load.py measures
all three), but waitress is pure Python and forks nothing. Its processes start as fresh
interpreters, so `patroli demo` serves through the same server beside the demo marketplace's
threads (a fork would copy them half-alive), tests serve it in a thread, and it runs wherever
Python does. Background jobs run in processes of their own (patroli.jobs), so no server
process holds state another lacks; sessions, throttling and audit live in the database."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import click
from flask import Flask
from waitress import wasyncore
from waitress.server import create_server

from casebook.config import Config, SecretKeyError
from patroli.jobs import job_waker
from web import create_app

# Requests at once. A thread waiting on the database lets go of the GIL (SQLite's C code,
# PostgreSQL's own processes), so more threads than cores keep both cores busy; 15 is what the
# database pool holds (5 + 10 overflow), so no thread waits for a connection.
DEFAULT_THREADS = 15
# Serving processes: one per core of the 2-core machines Patroli is served from.
DEFAULT_WORKERS = 2
SERVER_NAME = "waitress"


class WebServer:
    """A listening production server, with the few calls of a `socketserver` server
    (`serve_forever`, `shutdown`, `server_close`, `server_address`) so tests can serve in a
    thread as they did with Werkzeug's."""

    def __init__(
        self, app: Flask, listener: socket.socket, threads: int, trusted_proxy: str | None = None
    ) -> None:
        self.app, self.threads, self.listener = app, threads, listener
        self.server_address = listener.getsockname()[:2]
        self._channels: dict = {}  # waitress's socket map: the listener and every connection
        self._stopping, self._stopped = threading.Event(), threading.Event()
        self._server = create_server(
            app,
            map=self._channels,
            sockets=[listener],
            threads=threads,
            ident=SERVER_NAME,
            asyncore_use_poll=True,  # select() stops at 1024 descriptors
            # Officers' browsers keep connections open; past this many, new ones wait in backlog.
            connection_limit=200,
            channel_timeout=60,
            **_proxy_settings(trusted_proxy),
        )

    @property
    def url(self) -> str:
        host, port = self.server_address
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def serve_forever(self) -> None:
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=1.0, use_poll=True, map=self._channels, count=1)
        finally:
            self.server_close()
            self._stopped.set()

    def shutdown(self) -> None:
        """From another thread: stop serving and wait until serve_forever has returned."""
        self._stopping.set()
        self._server.pull_trigger()  # wakes the poll at once
        self._stopped.wait(timeout=10)

    def server_close(self) -> None:
        """Let requests under way finish (a few seconds at most), then close every socket."""
        self._server.task_dispatcher.shutdown(timeout=5)
        wasyncore.close_all(self._channels)


def _proxy_settings(trusted_proxy: str | None) -> dict:
    """Behind a TLS proxy, the client's address (login throttling counts by it) and the scheme
    come from its X-Forwarded-* headers; from anyone else those headers are dropped, or a
    guesser could name a new address with each try."""
    if not trusted_proxy:
        return {}
    return {
        "trusted_proxy": trusted_proxy,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
    }


def make_app(config: Config) -> Flask:
    try:
        app = create_app(config)
    except SecretKeyError as error:
        raise click.ClickException(str(error)) from None
    app.config["PATROLI_PLATFORM_KINDS"] = platform_kinds()
    app.config["PATROLI_JOB_WAKER"] = job_waker(config)
    return app


def make_web_server(
    config: Config,
    host: str,
    port: int,
    *,
    threads: int = DEFAULT_THREADS,
    trusted_proxy: str | None = None,
    shared: bool = False,
    worker: bool = False,
) -> WebServer:
    """`shared`: worker processes will bind the port too (SO_REUSEPORT; the kernel spreads new
    connections over them); `worker`: this is one of them."""
    app = make_app(config)
    if trusted_proxy:
        # The proxy terminates TLS (docs/deployment.md): cookies never travel in clear text.
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    if shared and not worker:
        # A plain bind first: SO_REUSEPORT alone would let a second `patroli serve` on this
        # port share it silently, and take half the officers' requests to an old version.
        probe = _listen(host, port)
        port = probe.getsockname()[1]
        probe.close()
    listener = _listen(host, port, shared=shared or worker)
    return WebServer(app, listener, threads, trusted_proxy)


def _listen(host: str, port: int, *, shared: bool = False) -> socket.socket:
    """Bind the socket ourselves: a port in use gets one line saying what to do."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        listener.bind((host, port))
        listener.listen(1024)
    except OSError as error:
        listener.close()
        raise click.ClickException(
            f"cannot listen on {host}:{port} ({error.strerror}): stop what uses it or pass --port"
        ) from None
    listener.setblocking(False)
    return listener


def platform_kinds() -> dict[str, str]:
    """Platform -> marketplace | social | website, for routing takedown links in the API: the
    web app may not import the crawler's site profiles, so the composition root hands it this."""
    from crawler.profiles import all_profiles  # here, not at the top: other commands skip it
    from patroli.platforms import kind_of

    return {profile.name: kind_of(profile.name, "") for profile in all_profiles()}


def serve_until_stopped(
    web: WebServer, announce: Callable[[], None] = lambda: None, *, quiet: bool = False
) -> None:
    """Serve until Ctrl-C or SIGTERM; requests under way get a few seconds to finish.
    `announce` prints the address once SIGTERM is handled: a supervisor that reads it and
    stops the server at once still gets a clean stop."""
    with _sigterm_as_interrupt(), contextlib.suppress(KeyboardInterrupt):
        announce()
        web.serve_forever()
    if not quiet:
        click.echo("stopped")


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """A supervisor's SIGTERM stops the server as Ctrl-C does (only the main thread may)."""

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield  # a test serving in a thread: it stops the server with shutdown()
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve_forever(
    config: Config,
    host: str,
    port: int,
    *,
    threads: int = DEFAULT_THREADS,
    workers: int = DEFAULT_WORKERS,
    trusted_proxy: str | None = None,
) -> None:
    web = make_web_server(config, host, port, threads=threads, trusted_proxy=trusted_proxy,
                          shared=workers > 1)  # fmt: skip
    options = ["--threads", str(threads)]
    if trusted_proxy:
        options += ["--trusted-proxy", trusted_proxy]
    others = WorkerProcesses(web.server_address, workers - 1, options)
    shape = f"{workers} processes x {threads} threads" if workers > 1 else f"{threads} threads"
    banner = f"casebook UI: {web.url}  ({SERVER_NAME}, {shape}; Ctrl-C stops)"
    try:
        serve_until_stopped(web, lambda: click.echo(banner))
    finally:
        others.stop()


class WorkerProcesses:
    """More serving processes on the same port: each has its own GIL, so both cores of the
    machine serve (one waitress process tops out at one core). They are started as new
    interpreters (`patroli serve --worker-of PID`), never forked; one that dies is started
    again; all stop with the first."""

    def __init__(self, address: tuple[str, int], count: int, options: list[str]) -> None:
        host, port = address
        self.command = [sys.executable, "-m", "patroli", "serve", "--worker-of", str(os.getpid()),
                        "--host", host, "--port", str(port), *options]  # fmt: skip
        self.processes = [self._spawn() for _ in range(count)]
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="workers", daemon=True)
        self._watcher.start()

    def _spawn(self) -> subprocess.Popen:
        # A session of their own: a terminal's Ctrl-C reaches the first process, which stops them.
        return subprocess.Popen(self.command, stdin=subprocess.DEVNULL, start_new_session=True)

    def _watch(self) -> None:
        while not self._stopping.wait(1.0):
            for index, process in enumerate(self.processes):
                if process.poll() is not None and not self._stopping.is_set():
                    click.echo(f"worker {process.pid} ended ({process.returncode}); "
                               "starting another", err=True)  # fmt: skip
                    self.processes[index] = self._spawn()

    def stop(self) -> None:
        self._stopping.set()
        self._watcher.join()
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def serve_as_worker(
    config: Config, first: int, host: str, port: int, *, threads: int, trusted_proxy: str | None
) -> None:
    """One of WorkerProcesses: serves quietly until told to stop or the first process is gone."""
    web = make_web_server(config, host, port, threads=threads, trusted_proxy=trusted_proxy,
                          worker=True)  # fmt: skip
    threading.Thread(target=_stop_when_orphaned, args=(first,), daemon=True).start()
    serve_until_stopped(web, quiet=True)


def _stop_when_orphaned(first: int) -> None:
    while os.getppid() == first:  # killed with SIGKILL, the first process says nothing
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGTERM)
