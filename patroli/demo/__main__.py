"""`python -m patroli.demo serve`: run the demo marketplace until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from patroli.demo.server import DemoMarketplace, DemoPortInUse
from patroli.demo.world import DEFAULT_ADDRESSES, build_world


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m patroli.demo")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the three demo platforms until Ctrl-C")
    serve.add_argument("--seed", type=int, default=2026)
    serve.add_argument("--size", type=int, default=300, help="number of listings")
    for platform, (host, port) in DEFAULT_ADDRESSES.items():
        serve.add_argument(f"--{platform}", type=_address, metavar="HOST:PORT",
                           default=(host, port), help=f"default {host}:{port}")  # fmt: skip
    args = parser.parse_args(argv)

    world = build_world(args.seed, args.size)
    addresses = {platform: getattr(args, platform) for platform in DEFAULT_ADDRESSES}
    stop = threading.Event()
    # Also when started in the background (SIGINT ignored there): `kill -INT` must stop it.
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with DemoMarketplace(world, addresses) as demo:
            print(f"demo marketplace: {len(world.listings)} listings, seed {args.seed}")
            for platform, url in demo.base_urls.items():
                print(f"  {platform:<10} {url}/")
            print("Ctrl-C to stop.", flush=True)
            stop.wait()
    except (DemoPortInUse, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("demo stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
