# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: stuck_runs
short_description: Split Apify runs into those that look stuck and the rest, with reasons
version_added: 0.1.0
description:
  - Takes full run objects (as returned by M(apify.platform.apify_run_info) with O(apify.platform.apify_run_info#module:details=true))
    and returns the C(RUNNING) runs that meet every criterion given, and the others with the reason each was passed over.
  - A criterion left out (V(null)) is not applied. With no criteria, every C(RUNNING) run looks stuck.
  - Used by the role P(apify.platform.reboot_stuck_runs#role).
author:
  - apify.platform maintainers (@apify-platform)
positional: min_age_minutes, min_memory_percent, now
options:
  _input:
    description: Full run objects.
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
"""

RETURN = r"""
_value:
  description: C(stuck), the runs that meet every criterion; C(skipped), one C(run_id) and C(reason) per other run.
  type: dict
  contains:
    stuck:
      description: The run objects that look stuck.
      type: list
      elements: dict
    skipped:
      description: The runs passed over, each with C(run_id) and C(reason).
      type: list
      elements: dict
"""

import math
from datetime import datetime, timezone

from ansible.errors import AnsibleFilterError

_TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ")


def parse_time(text):
    """An API timestamp (``2026-11-28T07:34:24.202Z``) as an aware datetime, or None."""
    if not isinstance(text, str):
        return None
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def age_minutes(run, now):
    started = parse_time(run.get("startedAt"))
    return None if started is None else (now - started).total_seconds() / 60.0


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def memory_percent(run):
    stats = run.get("stats")
    options = run.get("options")
    used = stats.get("memCurrentBytes") if isinstance(stats, dict) else None
    limit_mb = options.get("memoryMbytes") if isinstance(options, dict) else None
    if not _is_number(used) or not _is_number(limit_mb) or used < 0 or limit_mb <= 0:
        return None
    return 100.0 * used / (limit_mb * 1024 * 1024)


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


def why_not_stuck(run, min_age_minutes, min_memory_percent, now):
    """None when the run looks stuck, else the reason it does not."""
    if run.get("status") != "RUNNING":
        return "status is %s, not RUNNING" % run.get("status")
    if min_age_minutes is not None:
        age = age_minutes(run, now)
        if age is None:
            return "its start time %r cannot be read" % run.get("startedAt")
        if age < min_age_minutes:
            return "running for %.1f minutes, less than %g" % (age, min_age_minutes)
    if min_memory_percent is not None:
        percent = memory_percent(run)
        if percent is None:
            return "its memory use is unknown (stats.memCurrentBytes or options.memoryMbytes missing)"
        if percent < min_memory_percent:
            return "uses %.1f%% of its memory, less than %g%%" % (percent, min_memory_percent)
    return None


def stuck_runs(runs, min_age_minutes=None, min_memory_percent=None, now=None):
    if not isinstance(runs, list) or not all(isinstance(run, dict) for run in runs):
        raise AnsibleFilterError("stuck_runs expects a list of run objects (dicts).")
    min_age_minutes = criterion(min_age_minutes, "min_age_minutes")
    min_memory_percent = criterion(min_memory_percent, "min_memory_percent")
    when = moment(now)
    stuck, skipped = [], []
    for run in runs:
        reason = why_not_stuck(run, min_age_minutes, min_memory_percent, when)
        if reason is None:
            stuck.append(run)
        else:
            skipped.append({"run_id": run.get("id"), "reason": reason})
    return {"stuck": stuck, "skipped": skipped}


class FilterModule:
    def filters(self):
        return {"stuck_runs": stuck_runs}
