# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the modules that act on runs (reboot, abort) share: options, selection, results.

A module names its action (``_run_actions.py``) and the statuses a listing looks
for; this file reads the selector options (``run_id``, ``run_ids``,
``actor_id``, ``task_id``), lists and checks IDs, runs the procedure
(``_procedure.py``) on one run or many, and shapes the result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyConfigError
from ansible_collections.apify.platform.plugins.module_utils._options import (
    check_concurrency,
    check_positive,
    check_resource_id,
    check_run_id,
)
from ansible_collections.apify.platform.plugins.module_utils._procedure import Options, Procedure, summarize
from ansible_collections.apify.platform.plugins.module_utils._runs import list_path, list_runs, listed_run_ids

SELECTORS = ("run_id", "run_ids", "actor_id", "task_id")

ACTION_ARGUMENT_SPEC = dict(
    run_id=dict(type="str"),
    run_ids=dict(type="list", elements="str"),
    actor_id=dict(type="str"),
    task_id=dict(type="str"),
    concurrency=dict(type="int", default=20),
    full_runs=dict(type="bool", default=False),
    fail_if_not_running=dict(type="bool", default=False),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=300),
    wait_sleep=dict(type="int", default=5),
)

ACTION_MODULE_KWARGS = dict(mutually_exclusive=[SELECTORS], required_one_of=[SELECTORS], supports_check_mode=True)


def procedure_options(module):
    params = module.params
    wait_sleep = check_positive(params["wait_sleep"], "wait_sleep")
    wait_timeout = check_positive(params["wait_timeout"], "wait_timeout")
    if wait_timeout < wait_sleep:
        raise ApifyConfigError("wait_timeout (%s) must be at least wait_sleep (%s)." % (wait_timeout, wait_sleep))
    return Options(
        check_mode=module.check_mode,
        fail_if_not_running=params["fail_if_not_running"],
        wait=params["wait"],
        wait_timeout=wait_timeout,
        wait_sleep=wait_sleep,
    )


def act(module, action, listed_statuses):
    """The module result of ``action`` on the runs the task selected."""
    options = procedure_options(module)
    if module.params["run_id"] is not None:
        return _act_one(module, action, options)
    return _act_many(module, action, options, listed_statuses)


def _act_one(module, action, options):
    run_id = check_run_id(module.params["run_id"])
    result = Procedure(module.client(), action, options).run(run_id)
    warning = result.pop("warning")
    del result["run_id"]
    result["warnings"] = [warning] if warning else []
    return result


def _refused_entry(action, value, error):
    """The entry of a listed run whose ID failed the check: nothing was sent for it."""
    return {"run_id": value, "changed": False, action.past: False, "failed": True, "run": None, "msg": error.message, "error": error.to_dict(), "warning": None}


def _act_many(module, action, options, listed_statuses):
    params = module.params
    concurrency = check_concurrency(params["concurrency"])
    refused = []
    if params["run_ids"] is not None:
        run_ids = [check_run_id(run_id, "run_ids") for run_id in params["run_ids"]]
        client = module.client(pool_size=concurrency)
    else:
        actor_id = params["actor_id"] and check_resource_id(params["actor_id"], "actor_id")
        task_id = params["task_id"] and check_resource_id(params["task_id"], "task_id")
        client = module.client(pool_size=concurrency)
        # Keep only the IDs: each run is read again, in full, just before the action.
        items = list_runs(client, actor_id=actor_id, task_id=task_id, statuses=listed_statuses)[0]
        run_ids, refused = listed_run_ids(items, list_path(actor_id, task_id), client.redact)
    entries = Procedure(client, action, options).all(run_ids, concurrency, full_runs=params["full_runs"])
    entries.extend(_refused_entry(action, value, error) for value, error in refused)
    result = summarize(entries, action.past, check_mode=module.check_mode)
    # Every entry loses its "warning" key; the ones that had a warning pass it on to Ansible.
    result["warnings"] = [warning for warning in (entry.pop("warning") for entry in entries) if warning]
    result["results"] = entries
    return result
