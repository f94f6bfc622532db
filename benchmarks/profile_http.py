# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CPU per API request on the module's side: the collection's client, what it is built on, and answer validation.

    .venv/bin/python benchmarks/profile_http.py [--requests 2000] [--collections DIR] [--apify-python PY]

Starts the emulator (no latency) and GETs one run ``--requests`` times on one
keep-alive connection with each way, measuring the CPU time of this process
(``time.process_time``: all its threads, so the deadline's timer threads and
the HTTP library's own threads count; the emulator runs in its own process)
and the wall time:

* ``ApifyClient.get`` (plugins/module_utils/_client.py on ``_session.py``): requests,
  a whole-request deadline (one ``threading.Timer`` per request), the bounded
  read, JSON decoding and the nesting check;
* ``_runs.get_run``: the same plus the check that the answer is a valid run, the one asked for;
* a bare ``requests.Session`` (``get(...).json()``), what the client is built on;
* the deadline alone (``with deadline(30): pass``), what the timer costs per request;
* apify-client's ``run(id).get()`` (its HTTP library and its models), in a child
  process run by ``--apify-python``: a Python with apify-client, by default the
  bench venv's (.venvs/bench, made by ``make bench`` from benchmarks/requirements.txt);
* jsonschema: ``_schemas.validate()`` as the client's checks call it, and ``is_valid()``.

``--collections`` is a directory holding ``ansible_collections/apify/platform``:
by default the one ``make bench`` installs (.build/bench/collections; or run
``scripts/install-collection.sh .build/bench``), else a laid-out copy in .build. Nothing under plugins/ is changed.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "profile-0123456789abcdef"
HEADERS = {"Authorization": "Bearer " + TOKEN, "Accept": "application/json", "User-Agent": "profile"}


def default_collections():
    installed = os.path.join(ROOT, ".build", "bench", "collections")
    return installed if os.path.isdir(os.path.join(installed, "ansible_collections")) else os.path.join(ROOT, ".build")


def start_emulator():
    port_file = os.path.join(tempfile.mkdtemp(prefix="apify-profile-"), "port")
    process = subprocess.Popen(  # pylint: disable=consider-using-with  # terminated in main()
        [sys.executable, "-m", "tests.emulator", "--port-file", port_file, "--token", TOKEN, "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL
    )
    for _attempt in range(300):
        if os.path.exists(port_file) and os.path.getsize(port_file):
            with open(port_file, encoding="ascii") as handle:
                return process, int(handle.read())
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the emulator did not start")


def timed(name, count, func):
    func()  # connect, warm up
    cpu, wall = time.process_time(), time.perf_counter()
    for _request in range(count):
        func()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print("| %s | %.3f | %.3f |" % (name, cpu / count * 1000, wall / count * 1000))
    return cpu / count


# Run by --apify-python: the same GETs with apify-client's synchronous client, CPU and wall time as JSON.
APIFY_CLIENT_CHILD = """
import json, os, sys, time
from apify_client import ApifyClient
base, token, run_id, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
run = ApifyClient(token, api_url=base).run(run_id)
run.get()
cpu, wall = time.process_time(), time.perf_counter()
for _request in range(count):
    run.get()
print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall}))
sys.stdout.flush()
os._exit(0)  # its native HTTP library was seen to abort during interpreter teardown (apify_client_reboot.py)
"""


def default_apify_python():
    return os.path.join(ROOT, ".venvs", "bench", "bin", "python")


def apify_client_row(python, base, run_id, count):
    """CPU per request of apify-client's run(id).get(), or None with the reason."""
    if not os.path.exists(python):
        return None, "%s does not exist (make bench creates .venvs/bench)" % python
    try:
        done = subprocess.run([python, "-c", APIFY_CLIENT_CHILD, base, TOKEN, run_id, str(count)], capture_output=True, text=True, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        return None, "it did not finish within 600 s"
    if done.returncode != 0:
        return None, (done.stderr.strip().splitlines() or ["exit %d" % done.returncode])[-1]
    result = json.loads(done.stdout)
    name = "apify-client: run(id).get() (its HTTP library and models; own process, %s)" % os.path.relpath(python, ROOT)
    print("| %s | %.3f | %.3f |" % (name, result["cpu"] / count * 1000, result["wall"] / count * 1000))
    return result["cpu"] / count, None


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--collections", default=default_collections(), help="the directory holding ansible_collections/apify/platform")
    parser.add_argument("--apify-python", default=default_apify_python(), help="a Python with apify-client, for its row")
    args = parser.parse_args(argv)
    if not os.path.isdir(os.path.join(args.collections, "ansible_collections", "apify", "platform")):
        raise SystemExit("no collection in %s: run scripts/install-collection.sh .build/bench (make bench does), or give --collections" % args.collections)
    sys.path.insert(0, os.path.abspath(args.collections))
    # pylint: disable=import-outside-toplevel  # the collection is importable only now
    import requests
    from jsonschema import Draft202012Validator

    # pylint: disable-next=import-error  # the laid-out or installed collection
    from ansible_collections.apify.platform.plugins.module_utils import _client, _deadline, _runs, _schemas, _session

    emulator, port = start_emulator()
    try:
        base = "http://127.0.0.1:%d" % port
        create = urllib.request.Request(base + "/_emulator/runs", method="POST", data=json.dumps({"status": "RUNNING"}).encode())
        with urllib.request.urlopen(create, timeout=30) as response:
            run_id = json.loads(response.read())["data"]["id"]
        path = "/v2/actor-runs/" + run_id

        client = _client.ApifyClient(base, token=TOKEN, timeout=30.0, pool_size=1)
        session = requests.Session()
        session.headers.update(HEADERS)

        print("One GET of a run, %d times, one keep-alive connection, emulator without latency." % args.requests)
        print("CPU: the whole process (time.process_time), timer threads included.")
        print()
        print("| Client | CPU per request (ms) | Wall per request (ms) |")
        print("|---|---:|---:|")
        ours = timed("ApifyClient.get (_client.py on _session.py: requests, deadline timer, bounded read)", args.requests, lambda: client.get(path))
        timed("_runs.get_run (the same, and the answer checked: schema, run ID)", args.requests, lambda: _runs.get_run(client, run_id))
        bare = timed("requests.Session, bare: get(...).json()", args.requests, lambda: session.get(base + path, timeout=30, allow_redirects=False).json())

        def deadline_only():
            with _deadline.deadline(30.0):
                pass

        timed("the deadline alone: with deadline(30): pass (one threading.Timer)", args.requests, deadline_only)
        theirs, missing = apify_client_row(args.apify_python, base, run_id, args.requests)
        if missing:
            print("| apify-client: not measured (%s); give --apify-python | | |" % missing)

        answer = session.get(base + path, timeout=30).json()
        validator = Draft202012Validator(_schemas.RUN_RESPONSE)
        timed("jsonschema: _schemas.validate() (iter_errors + sort)", args.requests, lambda: _schemas.validate(answer, _schemas.RUN_RESPONSE, "GET", path))
        timed("jsonschema: is_valid() on the same validator", args.requests, lambda: validator.is_valid(answer))
        print()
        print("ApifyClient.get against bare requests.Session: %.2fx the CPU per request." % (ours / bare))
        if theirs:
            print("ApifyClient.get against apify-client's run(id).get(): %.2fx the CPU per request." % (ours / theirs))
        client.close()
        session.close()
    finally:
        emulator.terminate()
        emulator.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
