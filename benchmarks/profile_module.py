# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where apify_run_reboot's time and memory go on a ``run_ids`` batch (no Ansible controller).

    .venv/bin/python benchmarks/profile_module.py --n 10000
    .venv/bin/python benchmarks/profile_module.py --n 200 --latency-ms 50      # 400 requests, against apify-client

Starts the emulator (tests/emulator, own process, ``--latency-ms``), creates N
RUNNING runs, then runs the module's ``main()`` in this process, as AnsiballZ
would, with timers around its stages:

* imports, argument checks (``ApifyModule.__init__``), the batch
  (``Procedure.all``: each run read, then rebooted), the no_log scrub of the
  result (``remove_values``) and its JSON encoding;
* inside the batch, the CPU time (``time.thread_time``, the batch's threads added
  up) spent on the wire (``ApifyClient._exchange``: requests, the deadline, the
  bounded read), in decoding the JSON answers (``ApifyClient._decode``) and in
  validating them with jsonschema (``_runs.validate``); the deadlines' timer
  threads are not among them, so the process's CPU time for the batch is shown too;
* RSS after each stage and the peak so far (``ru_maxrss``), and the result's size.

Then, unless ``--apify-python`` does not exist, the same job for N fresh runs
with apify-client (benchmarks/apify_client_reboot.py ``concurrent``, same
concurrency, in its own process and venv, by default .venvs/bench), and the
module's batch against its time after imports: the "request phase" comparison.

``--collections`` is a directory holding ``ansible_collections/apify/platform``:
by default the one ``make bench`` installs (.build/bench/collections; or run
``scripts/install-collection.sh .build/bench``), else a laid-out copy in .build.
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


def default_collections():
    installed = os.path.join(ROOT, ".build", "bench", "collections")
    return installed if os.path.isdir(os.path.join(installed, "ansible_collections")) else os.path.join(ROOT, ".build")


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

    from ansible_collections.apify.platform.plugins.module_utils import _client, _module, _procedure, _runs

    stages.mark("imports (ansible.module_utils, requests, jsonschema, the collection)")
    _client.ApifyClient._exchange = stages.timed("the wire: ApifyClient._exchange (requests, deadline, bounded read)", _client.ApifyClient._exchange)
    _client.ApifyClient._decode = stages.timed("JSON decode of answers", _client.ApifyClient._decode)
    _runs.validate = stages.timed("jsonschema validation", _runs.validate)

    init = _module.ApifyModule.__init__

    def module_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        stages.mark("AnsibleModule: read and check the arguments")

    _module.ApifyModule.__init__ = module_init

    procedure_all = _procedure.Procedure.all

    def timed_all(self, run_ids, concurrency, **kwargs):
        process_cpu = time.process_time()
        started = time.perf_counter()
        entries = procedure_all(self, run_ids, concurrency, **kwargs)
        stages.batch_seconds = time.perf_counter() - started
        stages.batch_cpu = time.process_time() - process_cpu
        stages.mark(
            "the batch: %d runs read and rebooted, %d at a time" % (len(run_ids), concurrency),
            "process CPU %.1f s; thread CPU: " % (time.process_time() - process_cpu) + ", ".join("%s %.1f s" % item for item in sorted(stages.cpu.items())),
        )
        return entries

    _procedure.Procedure.all = timed_all

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


def apify_client_seconds(python, url, count, concurrency, workdir):
    """apify-client's time after imports for the same job on ``count`` fresh runs, or None with the reason."""
    if not os.path.exists(python):
        return None, "%s does not exist (make bench creates .venvs/bench)" % python
    variables = os.path.join(workdir, "apify-client-vars.json")
    with open(variables, "w", encoding="utf-8") as handle:
        json.dump({"apify_api_url": url, "apify_token": TOKEN, "run_ids": create_runs(url, count), "concurrency": concurrency}, handle)
    script = os.path.join(ROOT, "benchmarks", "apify_client_reboot.py")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        done = subprocess.run([python, script, variables, "concurrent"], capture_output=True, text=True, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        # Seen on a loaded machine: the async client's native HTTP library hung, its runs all answered.
        return None, "apify_client_reboot.py did not finish within 300 s"
    if done.returncode != 0:
        return None, "apify_client_reboot.py exited %d: %s" % (done.returncode, (done.stderr.strip().splitlines() or [""])[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    return (json.loads(done.stdout.strip().splitlines()[-1])["seconds_after_imports"], cpu), None


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--collections", default=default_collections())
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--apify-python", default=os.path.join(ROOT, ".venvs", "bench", "bin", "python"), help="a Python with apify-client")
    args = parser.parse_args(argv)
    if not os.path.isdir(os.path.join(args.collections, "ansible_collections", "apify", "platform")):
        raise SystemExit("no collection in %s: run scripts/install-collection.sh .build/bench (make bench does), or give --collections" % args.collections)

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
        theirs, missing = apify_client_seconds(args.apify_python, url, args.n, args.concurrency, workdir)
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
    print()
    if theirs is None:
        print("apify-client: not measured (%s); give --apify-python." % missing)
    else:
        (theirs, their_cpu), requests = theirs, 2 * args.n
        print(
            "Request phase, %d requests (a read and a reboot per run), concurrency %d: the module's batch %.2f s, "
            "apify-client (concurrent, after its imports) %.2f s: %.2fx."
            % (requests, args.concurrency, stages.batch_seconds, theirs, stages.batch_seconds / theirs)
        )
        print(
            "CPU per request: the module's batch %.3f ms (this process, every thread), apify-client %.3f ms (its whole "
            "process, start-up and imports included): %.2fx." % (1000 * stages.batch_cpu / requests, 1000 * their_cpu / requests, stages.batch_cpu / their_cpu)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
