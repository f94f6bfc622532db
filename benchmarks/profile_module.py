# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where apify_run_reboot's time and memory go on a large ``run_ids`` batch (no Ansible controller).

    .venv/bin/python benchmarks/profile_module.py --collections .build/bench/collections --n 10000

Starts the emulator (tests/emulator, own process, ``--latency-ms``), creates N
RUNNING runs, then runs the installed module's ``main()`` in this process, as
AnsiballZ would, with timers around its stages:

* argument checks (``ApifyModule.__init__``), the batch (``Rebooter.reboot_all``),
  the no_log scrub of the result (``remove_values``) and its JSON encoding;
* inside the batch, the CPU time (``time.thread_time``, all threads added up)
  spent in ``http.client`` (``HttpTransport.request``), in decoding the JSON answers and
  in validating them with jsonschema;
* RSS after each stage and the peak so far (``ru_maxrss``), and the result's size.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "profile-0123456789abcdef"


def rss_mb():
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Stages:
    def __init__(self):
        self.start = time.perf_counter()
        self.last = self.start
        self.rows = []
        self.cpu = {}
        self.lock = threading.Lock()

    def mark(self, name, note=""):
        now = time.perf_counter()
        self.rows.append((name, now - self.last, now - self.start, rss_mb(), peak_mb(), note))
        self.last = now

    def timed(self, key, func):
        """Wrap ``func`` so that its thread CPU time is added to ``self.cpu[key]``."""

        def wrapper(*args, **kwargs):
            before = time.thread_time()
            try:
                return func(*args, **kwargs)
            finally:
                spent = time.thread_time() - before
                with self.lock:
                    self.cpu[key] = self.cpu.get(key, 0.0) + spent

        return wrapper


def start_emulator(workdir, latency_ms):
    port_file = os.path.join(workdir, "port")
    process = subprocess.Popen(  # pylint: disable=consider-using-with  # terminated in main()
        [sys.executable, "-m", "tests.emulator", "--port-file", port_file, "--token", TOKEN, "--latency-ms", str(latency_ms), "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    for _attempt in range(300):
        if os.path.exists(port_file) and os.path.getsize(port_file):
            with open(port_file, encoding="ascii") as handle:
                return process, "http://127.0.0.1:%d" % int(handle.read())
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the emulator did not start")


def create_runs(url, count):
    request = urllib.request.Request(url + "/_emulator/runs", method="POST", data=json.dumps({"count": count, "template": {"status": "RUNNING"}}).encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["data"]


def instrument(stages):
    # pylint: disable=import-outside-toplevel,import-error  # the installed collection, on sys.path now
    from ansible.module_utils import basic

    from ansible_collections.apify.platform.plugins.module_utils import _client, _http, _module, _rebooter, _runs

    stages.mark("imports (ansible.module_utils, http.client, jsonschema, the collection)")
    _http.HttpTransport.request = stages.timed("http.client: HttpTransport.request", _http.HttpTransport.request)
    _client.ApifyClient._decode = stages.timed("JSON decode of answers", _client.ApifyClient._decode)
    _runs.validate = stages.timed("jsonschema validation", _runs.validate)

    init = _module.ApifyModule.__init__

    def module_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        stages.mark("AnsibleModule: read and check the arguments")

    _module.ApifyModule.__init__ = module_init

    reboot_all = _rebooter.Rebooter.reboot_all

    def timed_reboot_all(self, run_ids, concurrency, **kwargs):
        entries = reboot_all(self, run_ids, concurrency, **kwargs)
        stages.mark(
            "the batch: %d runs read and rebooted, %d at a time" % (len(run_ids), concurrency),
            "thread CPU: " + ", ".join("%s %.1f s" % item for item in sorted(stages.cpu.items())),
        )
        return entries

    _rebooter.Rebooter.reboot_all = timed_reboot_all

    remove_values = basic.remove_values
    returning = []

    def timed_remove_values(value, no_log_strings):
        if not returning:  # AnsibleModule also calls it on the arguments
            return remove_values(value, no_log_strings)
        stages.mark("summary of the entries, warnings, invocation")
        result = remove_values(value, no_log_strings)
        stages.mark("no_log scrub of the whole result (remove_values)")
        return result

    basic.remove_values = timed_remove_values

    return_formatted = basic.AnsibleModule._return_formatted

    def timed_return_formatted(self, kwargs):
        returning.append(True)
        return return_formatted(self, kwargs)

    basic.AnsibleModule._return_formatted = timed_return_formatted

    record = basic.AnsibleModule._record_module_result

    def timed_record(self, o):
        out = io.StringIO()
        real, sys.stdout = sys.stdout, out
        try:
            record(self, o)
        finally:
            sys.stdout = real
        stages.mark("JSON encoding of the result", "%.1f MB of JSON" % (len(out.getvalue()) / 2**20))
        stages.output = out.getvalue()

    basic.AnsibleModule._record_module_result = timed_record


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--collections", default=os.path.join(ROOT, ".build", "bench", "collections"))
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="apify-profile-")
    emulator, url = start_emulator(workdir, args.latency_ms)
    try:
        args_file = os.path.join(workdir, "args.json")
        with open(args_file, "w", encoding="utf-8") as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": {"run_ids": create_runs(url, args.n), "api_url": url, "token": TOKEN, "concurrency": args.concurrency}}, handle)
        sys.path.insert(0, os.path.abspath(args.collections))
        stages = Stages()
        stages.mark("interpreter up", "RSS before any import")
        instrument(stages)
        # pylint: disable-next=import-outside-toplevel,import-error
        from ansible_collections.apify.platform.plugins.modules import apify_run_reboot

        sys.argv = ["apify_run_reboot", args_file]
        code = None
        try:
            apify_run_reboot.main()
        except SystemExit as exc:
            code = exc.code
        result = json.loads(stages.output)
    finally:
        emulator.terminate()
        emulator.wait()
    print(
        "apify_run_reboot, run_ids of %d runs, concurrency %d, latency %g ms%s: exit %s, %s"
        % (args.n, args.concurrency, args.latency_ms, "", code, result["msg"])
    )
    print()
    print("| Stage | Seconds | At (s) | RSS after (MB) | Peak RSS so far (MB) | Note |")
    print("|---|---:|---:|---:|---:|---|")
    for name, seconds, at, rss, peak, note in stages.rows:
        print("| %s | %.2f | %.2f | %.0f | %.0f | %s |" % (name, seconds, at, rss, peak, note))
    entry = json.dumps(result["results"][0]) if result.get("results") else ""
    print()
    print(
        "One entry of results: %d bytes of JSON; the run object in it: %d bytes."
        % (len(entry), len(json.dumps(result["results"][0].get("run"))) if entry else 0)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
