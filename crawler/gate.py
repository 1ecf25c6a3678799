"""The browser's only way out: a SOCKS5 proxy on loopback that resolves each name itself,
checks the answer and connects to exactly the addresses it checked.

Chromium resolves names on its own, so checking a URL in Python and letting the browser fetch
it reopens DNS rebinding. Launched with `proxy={"server": gate.url}`, Playwright's Chromium
sends every connection (http, https, websockets; loopback included, Playwright adds
`<-loopback>`) to the gate with the host *name*, and resolves nothing locally (Playwright adds
`--host-resolver-rules=MAP * ~NOTFOUND` for a SOCKS5 proxy). TLS stays end to end: the gate
only sees bytes. It runs in its own thread with its own event loop, so it serves any browser
whichever loop drives Playwright.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
import struct
import threading
from collections.abc import Callable

from twisted.internet.error import DNSLookupError

from crawler.dns import AddressRefused, DomainNotFound

logger = logging.getLogger(__name__)

# SOCKS5 (RFC 1928) replies.
SUCCEEDED, GENERAL_FAILURE, NOT_ALLOWED, HOST_UNREACHABLE, REFUSED, UNSUPPORTED = 0, 1, 2, 4, 5, 7
CONNECT_TIMEOUT = 15.0
CHUNK = 64 * 1024

# Chromium routes WebRTC's UDP around any proxy unless told not to.
CHROMIUM_ARGS = ["--force-webrtc-ip-handling-policy=disable_non_proxied_udp"]


class BrowserGate:
    """`check(host, port)` returns the addresses a connection may use or raises why not
    (`crawler.dns.checked_addresses`, or the reactor resolver's `check` in a crawl)."""

    def __init__(self, check: Callable[[str, int], list[str]]) -> None:
        self.check = check
        self.refused = 0  # connections refused, for the log at the end
        # asyncio holds a connection's task only weakly once both its sockets wait quietly;
        # held here, an idle tunnel is not collected under the browser's feet.
        self._connections: set[asyncio.Task] = set()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def start(self) -> BrowserGate:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True,
                                        name="patroli-browser-gate")  # fmt: skip
        self._thread.start()
        ready.wait()
        if self._server is None:
            raise RuntimeError("the browser gate could not listen on 127.0.0.1")
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"socks5://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        if self._thread and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)

    def launch_options(self, options: dict) -> dict:
        """Playwright launch options that send the browser through this gate."""
        args = [
            *options.get("args", ()),
            *(a for a in CHROMIUM_ARGS if a not in options.get("args", ())),
        ]
        return {**options, "args": args, "proxy": {"server": self.url}}

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._serve, "127.0.0.1", 0)
            )
        finally:
            ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            while tasks := asyncio.all_tasks(self._loop):  # connections still being served
                for task in tasks:
                    task.cancel()
                self._loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            self._loop.run_until_complete(self._loop.shutdown_default_executor())
            self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = None
        task = asyncio.current_task()
        self._connections.add(task)
        try:
            host, port = await _handshake(reader, writer)
            upstream = await self._connect(host, port, writer)
            if upstream is not None:
                await _pipe(reader, writer, *upstream)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass  # the browser went away or spoke something else: nothing to keep
        except asyncio.CancelledError:
            pass  # the gate is stopping: the connection ends with it
        finally:
            self._connections.discard(task)
            for stream in (writer, upstream[1] if upstream else None):
                if stream is not None:
                    stream.close()

    async def _connect(self, host: str, port: int, writer: asyncio.StreamWriter):
        """Resolve and check `host`, then connect to the checked addresses only."""
        try:
            addresses = await self._loop.run_in_executor(None, self.check, host, port)
        except AddressRefused as refused:
            self.refused += 1
            logger.debug("browser connection refused: %s", refused)  # the page says it once
            return await _reply(writer, NOT_ALLOWED)
        except DomainNotFound:
            return await _reply(writer, HOST_UNREACHABLE)
        except DNSLookupError:
            return await _reply(writer, GENERAL_FAILURE)
        for address in addresses:
            with contextlib.suppress(OSError, asyncio.TimeoutError):
                upstream = await asyncio.wait_for(
                    asyncio.open_connection(address, port), CONNECT_TIMEOUT
                )
                await _reply(writer, SUCCEEDED)
                return upstream
        return await _reply(writer, REFUSED)


async def _handshake(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
    """The SOCKS5 greeting and CONNECT request: the host (a name, or an address literal) and
    port the browser wants."""
    version, methods = await reader.readexactly(2)
    await reader.readexactly(methods)
    if version != 5:
        raise ValueError("not SOCKS5")
    writer.write(b"\x05\x00")  # no authentication: the gate listens on loopback only
    version, command, _, kind = await reader.readexactly(4)
    if kind == 1:
        host = socket.inet_ntop(socket.AF_INET, await reader.readexactly(4))
    elif kind == 4:
        host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
    elif kind == 3:
        host = (await reader.readexactly((await reader.readexactly(1))[0])).decode("ascii")
    else:
        await _reply(writer, UNSUPPORTED)
        raise ValueError("unknown address type")
    (port,) = struct.unpack("!H", await reader.readexactly(2))
    if command != 1:  # only CONNECT: no BIND, no UDP ASSOCIATE
        await _reply(writer, UNSUPPORTED)
        raise ValueError("not a CONNECT")
    return str(ipaddress.ip_address(host)) if _is_literal(host) else host, port


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


async def _reply(writer: asyncio.StreamWriter, code: int) -> None:
    writer.write(bytes([5, code, 0, 1, 0, 0, 0, 0, 0, 0]))
    await writer.drain()


async def _pipe(reader, writer, upstream_reader, upstream_writer) -> None:
    async def copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while chunk := await source.read(CHUNK):
                sink.write(chunk)
                await sink.drain()
        with contextlib.suppress(OSError):
            if sink.can_write_eof():
                sink.write_eof()

    await asyncio.gather(copy(reader, upstream_writer), copy(upstream_reader, writer))
