"""`patroli serve`: the casebook UI and API."""

from __future__ import annotations

import click

from patroli.serving import serve_forever
from patroli.wiring import open_casebook


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8800, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the casebook UI and JSON API."""
    casebook = open_casebook()
    serve_forever(casebook.config, host, port)
