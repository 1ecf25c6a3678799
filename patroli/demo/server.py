"""Serve the three demo platforms on loopback, each in its own thread, and flip take-downs."""

from __future__ import annotations

import errno
import socket
import threading
from collections.abc import Callable

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from patroli.demo.ceritaku import create_ceritaku
from patroli.demo.pasarku import create_pasarku
from patroli.demo.tokosehat import create_tokosehat
from patroli.demo.web import DemoState
from patroli.demo.world import DEFAULT_ADDRESSES, DemoListing, World

APPS: dict[str, Callable[[World, DemoState], Flask]] = {
    "pasarku": create_pasarku,
    "tokosehat": create_tokosehat,
    "ceritaku": create_ceritaku,
}


class DemoPortInUse(RuntimeError):
    """An address of the demo is taken by another process."""


class _QuietHandler(WSGIRequestHandler):
    # Hundreds of requests a second: a log line each would cost more than the page.
    def log_request(self, *args: object, **kwargs: object) -> None:
        pass


class ServerThreads:
    """Werkzeug servers, each serving in a thread of its own, stopped together (ports freed)."""

    def __init__(self) -> None:
        self._running: list[tuple[BaseWSGIServer, threading.Thread]] = []

    def serve(self, server: BaseWSGIServer, name: str, poll: float = 0.1) -> None:
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": poll},
                                  name=name, daemon=True)  # fmt: skip
        thread.start()
        self._running.append((server, thread))

    def stop(self) -> None:
        """Safe to call twice."""
        for server, _ in self._running:
            server.shutdown()
            server.server_close()
        for _, thread in self._running:
            thread.join(timeout=5)
        self._running.clear()


class DemoMarketplace:
    """The three platforms of a World, served until stop() (or the end of a `with` block).

    `addresses` maps platform to (host, port); port 0 picks a free port (tests).
    """

    def __init__(self, world: World, addresses: dict[str, tuple[str, int]] | None = None) -> None:
        self.world = world
        self.state = DemoState()
        self.addresses = DEFAULT_ADDRESSES | (addresses or {})
        self.base_urls: dict[str, str] = {}
        self._serving = ServerThreads()

    # lifecycle -----------------------------------------------------------------
    def start(self) -> DemoMarketplace:
        try:
            for platform, create in APPS.items():
                host, port = self.addresses[platform]
                listener = _listen(platform, host, port)
                try:
                    server = make_server(
                        host, 0, create(self.world, self.state), threaded=True,
                        request_handler=_QuietHandler, fd=listener.fileno(),
                    )  # fmt: skip
                finally:
                    listener.close()  # the server holds its own duplicate of the socket
                self.base_urls[platform] = f"http://{host}:{server.server_address[1]}"
                self._serving.serve(server, f"demo-{platform}")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop serving and free the ports. Safe to call twice."""
        self._serving.stop()

    def __enter__(self) -> DemoMarketplace:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # the switches --------------------------------------------------------------
    def take_down(self, listing_id: str) -> None:
        self.world.listing(listing_id)  # KeyError for an unknown id
        self.state.take_down(listing_id)

    def restore(self, listing_id: str) -> None:
        self.world.listing(listing_id)
        self.state.restore(listing_id)

    def ban_seller(self, seller_id: str) -> None:
        self.world.seller(seller_id)
        self.state.ban(seller_id)

    def unban_seller(self, seller_id: str) -> None:
        self.world.seller(seller_id)
        self.state.unban(seller_id)

    def url(self, listing: DemoListing | str) -> str:
        """Absolute URL of a listing on the running demo."""
        if isinstance(listing, str):
            listing = self.world.listing(listing)
        return self.base_urls[listing.platform] + listing.path

    def seller_url(self, seller_id: str) -> str:
        seller = self.world.seller(seller_id)
        return self.base_urls[seller.platform] + seller.path


def _listen(platform: str, host: str, port: int) -> socket.socket:
    """Bind the listening socket ourselves: werkzeug would print and sys.exit on EADDRINUSE."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise DemoPortInUse(
                f"demo {platform}: {host}:{port} is already in use - stop the process holding "
                f"it (is another demo running?) or choose another address"
            ) from None
        raise OSError(
            f"demo {platform}: cannot listen on {host}:{port}: {error.strerror}"
        ) from None
    return sock
