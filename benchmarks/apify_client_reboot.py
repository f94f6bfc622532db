# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Contender (d): the same job with Apify's official Python client (apify-client).

    python apify_client_reboot.py VARS_JSON sequential|concurrent [RESULT_JSON]

VARS_JSON is the file the playbooks get (apify_api_url, apify_token, run_ids,
concurrency). For each run: ``client.run(id).get()``, then ``.reboot()`` when it
is RUNNING, as the module does. ``sequential`` uses ``ApifyClient`` one run after
the other; ``concurrent`` uses ``ApifyClientAsync`` with at most ``concurrency``
runs in flight (an asyncio semaphore). RESULT_JSON gets the counts and the
seconds spent after the imports (the process's wall time is measured outside).
"""

import asyncio
import json
import os
import sys
import time

from apify_client import ApifyClient, ApifyClientAsync

RUNNING = "RUNNING"


def _status(run):
    return getattr(run.status, "value", run.status)


def sequential(api_url, token, run_ids):
    client = ApifyClient(token, api_url=api_url)
    rebooted = 0
    for run_id in run_ids:
        run = client.run(run_id)
        if _status(run.get()) == RUNNING:
            run.reboot()
            rebooted += 1
    return rebooted


async def concurrent(api_url, token, run_ids, concurrency):
    client = ApifyClientAsync(token, api_url=api_url)
    slots = asyncio.Semaphore(concurrency)

    async def one(run_id):
        async with slots:
            run = client.run(run_id)
            if _status(await run.get()) == RUNNING:
                await run.reboot()
                return 1
            return 0

    return sum(await asyncio.gather(*(one(run_id) for run_id in run_ids)))


def main(argv):
    with open(argv[1], encoding="utf-8") as handle:
        variables = json.load(handle)
    args = (variables["apify_api_url"], variables["apify_token"], variables["run_ids"])
    start = time.perf_counter()
    if argv[2] == "sequential":
        rebooted = sequential(*args)
    else:
        rebooted = asyncio.run(concurrent(*args, concurrency=variables["concurrency"]))
    result = {"rebooted": rebooted, "seconds_after_imports": time.perf_counter() - start}
    print(json.dumps(result))
    if len(argv) > 3:
        with open(argv[3], "w", encoding="utf-8") as handle:
            json.dump(result, handle)
    return 0 if rebooted == len(variables["run_ids"]) else 1


if __name__ == "__main__":
    code = main(sys.argv)
    sys.stdout.flush()
    # The async client's native HTTP library was seen to abort (SIGABRT) now and then during
    # interpreter teardown, after every run had been rebooted and counted. Skip the teardown;
    # the emulator's log, not this exit code alone, is what the benchmark checks.
    os._exit(code)
