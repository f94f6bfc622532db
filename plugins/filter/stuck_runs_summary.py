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
    description:
      - The registered result of the reboot task; empty or skipped when nothing was stuck.
      - A result without C(results) that is neither empty nor skipped means the reboot task failed as a whole
        (an option it refused, no token); then every stuck run counts as failed, with the task's C(msg).
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
from ansible.module_utils.parsing.convert_bool import boolean

_ENTRY_KEYS = ("run_id", "rebooted", "failed", "msg")


def reboot_entries(reboot, stuck_ids):
    """The per-run entries of the reboot result, as dicts with at least _ENTRY_KEYS."""
    if reboot is None:
        return []
    if not isinstance(reboot, dict):
        raise AnsibleFilterError(
            "stuck_runs_summary: reboot must be the registered result of apify.platform.apify_run_reboot (a dict), not %s." % type(reboot).__name__
        )
    if not reboot or reboot.get("skipped"):
        return []
    if "results" not in reboot:
        # The task failed before handling any run (an option it refused, no token, ...):
        # none of the stuck runs was rebooted, and that must not read as success.
        msg = reboot.get("msg") or "the reboot task failed without a message"
        return [{"run_id": run_id, "rebooted": False, "failed": True, "msg": msg} for run_id in stuck_ids]
    entries = reboot["results"]
    if not isinstance(entries, list) or not all(isinstance(e, dict) and all(key in e for key in _ENTRY_KEYS) for e in entries):
        raise AnsibleFilterError(
            "stuck_runs_summary: reboot.results must be a list of entries with %s, as apify.platform.apify_run_reboot returns them." % ", ".join(_ENTRY_KEYS)
        )
    return entries


def stuck_runs_summary(split, reboot=None, dry_run=False):
    if not isinstance(split, dict) or not isinstance(split.get("stuck"), list) or not isinstance(split.get("skipped"), list):
        raise AnsibleFilterError("stuck_runs_summary expects the output of apify.platform.stuck_runs.")
    if not all(isinstance(run, dict) for run in split["stuck"]):
        raise AnsibleFilterError("stuck_runs_summary: the stuck runs must be run objects (dicts).")
    try:
        dry_run = boolean(dry_run, strict=True)
    except TypeError:
        raise AnsibleFilterError("stuck_runs_summary: dry_run must be a boolean, got %r." % (dry_run,))
    stuck_ids = [run.get("id") for run in split["stuck"]]
    entries = reboot_entries(reboot, stuck_ids)
    skipped = list(split["skipped"])
    skipped.extend({"run_id": e["run_id"], "reason": e["msg"]} for e in entries if not e["failed"] and not e["rebooted"])
    return {
        "found": len(split["stuck"]) + len(split["skipped"]),
        "stuck": stuck_ids,
        "rebooted": [e["run_id"] for e in entries if e["rebooted"]],
        "skipped": skipped,
        "failed": [{"run_id": e["run_id"], "msg": e["msg"]} for e in entries if e["failed"]],
        "dry_run": dry_run,
    }


class FilterModule:
    def filters(self):
        return {"stuck_runs_summary": stuck_runs_summary}
