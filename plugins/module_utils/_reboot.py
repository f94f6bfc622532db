# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The reboot decisions, as pure functions of run objects (no I/O).

* should this run be rebooted?  -> ``decide()``
* after an answer we could not trust, did the reboot happen? -> ``verify()``
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

RUNNING = "RUNNING"
TERMINAL_STATUSES = frozenset(["SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED"])

# Outcomes of verify()
REBOOTED = "rebooted"
NOT_REBOOTED = "not_rebooted"
ENDED = "ended"
UNKNOWN = "unknown"


class Decision:
    """What to do with a run: ``reboot`` is True or False, ``msg`` says why, ``warning`` is optional."""

    def __init__(self, reboot, msg, warning=None):
        self.reboot = reboot
        self.msg = msg
        self.warning = warning

    def __repr__(self):
        return "Decision(reboot=%r, msg=%r)" % (self.reboot, self.msg)


def reboot_count(run):
    """``stats.rebootCount`` as an int, or None when the API did not give it."""
    stats = run.get("stats") or {}
    value = stats.get("rebootCount")
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # JSON Schema counts 1.0 as an integer, so the API may send it
    return value if isinstance(value, int) else None


# The fields of a run that a batch result keeps by default (see compact_run()).
COMPACT_RUN_FIELDS = ("id", "status", "startedAt", "finishedAt")


def compact_run(run):
    """The few fields of a run that tell what happened to it, for results of thousands of runs."""
    compact = {key: run[key] for key in COMPACT_RUN_FIELDS if key in run}
    compact["stats"] = {"rebootCount": reboot_count(run)}
    return compact


def describe_status(status):
    if status in TERMINAL_STATUSES:
        return "it has already finished with status %s" % status
    if status == "READY":
        return "its status is READY: it has not started yet (or is starting after a reboot)"
    if status in ("ABORTING", "TIMING-OUT"):
        return "its status is %s: it is on its way to finishing" % status
    return "its status is %s" % status


def decide(run, max_reboot_count=None):
    """Decide whether ``run`` (as the API returned it) should be rebooted now."""
    run_id = run.get("id")
    status = run.get("status")
    if status != RUNNING:
        return Decision(False, "Run %s was left alone: only RUNNING runs can be rebooted and %s." % (run_id, describe_status(status)))
    if max_reboot_count is not None:
        count = reboot_count(run)
        if count is None:
            count = 0
        if count >= max_reboot_count:
            msg = "Run %s was left alone: it has been rebooted %d time(s), which has reached max_reboot_count=%d (a guard against reboot loops)." % (
                run_id,
                count,
                max_reboot_count,
            )
            return Decision(False, msg, warning=msg)
    return Decision(True, "Run %s is RUNNING and will be rebooted." % run_id)


def verify(before, after):
    """After a reboot request with no trustworthy answer, compare the run before and after.

    ``before`` is the run as read before the request, ``after`` as read now.
    Returns REBOOTED when the reboot counter moved up, NOT_REBOOTED when it did
    not and the run is still RUNNING (so asking again is safe), ENDED when it did
    not and the run is no longer running, and UNKNOWN when the counter is
    missing from either answer or went down.
    """
    count_before, count_after = reboot_count(before), reboot_count(after)
    if count_before is None or count_after is None or count_after < count_before:
        return UNKNOWN  # missing, or went down: the API contradicts itself, so nothing can be concluded
    if count_after > count_before:
        return REBOOTED
    if after.get("status") == RUNNING:
        return NOT_REBOOTED
    if after.get("status") in TERMINAL_STATUSES:
        return ENDED
    return UNKNOWN


def summarize(entries, check_mode=False):
    """The task-level result of a batch: ID lists, ``changed``, and a one-line ``msg``.

    A run that was rebooted and then failed (for example while waiting) is in
    both ``rebooted_run_ids`` and ``failed_run_ids``: both are true.
    """
    rebooted = [e["run_id"] for e in entries if e["rebooted"]]
    failed = [e["run_id"] for e in entries if e["failed"]]
    skipped = [e["run_id"] for e in entries if not e["rebooted"] and not e["failed"]]
    verb = "would be rebooted (check mode)" if check_mode else "rebooted"
    msg = "%d run(s): %d %s, %d left alone, %d failed." % (len(entries), len(rebooted), verb, len(skipped), len(failed))
    if failed:
        shown = ["%s (%s)" % (e["run_id"], e["msg"]) for e in entries if e["failed"]][:5]
        more = " and %d more" % (len(failed) - len(shown)) if len(failed) > len(shown) else ""
        msg += " Failed: %s%s." % ("; ".join(shown), more)
    return {
        "changed": any(e["changed"] for e in entries),
        "rebooted": bool(rebooted),
        "rebooted_run_ids": rebooted,
        "skipped_run_ids": skipped,
        "failed_run_ids": failed,
        "failed": bool(failed),
        "msg": msg,
    }
