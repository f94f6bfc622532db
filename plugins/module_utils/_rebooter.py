# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The safe reboot of one run: read, decide, reboot at most once, optionally wait.

The one rule that shapes this file: a reboot request is never sent again
blindly. When a POST gets no trustworthy answer (5xx, timeout, dropped
connection) the run is read again and its ``stats.rebootCount`` compared with
the value read before: only when the counter has not moved and the run is
still RUNNING is the request sent again.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.apify.platform.plugins.module_utils import _reboot
from ansible_collections.apify.platform.plugins.module_utils._batch import map_concurrently, unique
from ansible_collections.apify.platform.plugins.module_utils._errors import (
    ApifyApiError,
    ApifyError,
    ApifyRebootUncertainError,
    ApifyResponseError,
    ApifyRunStateError,
    ApifyTransportError,
)
from ansible_collections.apify.platform.plugins.module_utils._runs import get_run, post_reboot, run_path
from ansible_collections.apify.platform.plugins.module_utils._waiter import WaitFailed, WaitTimeout, wait_for


class RebootOptions:
    """What the task asked for; the same for every run of a batch."""

    def __init__(self, check_mode=False, max_reboot_count=None, fail_if_not_running=False, wait=False, wait_timeout=300, wait_sleep=5):
        self.check_mode = check_mode
        self.max_reboot_count = max_reboot_count
        self.fail_if_not_running = fail_if_not_running
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.wait_sleep = wait_sleep


class Rebooter:
    """Reboots runs through one client; ``sleep`` and ``now`` are injectable for tests."""

    def __init__(self, client, options, sleep=None, now=None):
        self.client = client
        self.options = options
        self._sleep = sleep or time.sleep
        self._now = now or time.monotonic

    def reboot(self, run_id):
        """Return ``{run_id, changed, rebooted, run, msg, warning}``; raise ApifyError on failure."""
        before = get_run(self.client, run_id)
        decision = _reboot.decide(before, self.options.max_reboot_count)
        if not decision.reboot:
            if self.options.fail_if_not_running and before.get("status") != _reboot.RUNNING:
                raise ApifyRunStateError(decision.msg + " Failing because fail_if_not_running is true.", run=before)
            return _result(run_id, False, before, decision.msg, decision.warning)
        if self.options.check_mode:
            return _result(run_id, True, before, "Run %s is RUNNING and would be rebooted (check mode: no reboot was sent)." % run_id)

        outcome, run, acted = self._reboot_once(run_id, before)
        if outcome == _reboot.ENDED:
            msg = "Run %s was left alone: it stopped running (status %s) just before the reboot." % (run_id, run.get("status"))
            if self.options.fail_if_not_running:
                error = ApifyRunStateError(msg + " Failing because fail_if_not_running is true.", run=run)
                error.changed = acted
                raise error
            return _result(run_id, acted, run, msg, rebooted=False)
        msg = "Run %s was rebooted (reboot count %s -> %s)." % (run_id, _shown_count(before), _shown_count(run))
        if self.options.wait:
            run = self._wait_until_running(run_id)
            msg += " It is RUNNING again."
        return _result(run_id, True, run, msg)

    def reboot_entry(self, run_id, full_runs=True):
        """reboot() for one run of many: a failure becomes part of the entry, not an exception.

        Unless ``full_runs``, the entry keeps only a compact view of the run, made
        here in the worker so that thousands of full run objects never pile up.
        """
        try:
            entry = self.reboot(run_id)
        except ApifyError as exc:
            entry = {
                "run_id": run_id,
                "changed": exc.changed,
                "rebooted": exc.changed if exc.rebooted is None else exc.rebooted,
                "failed": True,
                "run": getattr(exc, "run", None),
                "msg": exc.message,
                "error": exc.to_dict(),
                "warning": None,
            }
        else:
            entry["failed"] = False
        if not full_runs and entry["run"] is not None:
            entry["run"] = _reboot.compact_run(entry["run"])
        return entry

    def reboot_all(self, run_ids, concurrency, full_runs=True):
        """One entry per distinct run ID, in the order given; runs handled ``concurrency`` at a time."""
        return map_concurrently(lambda run_id: self.reboot_entry(run_id, full_runs), unique(run_ids), concurrency)

    # -- the POST, at most one effective reboot ---------------------------------

    def _reboot_once(self, run_id, before):
        """Send the reboot until it is known to have happened, at most once in effect.

        Returns ``(outcome, run, acted)``: REBOOTED or ENDED, the run as last
        seen, and whether a request that may have acted went out. Raises
        ApifyError otherwise, with ``changed`` set when a request went out that
        the API did not refuse.
        """
        sends = 0
        acted = False  # a reboot request went out and the API did not refuse it
        while True:
            sends += 1
            try:
                after = post_reboot(self.client, run_id)
                _check_count_not_lower(run_id, before, after)
                return _reboot.REBOOTED, after, True
            except ApifyApiError as exc:
                if exc.status == 400:
                    outcome, now = self._after_rejection(run_id, exc, acted)
                    return outcome, now, acted
                if exc.status < 500:
                    exc.changed = acted
                    raise
                failure = exc
            except ApifyTransportError as exc:
                failure = exc
            except ApifyResponseError as exc:
                failure = exc
            acted = acted or _may_have_acted(failure)

            outcome, now = self._verify(run_id, before, failure)
            if outcome in (_reboot.REBOOTED, _reboot.ENDED):
                return outcome, now, acted or outcome == _reboot.REBOOTED
            if outcome == _reboot.NOT_REBOOTED and isinstance(failure, ApifyResponseError):
                # The API answered, but with something not to be believed, and the counter
                # did not move: asking again could reboot the run twice.
                outcome = _reboot.UNKNOWN
            if outcome == _reboot.NOT_REBOOTED and sends <= self.client.retries:
                self._sleep(self.client.backoff_delay(sends - 1))
                continue
            if outcome == _reboot.NOT_REBOOTED:
                # The run's counter says it was not rebooted. The last failure keeps its kind (api, transport).
                failure.append("Run %s was not rebooted as far as its reboot count shows: %d reboot request(s) failed and the count did not move." % (run_id, sends))
                failure.changed = acted
                failure.rebooted = False
                raise failure
            error = ApifyRebootUncertainError(
                "The reboot of run %s may or may not have happened: the request failed (%s) and the "
                "run's state cannot tell (status %s, reboot count before %s, now %s). Check the run "
                "before trying again." % (run_id, failure.message, now.get("status"), _shown_count(before), _shown_count(now))
            )
            error.changed = True
            raise error

    def _after_rejection(self, run_id, exc, acted):
        """A 400: typically the run finished between our read and the reboot."""
        try:
            now = get_run(self.client, run_id)
        except ApifyError as read_error:
            exc.append("Reading the run afterwards to see whether it had finished failed too: %s" % read_error.message)
            exc.changed = acted
            raise exc
        if now.get("status") != _reboot.RUNNING:
            return _reboot.ENDED, now
        exc.changed = acted
        raise exc

    def _verify(self, run_id, before, failure):
        """Read the run again after a failed POST and say whether it was rebooted.

        After a timeout, an interim answer, or a gateway's 502 or 504, the
        request may still be on its way through the API, so the run is watched
        for twice the request timeout before a quiet counter is believed.
        """
        settle = 2 * self.client.timeout if _may_be_in_flight(failure) else 0
        sleep_interval = min(1.0, max(0.1, settle / 10.0))
        outcome, now = _reboot.UNKNOWN, {}
        try:
            deadline = self._now() + settle
            while True:
                now = get_run(self.client, run_id)
                outcome = _reboot.verify(before, now)
                remaining = deadline - self._now()
                if outcome != _reboot.NOT_REBOOTED or remaining <= 0:
                    return outcome, now
                self._sleep(min(sleep_interval, remaining))
        except ApifyError as exc:
            error = ApifyRebootUncertainError(
                "The reboot of run %s may or may not have happened: the request failed (%s) and "
                "reading the run afterwards failed too (%s). Check the run before trying again." % (run_id, failure.message, exc.message)
            )
            error.changed = True
            raise error from None

    # -- waiting ----------------------------------------------------------------

    def _wait_until_running(self, run_id):
        opts = self.options
        try:
            return wait_for(
                lambda: get_run(self.client, run_id),
                done=lambda run: run.get("status") == _reboot.RUNNING,
                failed=lambda run: run.get("status") in _reboot.TERMINAL_STATUSES,
                timeout=opts.wait_timeout,
                sleep_interval=opts.wait_sleep,
                now=self._now,
                sleep=self._sleep,
            )
        except WaitFailed as exc:
            error = ApifyRunStateError(
                "Run %s was rebooted, then ended with status %s while waiting for it to run again." % (run_id, exc.last.get("status")), run=exc.last
            )
        except WaitTimeout as exc:
            error = ApifyRunStateError(
                "Run %s was rebooted but was not RUNNING again within wait_timeout=%s s; its last "
                "status was %s." % (run_id, opts.wait_timeout, (exc.last or {}).get("status")),
                run=exc.last,
            )
        except ApifyError as exc:
            exc.append("Run %s had been rebooted; this happened while waiting for it to run again." % run_id)
            error = exc
        error.changed = True
        raise error


def _shown_count(run):
    count = _reboot.reboot_count(run)
    return "unknown" if count is None else count


def _may_be_in_flight(failure):
    """Whether the API may still act on a request that failed this way."""
    if isinstance(failure, ApifyTransportError):
        return failure.timeout or failure.interim
    return getattr(failure, "status", None) in (502, 504)


def _may_have_acted(failure):
    """Whether a POST that failed this way may have reached the API and been acted on."""
    if isinstance(failure, ApifyTransportError):
        return failure.sent
    return True  # a 5xx, or an answer not to be believed: the request arrived


def _check_count_not_lower(run_id, before, after):
    """A POST answer whose reboot count went down is not about the reboot we asked for."""
    count_before, count_after = _reboot.reboot_count(before), _reboot.reboot_count(after)
    if count_before is not None and count_after is not None and count_after < count_before:
        raise ApifyResponseError(
            "POST",
            run_path(run_id, "reboot"),
            json_path="data.stats.rebootCount",
            accepted=True,
            reason="the answer shows reboot count %d, lower than the %d read just before; it was not believed" % (count_after, count_before),
        )


def _result(run_id, changed, run, msg, warning=None, rebooted=None):
    return {"run_id": run_id, "changed": changed, "rebooted": changed if rebooted is None else rebooted, "run": run, "msg": msg, "warning": warning}
