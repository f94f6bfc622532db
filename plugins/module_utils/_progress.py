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
from ansible_collections.apify.platform.plugins.module_utils._run_facts import UNTOUCHED, plausible_time, run_cpu, run_start
from ansible_collections.apify.platform.plugins.module_utils._runs import STORAGES, get_run_storage

KINDS = ("request-queue", "dataset")
# The key of each storage in the fact, and its name in messages.
KEYS = {"request-queue": "request_queue", "dataset": "dataset"}
NAMES = {"request-queue": "default request queue", "dataset": "default dataset"}


def _storage_fact(kind, storage):
    """The counters and time kept of one storage's data."""
    if kind == "request-queue":
        return {
            "handled": storage["handledRequestCount"],
            "pending": storage["pendingRequestCount"],
            "total": storage["totalRequestCount"],
            "modified_at": storage["modifiedAt"],
        }
    return {"items": storage["itemCount"], "modified_at": storage["modifiedAt"]}


def idle_since(run, parts, now):
    """``(last change as text, idle minutes, None)``, or ``(None, None, why)`` when idleness is unknown.

    Both storages' times must be believable (see ``plausible_time``): one that cannot be
    read, or that is before the run started, before 2015 or in the future, makes the
    idle time unknown; the other storage alone does not tell it.
    """
    started, why = run_start(run, now)
    if why:
        return None, None, "idle time unknown: " + why
    changes = []
    for kind, part in parts:
        moment, why = plausible_time(part["modified_at"], now, not_before=started, what="%s's modifiedAt" % NAMES[kind])
        if why:
            return None, None, "idle time unknown: " + why
        changes.append((moment, part["modified_at"]))
    latest, text = max(changes)
    return text, round(max(0.0, (now - latest).total_seconds() / 60.0), 2), None


def progress(run, storages, now):
    """The ``progress`` fact of ``run`` from ``{kind: storage data or ApifyError}``, at ``now`` (aware).

    ``idle_minutes`` is null unless both storages were read, the run used at least one of
    them (``untouched`` false) and every time involved is believable; ``idle_unknown_reason``
    then says why. A run that never used its storages has no idle time: its storages are as
    old as the run, which says nothing about whether it is stuck.
    """
    fact = {
        "request_queue": None,
        "dataset": None,
        "last_change_at": None,
        "idle_minutes": None,
        "untouched": None,
        "idle_unknown_reason": None,
        "cpu_percent": run_cpu(run),
        "error": None,
    }
    errors = []
    for kind in KINDS:
        storage, key = storages.get(kind), KEYS[kind]
        if isinstance(storage, ApifyError):
            errors.append("the %s could not be read: %s" % (NAMES[kind], storage.message))
        elif storage is not None:
            fact[key] = _storage_fact(kind, storage)
        else:
            errors.append("the %s was not read" % NAMES[kind])
    queue, dataset = fact["request_queue"], fact["dataset"]
    if errors:
        fact["error"] = "Run %s: %s" % (run.get("id"), " ".join(errors))
        fact["idle_unknown_reason"] = "idle time unknown: " + " ".join(errors)
        return fact
    fact["untouched"] = queue["total"] == 0 and dataset["items"] == 0
    if fact["untouched"]:
        fact["idle_unknown_reason"] = UNTOUCHED
        return fact
    fact["last_change_at"], fact["idle_minutes"], fact["idle_unknown_reason"] = idle_since(run, ((k, fact[KEYS[k]]) for k in KINDS), now)
    return fact


def _unnamed(run, kind):
    """An ApifyError when the run names no default storage of this kind (nothing is read then), else None."""
    id_field = STORAGES[kind][1]
    if isinstance(run.get(id_field), str) and run[id_field]:
        return None
    return ApifyError("the run names no %s (%s), so no storage answer can be matched to it; it was not read" % (NAMES[kind], id_field))


def read_progress(client, runs, concurrency, now=None):
    """Add the ``progress`` fact to each run (in place), reading both storages of every run concurrently."""
    tasks = [(index, kind) for index in range(len(runs)) for kind in KINDS]

    def read(task):
        index, kind = task
        unnamed = _unnamed(runs[index], kind)
        if unnamed is not None:
            return unnamed
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
