# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CPU per delivery of an event source, and where it goes (cProfile), with the deliveries of bench_events.py.

    .venvs/events/bin/python benchmarks/profile_events.py --collections .build/bench-events/collections [--deliveries 3000] [--profile]

Runs apify.platform.webhook (no verification) and eda.builtin.webhook, each in its own process
(events_source.py), rounds interleaved, and prints the CPU of each per delivery; with --profile the
source's process runs under cProfile and prints its top functions (cumulative and own time).
"""

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import runpy
import signal
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench_events  # noqa: E402  # pylint: disable=wrong-import-position


def serve_profiled(path, args):
    """The child: the source under cProfile until SIGTERM, then its top functions on stdout."""
    events = runpy.run_path(os.path.join(HERE, "events_source.py"))
    profiler = cProfile.Profile()
    signal.signal(signal.SIGTERM, lambda *a: None)
    profiler.enable()
    try:
        asyncio.run(events["run"](path, args))
    finally:
        profiler.disable()
        for key in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(30)
            sys.stderr.write(out.getvalue())


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--collections", required=True)
    parser.add_argument("--deliveries", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", default=None)
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.serve:
        serve_profiled(opts.serve[0], json.loads(opts.serve[1]))
        return 0
    ours = os.path.join(opts.collections, "ansible_collections", "apify", "platform", "extensions", "eda", "plugins", "event_source", "webhook.py")
    workdir = os.path.join(bench_events.ROOT, ".build", "profile-events")
    os.makedirs(workdir, exist_ok=True)
    emulator = bench_events.Emulator(workdir, 0)  # one run as the emulator makes it: the bench's payload
    try:
        body = json.dumps(bench_events.payload(emulator.control("POST", "runs", {"status": "FAILED"}))).encode()
    finally:
        emulator.stop()
    contenders = {
        "apify.platform.webhook": (ours, {"verify": False, "secret": bench_events.SECRET}),
        "eda.builtin.webhook": (bench_events.builtin_source(), {"token": bench_events.SECRET}),
    }
    if opts.only:
        contenders = {opts.only: contenders[opts.only]}
    cpu = {name: [] for name in contenders}
    for dummy in range(opts.rounds):
        for name, (path, extra) in contenders.items():
            args = {"host": "127.0.0.1", "port": bench_events.free_port(), **extra}
            if opts.profile:
                source = bench_events.Source.__new__(bench_events.Source)
                source.port = args["port"]
                source.url = "http://127.0.0.1:%d/apify" % source.port
                source.proc = subprocess.Popen(  # pylint: disable=consider-using-with
                    [sys.executable, __file__, "--collections", opts.collections, "--serve", path, json.dumps(args)], stdout=subprocess.PIPE, text=True
                )
                assert source.proc.stdout.readline().strip() == "ready"
            else:
                source = bench_events.Source(path, args)
            asyncio.run(bench_events.deliver(source.url, [body] * opts.deliveries, 20))
            got = source.stop()
            cpu[name].append(got["cpu_s"] * 1e6 / opts.deliveries)
            print("%-24s %6.0f us CPU per delivery (%d events)" % (name, cpu[name][-1], got["events"]), flush=True)
    for name, values in cpu.items():
        print("median %-24s %6.0f us" % (name, statistics.median(values)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
