#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apify_run_abort
short_description: Abort Apify Actor runs that have not finished, safely
version_added: 1.0.0
description:
  - Aborts Apify Actor runs through C(POST /v2/actor-runs/{runId}/abort), on the same safe procedure
    as M(apify.platform.apify_run_reboot).
  - The run is read first. Only a run that has not finished (C(READY), C(RUNNING) or C(TIMING-OUT))
    is aborted; a finished run, or one already C(ABORTING), is left alone with C(changed=false) and a
    RV(msg) that names its status, unless O(fail_if_not_running=true).
  - An abort request is sent again only when it cannot have reached the API (a refused connection; an
    HTTP 429 is retried too). When it gets no clear answer (a server error, a timeout, a dropped
    connection, a C(200) whose body breaks, an answer about another run), the run is watched for twice
    O(timeout). C(ABORTING) or C(ABORTED) means the request acted; either way the task reports
    C(changed=true), and the request is not sent again.
  - If the run finishes on its own just before the abort arrives, the API answers with the finished
    run, and the task reports C(changed=true) (the API received the request) and C(aborted=false).
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
      - In check mode the run is read, never aborted; C(changed) and RV(aborted) are true exactly when
        a real run would abort it.
  diff_mode:
    support: none
  idempotent:
    support: full
    details:
      - A second run of the task finds the run finished and leaves it alone with C(changed=false).
options:
  run_id:
    description:
      - ID of the Actor run to abort, for example V(3KH8gEpp4d8uQSe8T). Letters and digits only.
      - Exactly one of O(run_id), O(run_ids), O(actor_id) and O(task_id) is required.
    type: str
  run_ids:
    description:
      - IDs of several runs to abort in one task, O(concurrency) at a time; the results are in RV(results).
      - One run's failure does not stop the others; the task fails at the end, naming the runs that failed.
    type: list
    elements: str
  actor_id:
    description:
      - Abort every C(READY), C(RUNNING) or C(TIMING-OUT) run of this Actor (ID or V(username~actor-name)).
    type: str
  task_id:
    description:
      - Abort every C(READY), C(RUNNING) or C(TIMING-OUT) run of this Actor task (ID or V(username~task-name)).
    type: str
  gracefully:
    description:
      - Abort gracefully, the API's own option; the run gets the C(aborting) and C(persistState)
        events and 30 seconds to save its state before it is stopped (it is C(ABORTING) meanwhile).
    type: bool
    default: false
  concurrency:
    description:
      - How many runs of O(run_ids), O(actor_id) or O(task_id) are handled at once, from 1 to 100.
    type: int
    default: 20
  full_runs:
    description:
      - With several runs, put the whole run object in each entry of RV(results) instead of a
        compact view (C(id), C(status), C(startedAt), C(finishedAt), C(stats.rebootCount)).
    type: bool
    default: false
  fail_if_not_running:
    description:
      - Fail the task when the run has already finished (or is already C(ABORTING)), instead of
        leaving it alone with C(changed=false).
    type: bool
    default: false
  wait:
    description:
      - After the abort, wait until the run has finished (C(ABORTED), or another final status). The
        task fails if O(wait_timeout) passes first. Ignored in check mode and when the run was left alone.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for the run to finish when O(wait=true). Must be at least O(wait_sleep).
    type: int
    default: 300
  wait_sleep:
    description:
      - Seconds between two reads of the run when O(wait=true). Must be greater than 0.
    type: int
    default: 5
seealso:
  - module: apify.platform.apify_run_reboot
  - module: apify.platform.apify_run_resurrect
  - module: apify.platform.apify_run_info
  - name: Abort run (Apify API reference)
    description: The endpoint this module calls.
    link: https://docs.apify.com/api/v2/actor-run-abort-post
"""

EXAMPLES = r"""
- name: Abort a run that burns compute units for nothing
  apify.platform.apify_run_abort:
    run_id: 3KH8gEpp4d8uQSe8T
    token: "{{ apify_token }}"

- name: Let it save its state first, and wait until it has stopped
  apify.platform.apify_run_abort:
    run_id: "{{ run_id }}"
    gracefully: true
    wait: true
    wait_timeout: 120
  register: aborted

- name: Use the run's facts in later tasks
  ansible.builtin.debug:
    msg: "{{ aborted.run.id }} is {{ aborted.run.status }}"

- name: Abort every unfinished run of a task, 20 at a time
  apify.platform.apify_run_abort:
    task_id: my-user~nightly-crawl
  register: fleet

- name: Report
  ansible.builtin.debug:
    msg: "aborted {{ fleet.aborted_run_ids }}, left alone {{ fleet.skipped_run_ids }}"
"""

RETURN = r"""
aborted:
  description:
    - Whether the run was aborted (in check mode, whether it would have been). With several runs, whether any was.
  returned: >-
    on success, and when some of several runs failed; not when the task fails with RV(error)
    (then C(changed) tells whether a request that may have acted went out)
  type: bool
  sample: true
run:
  description:
    - The run object as the API returned it (its C(data)); after the abort, after the wait when
      O(wait=true), or as found when the run was left alone. On a failure, the last state read.
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
    status: ABORTED
    startedAt: "2026-11-28T07:34:24.202Z"
    finishedAt: "2026-11-28T09:12:02.000Z"
    stats:
      rebootCount: 0
results:
  description:
    - With O(run_ids), O(actor_id) or O(task_id), one entry per run, in the order given (listed runs
      in the API's order), shaped as in M(apify.platform.apify_run_reboot) with C(aborted) in place
      of C(rebooted).
  contains:
    run_id:
      description: The run's ID (for a listed ID that failed the check, the value listed, cut to 64 characters).
      type: str
      returned: always
    changed:
      description: Whether a request that may have changed the run went out and was not refused.
      type: bool
      returned: always
    aborted:
      description: Whether the run was aborted (in check mode, would have been).
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
      aborted: true
      failed: false
      msg: Run 3KH8gEpp4d8uQSe8T was aborted (status RUNNING -> ABORTED).
      run: {id: 3KH8gEpp4d8uQSe8T, status: ABORTED, startedAt: "2026-11-28T07:34:24.202Z", finishedAt: "2026-11-28T09:12:02.000Z", stats: {rebootCount: 0}}
aborted_run_ids:
  description: IDs of the runs that were (in check mode, would be) aborted.
  returned: when several runs were asked for
  type: list
  elements: str
  sample: [3KH8gEpp4d8uQSe8T]
skipped_run_ids:
  description: IDs of the runs left alone (finished, or already C(ABORTING)).
  returned: when several runs were asked for
  type: list
  elements: str
  sample: [HG7ML7M8z78YcAPEB]
failed_run_ids:
  description: IDs of the runs whose handling failed.
  returned: when several runs were asked for
  type: list
  elements: str
  sample: []
msg:
  description: What was done and why, or why the task failed.
  returned: always
  type: str
  sample: Run 3KH8gEpp4d8uQSe8T was aborted (status RUNNING -> ABORTED).
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

from ansible_collections.apify.platform.plugins.module_utils._acting import ACTION_ARGUMENT_SPEC, ACTION_MODULE_KWARGS, act
from ansible_collections.apify.platform.plugins.module_utils._module import ApifyModule
from ansible_collections.apify.platform.plugins.module_utils._run_actions import Abort


def main():
    module = ApifyModule(argument_spec=dict(ACTION_ARGUMENT_SPEC, gracefully=dict(type="bool", default=False)), **ACTION_MODULE_KWARGS)
    module.run(lambda: act(module, Abort(gracefully=module.params["gracefully"]), listed_statuses=sorted(Abort.ABORTABLE)))


if __name__ == "__main__":
    main()
