"""Serving the casebook web app with Werkzeug's threaded server (one machine, a few officers)."""

from __future__ import annotations

import click
from werkzeug.serving import BaseWSGIServer, make_server

from casebook.config import Config
from web import create_app


def make_web_server(config: Config, host: str, port: int) -> BaseWSGIServer:
    try:
        return make_server(host, port, create_app(config), threaded=True)
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {host}:{port} ({error.strerror}): stop what uses it or pass --port"
        ) from None


def serve_until_stopped(server: BaseWSGIServer) -> None:
    """Serve until Ctrl-C (Werkzeug swallows the KeyboardInterrupt and closes the socket)."""
    try:
        server.serve_forever()
    finally:
        server.server_close()
    click.echo("stopped")


def serve_forever(config: Config, host: str, port: int) -> None:
    server = make_web_server(config, host, port)
    click.echo(f"casebook UI: http://{host}:{server.server_port}/  (Ctrl-C stops)")
    serve_until_stopped(server)
