# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: stuck_runs_summary
short_description: Sum up a stuck-run sweep for a report
version_added: 0.1.0
description:
  - Combines the output of P(apify.platform.stuck_runs#filter) and the registered result of
    M(apify.platform.apify_run_reboot) (with O(apify.platform.apify_run_reboot#module:run_ids)) into one summary.
  - Used by the role P(apify.platform.reboot_stuck_runs#role).
author:
  - apify.platform maintainers (@apify-platform)
positional: reboot, dry_run
options:
  _input:
    description: The output of P(apify.platform.stuck_runs#filter), with C(stuck) and C(skipped).
    type: dict
    required: true
  reboot:
    description: The registered result of the reboot task; empty or skipped when nothing was stuck.
    type: dict
  dry_run:
    description: Whether the reboot ran in check mode.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Sum up
  ansible.builtin.set_fact:
    summary: "{{ split | apify.platform.stuck_runs_summary(reboot_result, dry_run=false) }}"
"""

RETURN = r"""
_value:
  description: The summary.
  type: dict
  contains:
    found:
      description: How many runs were looked at.
      type: int
    stuck:
      description: IDs of the runs that looked stuck.
      type: list
      elements: str
    rebooted:
      description: IDs of the runs rebooted (with O(dry_run), that would be).
      type: list
      elements: str
    skipped:
      description: Runs not rebooted, each with C(run_id) and C(reason).
      type: list
      elements: dict
    failed:
      description: Runs whose reboot failed, each with C(run_id) and C(msg).
      type: list
      elements: dict
    dry_run:
      description: The O(dry_run) given.
      type: bool
"""

from ansible.errors import AnsibleFilterError


def stuck_runs_summary(split, reboot=None, dry_run=False):
    if not isinstance(split, dict) or "stuck" not in split or "skipped" not in split:
        raise AnsibleFilterError("stuck_runs_summary expects the output of apify.platform.stuck_runs.")
    entries = (reboot or {}).get("results") or []
    skipped = list(split["skipped"])
    skipped.extend({"run_id": e["run_id"], "reason": e["msg"]} for e in entries if not e["failed"] and not e["rebooted"])
    return {
        "found": len(split["stuck"]) + len(split["skipped"]),
        "stuck": [run.get("id") for run in split["stuck"]],
        "rebooted": [e["run_id"] for e in entries if e["rebooted"]],
        "skipped": skipped,
        "failed": [{"run_id": e["run_id"], "msg": e["msg"]} for e in entries if e["failed"]],
        "dry_run": bool(dry_run),
    }


class FilterModule:
    def filters(self):
        return {"stuck_runs_summary": stuck_runs_summary}
