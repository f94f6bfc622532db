# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make bench`: rebooting N RUNNING runs, four ways, against one emulator with injected latency.

Run by benchmarks/bench.sh with the bench venv's Python (psutil, matplotlib,
apify-client); ``python benchmarks/bench.py --help`` lists the options.

Every contender gets N fresh RUNNING runs of the same emulator, with the same
latency per request, in the same run of this script; afterwards the emulator
must have seen exactly N reboot requests and every run must have been rebooted
exactly once, or the benchmark stops. The fast contenders are measured
``--repeat`` times, interleaved, and their median is reported.
"""

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import time
from importlib import metadata

import harness
import report

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# key -> (label, how it is run)
CONTENDERS = {
    "a": ("(a) ansible.builtin.uri GET + POST, two looped tasks", ("playbook", "uri_recipe.yml")),
    "b": ("(b) apify_run_reboot looped over run_id", ("playbook", "reboot_loop.yml")),
    "c": ("(c) apify_run_reboot with run_ids", ("playbook", "reboot_batch.yml")),
    "d_seq": ("(d) apify-client, sequential", ("client", "sequential")),
    "d_conc": ("(d) apify-client async, concurrent", ("client", "concurrent")),
    "fixed": ("fixed cost: one apify_run_reboot task, run_ids: []", ("playbook", "reboot_batch.yml")),
}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="make bench BENCH_ARGS=...", description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--n", type=int, default=200, help="runs per contender (default: %(default)s)")
    parser.add_argument(
        "--slow-n",
        type=int,
        help="runs for the slow contenders (a) and (b) (default: --n); their loop is then scaled linearly to --n and marked so; use 20 or more",
    )
    parser.add_argument("--memory-n", type=int, default=10000, help="runs for the peak-memory check of (c), without latency (default: %(default)s; 0 skips it)")
    parser.add_argument("--latency-ms", type=float, default=50, help="latency per API request (default: %(default)s)")
    parser.add_argument("--concurrency", type=int, default=20, help="of (c) and concurrent (d) (default: %(default)s)")
    parser.add_argument(
        "--repeat", type=int, default=5, help="measurements of each fast contender ((c), (d), fixed cost); the median is reported (default: %(default)s)"
    )
    parser.add_argument("--output", default=os.path.join(HERE, "results"), help="writes OUTPUT.md, OUTPUT.json and OUTPUT.png (default: benchmarks/results)")
    parser.add_argument("--collections", required=True, help="ANSIBLE_COLLECTIONS_PATH with apify.platform installed")
    parser.add_argument("--venv", default=os.path.join(ROOT, ".venv"), help="the project's venv (ansible-playbook)")
    parser.add_argument("--workdir", default=os.path.join(ROOT, ".build", "bench"), help="logs and scratch files")
    args = parser.parse_args(argv)
    args.slow_n = args.slow_n or args.n
    for name in ("output", "collections", "venv", "workdir"):
        setattr(args, name, os.path.abspath(getattr(args, name)))
    if min(args.n, args.slow_n, args.repeat, args.concurrency) < 1 or args.memory_n < 0:
        parser.error("--n, --slow-n, --repeat and --concurrency must be at least 1, --memory-n at least 0")
    return args


class Bench:
    def __init__(self, args):
        self.args = args
        self.token = "bench-" + secrets.token_hex(8)
        self.emulator = harness.Emulator(os.path.join(args.venv, "bin", "python"), ROOT, args.workdir, self.token, args.latency_ms)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_") and k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
        self.env.update(
            ANSIBLE_COLLECTIONS_PATH=args.collections, ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_NOCOLOR="1"
        )
        self.measurements = []

    def command(self, key, vars_file):
        how, what = CONTENDERS[key][1]
        if how == "playbook":
            return [os.path.join(self.args.venv, "bin", "ansible-playbook"), os.path.join(HERE, "playbooks", what), "-e", "@" + vars_file]
        return [sys.executable, os.path.join(HERE, "apify_client_reboot.py"), vars_file, what]

    def run(self, key, count, latency_ms, phase):
        """Measure one contender on ``count`` fresh runs; check that each was rebooted exactly once."""
        run_ids = self.emulator.fresh_runs(count, latency_ms)
        tag = "%s-%s-n%d-%d" % (phase, key, count, len(self.measurements))
        vars_file = os.path.join(self.args.workdir, tag + ".vars.json")
        with open(vars_file, "w", encoding="utf-8") as handle:
            json.dump({"apify_api_url": self.emulator.url, "apify_token": self.token, "run_ids": run_ids, "concurrency": self.args.concurrency}, handle)
        log_path = os.path.join(self.args.workdir, tag + ".log")
        print("  %-52s N=%-6d latency %3g ms ... " % (CONTENDERS[key][0], count, latency_ms), end="", flush=True)
        result = harness.measure(self.command(key, vars_file), self.env, self.args.workdir, log_path)
        seen = self.emulator.check_rebooted(run_ids)
        os.unlink(vars_file)  # it holds the (throw-away) token
        result.update(key=key, n=count, latency_ms=latency_ms, phase=phase, api=seen, log=log_path, profile=_profile(result, seen, latency_ms))
        print("%7.2f s, peak PSS %5.1f MB, %d GET + %d reboot" % (result["wall_s"], result["tree_pss_peak_mb"], seen["gets"], seen["reboots"]), flush=True)
        if result["rc"] != 0 or seen["rebooted_once"] != count or seen["reboots"] != count or seen["errors"]:
            raise SystemExit(
                "bench: %s did not reboot each of its %d runs exactly once (exit code %s, %s); see %s" % (key, count, result["rc"], seen, log_path)
            )
        self.measurements.append(result)
        return result

    def main_phase(self):
        args = self.args
        print("Warm-up (not measured): the fixed-cost playbook once")
        self.run("fixed", 0, args.latency_ms, "warmup")
        self.measurements.clear()
        print("Fast contenders, %d rounds, N=%d, latency %g ms, concurrency %d" % (args.repeat, args.n, args.latency_ms, args.concurrency))
        for _round in range(args.repeat):
            self.run("fixed", 0, args.latency_ms, "main")
            self.run("c", args.n, args.latency_ms, "main")
            self.run("d_conc", args.n, args.latency_ms, "main")
            self.run("d_seq", args.n, args.latency_ms, "main")
        print("Slow contenders, once each, N=%d" % args.slow_n)
        self.run("b", args.slow_n, args.latency_ms, "main")
        self.run("a", args.slow_n, args.latency_ms, "main")

    def memory_phase(self):
        n = self.args.memory_n
        if not n:
            return
        print("Peak memory, N=%d, no latency" % n)
        self.run("c", n, 0, "memory")
        self.run("d_conc", n, 0, "memory")


def _profile(result, seen, latency_ms):
    """Where the wall time went, from the emulator's log (when each request arrived) and the module
    processes the sampler saw (python AnsiballZ_*.py; alive from first to last sample, +-10 ms)."""
    start, end = result["started_at"], result["started_at"] + result["wall_s"]
    modules = result.pop("module_processes")
    profile = {"module_processes": len(modules), "module_seconds": sum(b - a for a, b in modules)}
    if seen["first_request_at"] is not None:
        first, last = seen["first_request_at"], seen["last_request_at"] + latency_ms / 1000.0
        profile.update(before_first_request_s=first - start, requests_s=last - first, after_last_answer_s=end - last)
        if len(modules) == 1:
            ((module_start, module_end),) = modules
            profile.update(
                controller_until_module_s=module_start - start,
                module_until_first_request_s=first - module_start,
                module_after_last_answer_s=module_end - last,
                controller_after_module_s=end - module_end,
            )
    elif len(modules) == 1:
        ((module_start, module_end),) = modules
        profile.update(controller_until_module_s=module_start - start, module_alive_s=module_end - module_start, controller_after_module_s=end - module_end)
    return profile


def environment(args):
    def first_line(argv):
        try:
            return subprocess.run(argv, check=True, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, subprocess.CalledProcessError, IndexError):
            return "unknown"

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "os": platform.platform(),
        "ansible": first_line([os.path.join(args.venv, "bin", "ansible-playbook"), "--version"]),
        "python": first_line([os.path.join(args.venv, "bin", "python"), "--version"]),
        "apify_client": metadata.version("apify-client"),
        "commit": first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]),
        "dirty": bool(
            subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "plugins"], capture_output=True, text=True, check=False).stdout.strip()
        ),
        "load_before": os.getloadavg(),
    }


def summarize(measurements):
    """Per (phase, key, n): the median wall time and the worst memory over the repeats."""
    groups = {}
    for m in measurements:
        groups.setdefault((m["phase"], m["key"], m["n"]), []).append(m)
    summary = []
    for (phase, key, n), items in groups.items():
        walls = [m["wall_s"] for m in items]
        summary.append(
            {
                "phase": phase,
                "key": key,
                "label": CONTENDERS[key][0],
                "n": n,
                "latency_ms": items[0]["latency_ms"],
                "wall_s": statistics.median(walls),
                "walls": walls,
                "cpu_s": statistics.median(m["cpu_s"] for m in items),
                "module_cpu_s": statistics.median(m.get("module_cpu_s", 0.0) for m in items),
                "tree_pss_peak_mb": max(m["tree_pss_peak_mb"] for m in items),
                "tree_rss_peak_mb": max(m["tree_rss_peak_mb"] for m in items),
                "largest_process_rss_mb": max(m["largest_process_rss_mb"] for m in items),
                "gets": items[0]["api"]["gets"],
                "reboots": items[0]["api"]["reboots"],
                "profile": {part: statistics.median(m["profile"][part] for m in items) for part in items[0]["profile"]},
            }
        )
    return summary


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    env = environment(args)
    started = time.monotonic()
    bench = Bench(args)
    try:
        bench.main_phase()
        bench.memory_phase()
    finally:
        bench.emulator.stop()
    env["load_after"] = os.getloadavg()
    env["bench_seconds"] = round(time.monotonic() - started)
    data = {
        "parameters": {k: getattr(args, k) for k in ("n", "slow_n", "memory_n", "latency_ms", "concurrency", "repeat")},
        "environment": env,
        "summary": summarize(bench.measurements),
        "measurements": bench.measurements,
    }
    data["derived"] = report.derive(data)
    with open(args.output + ".json", "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, default=str)
    text = report.markdown(data, os.path.basename(args.output) + ".png")
    with open(args.output + ".md", "w", encoding="utf-8") as handle:
        handle.write(text)
    report.chart(data, args.output + ".png")
    print()
    print(report.table(data))
    print()
    print(report.targets_text(data))
    print("\nWrote %s.md, %s.json and %s.png (%d s in all)" % (args.output, args.output, args.output, env["bench_seconds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
