# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The run vocabulary: statuses, the facts read from a run object, and how a run is shown.

Pure functions of run objects as the API returns them (no I/O). The modules'
``choices``, the actions and the filters all take their words from here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
from datetime import datetime, timedelta, timezone

READY = "READY"
RUNNING = "RUNNING"
TIMING_OUT = "TIMING-OUT"
ABORTING = "ABORTING"
ABORTED = "ABORTED"
TERMINAL_STATUSES = frozenset(["SUCCEEDED", "FAILED", "TIMED-OUT", ABORTED])
# Every status of the lifecycle, in its order (for choices and docs).
STATUSES = (READY, RUNNING, "SUCCEEDED", "FAILED", TIMING_OUT, "TIMED-OUT", ABORTING, ABORTED)

# How the API writes times; anything else ISO 8601 is read by fromisoformat().
_TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ")

# A time the platform gives is believed only between these bounds (see plausible_time()): Apify (then
# Apifier) opened in 2015, so nothing on it is older; and its clock may run ahead of the controller's
# by at most CLOCK_SKEW (a time further in the future, such as year 9999, is a broken answer).
EARLIEST_TIME = datetime(2015, 1, 1, tzinfo=timezone.utc)
CLOCK_SKEW = timedelta(minutes=5)

# Why a run whose default request queue and dataset are both empty has no idle time.
UNTOUCHED = "it has never used its default request queue or dataset (both empty), so they cannot show whether it is stuck"

# The fields of a run that a batch result keeps by default (see compact_run()).
COMPACT_RUN_FIELDS = ("id", "status", "startedAt", "finishedAt")


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


def plausible_time(text, now, not_before=None, what="time"):
    """``(datetime, None)`` for an API time that can be believed at ``now``, else ``(None, why)``.

    Unparsable (RFC 1123, epoch milliseconds, empty), before 2015, before ``not_before`` (the run's
    start, for its storages) by more than CLOCK_SKEW, or after ``now`` by more than CLOCK_SKEW: unknown.
    """
    parsed = parse_time(text)
    if parsed is None:
        return None, "its %s %s is not an ISO 8601 time" % (what, _shown(text))
    if parsed < EARLIEST_TIME:
        return None, "its %s %s is before Apify existed (2015)" % (what, _shown(text))
    if parsed > now + CLOCK_SKEW:
        return None, "its %s %s is in the future" % (what, _shown(text))
    if not_before is not None and parsed < not_before - CLOCK_SKEW:
        return None, "its %s %s is before the run started" % (what, _shown(text))
    return parsed, None


def _shown(value):
    return repr(value[:40] if isinstance(value, str) else value)


def run_start(run, now):
    """``(startedAt, None)`` when the run's start time can be believed at ``now``, else ``(None, why)``."""
    return plausible_time(run.get("startedAt"), now, what="start time (startedAt)")


def cpu_usage(value):
    """A CPU reading (percent) as a float when it is a number of 0 or more, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return None
    return float(value)


def run_cpu(run):
    """``stats.cpuCurrentUsage``: the run's CPU use when read, in percent of one CPU, or None."""
    stats = run.get("stats")
    return cpu_usage(stats.get("cpuCurrentUsage")) if isinstance(stats, dict) else None


def reboot_count(run):
    """``stats.rebootCount`` as an int, or None when the API did not give it."""
    return _stats_count(run, "rebootCount")


def resurrect_count(run):
    """``stats.resurrectCount`` as an int, or None when the API did not give it."""
    return _stats_count(run, "resurrectCount")


def _stats_count(run, key):
    stats = run.get("stats") or {}
    value = stats.get(key) if isinstance(stats, dict) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # JSON Schema counts 1.0 as an integer, so the API may send it
    return value if isinstance(value, int) else None


def shown_count(run):
    count = reboot_count(run)
    return "unknown" if count is None else count


def compact_run(run):
    """The few fields of a run that tell what happened to it, for results of thousands of runs."""
    compact = {key: run[key] for key in COMPACT_RUN_FIELDS if key in run}
    compact["stats"] = {"rebootCount": reboot_count(run)}
    return compact


def describe_status(status):
    if status in TERMINAL_STATUSES:
        return "it has already finished with status %s" % status
    if status == READY:
        return "its status is READY: it has not started yet (or is starting after a reboot)"
    if status in (ABORTING, TIMING_OUT):
        return "its status is %s: it is on its way to finishing" % status
    return "its status is %s" % status
