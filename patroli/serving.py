"""Serving the casebook web app with Werkzeug's threaded server (one machine, a few officers)."""

from __future__ import annotations

import socket

import click
from werkzeug.serving import BaseWSGIServer, make_server

from casebook.config import Config, SecretKeyError
from web import create_app


def make_web_server(config: Config, host: str, port: int) -> BaseWSGIServer:
    try:
        app = create_app(config)
    except SecretKeyError as error:
        raise click.ClickException(str(error)) from None
    app.config["PATROLI_PLATFORM_KINDS"] = platform_kinds()
    # Bind the socket ourselves: Werkzeug prints and exits on a port in use.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        listener.listen(128)
        return make_server(host, port, app, threaded=True, fd=listener.fileno())
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {host}:{port} ({error.strerror}): stop what uses it or pass --port"
        ) from None
    finally:
        listener.close()  # the server holds its own duplicate


def platform_kinds() -> dict[str, str]:
    """Platform -> marketplace | social | website, for routing takedown links in the API: the
    web app may not import the crawler's site profiles, so the composition root hands it this."""
    from crawler.profiles import all_profiles  # here, not at the top: other commands skip it
    from patroli.platforms import kind_of

    return {profile.name: kind_of(profile.name, "") for profile in all_profiles()}


def serve_until_stopped(server: BaseWSGIServer) -> None:
    """Serve until Ctrl-C (Werkzeug swallows the KeyboardInterrupt and closes the socket)."""
    try:
        server.serve_forever()
    finally:
        server.server_close()
    click.echo("stopped")


def serve_forever(config: Config, host: str, port: int) -> None:
    server = make_web_server(config, host, port)
    click.echo(f"casebook UI: http://{host}:{server.server_address[1]}/  (Ctrl-C stops)")
    serve_until_stopped(server)
