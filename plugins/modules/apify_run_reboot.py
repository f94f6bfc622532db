#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apify_run_reboot
short_description: Reboot a running Apify Actor run, safely
version_added: 0.1.0
description:
  - Reboots an Apify Actor run through C(POST /v2/actor-runs/{runId}/reboot). The run keeps its ID,
    build, input and storages; its container restarts, so state held only in memory is lost.
  - The run is read first. Only a C(RUNNING) run is rebooted; any other run is left alone with
    RV(changed=false) and a RV(msg) that names its status, unless O(fail_if_not_running=true).
  - A reboot request is never sent twice blindly. When it gets no clear answer (a server error, a
    timeout, a dropped connection), the run is read again and its C(stats.rebootCount) compared
    with the value read before; the request is sent again only if the counter did not move and the
    run is still C(RUNNING). If the run's state cannot tell, the task fails and says the reboot may
    or may not have happened.
  - If the run finishes between the read and the reboot, the API refuses the reboot; the module
    reads the run again and reports RV(changed=false) instead of failing.
author:
  - apify.platform contributors
extends_documentation_fragment:
  - apify.platform.apify
attributes:
  check_mode:
    support: full
    details:
      - In check mode the run is read, never rebooted; RV(changed) and RV(rebooted) are true exactly
        when a real run would reboot it.
  diff_mode:
    support: none
  idempotent:
    support: partial
    details:
      - A reboot is an action, not a state: every run that is C(RUNNING) is rebooted again.
        Use O(max_reboot_count) to bound how often one run is rebooted.
  action_group:
    support: full
    membership:
      - apify.platform.apify
options:
  run_id:
    description:
      - ID of the Actor run to reboot, for example V(3KH8gEpp4d8uQSe8T).
      - Letters and digits only; anything else is refused before any request is made.
    type: str
    required: true
  fail_if_not_running:
    description:
      - Fail the task when the run is not C(RUNNING), instead of leaving it alone with RV(changed=false).
    type: bool
    default: false
  max_reboot_count:
    description:
      - Leave the run alone, with a warning, when its C(stats.rebootCount) has already reached this
        number. A guard against reboot loops in scheduled jobs. Must be 0 or more.
      - The platform can reboot a run by itself (for example when it migrates it), which counts too.
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
  description: Whether the run was rebooted (in check mode, whether it would have been).
  returned: always
  type: bool
  sample: true
run:
  description:
    - The run object as the API returned it (its C(data)); after the reboot, after the wait when
      O(wait=true), or as found when the run was left alone.
    - On a failure, the last state read when there is one.
  returned: success, and on failure when the run was read
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
      V(response), V(uncertain), V(run_state).
    - For V(api) errors C(status), C(type) and C(message) are the HTTP status and Apify's
      C(error.type) and C(error.message); C(method) and C(path) name the request.
    - For V(response) errors C(json_path) names the field that failed validation.
  returned: failure
  type: dict
  sample:
    kind: api
    status: 404
    type: record-not-found
    message: Actor run was not found
    method: GET
    path: /v2/actor-runs/3KH8gEpp4d8uQSe8T
"""

from ansible_collections.apify.platform.plugins.module_utils._module import ApifyModule
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyConfigError
from ansible_collections.apify.platform.plugins.module_utils._options import (
    check_not_negative,
    check_positive,
    check_run_id,
)
from ansible_collections.apify.platform.plugins.module_utils._rebooter import Rebooter, RebootOptions


def reboot_options(module):
    params = module.params
    wait_sleep = check_positive(params["wait_sleep"], "wait_sleep")
    wait_timeout = check_positive(params["wait_timeout"], "wait_timeout")
    if wait_timeout < wait_sleep:
        raise ApifyConfigError("wait_timeout (%s) must be at least wait_sleep (%s)." % (wait_timeout, wait_sleep))
    return RebootOptions(
        check_mode=module.check_mode,
        max_reboot_count=check_not_negative(params["max_reboot_count"], "max_reboot_count"),
        fail_if_not_running=params["fail_if_not_running"],
        wait=params["wait"],
        wait_timeout=wait_timeout,
        wait_sleep=wait_sleep,
    )


def reboot(module):
    run_id = check_run_id(module.params["run_id"])
    options = reboot_options(module)
    result = Rebooter(module.client(), options).reboot(run_id)
    warning = result.pop("warning")
    del result["run_id"]
    result["warnings"] = [warning] if warning else []
    return result


def main():
    module = ApifyModule(
        argument_spec=dict(
            run_id=dict(type="str", required=True),
            fail_if_not_running=dict(type="bool", default=False),
            max_reboot_count=dict(type="int"),
            wait=dict(type="bool", default=False),
            wait_timeout=dict(type="int", default=300),
            wait_sleep=dict(type="int", default=5),
        ),
        supports_check_mode=True,
    )
    module.run(lambda: reboot(module))


if __name__ == "__main__":
    main()
