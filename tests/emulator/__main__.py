# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Command line: ``python -m tests.emulator`` or ``python tests/emulator`` from the repository root."""

import argparse
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

if not __package__:
    # Run as a directory (python tests/emulator): make the package importable by its full name.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

# pylint: disable=wrong-import-position  # the imports need the path set above
from tests.emulator.seeds import seed_demo, seed_file
from tests.emulator.server import DEFAULT_TOKEN, start_server, stop_server


def _write_port_file(path: str, port: int) -> None:
    """Write the port atomically, so a reader never sees a half-written file."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".emulator-port-")
    with os.fdopen(fd, "w") as handle:
        handle.write(f"{port}\n")
    os.replace(temporary, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.emulator", description="Stateful Apify API emulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 (default) picks a free port")
    parser.add_argument("--port-file", help="write the listening port to this file once serving")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the valid API token (default: %(default)s)")
    parser.add_argument("--latency-ms", type=float, default=0, help="delay added to every /v2 request")
    parser.add_argument("--seed", choices=["demo"], help="create well-known demo runs")
    parser.add_argument("--runs", metavar="FILE", help="create the runs of this YAML or JSON file (a list of run specs)")
    parser.add_argument("--quiet", action="store_true", help="no per-request access log on stderr")
    parser.add_argument("--print-env", action="store_true", help="print the export lines of APIFY_API_BASE_URL and APIFY_TOKEN once listening")
    args = parser.parse_args(argv)

    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        server, thread, base_url = start_server(args.host, args.port, args.token, args.latency_ms, quiet=args.quiet)
    except OSError as exc:  # the port is taken, or the address is not this host's
        print(f"emulator: cannot listen on {args.host}:{args.port}: {exc.strerror or exc} (--port 0 picks a free port)", file=sys.stderr)
        return 2
    if args.seed == "demo":
        for run_id, status, description in seed_demo(server.emulator.store):
            print(f"  {run_id}  {status:<9}  {description}", flush=True)
    if args.runs:
        try:
            seeded = seed_file(server.emulator.store, args.runs)
        except (OSError, ValueError) as exc:
            stop_server(server, thread)
            print(f"emulator: {exc}", file=sys.stderr)
            return 2
        for run_id, status in seeded:
            print(f"  {run_id}  {status}", flush=True)
    if args.port_file:
        _write_port_file(args.port_file, server.server_address[1])
    print(f"Apify API emulator listening on {base_url}", flush=True)
    if args.print_env:
        print(f"export APIFY_API_BASE_URL={base_url}\nexport APIFY_TOKEN={args.token}", flush=True)
    stopping.wait()
    stop_server(server, thread)
    if args.port_file:
        os.unlink(args.port_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
