# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The run vocabulary: statuses, the facts read from a run object, and how a run is shown.

Pure functions of run objects as the API returns them (no I/O). The modules'
``choices``, the actions and the filters all take their words from here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timezone

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
