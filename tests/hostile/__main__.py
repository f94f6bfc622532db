# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Command line: ``python -m tests.hostile --scenario NAME --port-file F --log F --token T`` from the collection root."""

import argparse
import signal
import sys

from .scenarios import SCENARIOS
from .server import HostileServer, RequestLog, write_port_file


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.hostile", description="A hostile stand-in for the Apify API.")
    parser.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 (default) picks a free port")
    parser.add_argument("--port-file", help="where to write the port once listening")
    parser.add_argument("--log", required=True, help="JSON-lines log of every request (appended)")
    parser.add_argument("--token", required=True, help="the API token the server accepts")
    args = parser.parse_args(argv)

    behaviour = SCENARIOS[args.scenario](args.token)
    log = RequestLog(args.log, args.token)
    server = HostileServer(behaviour, log, args.host, args.port)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: behaviour.stopping.set())
    if args.port_file:
        write_port_file(args.port_file, server.port)
    print("hostile API (%s) listening on http://%s:%d" % (args.scenario, args.host, server.port), flush=True)
    server.serve_forever()
    server.drain()
    log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
