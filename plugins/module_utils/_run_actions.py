# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The actions the safe procedure (``_procedure.py``) can take on a run.

Each action is a ``RunAction`` (``_action_contract.py`` says what every member
means): a decision (``decide``: should this run be acted on now?), its evidence
(``evidence``: judging from the run read before and after a request with no
trustworthy answer, did it act?), the words of its messages and what waiting
for it means. Pure functions of run objects.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apify.platform.plugins.module_utils import _run_facts as facts
from ansible_collections.apify.platform.plugins.module_utils._action_contract import ACTED, ENDED, NOT_ACTED, UNKNOWN, Decision, RunAction
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyResponseError
from ansible_collections.apify.platform.plugins.module_utils._runs import run_path


class Reboot(RunAction):
    """POST /v2/actor-runs/{runId}/reboot: only RUNNING runs; evidence is ``stats.rebootCount``."""

    path = "reboot"
    noun = "reboot"
    past = "rebooted"
    evidence_name = "its reboot count"
    no_evidence = "the count did not move"
    wait_goal = "RUNNING again"
    waiting_for = "for it to run again"

    def __init__(self, max_reboot_count=None):
        self.max_reboot_count = max_reboot_count

    def decide(self, run):
        run_id, status = run.get("id"), run.get("status")
        if status != facts.RUNNING:
            return Decision(
                False, "Run %s was left alone: only RUNNING runs can be rebooted and %s." % (run_id, facts.describe_status(status)), wrong_state=True
            )
        if self.max_reboot_count is not None:
            count = facts.reboot_count(run)
            if count is None:
                msg = "Run %s was left alone: its reboot count (stats.rebootCount) is unknown, so max_reboot_count=%d cannot be checked." % (
                    run_id,
                    self.max_reboot_count,
                )
                return Decision(False, msg, warning=msg)
            if count >= self.max_reboot_count:
                msg = "Run %s was left alone: it has been rebooted %d time(s), which has reached max_reboot_count=%d (a guard against reboot loops)." % (
                    run_id,
                    count,
                    self.max_reboot_count,
                )
                return Decision(False, msg, warning=msg)
        return Decision(True, "Run %s is RUNNING and will be rebooted." % run_id)

    def check_answer(self, run_id, before, answer):
        """A POST answer whose reboot count went down is not about the reboot we asked for."""
        _refuse_a_lower_count(run_id, self.path, facts.reboot_count(before), facts.reboot_count(answer), "rebootCount", "reboot")

    def evidence(self, before, after):
        """ACTED when the counter moved up; NOT_ACTED when it did not and the run still runs;
        ENDED when it did not and the run finished; UNKNOWN when the counter is missing or went down."""
        count_before, count_after = facts.reboot_count(before), facts.reboot_count(after)
        if count_before is None or count_after is None or count_after < count_before:
            return UNKNOWN  # missing, or went down: the API contradicts itself, so nothing can be concluded
        if count_after > count_before:
            return ACTED
        if after.get("status") == facts.RUNNING:
            return NOT_ACTED
        if after.get("status") in facts.TERMINAL_STATUSES:
            return ENDED
        return UNKNOWN

    def evidence_text(self, before, now):
        return "status %s, reboot count before %s, now %s" % (now.get("status"), facts.shown_count(before), facts.shown_count(now))

    def ended(self, run):
        return run.get("status") != facts.RUNNING

    def done_msg(self, run_id, before, after):
        return "Run %s was rebooted (reboot count %s -> %s)." % (run_id, facts.shown_count(before), facts.shown_count(after))

    def ended_msg(self, run_id, run, received=False):
        if received:
            return "Run %s was not rebooted: it stopped running (status %s) just before the reboot request reached the API." % (run_id, run.get("status"))
        return "Run %s was left alone: it stopped running (status %s) just before the reboot." % (run_id, run.get("status"))

    def waited_msg(self, run):
        return "It is RUNNING again."

    def wait_done(self, run):
        return run.get("status") == facts.RUNNING

    def wait_failed(self, run):
        return run.get("status") in facts.TERMINAL_STATUSES

    def wait_failed_text(self, run):
        return "ended with status %s while waiting for it to run again" % run.get("status")


class Abort(RunAction):
    """POST /v2/actor-runs/{runId}/abort: runs not finished; evidence is the status."""

    path = "abort"
    noun = "abort"
    past = "aborted"
    # What a run that can still be aborted looks like; ABORTING is already on its way.
    ABORTABLE = frozenset([facts.READY, facts.RUNNING, facts.TIMING_OUT])

    def __init__(self, gracefully=False):
        self.gracefully = gracefully

    def params(self):
        return {"gracefully": "true"} if self.gracefully else None

    def decide(self, run):
        run_id, status = run.get("id"), run.get("status")
        if status == facts.ABORTING:
            return Decision(False, "Run %s was left alone: it is already being aborted (status ABORTING)." % run_id, wrong_state=True)
        if status not in self.ABORTABLE:
            return Decision(
                False,
                "Run %s was left alone: only runs that have not finished can be aborted and %s." % (run_id, facts.describe_status(status)),
                wrong_state=True,
            )
        return Decision(True, "Run %s is %s and will be aborted." % (run_id, status))

    def evidence(self, before, after):
        """ACTED when the run is ABORTING or ABORTED; NOT_ACTED when it still runs;
        ENDED when it finished otherwise; UNKNOWN for anything else."""
        status = after.get("status")
        if status in (facts.ABORTING, facts.ABORTED):
            return ACTED
        if status in self.ABORTABLE:
            return NOT_ACTED
        if status in facts.TERMINAL_STATUSES:
            return ENDED
        return UNKNOWN

    def ended(self, run):
        return run.get("status") not in self.ABORTABLE

    def done_msg(self, run_id, before, after):
        how = " gracefully" if self.gracefully else ""
        return "Run %s was aborted%s (status %s -> %s)." % (run_id, how, before.get("status"), after.get("status"))

    def ended_msg(self, run_id, run, received=False):
        if received:
            return "Run %s was not aborted: it finished (status %s) just before the abort request reached the API." % (run_id, run.get("status"))
        return "Run %s was left alone: it finished (status %s) just before the abort." % (run_id, run.get("status"))

    def wait_done(self, run):
        return run.get("status") in facts.TERMINAL_STATUSES  # any finish is the end of waiting; the status says how

    def waited_msg(self, run):
        return "It has finished with status %s." % run.get("status")


class Resurrect(RunAction):
    """POST /v2/actor-runs/{runId}/resurrect: only finished runs; evidence is ``stats.resurrectCount``
    or the run having left its finished state.

    ``run_options`` are the query parameters as the API takes them, already checked
    (``build``, ``timeout``, ``memory``, ``maxItems``, ``maxTotalChargeUsd``, ``restartOnError``).
    """

    path = "resurrect"
    noun = "resurrection"
    past = "resurrected"
    wrong_state_option = "fail_if_not_finished"
    evidence_name = "its resurrect count and status"
    no_evidence = "the run is still finished with the same count"
    wait_goal = "RUNNING"
    waiting_for = "for it to run"

    def __init__(self, run_options=None, max_resurrect_count=None):
        self.run_options = dict(run_options or {})
        self.max_resurrect_count = max_resurrect_count

    def params(self):
        return self.run_options or None

    def decide(self, run):
        run_id, status = run.get("id"), run.get("status")
        if status in (facts.READY, facts.RUNNING):
            return Decision(
                False, "Run %s was left alone: it is running (status %s); only finished runs can be resurrected." % (run_id, status), wrong_state=True
            )
        if status in (facts.ABORTING, facts.TIMING_OUT):
            msg = "Run %s was left alone: it is on its way to finishing (status %s); wait until it has finished, then resurrect it." % (run_id, status)
            return Decision(False, msg, wrong_state=True)
        if status not in facts.TERMINAL_STATUSES:
            return Decision(
                False, "Run %s was left alone: only finished runs can be resurrected and %s." % (run_id, facts.describe_status(status)), wrong_state=True
            )
        if self.max_resurrect_count is not None:
            count = facts.resurrect_count(run)
            if count is None:
                msg = "Run %s was left alone: the API gave no resurrect count, so max_resurrect_count=%d cannot be checked." % (
                    run_id,
                    self.max_resurrect_count,
                )
                return Decision(False, msg, warning=msg)
            if count >= self.max_resurrect_count:
                msg = (
                    "Run %s was left alone: it has been resurrected %d time(s), which has reached max_resurrect_count=%d (a guard against resurrection loops)."
                    % (
                        run_id,
                        count,
                        self.max_resurrect_count,
                    )
                )
                return Decision(False, msg, warning=msg)
        return Decision(True, "Run %s is %s and will be resurrected." % (run_id, status))

    def check_answer(self, run_id, before, answer):
        """A POST answer whose resurrect count went down is not about the resurrection we asked for."""
        _refuse_a_lower_count(run_id, self.path, facts.resurrect_count(before), facts.resurrect_count(answer), "resurrectCount", "resurrect")

    def evidence(self, before, after):
        """ACTED when the count went up, or the run is no longer finished, or it finished again
        (``finishedAt`` moved); NOT_ACTED when it is finished as before with the same count;
        UNKNOWN when the count is missing or went down. Never ENDED: a run that started by
        itself has left its finished state, which is what the evidence looks for."""
        count_before, count_after = facts.resurrect_count(before), facts.resurrect_count(after)
        if count_before is not None and count_after is not None and count_after < count_before:
            return UNKNOWN  # the API contradicts itself: nothing can be concluded
        if count_before is not None and count_after is not None and count_after > count_before:
            return ACTED
        if after.get("status") not in facts.TERMINAL_STATUSES:
            return ACTED if after.get("status") in facts.STATUSES else UNKNOWN
        if after.get("finishedAt") != before.get("finishedAt"):
            return ACTED  # it ran again and finished again
        if count_before is None or count_after is None:
            return UNKNOWN
        return NOT_ACTED

    def evidence_text(self, before, now):
        return "status before %s, now %s; resurrect count before %s, now %s" % (
            before.get("status"),
            now.get("status"),
            _shown(facts.resurrect_count(before)),
            _shown(facts.resurrect_count(now)),
        )

    def ended(self, run):
        return run.get("status") not in facts.TERMINAL_STATUSES

    def ended_msg(self, run_id, run, received=False):
        if received:
            return "Run %s was not resurrected: it was no longer finished (status %s) when the resurrect request reached the API." % (run_id, run.get("status"))
        return "Run %s was left alone: it was no longer finished (status %s) when the resurrection arrived." % (run_id, run.get("status"))

    def done_msg(self, run_id, before, after):
        return "Run %s was resurrected (status %s -> %s, resurrect count %s -> %s)." % (
            run_id,
            before.get("status"),
            after.get("status"),
            _shown(facts.resurrect_count(before)),
            _shown(facts.resurrect_count(after)),
        )

    def wait_done(self, run):
        return run.get("status") == facts.RUNNING

    def wait_failed(self, run):
        return run.get("status") in facts.TERMINAL_STATUSES

    def wait_failed_text(self, run):
        return "finished again with status %s while starting, before it was RUNNING" % run.get("status")

    def waited_msg(self, run):
        return "It is RUNNING."


def _shown(count):
    return "unknown" if count is None else count


def _refuse_a_lower_count(run_id, path, count_before, count_after, field, word):
    """Raise ApifyResponseError when the POST answer's ``stats.<field>`` is lower than the one read
    just before: such an answer is not about the request we sent (a missing count proves nothing)."""
    if count_before is not None and count_after is not None and count_after < count_before:
        raise ApifyResponseError(
            "POST",
            run_path(run_id, path),
            json_path="data.stats.%s" % field,
            accepted=True,
            reason="the answer shows %s count %d, lower than the %d read just before; it was not believed" % (word, count_after, count_before),
        )
