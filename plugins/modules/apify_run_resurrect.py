#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apify_run_resurrect
short_description: Resurrect finished Apify Actor runs, safely
version_added: 1.1.0
description:
  - Resurrects Apify Actor runs through C(POST /v2/actor-runs/{runId}/resurrect), on the same safe
    procedure as M(apify.platform.apify_run_reboot) and M(apify.platform.apify_run_abort). The run
    keeps its ID and storages, becomes C(RUNNING) and its container starts again; C(stats.resurrectCount)
    counts how often this happened.
  - The run is read first. Only a finished run (C(SUCCEEDED), C(FAILED), C(TIMED-OUT) or C(ABORTED))
    is resurrected. A C(READY) or C(RUNNING) run is left alone with C(changed=false) and a RV(msg)
    that says it is running; a run that is C(ABORTING) or C(TIMING-OUT) is left alone with a RV(msg)
    to wait until it has finished. O(fail_if_not_finished=true) makes both a failure.
  - A resurrect request is never sent twice blindly. When it gets no clear answer (a server error, a
    timeout, a dropped connection, an answer that cannot be believed), the run is read again. A higher
    C(stats.resurrectCount), or a run no longer finished, means the request acted and the task reports
    C(changed=true); the request is sent again only if the run is still finished with the same count and
    the API cannot have acted on it. If the run's state cannot tell, the task fails and says the
    resurrection may or may not have happened.
  - Run options (O(build), O(memory), O(run_timeout), O(max_items), O(max_total_charge_usd),
    O(restart_on_error)) are sent only when given; otherwise the run keeps those it had.
  - Runs are chosen by ID only. To resurrect the failed runs of an Actor, list them with
    M(apify.platform.apify_run_info) and a filter, and pass their IDs in O(run_ids).
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
      - In check mode the run is read, never resurrected; C(changed) and RV(resurrected) are true
        exactly when a real run would resurrect it.
  diff_mode:
    support: none
  idempotent:
    support: partial
    details:
      - A second run of the task finds the run running and leaves it alone with C(changed=false).
        Once the run has finished again, the task resurrects it again; O(max_resurrect_count) bounds
        how often.
options:
  run_id:
    description:
      - ID of the Actor run to resurrect, for example V(3KH8gEpp4d8uQSe8T). Letters and digits only.
      - Exactly one of O(run_id) and O(run_ids) is required.
    type: str
  run_ids:
    description:
      - IDs of several runs to resurrect in one task, O(concurrency) at a time; the results are in
        RV(results). A run listed twice is handled once.
      - One run's failure does not stop the others; the task fails at the end, naming the runs that failed.
    type: list
    elements: str
  build:
    description:
      - The build to run, a tag (V(latest)) or a number (V(0.1.234)). By default the run keeps the build
        it had, even when V(latest) now points to a newer one.
    type: str
  memory:
    description:
      - Memory for the resurrected run, in megabytes; a power of 2 from V(128) to V(32768). By default
        the run keeps the memory it had.
    type: int
  run_timeout:
    description:
      - Timeout of the resurrected run, in seconds; greater than 0. By default the run keeps the timeout
        it had. Sent as the API's C(timeout) parameter; the module's own O(timeout) is the HTTP timeout.
    type: int
  max_items:
    description:
      - Most dataset items to be charged for, for pay-per-result Actors (the API's C(maxItems)); greater than 0.
    type: int
  max_total_charge_usd:
    description:
      - Most the run may cost in total, in US dollars (the API's C(maxTotalChargeUsd)); greater than 0.
    type: float
  restart_on_error:
    description:
      - Whether the resurrected run is restarted when it fails (the API's C(restartOnError)). By default
        the run keeps its setting.
    type: bool
  max_resurrect_count:
    description:
      - Leave a finished run alone (with a warning) once its C(stats.resurrectCount) has reached this
        number. A guard against loops, for example when a failure event triggers the resurrection of a
        run that fails again each time. A run whose count the API does not give is left alone too.
      - Not set means no limit; V(0) means never.
    type: int
  concurrency:
    description:
      - How many runs of O(run_ids) are handled at once, from 1 to 100.
    type: int
    default: 20
  full_runs:
    description:
      - With several runs, put the whole run object in each entry of RV(results) instead of a
        compact view (C(id), C(status), C(startedAt), C(finishedAt), C(stats.rebootCount)).
    type: bool
    default: false
  fail_if_not_finished:
    description:
      - Fail the task when the run has not finished (C(READY), C(RUNNING), C(ABORTING), C(TIMING-OUT)),
        instead of leaving it alone with C(changed=false). A run left alone by O(max_resurrect_count)
        is not a failure.
    type: bool
    default: false
  wait:
    description:
      - After the resurrection, wait until the run is C(RUNNING). The task fails if the run finishes
        again first (it died while starting) or if O(wait_timeout) passes. Ignored in check mode and
        when the run was left alone.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for the run to be C(RUNNING) when O(wait=true). Must be at least O(wait_sleep).
    type: int
    default: 300
  wait_sleep:
    description:
      - Seconds between two reads of the run when O(wait=true). Must be greater than 0.
    type: int
    default: 5
seealso:
  - module: apify.platform.apify_run_abort
  - module: apify.platform.apify_run_reboot
  - module: apify.platform.apify_run_info
  - name: Resurrect run (Apify API reference)
    description: The endpoint this module calls.
    link: https://docs.apify.com/api/v2/actor-run-resurrect-post
"""

EXAMPLES = r"""
- name: Resurrect a run that failed
  apify.platform.apify_run_resurrect:
    run_id: 3KH8gEpp4d8uQSe8T
    token: "{{ apify_token }}"

- name: Resurrect it on a newer build with more memory, and wait until it runs
  apify.platform.apify_run_resurrect:
    run_id: "{{ run_id }}"
    build: latest
    memory: 4096
    run_timeout: 3600
    max_resurrect_count: 3
    wait: true
  register: resurrected

- name: Use the run's facts in later tasks
  ansible.builtin.debug:
    msg: "{{ resurrected.run.id }} is {{ resurrected.run.status }}"

- name: Find the failed runs of a task
  apify.platform.apify_run_info:
    task_id: my-user~nightly-crawl
    status: [FAILED, TIMED-OUT]
  register: failed

- name: Resurrect them, at most twice each
  apify.platform.apify_run_resurrect:
    run_ids: "{{ failed.runs | map(attribute='id') | list }}"
    max_resurrect_count: 2
  register: fleet
  when: failed.runs | length > 0

- name: Report
  ansible.builtin.debug:
    msg: "resurrected {{ fleet.resurrected_run_ids }}, left alone {{ fleet.skipped_run_ids }}"
  when: fleet is not skipped
"""

RETURN = r"""
resurrected:
  description:
    - Whether the run was resurrected (in check mode, whether it would have been). With several runs, whether any was.
  returned: >-
    on success, and when some of several runs failed; not when the task fails with RV(error)
    (then C(changed) tells whether a request that may have acted went out)
  type: bool
  sample: true
run:
  description:
    - The run object as the API returned it (its C(data)); after the resurrection, after the wait when
      O(wait=true), or as found when the run was left alone. On a failure, the last state read.
  contains:
    id:
      description: The run's ID, always the one asked for (an answer about another run is refused).
      type: str
      returned: always
    status:
      description: The run's status, for example V(RUNNING), V(FAILED), V(SUCCEEDED).
      type: str
      returned: always
    stats:
      description: Counters of the run; C(resurrectCount) counts its resurrections, C(rebootCount) its reboots.
      type: dict
      returned: always
    options:
      description: How the run was started (C(build), C(timeoutSecs), C(memoryMbytes), ...).
      type: dict
      returned: always
  returned: with O(run_id), on success, and on failure when the run was read
  type: dict
  sample:
    id: 3KH8gEpp4d8uQSe8T
    actId: HDSasDasz78YcAPEB
    status: RUNNING
    startedAt: "2026-11-28T07:34:24.202Z"
    finishedAt: null
    stats:
      rebootCount: 0
      resurrectCount: 1
results:
  description:
    - With O(run_ids), one entry per run, in the order given, shaped as in
      M(apify.platform.apify_run_abort) with C(resurrected) in place of C(aborted).
  contains:
    run_id:
      description: The run's ID.
      type: str
      returned: always
    changed:
      description: Whether a request that may have changed the run went out and was not refused.
      type: bool
      returned: always
    resurrected:
      description: Whether the run was resurrected (in check mode, would have been).
      type: bool
      returned: always
    failed:
      description: Whether handling this run failed.
      type: bool
      returned: always
    msg:
      description: What was done to this run and why, or why it failed.
      type: str
      returned: always
    run:
      description:
        - The run as last read; compact (C(id), C(status), C(startedAt), C(finishedAt), C(stats.rebootCount))
          unless O(full_runs=true); C(null) when it could not be read.
      type: dict
      returned: always
    error:
      description: What went wrong, as data, with the keys of RV(error).
      type: dict
      returned: when failed
  returned: when several runs were asked for
  type: list
  elements: dict
  sample:
    - run_id: 3KH8gEpp4d8uQSe8T
      changed: true
      resurrected: true
      failed: false
      msg: Run 3KH8gEpp4d8uQSe8T was resurrected (status FAILED -> RUNNING, resurrect count 0 -> 1).
      run: {id: 3KH8gEpp4d8uQSe8T, status: RUNNING, startedAt: "2026-11-28T07:34:24.202Z", finishedAt: null, stats: {rebootCount: 0}}
resurrected_run_ids:
  description: IDs of the runs that were (in check mode, would be) resurrected.
  returned: when several runs were asked for
  type: list
  elements: str
  sample: [3KH8gEpp4d8uQSe8T]
skipped_run_ids:
  description: IDs of the runs left alone (not finished, or at O(max_resurrect_count)).
  returned: when several runs were asked for
  type: list
  elements: str
  sample: [HG7ML7M8z78YcAPEB]
failed_run_ids:
  description:
    - IDs of the runs whose handling failed. A run resurrected and then failed while waiting is in
      RV(resurrected_run_ids) too.
  returned: when several runs were asked for
  type: list
  elements: str
  sample: []
msg:
  description: What was done and why, or why the task failed.
  returned: always
  type: str
  sample: Run 3KH8gEpp4d8uQSe8T was resurrected (status FAILED -> RUNNING, resurrect count 0 -> 1).
elapsed:
  description: Seconds the task took.
  returned: always
  type: float
  sample: 0.318
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
  returned: >-
    when the task fails as a whole; when some of several runs failed, each of their entries in
    RV(results) has its own
  type: dict
  sample:
    kind: api
    status: 404
    type: record-not-found
    message: Actor run was not found
    method: GET
    path: /v2/actor-runs/3KH8gEpp4d8uQSe8T
"""

from ansible_collections.apify.platform.plugins.module_utils._acting import RUN_ACTION_ARGUMENT_SPEC, act, action_module_kwargs
from ansible_collections.apify.platform.plugins.module_utils._module import ApifyModule
from ansible_collections.apify.platform.plugins.module_utils._options import check_build, check_memory_mbytes, check_not_negative, check_positive, check_usd
from ansible_collections.apify.platform.plugins.module_utils._run_actions import Resurrect
from ansible_collections.apify.platform.plugins.module_utils._selection import RUN_SELECTORS

ARGUMENT_SPEC = dict(
    RUN_ACTION_ARGUMENT_SPEC,
    fail_if_not_finished=dict(type="bool", default=False),
    build=dict(type="str"),
    memory=dict(type="int"),
    run_timeout=dict(type="int"),
    max_items=dict(type="int"),
    max_total_charge_usd=dict(type="float"),
    restart_on_error=dict(type="bool"),
    max_resurrect_count=dict(type="int"),
)


def run_options(params):
    """The resurrect endpoint's query parameters, from the options that were given, each checked."""
    given = {
        "build": check_build(params["build"]),
        "memory": check_memory_mbytes(params["memory"]),
        "timeout": params["run_timeout"] if params["run_timeout"] is None else check_positive(params["run_timeout"], "run_timeout"),
        "maxItems": params["max_items"] if params["max_items"] is None else check_positive(params["max_items"], "max_items"),
        "maxTotalChargeUsd": check_usd(params["max_total_charge_usd"], "max_total_charge_usd"),
        "restartOnError": None if params["restart_on_error"] is None else ("true" if params["restart_on_error"] else "false"),
    }
    return dict((name, str(value)) for name, value in given.items() if value is not None)


def main():
    module = ApifyModule(argument_spec=ARGUMENT_SPEC, **action_module_kwargs(RUN_SELECTORS))

    def resurrect():
        guard = check_not_negative(module.params["max_resurrect_count"], "max_resurrect_count")
        return act(module, Resurrect(run_options(module.params), max_resurrect_count=guard))

    module.run(resurrect)


if __name__ == "__main__":
    main()
