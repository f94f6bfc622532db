# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CPU per API request on the module's side: HTTP libraries and answer validation, one at a time.

    .venv/bin/python benchmarks/profile_http.py [--requests 2000]

Starts the emulator (no latency) and GETs one run ``--requests`` times on one
keep-alive connection with each way, measuring this thread's CPU time
(``time.thread_time``) and the wall time: the collection's own
``HttpTransport`` (plugins/module_utils/_http.py, on ``http.client``), and the
alternatives it was chosen over: ``requests.Session`` (what the collection used
before), ``urllib3.PoolManager`` and bare ``http.client``; then the cost of validating
one answer with jsonschema as plugins/module_utils/_schemas.py does
(``iter_errors`` + sort) against ``is_valid``. Nothing under plugins/ is changed.
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import requests
import urllib3
from jsonschema import Draft202012Validator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "profile-0123456789abcdef"
HEADERS = {"Authorization": "Bearer " + TOKEN, "Accept": "application/json", "User-Agent": "profile"}


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
    cpu, wall = time.thread_time(), time.perf_counter()
    for _request in range(count):
        func()
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    print("| %s | %.3f | %.3f |" % (name, cpu / count * 1000, wall / count * 1000))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.join(ROOT, ".build", "bench", "collections"))
    # pylint: disable-next=import-error,import-outside-toplevel  # the collection installed by make bench
    from ansible_collections.apify.platform.plugins.module_utils import _http, _schemas

    emulator, port = start_emulator()
    try:
        base = "http://127.0.0.1:%d" % port
        create = urllib.request.Request(base + "/_emulator/runs", method="POST", data=json.dumps({"status": "RUNNING"}).encode())
        with urllib.request.urlopen(create, timeout=30) as response:
            run_id = json.loads(response.read())["data"]["id"]
        path = "/v2/actor-runs/" + run_id

        session = requests.Session()
        session.trust_env = False
        session.headers.update(HEADERS)
        pool = urllib3.PoolManager(maxsize=1, retries=False)
        connection = http.client.HTTPConnection("127.0.0.1", port)
        transport = _http.HttpTransport(base, 30.0, environ={})

        def with_http_client():
            connection.request("GET", path, headers=HEADERS)
            return json.loads(connection.getresponse().read())

        print("One GET of a run, %d times, one keep-alive connection, emulator without latency." % args.requests)
        print()
        print("| Client | CPU per request (ms) | Wall per request (ms) |")
        print("|---|---:|---:|")
        timed("HttpTransport (plugins/module_utils/_http.py)", args.requests, lambda: json.loads(transport.request("GET", path, headers=HEADERS).body))
        timed("requests.Session (used before _http.py)", args.requests, lambda: json.loads(session.get(base + path, timeout=30, allow_redirects=False).content))
        timed("urllib3.PoolManager", args.requests, lambda: json.loads(pool.request("GET", base + path, headers=HEADERS, timeout=30).data))
        timed("http.client", args.requests, with_http_client)

        answer = with_http_client()
        validator = Draft202012Validator(_schemas.RUN_RESPONSE)
        timed("jsonschema: _schemas.validate() (iter_errors + sort)", args.requests, lambda: _schemas.validate(answer, _schemas.RUN_RESPONSE, "GET", path))
        timed("jsonschema: is_valid() on the same validator", args.requests, lambda: validator.is_valid(answer))
    finally:
        emulator.terminate()
        emulator.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
