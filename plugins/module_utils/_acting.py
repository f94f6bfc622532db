# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module side of acting on runs (reboot, abort, resurrect): options, selection, results.

A module names its action (``_run_actions.py``) and the statuses a listing looks
for; this file holds the acting modules' shared options, reads the selector
options (``run_id``, ``run_ids``, and where the module has them ``actor_id``
and ``task_id``), lists and checks IDs, runs the procedure (``_procedure.py``)
on one run or many, and shapes the result (``summarize`` for several runs).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyConfigError
from ansible_collections.apify.platform.plugins.module_utils._options import check_concurrency, check_positive
from ansible_collections.apify.platform.plugins.module_utils._procedure import Procedure, ProcedureOptions, failed_entry
from ansible_collections.apify.platform.plugins.module_utils._runs import list_path, list_runs, listed_run_ids
from ansible_collections.apify.platform.plugins.module_utils._selection import RUN_SELECTOR_SPEC, SELECTOR_SPEC, SELECTORS, selection

# What every acting module takes: the runs by ID, how many at once, how to wait.
RUN_ACTION_ARGUMENT_SPEC = dict(
    RUN_SELECTOR_SPEC,
    concurrency=dict(type="int", default=20),
    full_runs=dict(type="bool", default=False),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=300),
    wait_sleep=dict(type="int", default=5),
)

# Reboot and abort: also every run of an Actor or task, and fail_if_not_running.
ACTION_ARGUMENT_SPEC = dict(RUN_ACTION_ARGUMENT_SPEC, fail_if_not_running=dict(type="bool", default=False))
ACTION_ARGUMENT_SPEC.update(SELECTOR_SPEC)


def action_module_kwargs(selectors):
    """The AnsibleModule keywords of an acting module whose runs are chosen by ``selectors``."""
    return dict(mutually_exclusive=[selectors], required_one_of=[selectors], supports_check_mode=True)


ACTION_MODULE_KWARGS = action_module_kwargs(SELECTORS)


def procedure_options(module, action):
    params = module.params
    wait_sleep = check_positive(params["wait_sleep"], "wait_sleep")
    wait_timeout = check_positive(params["wait_timeout"], "wait_timeout")
    if wait_timeout < wait_sleep:
        raise ApifyConfigError("wait_timeout (%s) must be at least wait_sleep (%s)." % (wait_timeout, wait_sleep))
    return ProcedureOptions(
        check_mode=module.check_mode,
        fail_on_wrong_state=params[action.wrong_state_option],
        wait=params["wait"],
        wait_timeout=wait_timeout,
        wait_sleep=wait_sleep,
    )


def act(module, action, listed_statuses=None):
    """The module result of ``action`` on the runs the task selected."""
    options = procedure_options(module, action)
    selected = selection(module.params)
    if selected.run_id is not None:
        return _act_one(module, action, options, selected.run_id)
    return _act_many(module, action, options, selected, listed_statuses)


def _act_one(module, action, options, run_id):
    result = Procedure(module.client(), action, options).run(run_id)
    warning = result.pop("warning")
    del result["run_id"]
    result["warnings"] = [warning] if warning else []
    return result


def _act_many(module, action, options, selected, listed_statuses):
    params = module.params
    concurrency = check_concurrency(params["concurrency"])
    client = module.client(pool_size=concurrency)
    run_ids, refused = selected.run_ids, []
    if selected.listing:
        # Keep only the IDs: each run is read again, in full, just before the action.
        items = list_runs(client, actor_id=selected.actor_id, task_id=selected.task_id, statuses=listed_statuses)[0]
        run_ids, refused = listed_run_ids(items, list_path(selected.actor_id, selected.task_id), client.redact)
    entries = Procedure(client, action, options).all(run_ids, concurrency, full_runs=params["full_runs"])
    # A listed run whose ID failed the check: nothing was sent for it.
    entries.extend(failed_entry(value, action.past, error) for value, error in refused)
    result = summarize(entries, action.past, check_mode=module.check_mode)
    # Every entry loses its "warning" key; the ones that had a warning pass it on to Ansible.
    result["warnings"] = [warning for warning in (entry.pop("warning") for entry in entries) if warning]
    result["results"] = entries
    return result


def summarize(entries, past, check_mode=False):
    """The task-level result of a batch: ID lists, ``changed``, and a one-line ``msg``.

    A run that was acted on and then failed (for example while waiting) is in
    both ``<past>_run_ids`` and ``failed_run_ids``: both are true.
    """
    done = [e["run_id"] for e in entries if e[past]]
    failed = [e["run_id"] for e in entries if e["failed"]]
    skipped = [e["run_id"] for e in entries if not e[past] and not e["failed"]]
    verb = "would be %s (check mode)" % past if check_mode else past
    msg = "%d run(s): %d %s, %d left alone, %d failed." % (len(entries), len(done), verb, len(skipped), len(failed))
    if failed:
        shown = ["%s (%s)" % (e["run_id"], e["msg"]) for e in entries if e["failed"]][:5]
        more = " and %d more" % (len(failed) - len(shown)) if len(failed) > len(shown) else ""
        msg += " Failed: %s%s." % ("; ".join(shown), more)
    return {
        "changed": any(e["changed"] for e in entries),
        past: bool(done),
        "%s_run_ids" % past: done,
        "skipped_run_ids": skipped,
        "failed_run_ids": failed,
        "failed": bool(failed),
        "msg": msg,
    }
