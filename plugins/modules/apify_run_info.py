#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apify_run_info
short_description: Read Apify Actor runs
version_added: 1.0.0
description:
  - With O(run_id), returns that run (C(GET /v2/actor-runs/{runId})); this works without a token,
    as the API allows.
  - With O(run_ids), returns those runs in full as RV(runs), read O(concurrency) at a time; no token needed either.
    Each run is read on its own; one that cannot be read goes into RV(failed_runs), and the others are still returned.
  - Otherwise, lists runs of an Actor (O(actor_id)), of a task (O(task_id)), or of the whole
    account, filtered by O(status), following the API's pages up to O(limit). Listing needs a token.
  - Read-only; never reports a change.
author:
  - apify.platform maintainers (@apify-platform)
extends_documentation_fragment:
  - apify.platform.apify
  - apify.platform.attributes
  - apify.platform.attributes.action_group
attributes:
  check_mode:
    support: full
    details:
      - The module only reads, so it runs the same in check mode.
  diff_mode:
    support: none
  idempotent:
    support: full
options:
  run_id:
    description:
      - ID of one run to return as RV(run). Letters and digits only.
      - Mutually exclusive with O(run_ids), O(actor_id) and O(task_id).
    type: str
  run_ids:
    description:
      - IDs of runs to return in full as RV(runs), in the order given (a repeated ID is read once).
    type: list
    elements: str
  actor_id:
    description:
      - List the runs of this Actor, given as its ID or as V(username~actor-name).
    type: str
  task_id:
    description:
      - List the runs of this Actor task, given as its ID or as V(username~task-name).
    type: str
  status:
    description:
      - Only list runs with one of these statuses.
      - This and the other listing options (O(limit), O(offset), O(desc), O(details)) apply only when
        listing; together with O(run_id) or O(run_ids) they are refused, so that no filter is silently ignored.
    type: list
    elements: str
    choices: [READY, RUNNING, SUCCEEDED, FAILED, TIMING-OUT, TIMED-OUT, ABORTING, ABORTED]
  limit:
    description:
      - The most runs to return. Pages of up to 1000 runs are fetched until this many are returned
        or there are no more. Must be greater than 0.
      - When listing and not set, V(1000).
    type: int
  offset:
    description:
      - How many matching runs to skip first. When listing and not set, V(0).
    type: int
  desc:
    description:
      - Newest runs first when V(true); oldest first (the API's default) when V(false) or not set.
    type: bool
  details:
    description:
      - When listing, also read each listed run in full (with C(stats), C(options) and C(meta)),
        O(concurrency) runs at a time, so that later tasks can filter on memory use or age.
      - Each listed ID is checked like one given in O(run_ids) before it is read; a run that fails the check
        or cannot be read goes into RV(failed_runs), and the others are still read.
      - Without it (or with V(false)), RV(runs) holds the API's short list items.
    type: bool
  progress:
    description:
      - Also read each run's default request queue and dataset, and add a C(progress) fact to each
        returned run (see RV(run.progress)), which tells whether it still handles requests and pushes items.
      - When listing, implies O(details=true). Storages are read O(concurrency) at a time; a
        storage that cannot be read is named in C(progress.error) and fails nothing else.
    type: bool
    default: false
  concurrency:
    description:
      - How many runs (or storages, with O(progress=true)) are read at once with O(details=true),
        O(progress=true) or O(run_ids), from 1 to 100.
    type: int
    default: 20
seealso:
  - module: apify.platform.apify_run_reboot
"""

EXAMPLES = r"""
- name: Read one run (no token needed)
  apify.platform.apify_run_info:
    run_id: 3KH8gEpp4d8uQSe8T
  register: info

- name: Show its status
  ansible.builtin.debug:
    msg: "{{ info.run.status }}"

- name: The 50 newest RUNNING runs of an Actor
  apify.platform.apify_run_info:
    actor_id: apify~web-scraper
    status: [RUNNING]
    limit: 50
    desc: true
    token: "{{ apify_token }}"
  register: running

- name: Their IDs
  ansible.builtin.debug:
    msg: "{{ running.runs | map(attribute='id') | list }}"

- name: Several runs in full, read concurrently
  apify.platform.apify_run_info:
    run_ids: [3KH8gEpp4d8uQSe8T, HG7ML7M8z78YcAPEB]
  register: some

- name: Full objects, to find runs using more than 900 MB
  apify.platform.apify_run_info:
    actor_id: apify~web-scraper
    status: [RUNNING]
    details: true
  register: detailed

- name: The memory-hungry ones
  ansible.builtin.debug:
    msg: "{{ detailed.runs | selectattr('stats.memCurrentBytes', 'gt', 900 * 1024 * 1024) | map(attribute='id') | list }}"
"""

RETURN = r"""
run:
  description: The run, as the API returned it (its C(data)).
  returned: when O(run_id) is given
  type: dict
  contains:
    progress:
      description:
        - With O(progress=true) (on each run of RV(runs) too), what the run's default storages say now.
        - C(request_queue) has C(handled), C(pending), C(total) and C(modified_at); C(dataset) has
          C(items) and C(modified_at); either is C(null) when it could not be read, and C(error) says why.
        - C(last_change_at) is the later C(modified_at), C(idle_minutes) the minutes since then, as read;
          C(cpu_percent) is C(stats.cpuCurrentUsage), the run's CPU use now in percent of one CPU.
      returned: with O(progress=true)
      type: dict
      sample:
        request_queue: {handled: 120, pending: 80, total: 200, modified_at: "2026-11-30T01:02:03.000Z"}
        dataset: {items: 118, modified_at: "2026-11-30T01:02:01.000Z"}
        last_change_at: "2026-11-30T01:02:03.000Z"
        idle_minutes: 121.5
        cpu_percent: 0.5
        error: null
  sample:
    id: 3KH8gEpp4d8uQSe8T
    actId: HDSasDasz78YcAPEB
    status: RUNNING
    startedAt: "2026-11-28T07:34:24.202Z"
    stats:
      rebootCount: 0
    options:
      memoryMbytes: 1024
runs:
  description:
    - The runs listed, in the API's order, as the API's list items (short run objects), or as full
      run objects when O(details=true).
    - With O(run_ids), the full run objects in the order given, without those in RV(failed_runs).
  returned: when O(run_id) is not given
  type: list
  elements: dict
  sample:
    - id: 3KH8gEpp4d8uQSe8T
      actId: HDSasDasz78YcAPEB
      actorTaskId: null
      status: RUNNING
      startedAt: "2026-11-28T07:34:24.202Z"
      finishedAt: null
      buildId: 7sT5jcggjjA9fNcxF
failed_runs:
  description:
    - With O(run_ids), or when listing with O(details=true) or O(progress=true), the runs that could not be
      read, each with C(run_id), C(msg) and C(error) (keys as in RV(error)). When listing, also the listed runs
      whose ID is not a run ID (nothing is sent for them; C(run_id) then shows the value, at most 64 characters).
    - The other runs are still read and returned in RV(runs). The task fails when this list is not empty;
      add C(failed_when) to the task to go on with the runs that were read.
    - An empty list when every run was read.
  contains:
    run_id:
      description: The run's ID (for a listed ID that failed the check, the value listed, cut to 64 characters).
      type: str
      returned: always
    msg:
      description: Why it could not be read.
      type: str
      returned: always
    error:
      description: What went wrong, as data, with the keys of RV(error).
      type: dict
      returned: always
  returned: with O(run_ids), or when listing with O(details=true) or O(progress=true)
  type: list
  elements: dict
  sample:
    - run_id: HG7ML7M8z78YcAPEB
      msg: >-
        Apify API answered HTTP 404 (record-not-found: Actor run was not found) to GET /v2/actor-runs/HG7ML7M8z78YcAPEB.
        It does not exist, or the token's account cannot see it: check the ID.
      error:
        kind: api
        status: 404
        type: record-not-found
        message: Actor run was not found
        method: GET
        path: /v2/actor-runs/HG7ML7M8z78YcAPEB
total:
  description: How many runs match the filter in all, as the API counts them (may exceed the length of RV(runs)).
  returned: when listing (neither O(run_id) nor O(run_ids) given)
  type: int
  sample: 1
msg:
  description:
    - Why the task failed. With RV(failed_runs), how many runs could not be read, naming the first three.
  returned: failure
  type: str
  sample: >-
    Apify API answered HTTP 404 (record-not-found: Actor run was not found) to GET /v2/actor-runs/3KH8gEpp4d8uQSe8T.
    It does not exist, or the token's account cannot see it: check the ID.
error:
  description: What went wrong, as data.
  contains:
    kind:
      description: What failed - V(configuration), V(api), V(transport), V(response), V(uncertain), V(run_state) or V(internal).
      type: str
      returned: always
    message:
      description: For V(api) errors Apify's C(error.message); otherwise the whole message.
      type: str
      returned: always
    status:
      description: The HTTP status, for V(api) and V(response) errors.
      type: int
      returned: for api and response errors
    type:
      description: Apify's C(error.type), for V(api) errors.
      type: str
      returned: for api errors
    method:
      description: The HTTP method of the request that failed.
      type: str
      returned: for api, transport and response errors
    path:
      description: The path (and query) of the request that failed; never the token.
      type: str
      returned: for api, transport and response errors
    json_path:
      description: The field of the answer that failed validation, for example C(data.stats.rebootCount).
      type: str
      returned: for response errors
    timeout:
      description: Whether the request timed out, for V(transport) errors.
      type: bool
      returned: for transport errors
  returned: failure
  type: dict
  sample:
    kind: api
    status: 401
    type: token-not-valid
    message: Authentication token is not valid.
    method: GET
    path: /v2/actor-runs
elapsed:
  description: Seconds the task took.
  returned: always
  type: float
  sample: 0.208
"""

from ansible_collections.apify.platform.plugins.module_utils._batch import map_concurrently
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyError
from ansible_collections.apify.platform.plugins.module_utils._module import ApifyModule
from ansible_collections.apify.platform.plugins.module_utils._options import check_concurrency, check_not_negative, check_positive
from ansible_collections.apify.platform.plugins.module_utils._progress import read_progress
from ansible_collections.apify.platform.plugins.module_utils._run_facts import STATUSES
from ansible_collections.apify.platform.plugins.module_utils._runs import get_run, list_path, list_runs, listed_run_ids
from ansible_collections.apify.platform.plugins.module_utils._selection import RUN_SELECTORS, SELECTOR_SPEC, SELECTORS, selection

# Options that shape a listing; refused with run_id or run_ids rather than ignored.
LISTING_OPTIONS = ("status", "limit", "offset", "desc", "details")


def read_runs(client, run_ids, concurrency):
    """Read each run on its own: ``(runs, failed_runs)``; one unreadable run does not stop the others."""

    def read(run_id):
        try:
            return get_run(client, run_id), None
        except ApifyError as exc:
            return None, {"run_id": run_id, "msg": exc.message, "error": exc.to_dict()}

    outcomes = map_concurrently(read, run_ids, concurrency)
    return [run for run, _failure in outcomes if run is not None], [failure for _run, failure in outcomes if failure is not None]


def with_failures(result, failed_runs):
    """The result, failed (with everything read) when some runs could not be read."""
    result["failed_runs"] = failed_runs
    if failed_runs:
        shown = "; ".join("%s: %s" % (failure["run_id"], failure["msg"]) for failure in failed_runs[:3])
        more = " and %d more" % (len(failed_runs) - 3) if len(failed_runs) > 3 else ""
        result["failed"] = True
        result["msg"] = "%d of %d run(s) could not be read (%s%s); the others are in runs." % (
            len(failed_runs),
            len(failed_runs) + len(result["runs"]),
            shown,
            more,
        )
    return result


def info(module):
    params = module.params
    concurrency = check_concurrency(params["concurrency"])
    selected = selection(params)
    if selected.run_id is not None:
        client = module.client(token_required=False)
        run = get_run(client, selected.run_id)
        if params["progress"]:
            read_progress(client, [run], concurrency)
        return {"changed": False, "run": run}
    if selected.run_ids is not None:
        client = module.client(token_required=False, pool_size=concurrency)
        runs, failed_runs = read_runs(client, selected.run_ids, concurrency)
        if params["progress"]:
            read_progress(client, runs, concurrency)
        return with_failures({"changed": False, "runs": runs}, failed_runs)
    actor_id, task_id = selected.actor_id, selected.task_id
    limit = check_positive(1000 if params["limit"] is None else params["limit"], "limit")
    offset = check_not_negative(params["offset"] or 0, "offset")
    client = module.client(pool_size=concurrency)
    runs, total = list_runs(client, actor_id=actor_id, task_id=task_id, statuses=params["status"], limit=limit, offset=offset, desc=bool(params["desc"]))
    if not (params["details"] or params["progress"]):
        return {"changed": False, "runs": runs, "total": total}
    run_ids, refused = listed_run_ids(runs, list_path(actor_id, task_id), client.redact)
    runs, failed_runs = read_runs(client, run_ids, concurrency)
    failed_runs.extend({"run_id": value, "msg": error.message, "error": error.to_dict()} for value, error in refused)
    if params["progress"]:
        read_progress(client, runs, concurrency)
    return with_failures({"changed": False, "runs": runs, "total": total}, failed_runs)


def main():
    module = ApifyModule(
        argument_spec=dict(
            SELECTOR_SPEC,
            status=dict(type="list", elements="str", choices=list(STATUSES)),
            limit=dict(type="int"),
            offset=dict(type="int"),
            desc=dict(type="bool"),
            details=dict(type="bool"),
            progress=dict(type="bool", default=False),
            concurrency=dict(type="int", default=20),
        ),
        mutually_exclusive=[SELECTORS] + [(one, listing) for one in RUN_SELECTORS for listing in LISTING_OPTIONS],
        supports_check_mode=True,
    )
    module.run(lambda: info(module))


if __name__ == "__main__":
    main()
