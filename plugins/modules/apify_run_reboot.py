#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apify_run_reboot
short_description: Reboot a running Apify Actor run, safely
version_added: 1.0.0
description:
  - Reboots an Apify Actor run through C(POST /v2/actor-runs/{runId}/reboot). The run keeps its ID,
    build, input and storages; its container restarts, so state held only in memory is lost.
  - The run is read first. Only a C(RUNNING) run is rebooted; any other run is left alone with
    C(changed=false) and a RV(msg) that names its status, unless O(fail_if_not_running=true).
  - A reboot request is sent again only when it cannot have reached the API (the connection was
    refused or never made; an HTTP 429 is retried too). When it gets no clear answer (a server error,
    a timeout, a connection dropped before or during the answer, or an answer that cannot be believed,
    such as a C(200) whose body breaks, one about another run or with a lower C(stats.rebootCount)),
    the run is watched for twice O(timeout) and its C(stats.rebootCount) compared with the value read
    before; if the counter did not move the task fails, C(changed=true) and C(rebooted=false), and the
    request is not sent again. If the run's state cannot tell, the task fails and says the reboot may
    or may not have happened.
  - Once a reboot request went out and the API did not refuse it with an HTTP 4xx, the task reports
    C(changed=true) for that run, whatever happens afterwards (a redirect, never followed, included).
  - If the run finishes between the read and the reboot, the API refuses the reboot; the module
    reads the run again and reports C(changed=false) instead of failing.
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
      - In check mode the run is read, never rebooted; C(changed) and RV(rebooted) are true exactly
        when a real run would reboot it.
  diff_mode:
    support: none
  idempotent:
    support: none
    details:
      - A reboot is an action, not a state, so a run that is C(RUNNING) is rebooted again each time the
        task runs. Use O(max_reboot_count) to bound how often one run is rebooted.
options:
  run_id:
    description:
      - ID of the Actor run to reboot, for example V(3KH8gEpp4d8uQSe8T).
      - Letters and digits only; anything else is refused before any request is made.
      - Exactly one of O(run_id), O(run_ids), O(actor_id) and O(task_id) is required.
    type: str
  run_ids:
    description:
      - IDs of several runs to reboot in one task, O(concurrency) at a time. A run listed twice is
        handled once. Every rule for one run holds for each; the results are in RV(results).
      - One run's failure does not stop the others; the task fails at the end, naming the runs that failed.
    type: list
    elements: str
  actor_id:
    description:
      - Reboot every C(RUNNING) run of this Actor (ID or V(username~actor-name)). The runs are
        listed through the API, all pages, then handled as with O(run_ids).
      - Each listed ID is checked like one given in O(run_ids); one that is not a run ID gets a failed entry in
        RV(results) and nothing is sent for it. A listing longer than 100 pages of 1000 runs, or one whose pages
        do not advance, fails the task before any run is touched.
    type: str
  task_id:
    description:
      - Reboot every C(RUNNING) run of this Actor task (ID or V(username~task-name)), as with O(actor_id).
    type: str
  concurrency:
    description:
      - How many runs of O(run_ids), O(actor_id) or O(task_id) are handled at once, from 1 to 100.
      - Each run gets at most one request in flight, which keeps well within Apify's limits of
        60 requests per second per run and 250,000 per minute per account.
    type: int
    default: 20
  full_runs:
    description:
      - With O(run_ids), O(actor_id) or O(task_id), put the whole run object in each entry of RV(results).
      - By default each entry's C(run) holds only C(id), C(status), C(startedAt), C(finishedAt) and
        C(stats.rebootCount), which keeps a task over thousands of runs light (about a tenth of the
        memory). Read more with M(apify.platform.apify_run_info).
    type: bool
    default: false
  fail_if_not_running:
    description:
      - Fail the task when the run is not C(RUNNING), instead of leaving it alone with C(changed=false).
    type: bool
    default: false
  max_reboot_count:
    description:
      - Leave the run alone, with a warning, when its C(stats.rebootCount) has already reached this
        number. A guard against reboot loops in scheduled jobs. Must be 0 or more.
      - The platform can reboot a run by itself (for example when it migrates it), which counts too.
      - A run whose C(stats.rebootCount) the API does not give is left alone too, with a warning (the guard cannot be checked).
    type: int
  wait:
    description:
      - After the reboot, wait until the run is C(RUNNING) again. The task fails if the run ends or
        O(wait_timeout) passes first, and names the last status.
      - Ignored in check mode and when the run was left alone.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for the run to be C(RUNNING) again when O(wait=true). Must be at least O(wait_sleep).
    type: int
    default: 300
  wait_sleep:
    description:
      - Seconds between two reads of the run when O(wait=true). Must be greater than 0.
    type: int
    default: 5
seealso:
  - module: apify.platform.apify_run_info
  - module: apify.platform.apify_run_abort
  - name: Reboot run (Apify API reference)
    description: The endpoint this module calls.
    link: https://docs.apify.com/api/v2/actor-run-reboot-post
"""

EXAMPLES = r"""
- name: Reboot a stuck run
  apify.platform.apify_run_reboot:
    run_id: 3KH8gEpp4d8uQSe8T
    token: "{{ apify_token }}"

- name: Reboot with the token from the environment (APIFY_TOKEN), wait until it runs again
  apify.platform.apify_run_reboot:
    run_id: "{{ run_id }}"
    wait: true
    wait_timeout: 120
  register: reboot

- name: Use the run's facts in later tasks
  ansible.builtin.debug:
    msg: "{{ reboot.run.id }} is {{ reboot.run.status }}, rebooted {{ reboot.run.stats.rebootCount }} times"

- name: Never reboot one run more than 3 times; fail if it is not running
  apify.platform.apify_run_reboot:
    run_id: "{{ run_id }}"
    max_reboot_count: 3
    fail_if_not_running: true

- name: Reboot every RUNNING run of an Actor, 20 at a time, never one more than 3 times
  apify.platform.apify_run_reboot:
    actor_id: apify~web-scraper
    max_reboot_count: 3
  register: fleet

- name: Report
  ansible.builtin.debug:
    msg: "rebooted {{ fleet.rebooted_run_ids }}, left alone {{ fleet.skipped_run_ids }}"

- name: Set the connection once for every module of the collection
  module_defaults:
    group/apify.platform.apify:
      token: "{{ apify_token }}"
  block:
    - name: Would this run be rebooted?
      apify.platform.apify_run_reboot:
        run_id: "{{ run_id }}"
      check_mode: true
"""

RETURN = r"""
rebooted:
  description:
    - Whether the run was rebooted (in check mode, whether it would have been).
    - With several runs, whether any was.
  returned: >-
    on success, and when some of several runs failed; not when the task fails with RV(error)
    (then C(changed) tells whether a request that may have acted went out)
  type: bool
  sample: true
results:
  description:
    - With O(run_ids), O(actor_id) or O(task_id), one entry per run, in the order given (listed runs
      in the API's order).
    - Each has C(run_id), C(changed), C(rebooted), C(failed), C(msg) and C(run) (a compact view of
      the run unless O(full_runs=true); C(null) when the run could not be read), and C(error) when it failed.
  contains:
    run_id:
      description: The run's ID (for a listed ID that failed the check, the value listed, cut to 64 characters).
      type: str
      returned: always
    changed:
      description: Whether a request that may have changed the run went out and was not refused.
      type: bool
      returned: always
    rebooted:
      description: Whether the run was rebooted (in check mode, would have been).
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
      rebooted: true
      failed: false
      msg: Run 3KH8gEpp4d8uQSe8T was rebooted (reboot count 0 -> 1).
      run:
        id: 3KH8gEpp4d8uQSe8T
        status: RUNNING
        startedAt: "2026-11-28T07:34:24.202Z"
        finishedAt: null
        stats: {rebootCount: 1}
rebooted_run_ids:
  description: IDs of the runs that were (in check mode, would be) rebooted.
  returned: when several runs were asked for
  type: list
  elements: str
  sample: [3KH8gEpp4d8uQSe8T]
skipped_run_ids:
  description: IDs of the runs left alone (not C(RUNNING), or at O(max_reboot_count)).
  returned: when several runs were asked for
  type: list
  elements: str
  sample: [HG7ML7M8z78YcAPEB]
failed_run_ids:
  description:
    - IDs of the runs whose handling failed. A run rebooted and then failed while waiting is in
      RV(rebooted_run_ids) too.
  returned: when several runs were asked for
  type: list
  elements: str
  sample: []
run:
  description:
    - The run object as the API returned it (its C(data)); after the reboot, after the wait when
      O(wait=true), or as found when the run was left alone.
    - On a failure, the last state read when there is one.
  contains:
    id:
      description: The run's ID, always the one asked for (an answer about another run is refused).
      type: str
      returned: always
    status:
      description: The run's status, for example V(RUNNING), V(READY), V(SUCCEEDED), V(ABORTED).
      type: str
      returned: always
    stats:
      description: Counters of the run; C(rebootCount) counts its reboots (the platform's own too).
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
    buildId: 7sT5jcggjjA9fNcxF
    stats:
      rebootCount: 1
      restartCount: 0
      resurrectCount: 0
      computeUnits: 0.13804
    options:
      build: latest
      timeoutSecs: 3600
      memoryMbytes: 1024
      diskMbytes: 2048
    defaultDatasetId: wmKPijuyDnPZAPRMk
    defaultKeyValueStoreId: eJNzqsbPiopwJcgGQ
    defaultRequestQueueId: FL35cSF7jrxr3BY39
msg:
  description: What was done and why, or why the task failed.
  returned: always
  type: str
  sample: Run 3KH8gEpp4d8uQSe8T was rebooted (reboot count 0 -> 1).
elapsed:
  description: Seconds the task took.
  returned: always
  type: float
  sample: 0.412
error:
  description:
    - What went wrong, as data. C(kind) is one of V(configuration), V(api), V(transport),
      V(response), V(uncertain), V(run_state), and V(internal) for an unexpected error in the collection
      (reported as a failure, never as a traceback).
    - For V(api) errors C(status), C(type) and C(message) are the HTTP status and Apify's
      C(error.type) and C(error.message); C(method) and C(path) name the request.
    - For V(response) errors (an answer that was not believed) C(json_path) names the field that failed the check.
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

from ansible_collections.apify.platform.plugins.module_utils._acting import ACTION_ARGUMENT_SPEC, ACTION_MODULE_KWARGS, act
from ansible_collections.apify.platform.plugins.module_utils._module import ApifyModule
from ansible_collections.apify.platform.plugins.module_utils._options import check_not_negative
from ansible_collections.apify.platform.plugins.module_utils._run_actions import Reboot
from ansible_collections.apify.platform.plugins.module_utils._run_facts import RUNNING


def main():
    module = ApifyModule(argument_spec=dict(ACTION_ARGUMENT_SPEC, max_reboot_count=dict(type="int")), **ACTION_MODULE_KWARGS)

    def reboot():
        action = Reboot(max_reboot_count=check_not_negative(module.params["max_reboot_count"], "max_reboot_count"))
        return act(module, action, listed_statuses=[RUNNING])

    module.run(reboot)


if __name__ == "__main__":
    main()
