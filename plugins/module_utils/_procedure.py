# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The safe action on one run: read, decide, act at most once, verify, optionally wait.

This is the centre of the collection. An action (a ``RunAction``: the
contract is ``_action_contract.py``, the actions ``_run_actions.py``) supplies
only what differs between actions: its decision (should this run be acted
on?), its evidence (did it act? judged from the run read before and after),
what waiting for it means and every word of its messages. Everything else is
here, once:

* The request is never sent again blindly. When it gets no trustworthy answer
  (5xx, timeout, dropped connection, an answer not to be believed) the run is
  read again and the action's evidence decides. Only when the evidence says
  the action did not happen, and the failure was one where the API cannot have
  acted on the request, is it sent again.
* Once a request went out that the API did not refuse, the result says
  ``changed`` whatever happens next.
* Check mode reads and decides but never sends the action.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.apify.platform.plugins.module_utils import _run_facts as facts
from ansible_collections.apify.platform.plugins.module_utils._action_contract import ACTED, ENDED, NOT_ACTED, UNKNOWN
from ansible_collections.apify.platform.plugins.module_utils._batch import map_concurrently, unique
from ansible_collections.apify.platform.plugins.module_utils._errors import (
    ApifyActionUncertainError,
    ApifyApiError,
    ApifyError,
    ApifyResponseError,
    ApifyRunStateError,
    ApifyTransportError,
)
from ansible_collections.apify.platform.plugins.module_utils._runs import get_run, post_action
from ansible_collections.apify.platform.plugins.module_utils._waiter import WaitFailed, WaitTimeout, clock, wait_for


class ProcedureOptions:
    """What the task asked for; the same for every run of a batch.

    ``fail_on_wrong_state``: a run left alone because of its status is a
    failure (the action names the module option: ``wrong_state_option``).
    """

    def __init__(self, check_mode=False, fail_on_wrong_state=False, wait=False, wait_timeout=300, wait_sleep=5):
        self.check_mode = check_mode
        self.fail_on_wrong_state = fail_on_wrong_state
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.wait_sleep = wait_sleep


class Procedure:
    """Runs one action on runs through one client; ``sleep`` and ``now`` are injectable for tests."""

    def __init__(self, client, action, options, sleep=None, now=None):
        self.client = client
        self.action = action
        self.options = options
        self._sleep = sleep or time.sleep
        self._now = now or time.monotonic

    def run(self, run_id):
        """Return ``{run_id, changed, <past>, run, msg, warning}``; raise ApifyError on failure."""
        action, options = self.action, self.options
        before = get_run(self.client, run_id)
        decision = action.decide(before)
        if not decision.act:
            if options.fail_on_wrong_state and decision.wrong_state:
                raise self._wrong_state(decision.msg, before)
            return self._result(run_id, False, before, decision.msg, decision.warning)
        if options.check_mode:
            return self._result(run_id, True, before, action.check_mode_msg(run_id, before))

        outcome, run, acted = self._act_once(run_id, before)
        if outcome == ENDED:
            msg = action.ended_msg(run_id, run)
            if options.fail_on_wrong_state:
                error = self._wrong_state(msg, run)
                error.changed = acted
                raise error
            return self._result(run_id, acted, run, msg, done=False)
        msg = action.done_msg(run_id, before, run)
        if options.wait:
            run = self._wait(run_id)
            msg += " " + action.waited_msg(run)
        return self._result(run_id, True, run, msg)

    def _wrong_state(self, msg, run):
        return ApifyRunStateError("%s Failing because %s is true." % (msg, self.action.wrong_state_option), run=run)

    def entry(self, run_id, full_runs=True):
        """run() for one run of many: a failure becomes part of the entry, not an exception.

        Unless ``full_runs``, the entry keeps only a compact view of the run, made
        here in the worker so that thousands of full run objects never pile up.
        """
        try:
            entry = self.run(run_id)
        except ApifyError as exc:
            entry = failed_entry(run_id, self.action.past, exc, run=getattr(exc, "run", None))
        else:
            entry["failed"] = False
        if not full_runs and entry["run"] is not None:
            entry["run"] = facts.compact_run(entry["run"])
        return entry

    def all(self, run_ids, concurrency, full_runs=True):
        """One entry per distinct run ID, in the order given; runs handled ``concurrency`` at a time."""
        return map_concurrently(lambda run_id: self.entry(run_id, full_runs), unique(run_ids), concurrency)

    def _result(self, run_id, changed, run, msg, warning=None, done=None):
        return {"run_id": run_id, "changed": changed, self.action.past: changed if done is None else done, "run": run, "msg": msg, "warning": warning}

    # -- the request, at most one that takes effect -----------------------------

    def _act_once(self, run_id, before):
        """Send the action until it is known to have happened, at most once in effect.

        Returns ``(outcome, run, acted)``: ACTED or ENDED, the run as last seen,
        and whether a request that may have acted went out. Raises ApifyError
        otherwise, with ``changed`` set when a request went out that the API did
        not refuse.
        """
        action = self.action
        sends = 0
        acted = False  # a request went out and the API did not refuse it
        while True:
            sends += 1
            try:
                after = post_action(self.client, run_id, action.path, action.params(), expect=lambda answer: action.check_answer(run_id, before, answer))
                if action.evidence(before, after) == ENDED:
                    # The API answered with the run unchanged and finished: it ended on its own first.
                    return ENDED, after, acted
                return ACTED, after, True
            except ApifyApiError as exc:
                if exc.status == 400:
                    return self._after_rejection(run_id, exc, acted) + (acted,)
                if exc.status < 500:
                    exc.changed = acted
                    raise
                failure = exc
            except ApifyResponseError as exc:
                if exc.status is not None and 300 <= exc.status < 400:
                    # A redirect, never followed: the API sent us elsewhere instead of acting.
                    exc.changed = acted
                    raise
                failure = exc
            except ApifyTransportError as exc:
                failure = exc
            if not _may_have_acted(failure):
                # No connection was made: nothing to verify, and sending again is safe.
                outcome, now = NOT_ACTED, before
            else:
                acted = True
                outcome, now = self._verify(run_id, before, failure)
            if outcome in (ACTED, ENDED):
                return outcome, now, acted or outcome == ACTED
            if outcome == NOT_ACTED and isinstance(failure, ApifyResponseError):
                # The API answered, with something not to be believed, and the evidence did
                # not move: asking again could act twice.
                outcome = UNKNOWN
            if outcome == NOT_ACTED and sends <= self.client.retries:
                self._sleep(self.client.backoff_delay(sends - 1))
                continue
            if outcome == NOT_ACTED:
                # The last failure keeps its kind (api, transport).
                failure.append(
                    "Run %s was not %s as far as %s shows: %d %s request(s) failed and %s."
                    % (run_id, action.past, action.evidence_name, sends, action.noun, action.no_evidence)
                )
                failure.changed = acted
                failure.done = False
                raise failure
            error = ApifyActionUncertainError(
                "The %s of run %s may or may not have happened: the request failed (%s) and the run's state "
                "cannot tell (%s). Check the run before trying again." % (action.noun, run_id, failure.message, action.evidence_text(before, now))
            )
            error.changed = True
            raise error

    def _after_rejection(self, run_id, exc, acted):
        """A 400: typically the run finished between our read and the request."""
        try:
            now = get_run(self.client, run_id)
        except ApifyError as read_error:
            exc.append("Reading the run afterwards to see whether it had finished failed too: %s" % read_error.message)
            exc.changed = acted
            raise exc from None
        if self.action.ended(now):
            return ENDED, now
        exc.changed = acted
        raise exc

    def _verify(self, run_id, before, failure):
        """Read the run again after a failed request and let the action's evidence say what happened.

        After a timeout, an interim answer, or a gateway's 502 or 504, the
        request may still be on its way through the API, so the run is watched
        for twice the request timeout before evidence of nothing is believed.
        """
        settle = 2 * self.client.timeout if _may_be_in_flight(failure) else 0
        outcome, now = UNKNOWN, {}
        try:
            for _elapsed in clock(settle, min(1.0, max(0.1, settle / 10.0)), now=self._now, sleep=self._sleep):
                now = get_run(self.client, run_id)
                outcome = self.action.evidence(before, now)
                if outcome != NOT_ACTED:
                    break
        except ApifyError as exc:
            error = ApifyActionUncertainError(
                "The %s of run %s may or may not have happened: the request failed (%s) and reading the run "
                "afterwards failed too (%s). Check the run before trying again." % (self.action.noun, run_id, failure.message, exc.message)
            )
            error.changed = True
            raise error from None
        return outcome, now

    # -- waiting ----------------------------------------------------------------

    def _wait(self, run_id):
        action, options = self.action, self.options
        try:
            return wait_for(
                lambda: get_run(self.client, run_id),
                done=action.wait_done,
                failed=action.wait_failed,
                timeout=options.wait_timeout,
                sleep_interval=options.wait_sleep,
                now=self._now,
                sleep=self._sleep,
            )
        except WaitFailed as exc:
            error = ApifyRunStateError("Run %s was %s, then %s." % (run_id, action.past, action.wait_failed_text(exc.last)), run=exc.last)
        except WaitTimeout as exc:
            error = ApifyRunStateError(
                "Run %s was %s but was not %s within wait_timeout=%s s; its last status was %s."
                % (run_id, action.past, action.wait_goal, options.wait_timeout, (exc.last or {}).get("status")),
                run=exc.last,
            )
        except ApifyError as exc:
            exc.append("Run %s had been %s; this happened while waiting %s." % (run_id, action.past, action.waiting_for))
            error = exc
        error.changed = True
        raise error


def _may_be_in_flight(failure):
    """Whether the API may still act on a request that failed this way."""
    if isinstance(failure, ApifyTransportError):
        return failure.timeout or failure.interim
    return getattr(failure, "status", None) in (502, 504)


def _may_have_acted(failure):
    """Whether a request that failed this way may have reached the API and been acted on."""
    if isinstance(failure, ApifyTransportError):
        return failure.sent
    return True  # a 5xx, or an answer not to be believed: the request arrived


def failed_entry(run_id, past, error, run=None):
    """The entry of one run of many whose handling failed with ``error`` (an ApifyError)."""
    return {
        "run_id": run_id,
        "changed": error.changed,
        past: error.changed if error.done is None else error.done,
        "failed": True,
        "run": run,
        "msg": error.message,
        "error": error.to_dict(),
        "warning": None,
    }
