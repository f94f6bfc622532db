# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make bench` (events part): the event source apify.platform.webhook, measured.

1. Throughput beside ansible-rulebook's own ``eda.builtin.webhook`` (the file that the
   ansible-rulebook wheel ships as ansible_rulebook/event_source/webhook.py): the same deliveries
   (an Apify payload with a run, a Bearer secret, a dispatch ID each), the same load generator,
   each source in its own process with a consumer that drains the queue at once, no verification.
   Rounds interleaved; the median of deliveries per second is reported.
2. Verification with the emulator's 50 ms API latency: N deliveries of distinct runs sent at once;
   the time until the last event is on the queue, against the floor (N reads x latency /
   verify_concurrency, plus the fixed cost: one delivery end to end without latency), and the
   slowest answer to a delivery.

Run by benchmarks/bench.sh with a venv that holds ansible-rulebook (aiohttp), requests and
jsonschema; writes OUTPUT.md and OUTPUT.json.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from importlib import metadata, util

import aiohttp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SECRET = "bench-" + os.urandom(8).hex()
TOKEN = "bench-token-" + os.urandom(8).hex()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--collections", required=True, help="ANSIBLE_COLLECTIONS_PATH with apify.platform installed")
    parser.add_argument("--deliveries", type=int, default=3000, help="per throughput round (default: %(default)s)")
    parser.add_argument("--connections", type=int, default=20, help="of the load generator (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=5, help="throughput rounds per source (default: %(default)s)")
    parser.add_argument("--verify-n", type=int, default=200, help="deliveries of distinct runs with verification (default: %(default)s)")
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--verify-concurrency", type=int, default=10, help="the source's (default: its default, %(default)s)")
    parser.add_argument("--output", default=os.path.join(HERE, "results_events"))
    parser.add_argument("--workdir", default=os.path.join(ROOT, ".build", "bench"))
    return parser.parse_args(argv)


def builtin_source():
    spec = util.find_spec("ansible_rulebook")
    return os.path.join(os.path.dirname(spec.origin), "event_source", "webhook.py")


def free_port():
    import socket  # pylint: disable=import-outside-toplevel

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Source:
    """A source process (events_source.py)."""

    def __init__(self, path, args):
        self.port = args["port"]
        self.url = "http://127.0.0.1:%d/apify" % self.port
        self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, os.path.join(HERE, "events_source.py"), path, json.dumps(args)], stdout=subprocess.PIPE, text=True
        )
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise SystemExit("bench: the source %s did not start: %r" % (path, line))

    def stop(self):
        self.proc.terminate()
        out, _err = self.proc.communicate(30)
        return json.loads(out.strip().splitlines()[-1])


class Emulator:
    def __init__(self, workdir, latency_ms):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = open(os.path.join(workdir, "emulator-events.log"), "wb")  # pylint: disable=consider-using-with
        self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", "tests.emulator", "--port", str(self.port), "--token", TOKEN, "--latency-ms", str(latency_ms), "--quiet"],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for dummy in range(300):
            try:
                self.control("GET", "config")
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("bench: the emulator did not start")

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + "/_emulator/" + path, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310  # loopback only
            return json.loads(answer.read() or b"null")["data"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()


def payload(run):
    return {
        "userId": run.get("userId", "BenchUser00000001"),
        "createdAt": "2026-01-01T00:00:00.000Z",
        "eventType": "ACTOR.RUN.FAILED",
        "eventData": {"actorId": run["actId"], "actorRunId": run["id"]},
        "resource": run,
    }


async def deliver(url, bodies, connections):
    """POST each body (with its dispatch ID); return (wall seconds, answer seconds of each, statuses)."""
    connector = aiohttp.TCPConnector(limit=connections)
    timings, statuses = [], []
    async with aiohttp.ClientSession(connector=connector) as session:
        semaphore = asyncio.Semaphore(connections)

        async def one(index, body):
            headers = {"Authorization": "Bearer " + SECRET, "Content-Type": "application/json", "X-Apify-Webhook-Dispatch-Id": "BenchDispatch%06d" % index}
            async with semaphore:
                started = time.monotonic()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    timings.append(time.monotonic() - started)
                    statuses.append(response.status)

        started = time.monotonic()
        await asyncio.gather(*(one(i, body) for i, body in enumerate(bodies)))
        return time.monotonic() - started, started, timings, statuses


def throughput(args, emulator):
    run = emulator.control("POST", "runs", {"status": "FAILED"})
    body = json.dumps(payload(run)).encode()
    ours = os.path.join(args.collections, "ansible_collections", "apify", "platform", "extensions", "eda", "plugins", "event_source", "webhook.py")
    contenders = {
        "apify.platform.webhook": (ours, {"verify": False, "secret": SECRET}),
        "eda.builtin.webhook": (builtin_source(), {"token": SECRET}),
    }
    results = {name: [] for name in contenders}
    cpu = {name: [] for name in contenders}
    for round_ in range(args.rounds):
        for name, (path, extra) in contenders.items():
            source = Source(path, {"host": "127.0.0.1", "port": free_port(), **extra})
            wall, _started, _timings, statuses = asyncio.run(deliver(source.url, [body] * args.deliveries, args.connections))
            got = source.stop()
            if got["events"] != args.deliveries or any(s >= 300 for s in statuses):
                raise SystemExit("bench: %s queued %d events of %d deliveries (statuses %s)" % (name, got["events"], args.deliveries, sorted(set(statuses))))
            results[name].append(args.deliveries / wall)
            cpu[name].append(got["cpu_s"] * 1e6 / args.deliveries)
            print("  round %d %-24s %8.0f deliveries/s, %6.0f us CPU each" % (round_ + 1, name, args.deliveries / wall, cpu[name][-1]), flush=True)
    rates = {name: {"median": statistics.median(v), "all": v, "cpu_us": statistics.median(cpu[name])} for name, v in results.items()}
    rates["payload_bytes"] = len(body)
    return rates


def verified_burst(args, emulator, n, latency_ms):
    """n deliveries of distinct FAILED runs, sent at once; (seconds to the last event, slowest answer)."""
    emulator.control("POST", "reset", {})
    emulator.control("POST", "config", {"latency_ms": latency_ms})
    run_ids = emulator.control("POST", "runs", {"count": n, "template": {"status": "FAILED"}})
    runs = {r["id"]: r for r in emulator.control("GET", "runs")}
    bodies = [json.dumps(payload(runs[r])).encode() for r in run_ids]
    ours = os.path.join(args.collections, "ansible_collections", "apify", "platform", "extensions", "eda", "plugins", "event_source", "webhook.py")
    source = Source(
        ours,
        {"host": "127.0.0.1", "port": free_port(), "secret": SECRET, "api_url": emulator.url, "token": TOKEN, "verify_concurrency": args.verify_concurrency},
    )
    wall, started, timings, statuses = asyncio.run(deliver(source.url, bodies, n))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the reads go on in the background: wait for the GETs to end
        log = emulator.control("GET", "log")
        if sum(1 for e in log if e["method"] == "GET" and e["status"] is not None) >= n:
            break
        time.sleep(0.05)
    time.sleep(0.2)
    got = source.stop()
    reads = [e for e in emulator.control("GET", "log") if e["method"] == "GET"]
    if got["events"] != n or any(s != 202 for s in statuses) or len(reads) != n:
        statuses = sorted(set(statuses))
        raise SystemExit("bench: verification queued %d events for %d deliveries with %d reads (statuses %s)" % (got["events"], n, len(reads), statuses))
    return {"to_last_event_s": max(got["arrivals"]) - started, "slowest_answer_s": max(timings), "all_answered_s": wall, "reads": len(reads)}


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    begun = time.monotonic()
    load_before = os.getloadavg()[0]
    emulator = Emulator(args.workdir, 0)
    try:
        print("Throughput, %d deliveries x %d rounds, %d connections, no verification" % (args.deliveries, args.rounds, args.connections))
        rates = throughput(args, emulator)
        print("Verification: the fixed cost (1 delivery, no latency), 5 times")
        fixed = statistics.median(verified_burst(args, emulator, 1, 0)["to_last_event_s"] for dummy in range(5))
        print("Verification: %d deliveries of distinct runs, latency %g ms, 3 times" % (args.verify_n, args.latency_ms))
        bursts = [verified_burst(args, emulator, args.verify_n, args.latency_ms) for dummy in range(3)]
    finally:
        emulator.stop()
    burst = sorted(bursts, key=lambda b: b["to_last_event_s"])[1]
    floor = args.verify_n * args.latency_ms / 1000.0 / args.verify_concurrency + fixed
    ratio = rates["apify.platform.webhook"]["median"] / rates["eda.builtin.webhook"]["median"]
    cpu_ratio = rates["eda.builtin.webhook"]["cpu_us"] / rates["apify.platform.webhook"]["cpu_us"]
    slowest = max(b["slowest_answer_s"] for b in bursts)
    to_last = burst["to_last_event_s"]
    vs_floor = to_last / floor
    targets = [
        ("apify.platform.webhook at least 0.8x the deliveries/s of eda.builtin.webhook", ratio, ratio >= 0.8, "%.2fx" % ratio),
        ("%d verified deliveries, 1.5x the floor (%.2f s) at most" % (args.verify_n, floor), vs_floor, vs_floor <= 1.5, "%.2fx (%.2f s)" % (vs_floor, to_last)),
        ("every delivery answered within 1 s", slowest, slowest < 1.0, "slowest %.3f s" % slowest),
    ]
    data = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "parameters": vars(args),
        "versions": {"ansible-rulebook": metadata.version("ansible-rulebook"), "aiohttp": metadata.version("aiohttp"), "python": sys.version.split()[0]},
        "throughput": rates,
        "fixed_cost_s": fixed,
        "floor_s": floor,
        "bursts": bursts,
        "targets": [{"name": n, "value": v, "met": m, "shown": s} for n, v, m, s in targets],
        "seconds": round(time.monotonic() - begun),
        "payload_bytes": rates.pop("payload_bytes"),
        "load_before": load_before,
    }
    with open(args.output + ".json", "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)
    payload_bytes = data["payload_bytes"]
    lines = [
        "# Benchmark: the event source apify.platform.webhook",
        "",
        "Written by `make bench` (benchmarks/bench_events.py) on %s, in %d s; ansible-rulebook %s, aiohttp %s, Python %s, %d CPUs."
        % (data["date"], data["seconds"], data["versions"]["ansible-rulebook"], data["versions"]["aiohttp"], data["versions"]["python"], os.cpu_count()),
        "",
        "## Throughput beside eda.builtin.webhook",
        "",
        "The same %d deliveries per round (an `ACTOR.RUN.FAILED` payload with its run, %d bytes, a Bearer secret, a dispatch ID each), "
        "%d connections of one aiohttp load generator, each source in its own process draining its queue at once, no verification; "
        "the compared source is `ansible_rulebook/event_source/webhook.py` of the ansible-rulebook wheel (`eda.builtin.webhook`, Bearer `token`). "
        "Median of %d interleaved rounds [min-max]." % (args.deliveries, payload_bytes, args.connections, args.rounds),
        "",
        "| Source | deliveries/s | CPU of the source's process per delivery (us) |",
        "|---|---:|---:|",
    ]
    for name, rate in rates.items():
        lines.append("| %s | %.0f [%.0f-%.0f] | %.0f |" % (name, rate["median"], min(rate["all"]), max(rate["all"]), rate["cpu_us"]))
    lines += [
        "",
        "Load average before the run: %.1f on %d CPUs. By CPU per delivery (a figure that other load on the machine disturbs less), "
        "apify.platform.webhook handles %.2fx the deliveries of eda.builtin.webhook." % (data["load_before"], os.cpu_count(), cpu_ratio),
    ]
    lines += [
        "",
        "## Verification, %g ms API latency" % args.latency_ms,
        "",
        "%d deliveries of distinct `FAILED` runs of the emulator, all sent at once; the source answers 202 and reads each run "
        "(`GET /v2/actor-runs/{id}` through the collection's client), %d at a time. Floor: %d x %g ms / %d + %.2f s (fixed cost: one "
        "delivery, send to event, without latency) = %.2f s. Three bursts; the median one:"
        % (args.verify_n, args.verify_concurrency, args.verify_n, args.latency_ms, args.verify_concurrency, fixed, floor),
        "",
        "| Send to last event (s) | x the floor | All answered (s) | Slowest answer (s) | API reads |",
        "|---:|---:|---:|---:|---:|",
        "| %.2f | %.2f | %.3f | %.3f | %d |" % (to_last, vs_floor, burst["all_answered_s"], burst["slowest_answer_s"], burst["reads"]),
        "",
        "## Targets",
        "",
    ]
    lines += ["- %s  %s: %s" % ("MET " if met else "MISSED", name, shown) for name, _value, met, shown in targets]
    with open(args.output + ".md", "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines[-4:]))
    print("Wrote %s.md and %s.json" % (args.output, args.output))
    return 0 if all(met for _n, _v, met, _s in targets) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
