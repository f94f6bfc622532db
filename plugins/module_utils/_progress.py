# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A run's progress facts: what its default request queue and dataset say, read now.

``read_progress()`` reads the two storages of many runs concurrently (one
unreadable storage never fails the others) and ``progress()`` turns what was
read into the ``progress`` fact that ``apify_run_info`` returns and the
``stuck_runs`` filter judges. Only the counters and times are kept: a storage
object can hold secrets (a dataset's ``urlSigningSecretKey``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.apify.platform.plugins.module_utils._batch import map_concurrently
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyError
from ansible_collections.apify.platform.plugins.module_utils._run_facts import parse_time
from ansible_collections.apify.platform.plugins.module_utils._runs import get_run_storage

KINDS = ("request-queue", "dataset")


def progress(run, storages, now):
    """The ``progress`` fact of ``run`` from ``{kind: storage data or ApifyError}``, at ``now`` (aware)."""
    fact = {"request_queue": None, "dataset": None, "last_change_at": None, "idle_minutes": None, "cpu_percent": None, "error": None}
    stats = run.get("stats") if isinstance(run.get("stats"), dict) else {}
    cpu = stats.get("cpuCurrentUsage")
    if isinstance(cpu, (int, float)) and not isinstance(cpu, bool):
        fact["cpu_percent"] = float(cpu)
    errors = []
    queue, dataset = storages.get("request-queue"), storages.get("dataset")
    if isinstance(queue, ApifyError):
        errors.append("the request queue could not be read: %s" % queue.message)
    elif queue is not None:
        fact["request_queue"] = {
            "handled": queue["handledRequestCount"],
            "pending": queue["pendingRequestCount"],
            "total": queue["totalRequestCount"],
            "modified_at": queue["modifiedAt"],
        }
    if isinstance(dataset, ApifyError):
        errors.append("the dataset could not be read: %s" % dataset.message)
    elif dataset is not None:
        fact["dataset"] = {"items": dataset["itemCount"], "modified_at": dataset["modifiedAt"]}
    changes = [(parse_time(part["modified_at"]), part["modified_at"]) for part in (fact["request_queue"], fact["dataset"]) if part]
    changes = [change for change in changes if change[0] is not None]
    if changes:
        latest, text = max(changes)
        fact["last_change_at"] = text
        fact["idle_minutes"] = round(max(0.0, (now - latest).total_seconds() / 60.0), 2)
    if errors:
        fact["error"] = "Run %s: %s" % (run.get("id"), " ".join(errors))
    return fact


def read_progress(client, runs, concurrency, now=None):
    """Add the ``progress`` fact to each run (in place), reading both storages of every run concurrently."""
    tasks = [(index, kind) for index in range(len(runs)) for kind in KINDS]

    def read(task):
        index, kind = task
        try:
            return get_run_storage(client, runs[index], kind)
        except ApifyError as exc:
            return exc

    answers = map_concurrently(read, tasks, concurrency)
    moment = now or datetime.datetime.now(datetime.timezone.utc)
    by_run = {}
    for (index, kind), answer in zip(tasks, answers):
        by_run.setdefault(index, {})[kind] = answer
    for index, run in enumerate(runs):
        run["progress"] = progress(run, by_run.get(index, {}), moment)
    return runs
