# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: stuck_runs
short_description: Split Apify runs into those that look stuck and the rest, with reasons and signals
version_added: 1.0.0
description:
  - Takes full run objects (as returned by M(apify.platform.apify_run_info) with O(apify.platform.apify_run_info#module:details=true),
    and O(apify.platform.apify_run_info#module:progress=true) for the progress criteria) and returns the C(RUNNING) runs that
    meet every criterion given, the runs among them that reached O(max_reboot_count), and the others with the reason
    each was passed over.
  - A criterion left out (V(null)) is not applied. With no criteria, every C(RUNNING) run looks stuck.
  - The progress criteria (O(min_idle_minutes), and O(later)) need the run's C(progress) facts. A run without them,
    with a storage that could not be read, that never used its default request queue and dataset (both empty),
    or whose idle time is unknown (C(progress.idle_minutes) null, for a C(modifiedAt) that is not an ISO 8601 time,
    or is before the run started, before 2015 or in the future) never meets a progress criterion; the reason says which.
  - Unknown never meets a criterion. A run whose C(startedAt) cannot be believed (not ISO 8601, before 2015, more
    than 5 minutes in the future) has an unknown age and never meets O(min_age_minutes).
  - Used by the role P(apify.platform.reboot_stuck_runs#role).
author:
  - apify.platform maintainers (@apify-platform)
positional: min_age_minutes, min_memory_percent, now
options:
  _input:
    description: Full run objects. With O(later), the runs as read the first time.
    type: list
    elements: dict
    required: true
  min_age_minutes:
    description:
      - Only runs started at least this many minutes ago (C(startedAt)).
      - A number, or a string holding one (as extra vars give it).
    type: float
  min_memory_percent:
    description:
      - Only runs whose memory in use (C(stats.memCurrentBytes)) is at least this share, in percent,
        of the run's memory limit (C(options.memoryMbytes)).
      - A number, or a string holding one.
    type: float
  min_idle_minutes:
    description:
      - Only runs whose default request queue and default dataset have not changed for at least this many
        minutes (C(progress.idle_minutes), measured when the run was read).
      - A progress criterion. A number, or a string holding one.
    type: float
  max_cpu_percent:
    description:
      - Only runs using at most this much CPU, in percent, when they were read (C(progress.cpu_percent), or
        C(stats.cpuCurrentUsage) for a run read without progress). One sample, not an average.
      - A number, or a string holding one.
    type: float
  max_reboot_count:
    description:
      - A run that looks stuck but has already been rebooted this many times (C(stats.rebootCount)) goes into
        C(exhausted) instead of C(stuck). A run that looks stuck but whose count is not given (or not a whole
        number) is skipped, with the reason (the guard cannot be checked), as in M(apify.platform.apify_run_reboot).
      - An integer, 0 or more, or a string holding one.
    type: int
  later:
    description:
      - Observe mode. The same runs read a second time, some seconds after the input (matched by C(id); runs
        only here are ignored). A run then looks stuck only if it meets every criterion in both reads and
        neither C(progress.request_queue.handled) nor C(progress.dataset.items) changed between them.
      - A run of the input that is not here, or without progress facts in either read, is passed over, with
        the reason. Runs that fail a criterion in the first read need not be read again.
    type: list
    elements: dict
  now:
    description:
      - The time to measure age against, as ISO 8601 text or a datetime (for tests); default the current UTC time.
      - A time without a UTC offset is taken as UTC.
    type: str
"""

EXAMPLES = r"""
- name: Runs older than 2 hours that use at least 90% of their memory
  ansible.builtin.set_fact:
    split: "{{ info.runs | apify.platform.stuck_runs(min_age_minutes=120, min_memory_percent=90) }}"

- name: Runs (read with progress=true) whose storages have not changed for an hour, nearly idle on CPU
  ansible.builtin.set_fact:
    split: "{{ info.runs | apify.platform.stuck_runs(min_idle_minutes=60, max_cpu_percent=5, max_reboot_count=3) }}"

- name: Observe mode - first and second read (both with progress=true), a minute apart
  ansible.builtin.set_fact:
    split: "{{ first.runs | apify.platform.stuck_runs(min_idle_minutes=30, later=second.runs) }}"
"""

RETURN = r"""
_value:
  description:
    - Every input run is in exactly one of C(stuck), C(exhausted) and C(skipped); C(decisions) has one entry per input run.
  type: dict
  contains:
    stuck:
      description: The run objects that look stuck (with O(later), as read the second time) and may be rebooted.
      type: list
      elements: dict
    exhausted:
      description: The run objects that look stuck but have reached O(max_reboot_count).
      type: list
      elements: dict
    skipped:
      description: The runs passed over, each with C(run_id) and C(reason).
      type: list
      elements: dict
    decisions:
      description:
        - One entry per input run, in input order, with C(run_id), C(verdict) (V(stuck), V(exhausted) or V(skipped)),
          C(reason) (null for V(stuck)) and C(signals).
        - C(signals) holds what was known of C(age_minutes), C(memory_percent), C(idle_minutes), C(cpu_percent),
          C(handled), C(pending), C(items), C(reboot_count), and with O(later) C(handled_before) and C(items_before).
      type: list
      elements: dict
"""

import math
from datetime import datetime, timezone

from ansible.errors import AnsibleFilterError

from ansible_collections.apify.platform.plugins.module_utils._run_facts import RUNNING, UNTOUCHED, cpu_usage, parse_time, reboot_count, run_cpu, run_start

# The verdicts: every input run gets exactly one.
STUCK = "stuck"
EXHAUSTED = "exhausted"
SKIPPED = "skipped"
# The signals every decision reports (None when unknown); observe mode adds handled_before and items_before.
SIGNAL_KEYS = ("age_minutes", "memory_percent", "idle_minutes", "cpu_percent", "handled", "pending", "items", "reboot_count")


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _part(mapping, key):
    """``mapping[key]`` when both are what they should be (a dict holding a dict), else None."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, dict) else None


def age_minutes(run, now):
    """Minutes since the run started, or None when its start time cannot be believed (see plausible_time)."""
    started, _why = run_start(run, now)
    return None if started is None else max(0.0, (now - started).total_seconds() / 60.0)


def memory_percent(run):
    used = (_part(run, "stats") or {}).get("memCurrentBytes")
    limit_mb = (_part(run, "options") or {}).get("memoryMbytes")
    if not _is_number(used) or not _is_number(limit_mb) or used < 0 or limit_mb <= 0:
        return None
    return 100.0 * used / (limit_mb * 1024 * 1024)


def cpu_percent(run):
    """CPU in use when the run was read: ``progress.cpu_percent``, else ``stats.cpuCurrentUsage``."""
    cpu = cpu_usage((_part(run, "progress") or {}).get("cpu_percent"))
    return run_cpu(run) if cpu is None else cpu


def progress_facts(run):
    """``(facts, None)``: the counters and idle time of a run's progress; ``(None, reason)`` when they cannot be used."""
    if "progress" not in run:
        return None, "it has no progress facts (read it with apify.platform.apify_run_info progress=true)"
    progress = run["progress"]
    if not isinstance(progress, dict):
        return None, "its progress facts are not readable (%r)" % (progress,)
    if progress.get("error"):
        return None, "its progress could not be read: %s" % progress["error"]
    queue, dataset = _part(progress, "request_queue") or {}, _part(progress, "dataset") or {}
    facts = {
        "idle_minutes": progress.get("idle_minutes"),
        "handled": queue.get("handled"),
        "pending": queue.get("pending"),
        "total": queue.get("total"),
        "items": dataset.get("items"),
    }
    if not all(_is_count(facts[key]) for key in ("handled", "total", "items")):
        return None, "its progress facts lack the request queue's or the dataset's counters"
    if progress.get("untouched") is True or (facts["total"] == 0 and facts["items"] == 0):
        return None, UNTOUCHED
    if not _is_number(facts["idle_minutes"]) or not math.isfinite(facts["idle_minutes"]) or facts["idle_minutes"] < 0:
        why = progress.get("idle_unknown_reason")
        return None, why if isinstance(why, str) and why else "its idle time is unknown (progress.idle_minutes missing)"
    return facts, None


def _rounded(value):
    return None if value is None else round(value, 1)


def signals(run, now, earlier=None):
    """What is known of a run, for the report: every value that a criterion can look at."""
    progress = _part(run, "progress") or {}
    queue, dataset = _part(progress, "request_queue") or {}, _part(progress, "dataset") or {}
    idle = progress.get("idle_minutes")
    found = {
        "age_minutes": _rounded(age_minutes(run, now)),
        "memory_percent": _rounded(memory_percent(run)),
        "idle_minutes": _rounded(float(idle)) if _is_number(idle) else None,
        "cpu_percent": _rounded(cpu_percent(run)),
        "handled": queue.get("handled"),
        "pending": queue.get("pending"),
        "items": dataset.get("items"),
        "reboot_count": reboot_count(run),
    }
    if earlier is not None:
        found["handled_before"] = (_part(_part(earlier, "progress"), "request_queue") or {}).get("handled")
        found["items_before"] = (_part(_part(earlier, "progress"), "dataset") or {}).get("items")
    return found


def criterion(value, name):
    """A criterion as a float, or None when not applied; AnsibleFilterError if it is not a number."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        try:
            number = float(value)
        except ValueError:
            number = None
    else:
        number = float(value) if _is_number(value) else None
    if number is None or not math.isfinite(number):
        raise AnsibleFilterError("stuck_runs: %s must be a number or null, got %r." % (name, value))
    return number


def count_criterion(value, name):
    """A whole number of 0 or more, or None; AnsibleFilterError otherwise."""
    number = criterion(value, name)
    if number is not None and (number < 0 or not number.is_integer()):
        raise AnsibleFilterError("stuck_runs: %s must be an integer of 0 or more, or null, got %r." % (name, value))
    return None if number is None else int(number)


def moment(now):
    """``now`` as an aware datetime: the current UTC time when None."""
    if now is None:
        return datetime.now(timezone.utc)
    if isinstance(now, datetime):
        return now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    parsed = parse_time(now)
    if parsed is None:
        raise AnsibleFilterError("stuck_runs: now=%r is not an ISO 8601 time." % (now,))
    return parsed


def why_not_stuck(run, criteria, now):
    """None when the run looks stuck by one read, else the reason it does not."""
    if run.get("status") != RUNNING:
        return "status is %s, not %s" % (run.get("status"), RUNNING)
    if criteria["min_age_minutes"] is not None:
        age = age_minutes(run, now)
        if age is None:
            return "age unknown: " + run_start(run, now)[1]
        if age < criteria["min_age_minutes"]:
            return "running for %.1f minutes, less than %g" % (age, criteria["min_age_minutes"])
    if criteria["min_memory_percent"] is not None:
        percent = memory_percent(run)
        if percent is None:
            return "its memory use is unknown (stats.memCurrentBytes or options.memoryMbytes missing)"
        if percent < criteria["min_memory_percent"]:
            return "uses %.1f%% of its memory, less than %g%%" % (percent, criteria["min_memory_percent"])
    if criteria["min_idle_minutes"] is not None:
        facts, reason = progress_facts(run)
        if reason:
            return reason
        if facts["idle_minutes"] < criteria["min_idle_minutes"]:
            return "its request queue or dataset changed %.1f minutes ago, less than %g" % (facts["idle_minutes"], criteria["min_idle_minutes"])
    if criteria["max_cpu_percent"] is not None:
        cpu = cpu_percent(run)
        if cpu is None:
            return "its CPU use is unknown (progress.cpu_percent and stats.cpuCurrentUsage missing)"
        if cpu > criteria["max_cpu_percent"]:
            return "uses %.1f%% CPU, more than %g%%" % (cpu, criteria["max_cpu_percent"])
    return None


def why_moved(first, second):
    """Observe mode: None when neither handled requests nor dataset items changed between two reads, else why."""
    before, reason = progress_facts(first)
    if reason:
        return "at the first read, " + reason
    after, reason = progress_facts(second)
    if reason:
        return "at the second read, " + reason
    for key, words in (("handled", "handled requests"), ("items", "dataset items")):
        if after[key] != before[key]:
            return "its %s went from %d to %d between the two reads" % (words, before[key], after[key])
    return None


def decide(run, criteria, now, later):
    """``(verdict, reason, run as judged, signals)`` for one run."""
    reason = why_not_stuck(run, criteria, now)
    judged, earlier = run, None
    if reason is None and later is not None:
        second = later.get(run.get("id"))
        if second is None:
            reason = "it was not read a second time, so its progress cannot be compared"
        else:
            judged, earlier = second, run
            reason = why_not_stuck(second, criteria, now)
            reason = "at the second read, " + reason if reason else why_moved(run, second)
    found = signals(judged, now, earlier if later is not None else None)
    if reason is not None:
        return SKIPPED, reason, judged, found
    limit = criteria["max_reboot_count"]
    count = reboot_count(judged)
    if limit is not None and count is None:
        return SKIPPED, "looks stuck, but its reboot count (stats.rebootCount) is unknown, so max_reboot_count=%d cannot be checked" % limit, judged, found
    if limit is not None and count >= limit:
        return EXHAUSTED, "looks stuck, but has been rebooted %d time(s), which has reached max_reboot_count=%d" % (count, limit), judged, found
    return STUCK, None, judged, found


def _is_runs(value):
    return isinstance(value, list) and all(isinstance(run, dict) for run in value)


def stuck_runs(runs, min_age_minutes=None, min_memory_percent=None, now=None, min_idle_minutes=None, max_cpu_percent=None, max_reboot_count=None, later=None):
    if not _is_runs(runs):
        raise AnsibleFilterError("stuck_runs expects a list of run objects (dicts).")
    if later is not None and not _is_runs(later):
        raise AnsibleFilterError("stuck_runs: later must be a list of run objects (dicts), the runs as read the second time.")
    criteria = {
        "min_age_minutes": criterion(min_age_minutes, "min_age_minutes"),
        "min_memory_percent": criterion(min_memory_percent, "min_memory_percent"),
        "min_idle_minutes": criterion(min_idle_minutes, "min_idle_minutes"),
        "max_cpu_percent": criterion(max_cpu_percent, "max_cpu_percent"),
        "max_reboot_count": count_criterion(max_reboot_count, "max_reboot_count"),
    }
    if later is not None:
        later = {run.get("id"): run for run in later}
    when = moment(now)
    result = {STUCK: [], EXHAUSTED: [], SKIPPED: [], "decisions": []}
    for run in runs:
        verdict, reason, judged, found = decide(run, criteria, when, later)
        result["decisions"].append({"run_id": run.get("id"), "verdict": verdict, "reason": reason, "signals": found})
        if verdict == SKIPPED:
            result[SKIPPED].append({"run_id": run.get("id"), "reason": reason})
        else:
            result[verdict].append(judged)
    return result


class FilterModule:
    def filters(self):
        return {"stuck_runs": stuck_runs}
