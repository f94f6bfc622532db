# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The contract between the safe procedure (``_procedure.py``) and an action on a run.

An action (``_run_actions.py``: reboot, abort, resurrect) is a ``RunAction``:
its endpoint, its decision, its evidence and its words. The procedure reads,
decides, acts at most once, verifies and waits, and takes every word of its
messages from the action; it knows no action by name.

Members an action must give: ``path``, ``noun``, ``past``, ``decide``,
``evidence``, ``ended`` and ``wait_done``. Everything else has a default that
fits an action judged by the run's status; override what differs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# What the evidence says after a request with no trustworthy answer (``RunAction.evidence``).
ACTED = "acted"
NOT_ACTED = "not_acted"
ENDED = "ended"  # the run moved on by itself: the action no longer applies
UNKNOWN = "unknown"


class Decision:
    """What to do with a run: ``act`` True or False, ``msg`` says why.

    ``wrong_state`` is True when the run is left alone because of its status
    (the action's ``wrong_state_option`` turns that into a failure);
    ``warning`` is optional.
    """

    def __init__(self, act, msg, warning=None, wrong_state=False):
        self.act = act
        self.msg = msg
        self.warning = warning
        self.wrong_state = wrong_state

    def __repr__(self):
        return "Decision(act=%r, msg=%r)" % (self.act, self.msg)


class RunAction:
    """One action on an Actor run, as the procedure uses it. Pure functions of run objects."""

    # -- what it is ----------------------------------------------------------------------------
    path = None  # the endpoint: POST /v2/actor-runs/{runId}/<path>
    noun = None  # "reboot": "the reboot of run X may or may not have happened"
    past = None  # "rebooted": the result key, "<past>_run_ids", "Run X was rebooted"
    wrong_state_option = "fail_if_not_running"  # the module option that fails a run left alone for its status
    evidence_name = "its status"  # what the evidence is read from, for "as far as <evidence_name> shows"
    no_evidence = "it did not change"  # what "no evidence" looked like
    wait_goal = "finished"  # "was not <wait_goal> within wait_timeout"
    waiting_for = "for it to finish"  # "this happened while waiting <waiting_for>"

    def params(self):
        """The query parameters of the request (a dict of strings), or None."""
        return None

    # -- deciding and judging ------------------------------------------------------------------
    def decide(self, run):
        """A Decision for the run as just read: act on it now, or leave it alone and say why."""
        raise NotImplementedError

    def check_answer(self, run_id, before, answer):
        """Raise ApifyResponseError when a 2xx answer (already checked to be about ``run_id``)
        cannot be about the request we sent; by default any answer about the run will do."""

    def evidence(self, before, after):
        """ACTED, NOT_ACTED, ENDED or UNKNOWN: judging from the run read before the request and
        the run read (or answered) after it, whether the action happened. UNKNOWN stops all
        retries, so anything the action cannot tell must be UNKNOWN, never NOT_ACTED."""
        raise NotImplementedError

    def evidence_text(self, before, now):
        """The evidence in words, for a message that says it cannot tell."""
        return "status before %s, now %s" % (before.get("status"), now.get("status"))

    def ended(self, run):
        """After a 400 from the API: whether the run, read again, no longer qualifies (it moved on
        by itself), so the rejection is the race and not an error."""
        raise NotImplementedError

    # -- waiting (wait: true) ------------------------------------------------------------------
    def wait_done(self, run):
        """Whether waiting has reached its goal."""
        raise NotImplementedError

    def wait_failed(self, run):
        """Whether waiting can stop because the goal can no longer be reached."""
        return False

    def wait_failed_text(self, run):
        """How the run failed the wait: "Run X was <past>, then <this>."."""
        return "ended with status %s" % run.get("status")

    # -- the messages --------------------------------------------------------------------------
    def check_mode_msg(self, run_id, run):
        return "Run %s is %s and would be %s (check mode: no %s was sent)." % (run_id, run.get("status"), self.past, self.noun)

    def done_msg(self, run_id, before, after):
        return "Run %s was %s (status %s -> %s)." % (run_id, self.past, before.get("status"), after.get("status"))

    def ended_msg(self, run_id, run):
        """The run moved on by itself between the read and the request (ENDED)."""
        return "Run %s was left alone: its status became %s just before the %s." % (run_id, run.get("status"), self.noun)

    def waited_msg(self, run):
        """Appended to ``done_msg`` once waiting has reached its goal."""
        return "Its status is now %s." % run.get("status")
