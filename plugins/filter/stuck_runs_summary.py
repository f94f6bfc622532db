# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: stuck_runs_summary
short_description: Sum up a stuck-run sweep for a report
version_added: 1.0.0
description:
  - Combines the output of P(apify.platform.stuck_runs#filter), the registered results of
    M(apify.platform.apify_run_reboot) and M(apify.platform.apify_run_abort) (with C(run_ids)), and the runs that
    could not be read (C(failed_runs) of M(apify.platform.apify_run_info)) into one summary.
  - Every run found ends in exactly one of C(rebooted), C(skipped), C(exhausted), C(aborted) and C(failed).
  - Used by the role P(apify.platform.reboot_stuck_runs#role).
author:
  - apify.platform maintainers (@apify-platform)
positional: reboot, dry_run, abort, failed_runs
options:
  _input:
    description: The output of P(apify.platform.stuck_runs#filter), with C(stuck) and C(skipped), and usually C(exhausted) and C(decisions).
    type: dict
    required: true
  reboot:
    description:
      - The registered result of the reboot task for the C(stuck) runs; empty or skipped when nothing was stuck.
      - A result without C(results) that is neither empty nor skipped means the reboot task failed as a whole
        (an option it refused, no token); then every stuck run counts as failed, with the task's C(msg).
      - When it is empty or skipped although runs looked stuck, those runs count as skipped (no reboot was attempted).
    type: dict
  dry_run:
    description: Whether the reboot and abort tasks ran in check mode.
    type: bool
    default: false
  abort:
    description:
      - The registered result of the abort task for the C(exhausted) runs, read as O(reboot) is.
      - When it is empty or skipped, the exhausted runs stay in C(exhausted) (left running).
    type: dict
  failed_runs:
    description:
      - Runs that could not be read, each with C(run_id) and C(msg) (the C(failed_runs) of M(apify.platform.apify_run_info)).
      - They count as failed. One that the input passed over (for example, not read a second time in observe mode)
        is failed instead of skipped; one that the input found stuck or exhausted was read after all, and this entry is dropped.
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: Sum up
  ansible.builtin.set_fact:
    summary: "{{ split | apify.platform.stuck_runs_summary(reboot_result, dry_run=false, abort=abort_result, failed_runs=info.failed_runs) }}"
"""

RETURN = r"""
_value:
  description: The summary. C(found) is the sum of the lengths of C(rebooted), C(skipped), C(exhausted), C(aborted) and C(failed).
  type: dict
  contains:
    found:
      description: How many runs were looked at, read or not.
      type: int
    stuck:
      description: IDs of the runs that looked stuck, whether at the reboot limit or not.
      type: list
      elements: str
    rebooted:
      description: IDs of the runs rebooted (with O(dry_run), that would be).
      type: list
      elements: str
    exhausted:
      description: IDs of the runs that looked stuck, had reached the reboot limit, and were left running.
      type: list
      elements: str
    aborted:
      description: IDs of the runs that looked stuck, had reached the reboot limit, and were aborted (with O(dry_run), that would be).
      type: list
      elements: str
    skipped:
      description: Runs left alone, each with C(run_id) and C(reason).
      type: list
      elements: dict
    failed:
      description: Runs that could not be read, rebooted or aborted, each with C(run_id) and C(msg).
      type: list
      elements: dict
    runs:
      description:
        - One entry per run found, with C(run_id), C(outcome) (V(rebooted), V(skipped), V(exhausted), V(aborted) or V(failed)),
          C(reason) (why, in words) and C(signals) (what decided it, as P(apify.platform.stuck_runs#filter) gives them;
          every key is there, V(null) when unknown, as for a run that could not be read).
      type: list
      elements: dict
    changed:
      description: Whether a reboot or abort was done (never with O(dry_run)).
      type: bool
    dry_run:
      description: The O(dry_run) given.
      type: bool
    report:
      description:
        - The summary as lines of text, for a log or a message. The first line counts the outcomes; then one line
          per run, rebooted and aborted runs first, then those left running at the reboot limit, failed and skipped,
          each with its reason. With O(dry_run), the counts and the runs say what would be done.
      type: list
      elements: str
      version_added: 1.1.0
      sample:
        - "Looked at 3 run(s): 2 looked stuck, 1 rebooted, 0 aborted, 1 left running at the reboot limit, 1 skipped, 0 failed."
        - "Rebooted 3KH8gEpp4d8uQSe8T: Run 3KH8gEpp4d8uQSe8T was rebooted (reboot count 0 -> 1)."
        - "Left running HG7ML7M8z78YcAPEB (reboot limit): looks stuck, but has been rebooted 3 time(s), which has reached max_reboot_count=3."
        - "Skipped so93g2shcDzK3pA85: idle time unknown: its default dataset's modifiedAt '' is not an ISO 8601 time."
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.apify.platform.plugins.filter.stuck_runs import EXHAUSTED, SIGNAL_KEYS, SKIPPED, STUCK

# The outcomes: every run found gets exactly one (SKIPPED and EXHAUSTED are also verdicts of stuck_runs).
REBOOTED = "rebooted"
ABORTED = "aborted"
FAILED = "failed"
# How the report names each outcome, done and in a dry run; the runs are listed in this order.
LABELS = (
    (REBOOTED, "Rebooted %s", "Would reboot %s"),
    (ABORTED, "Aborted %s", "Would abort %s"),
    (EXHAUSTED, "Left running %s (reboot limit)", "Would leave running %s (reboot limit)"),
    (FAILED, "Failed %s", "Failed %s"),
    (SKIPPED, "Skipped %s", "Skipped %s"),
)


def action_entries(result, name, done_key, run_ids):
    """``{run_id: entry}`` of an action task's per-run results; None when the task did not run.

    Entries have ``run_id``, ``changed``, ``done`` (rebooted/aborted), ``failed`` and ``msg``.
    """
    if result is None:
        return None
    if not isinstance(result, dict):
        raise AnsibleFilterError("stuck_runs_summary: %s must be the registered result of a task (a dict), not %s." % (name, type(result).__name__))
    if not result or result.get("skipped"):
        return None
    if "results" not in result:
        # The task failed before handling any run (an option it refused, no token, ...):
        # none of the runs was acted on, and that must not read as success.
        msg = result.get("msg") or "the %s task failed without a message" % name
        return {run_id: {"run_id": run_id, "changed": False, "done": False, "failed": True, "msg": msg} for run_id in run_ids}
    entries = result["results"]
    keys = ("run_id", done_key, "failed", "msg")
    if not isinstance(entries, list) or not all(isinstance(e, dict) and all(key in e for key in keys) for e in entries):
        raise AnsibleFilterError(
            "stuck_runs_summary: %s.results must be a list of entries with %s, as apify.platform.apify_run_%s returns them." % (name, ", ".join(keys), name)
        )
    by_id = {}
    for e in entries:
        by_id.setdefault(
            e["run_id"], {"run_id": e["run_id"], "changed": bool(e.get("changed")), "done": bool(e[done_key]), "failed": bool(e["failed"]), "msg": e["msg"]}
        )
    missing = "the %s task returned no result for this run" % name
    return {run_id: by_id.get(run_id) or {"run_id": run_id, "changed": False, "done": False, "failed": True, "msg": missing} for run_id in run_ids}


def acted(entry, done_outcome):
    """The outcome of one run an action task handled: failed wins (the message tells if it acted first)."""
    if entry["failed"]:
        return FAILED
    return done_outcome if entry["done"] else SKIPPED


def decisions_of(split):
    """The split's per-run decisions; built from ``stuck``/``exhausted``/``skipped`` when it has none."""
    if "decisions" in split:
        decisions = split["decisions"]
        if not isinstance(decisions, list) or not all(isinstance(d, dict) and {"run_id", "verdict"} <= set(d) for d in decisions):
            raise AnsibleFilterError("stuck_runs_summary: decisions must be a list of entries with run_id and verdict.")
        return decisions
    made = [{"run_id": e.get("run_id"), "verdict": SKIPPED, "reason": e.get("reason")} for e in split["skipped"] if isinstance(e, dict)]
    made += [{"run_id": run.get("id"), "verdict": STUCK} for run in split["stuck"]]
    return made + [{"run_id": run.get("id"), "verdict": EXHAUSTED} for run in split.get("exhausted", [])]


def read_failures(failed_runs):
    if failed_runs is None:
        return []
    if not isinstance(failed_runs, list) or not all(isinstance(f, dict) and "run_id" in f for f in failed_runs):
        raise AnsibleFilterError(
            "stuck_runs_summary: failed_runs must be a list of entries with run_id and msg, as apify.platform.apify_run_info returns them."
        )
    return failed_runs


def _check_split(split):
    if not isinstance(split, dict) or not isinstance(split.get("stuck"), list) or not isinstance(split.get("skipped"), list):
        raise AnsibleFilterError("stuck_runs_summary expects the output of apify.platform.stuck_runs.")
    exhausted = split.get("exhausted", [])
    if not isinstance(exhausted, list) or not all(isinstance(run, dict) for run in split["stuck"] + exhausted):
        raise AnsibleFilterError("stuck_runs_summary: the stuck and exhausted runs must be run objects (dicts).")
    return exhausted


def report(summary):
    """The summary in lines of text: the counts, then every run (rebooted and aborted first) with why."""
    dry_run = summary["dry_run"]
    head = "Looked at %d run(s): %d looked stuck, %d %s, %d %s, %d left running at the reboot limit, %d skipped, %d failed." % (
        summary["found"],
        len(summary["stuck"]),
        len(summary[REBOOTED]),
        "would be rebooted" if dry_run else "rebooted",
        len(summary[ABORTED]),
        "would be aborted" if dry_run else "aborted",
        len(summary[EXHAUSTED]),
        len(summary[SKIPPED]),
        len(summary[FAILED]),
    )
    lines = [("Dry run, nothing was changed. " if dry_run else "") + head]
    for outcome, done, would in LABELS:
        for entry in summary["runs"]:
            if entry["outcome"] == outcome:
                label = (would if dry_run else done) % (entry["run_id"],)
                reason = " ".join(str(entry["reason"] or "").split()).rstrip(".")
                lines.append("%s: %s." % (label, reason) if reason else label + ".")
    return lines


def stuck_runs_summary(split, reboot=None, dry_run=False, abort=None, failed_runs=None):
    exhausted_runs = _check_split(split)
    try:
        dry_run = boolean(dry_run, strict=True)
    except TypeError:
        raise AnsibleFilterError("stuck_runs_summary: dry_run must be a boolean, got %r." % (dry_run,))
    stuck_ids = [run.get("id") for run in split["stuck"]]
    exhausted_ids = [run.get("id") for run in exhausted_runs]
    reboots = action_entries(reboot, "reboot", "rebooted", stuck_ids)
    aborts = action_entries(abort, "abort", "aborted", exhausted_ids)
    failures = {}
    for failure in read_failures(failed_runs):
        failures.setdefault(failure["run_id"], failure)

    runs, seen = [], set()
    for decision in decisions_of(split):
        run_id, verdict = decision["run_id"], decision["verdict"]
        entry = {
            "run_id": run_id,
            "outcome": SKIPPED,
            "reason": decision.get("reason"),
            "signals": dict(dict.fromkeys(SIGNAL_KEYS), **(decision.get("signals") or {})),
        }
        if verdict == SKIPPED and run_id in failures:
            entry.update(outcome=FAILED, reason=failures[run_id].get("msg"))
        elif verdict == STUCK and reboots is None:
            entry["reason"] = "looked stuck, but no reboot was attempted"
        elif verdict == STUCK:
            action = reboots[run_id]
            entry.update(outcome=acted(action, REBOOTED), reason=action["msg"], changed=action["changed"])
        elif verdict == EXHAUSTED and aborts is None:
            entry["outcome"] = EXHAUSTED
        elif verdict == EXHAUSTED:
            action = aborts[run_id]
            entry.update(outcome=acted(action, ABORTED), reason=action["msg"], changed=action["changed"])
        runs.append(entry)
        seen.add(run_id)
    runs.extend(
        {"run_id": run_id, "outcome": FAILED, "reason": f.get("msg"), "signals": dict.fromkeys(SIGNAL_KEYS)}
        for run_id, f in failures.items()
        if run_id not in seen
    )

    def ids(outcome):
        return [e["run_id"] for e in runs if e["outcome"] == outcome]

    summary = {
        "found": len(runs),
        "stuck": stuck_ids + exhausted_ids,
        REBOOTED: ids(REBOOTED),
        EXHAUSTED: ids(EXHAUSTED),
        ABORTED: ids(ABORTED),
        SKIPPED: [{"run_id": e["run_id"], "reason": e["reason"]} for e in runs if e["outcome"] == SKIPPED],
        FAILED: [{"run_id": e["run_id"], "msg": e["reason"]} for e in runs if e["outcome"] == FAILED],
        "runs": [{key: e[key] for key in ("run_id", "outcome", "reason", "signals")} for e in runs],
        "changed": not dry_run and any(e.get("changed") for e in runs),
        "dry_run": dry_run,
    }
    summary["report"] = report(summary)
    return summary


class FilterModule:
    def filters(self):
        return {"stuck_runs_summary": stuck_runs_summary}
