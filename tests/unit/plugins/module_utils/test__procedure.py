# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import itertools

import pytest

from ansible_collections.apify.platform.plugins.module_utils._client import BACKOFF_CAP
from ansible_collections.apify.platform.plugins.module_utils._errors import (
    ApifyApiError,
    ApifyError,
    ApifyRebootUncertainError,
    ApifyResponseError,
    ApifyRunStateError,
    ApifyTransportError,
)
from ansible_collections.apify.platform.plugins.module_utils._procedure import Procedure, ProcedureOptions
from ansible_collections.apify.platform.plugins.module_utils._run_actions import Reboot

NOT_RUNNING = ["READY", "SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED", "ABORTING", "TIMING-OUT", "MIGRATING"]


def rebooter(fake, retries=3, timeout=5.0, max_reboot_count=None, **options):
    """The safe procedure with the Reboot action, on the scripted API and the fake clock."""
    client = fake.client(retries=retries, timeout=timeout)
    return Procedure(client, Reboot(max_reboot_count=max_reboot_count), ProcedureOptions(**options), sleep=fake.clock.sleep, now=fake.clock.now)


def get_ok(fake, status="RUNNING", count=0, **extra):
    return fake.ok(fake.run(status=status, reboot_count=count, **extra))


def timeout_after(fake, seconds):
    """A POST that takes ``seconds`` of (fake) time, then times out."""
    return fake.timed_out_after(seconds)


# Ways a read of the run can fail (after the client's own retries).
READ_FAILURES = [
    lambda fake: fake.error(404, "record-not-found", "gone"),
    lambda fake: fake.refused(),
    lambda fake: fake.ok({"id": "broken"}),
]
READ_FAILURE_IDS = ["404", "refused", "invalid"]


def posts(fake):
    return len(fake.http.of("POST"))


def gets(fake):
    return len(fake.http.of("GET"))


# -- ProcedureOptions ----------------------------------------------------------------------------


def test_options_defaults():
    opts = ProcedureOptions()
    assert (opts.check_mode, opts.fail_on_wrong_state) == (False, False)
    assert (opts.wait, opts.wait_timeout, opts.wait_sleep) == (False, 300, 5)
    assert Reboot().max_reboot_count is None


# -- reading first, acting only on RUNNING -----------------------------------------------


def test_running_run_is_rebooted_with_one_post(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=2))
    fake.http.script("POST", fake.REBOOT_PATH, get_ok(fake, status="READY", count=3))
    result = rebooter(fake).run(fake.RUN_ID)
    assert result == {
        "run_id": fake.RUN_ID,
        "changed": True,
        "rebooted": True,
        "run": fake.run(status="READY", reboot_count=3),
        "msg": "Run %s was rebooted (reboot count 2 -> 3)." % fake.RUN_ID,
        "warning": None,
    }
    assert fake.http.methods == ["GET", "POST"]
    assert [(c.path, c.params) for c in fake.http.calls] == [(fake.RUN_PATH, None), (fake.REBOOT_PATH, None)]
    assert all(c.headers["Authorization"] == "Bearer " + fake.TOKEN for c in fake.http.calls)
    assert fake.clock.sleeps == []


@pytest.mark.parametrize("status", NOT_RUNNING)
def test_not_running_is_left_alone_without_post(fake, status):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, status=status))
    result = rebooter(fake).run(fake.RUN_ID)
    assert result["changed"] is False
    assert result["rebooted"] is False
    assert result["warning"] is None
    assert result["run"]["status"] == status
    assert result["msg"].startswith("Run %s was left alone: only RUNNING runs can be rebooted" % fake.RUN_ID)
    assert status in result["msg"]
    assert fake.http.methods == ["GET"]


@pytest.mark.parametrize("status", NOT_RUNNING)
@pytest.mark.parametrize("check_mode", [False, True])
def test_fail_if_not_running(fake, status, check_mode):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, status=status))
    with pytest.raises(ApifyRunStateError) as info:
        rebooter(fake, fail_on_wrong_state=True, check_mode=check_mode).run(fake.RUN_ID)
    assert info.value.changed is False
    assert info.value.run["status"] == status
    assert str(info.value).endswith("Failing because fail_if_not_running is true.")
    assert status in str(info.value)
    assert fake.http.methods == ["GET"]


def test_fail_if_not_running_still_reboots_a_running_run(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.http.script("POST", fake.REBOOT_PATH, get_ok(fake, count=1))
    assert rebooter(fake, fail_on_wrong_state=True).run(fake.RUN_ID)["changed"] is True
    assert posts(fake) == 1


@pytest.mark.parametrize("fail_if_not_running", [False, True])
def test_max_reboot_count_guard_warns_and_does_not_post(fake, fail_if_not_running):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=3))
    result = rebooter(fake, max_reboot_count=3, fail_on_wrong_state=fail_if_not_running).run(fake.RUN_ID)
    assert result["changed"] is False
    assert result["warning"] == result["msg"]
    assert "max_reboot_count=3" in result["warning"]
    assert fake.http.methods == ["GET"]


def test_max_reboot_count_below_the_guard_reboots(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=2))
    fake.http.script("POST", fake.REBOOT_PATH, get_ok(fake, count=3))
    assert rebooter(fake, max_reboot_count=3).run(fake.RUN_ID)["changed"] is True


def test_get_error_before_anything_is_raised_unchanged(fake):
    fake.http.script("GET", fake.RUN_PATH, fake.error(404, "record-not-found", "Actor run was not found"))
    with pytest.raises(ApifyApiError) as info:
        rebooter(fake).run(fake.RUN_ID)
    assert info.value.status == 404
    assert info.value.changed is False
    assert fake.http.methods == ["GET"]


def test_invalid_first_read_is_a_response_error_and_no_post(fake):
    run = fake.run()
    run["stats"]["rebootCount"] = "x"
    fake.http.script("GET", fake.RUN_PATH, fake.ok(run))
    with pytest.raises(ApifyResponseError) as info:
        rebooter(fake).run(fake.RUN_ID)
    assert info.value.changed is False
    assert fake.http.methods == ["GET"]


# -- check mode -------------------------------------------------------------------------------


def test_check_mode_running_reports_change_without_post(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=1))
    result = rebooter(fake, check_mode=True, wait=True).run(fake.RUN_ID)
    assert result["changed"] is True
    assert result["rebooted"] is True
    assert result["run"] == fake.run(reboot_count=1)
    assert result["msg"] == ("Run %s is RUNNING and would be rebooted (check mode: no reboot was sent)." % fake.RUN_ID)
    assert fake.http.methods == ["GET"]
    assert fake.clock.sleeps == []  # no waiting in check mode


@pytest.mark.parametrize("status", ["READY", "SUCCEEDED"])
def test_check_mode_not_running(fake, status):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, status=status))
    result = rebooter(fake, check_mode=True).run(fake.RUN_ID)
    assert result["changed"] is False
    assert fake.http.methods == ["GET"]


def test_check_mode_respects_the_guard(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=5))
    result = rebooter(fake, check_mode=True, max_reboot_count=5).run(fake.RUN_ID)
    assert result["changed"] is False
    assert result["warning"]
    assert fake.http.methods == ["GET"]


# -- the race: the run ends between the read and the POST ----------------------------------


@pytest.mark.parametrize("status", ["SUCCEEDED", "FAILED", "ABORTED", "TIMED-OUT", "ABORTING", "READY"])
def test_rejected_because_the_run_ended(fake, status):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake), get_ok(fake, status=status))
    fake.http.script("POST", fake.REBOOT_PATH, fake.error(400, "invalid-input", "Run is not running"))
    result = rebooter(fake).run(fake.RUN_ID)
    assert result["changed"] is False
    assert result["rebooted"] is False
    assert result["run"]["status"] == status
    assert result["msg"] == ("Run %s was left alone: it stopped running (status %s) just before the reboot." % (fake.RUN_ID, status))
    assert fake.http.methods == ["GET", "POST", "GET"]


def test_rejected_while_still_running_is_raised(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake), get_ok(fake))
    fake.http.script("POST", fake.REBOOT_PATH, fake.error(400, "invalid-input", "Nope"))
    with pytest.raises(ApifyApiError) as info:
        rebooter(fake).run(fake.RUN_ID)
    assert info.value.status == 400
    assert info.value.error_message == "Nope"
    assert info.value.changed is False
    assert fake.http.methods == ["GET", "POST", "GET"]


@pytest.mark.parametrize(
    "status, error_type",
    [
        (401, "token-not-valid"),
        (403, "permission-denied"),
        (404, "record-not-found"),
        (405, "method-not-allowed"),
    ],
)
def test_other_4xx_on_post_is_raised_without_retry(fake, status, error_type):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.http.script("POST", fake.REBOOT_PATH, fake.error(status, error_type, "m"))
    with pytest.raises(ApifyApiError) as info:
        rebooter(fake).run(fake.RUN_ID)
    assert info.value.status == status
    assert info.value.changed is False
    assert fake.http.methods == ["GET", "POST"]


def test_post_429_is_retried_by_the_client_then_succeeds(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.http.script("POST", fake.REBOOT_PATH, fake.error(429, "rate-limit-exceeded", "slow down"), get_ok(fake, count=1))
    result = rebooter(fake).run(fake.RUN_ID)
    assert result["changed"] is True
    assert fake.http.methods == ["GET", "POST", "POST"]


def test_post_429_exhausted_is_raised_unchanged(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.http.script("POST", fake.REBOOT_PATH, fake.error(429, "rate-limit-exceeded", "slow"))
    with pytest.raises(ApifyApiError) as info:
        rebooter(fake, retries=2).run(fake.RUN_ID)
    assert info.value.status == 429
    assert info.value.changed is False
    assert fake.http.methods == ["GET", "POST", "POST", "POST"]


# -- no trustworthy answer: read the run again -------------------------------------------------

FAILURES = [
    ("500", lambda fake: fake.error(500, "internal-error", "Oops")),
    ("502", lambda fake: fake.error(502)),
    ("503", lambda fake: fake.response(503, raw="<html>unavailable</html>")),
    ("504", lambda fake: fake.error(504)),
    ("drop", lambda fake: fake.dropped()),
    ("timeout", lambda fake: timeout_after(fake, 5.0)),
]


@pytest.mark.parametrize("name, failure", FAILURES, ids=[f[0] for f in FAILURES])
def test_failed_post_but_counter_moved_means_rebooted_once(fake, name, failure):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=4), get_ok(fake, "READY", 5))
    fake.http.script("POST", fake.REBOOT_PATH, failure(fake))
    result = rebooter(fake).run(fake.RUN_ID)
    assert result["changed"] is True
    assert result["rebooted"] is True
    assert result["run"]["stats"]["rebootCount"] == 5
    assert result["msg"] == "Run %s was rebooted (reboot count 4 -> 5)." % fake.RUN_ID
    assert posts(fake) == 1
    assert fake.http.methods == ["GET", "POST", "GET"]  # counter moved: believed at once


@pytest.mark.parametrize("name, failure", FAILURES, ids=[f[0] for f in FAILURES])
def test_failed_post_quiet_counter_is_watched_then_never_resent(fake, name, failure):
    # Issue 17: the request went out and the API may have acted on it (its state lags its
    # answers): the run is watched for twice the timeout, then the task fails, changed, not
    # rebooted, and the request is not sent again, whatever retries allows.
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0))
    fake.http.script("POST", fake.REBOOT_PATH, failure(fake), get_ok(fake, count=1))
    with pytest.raises(ApifyError) as info:
        rebooter(fake, retries=5, timeout=5.0).run(fake.RUN_ID)
    err = info.value
    assert not isinstance(err, ApifyRebootUncertainError)  # the counter says: not rebooted
    assert err.kind == ("transport" if name in ("drop", "timeout") else "api")  # the failure keeps its kind
    assert (err.changed, err.done) == (True, False)
    assert str(err).endswith(
        "Run %s was not rebooted as far as its reboot count shows after watching it for 10 s: the reboot request failed "
        "and the count did not move. It was not sent again, since the API received it." % fake.RUN_ID
    )
    assert posts(fake) == 1
    post_at = fake.http.of("POST")[0].at
    rereads = [c.at - post_at for c in fake.http.of("GET")][1:]
    failed_at = rereads[0]  # read again at once, then every second for 2 x timeout
    assert len(rereads) == 11 and rereads[-1] - failed_at == pytest.approx(10.0)


def test_failed_post_quiet_counter_with_zero_retries_is_the_same(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0))
    fake.http.script("POST", fake.REBOOT_PATH, fake.error(500, "internal-error", "Oops"))
    with pytest.raises(ApifyApiError) as info:
        rebooter(fake, retries=0).run(fake.RUN_ID)
    assert (info.value.changed, info.value.done, info.value.status) == (True, False, 500)
    assert posts(fake) == 1


def test_never_sent_resend_backoff_stops_growing_at_the_cap(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0))
    fake.http.script("POST", fake.REBOOT_PATH, fake.refused())
    with pytest.raises(ApifyError):
        rebooter(fake, retries=10).run(fake.RUN_ID)
    assert posts(fake) == 11
    # 0.5 s doubling: the seventh wait would pass 30 s, so it and the ones after it are 30 s
    assert len(fake.clock.sleeps) == 10
    assert max(fake.clock.sleeps) == BACKOFF_CAP
    assert fake.clock.sleeps[6:] == [BACKOFF_CAP] * 4


@pytest.mark.parametrize(
    "name, failure",
    [
        ("500", lambda fake: fake.error(500, "internal-error", "Oops")),
        ("503", lambda fake: fake.response(503, raw="<html>unavailable</html>")),
        ("reset-before-status", lambda fake: fake.reset_by_peer()),
        ("drop", lambda fake: fake.dropped()),
    ],
    ids=["500", "503", "reset-before-status", "drop"],
)
def test_failed_post_and_lagging_counter_is_one_reboot(fake, name, failure):
    # Issue 17: the API acted, answered badly (or not at all), and its state shows the reboot only
    # 0.3 s later. Read once at once, the counter is quiet: resending then would reboot twice.
    state = {"posted_at": None}

    def get(call):
        moved = state["posted_at"] is not None and call.at >= state["posted_at"] + 0.3
        return get_ok(fake, count=1 if moved else 0)

    def post(call):
        state["posted_at"] = call.at
        return failure(fake)

    fake.http.script("GET", fake.RUN_PATH, get)
    fake.http.script("POST", fake.REBOOT_PATH, post, get_ok(fake, count=2))
    result = rebooter(fake, retries=5, timeout=5.0).run(fake.RUN_ID)
    assert (result["changed"], result["rebooted"], result["run"]["stats"]["rebootCount"]) == (True, True, 1)
    assert posts(fake) == 1


@pytest.mark.parametrize("status", ["SUCCEEDED", "FAILED", "ABORTED", "TIMED-OUT"])
def test_failed_post_and_run_ended_is_changed_not_rebooted(fake, status):
    # The 503 came from the API: the request reached it, so the task says changed.
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=1), get_ok(fake, status=status, count=1))
    fake.http.script("POST", fake.REBOOT_PATH, fake.error(503))
    result = rebooter(fake).run(fake.RUN_ID)
    assert (result["changed"], result["rebooted"]) == (True, False)
    assert "stopped running (status %s)" % status in result["msg"]
    assert posts(fake) == 1


# A 2xx status line, then the body breaks: the API accepted the request (issue 17).
BROKEN_2XX = [
    ("cut-short", lambda fake: fake.response(200, raw=b'{"data": {"id"', content_length=900)),
    ("invalid-gzip", lambda fake: fake.response(200, raw=b"this is not gzip", headers={"Content-Encoding": "gzip"})),
    ("not-json", lambda fake: fake.response(200, raw=b"<html>Rebooted.</html>")),
]


@pytest.mark.parametrize("name, answer", BROKEN_2XX, ids=[b[0] for b in BROKEN_2XX])
def test_broken_2xx_answer_and_lagging_counter_is_one_reboot(fake, name, answer):
    # The case: 200, the body breaks, the run shows the reboot 0.3 s later. Never sent again.
    state = {"posted_at": None}

    def get(call):
        moved = state["posted_at"] is not None and call.at >= state["posted_at"] + 0.3
        return get_ok(fake, status="READY" if moved else "RUNNING", count=1 if moved else 0)

    def post(call):
        state["posted_at"] = call.at
        return answer(fake)

    fake.http.script("GET", fake.RUN_PATH, get)
    fake.http.script("POST", fake.REBOOT_PATH, post, get_ok(fake, count=2))
    result = rebooter(fake, retries=5, timeout=5.0).run(fake.RUN_ID)
    assert (result["changed"], result["rebooted"], result["run"]["stats"]["rebootCount"]) == (True, True, 1)
    assert result["msg"] == "Run %s was rebooted (reboot count 0 -> 1)." % fake.RUN_ID
    assert posts(fake) == 1


@pytest.mark.parametrize("name, answer", BROKEN_2XX, ids=[b[0] for b in BROKEN_2XX])
def test_broken_2xx_answer_and_quiet_counter_is_uncertain_and_accepted(fake, name, answer):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0))
    fake.http.script("POST", fake.REBOOT_PATH, answer(fake), get_ok(fake, count=1))
    with pytest.raises(ApifyRebootUncertainError) as info:
        rebooter(fake, retries=5, timeout=5.0).run(fake.RUN_ID)
    assert info.value.changed is True
    assert "was accepted by the API (a 2xx answer)" in str(info.value)
    assert posts(fake) == 1


@pytest.mark.parametrize("never_sent", [lambda fake: fake.refused(), lambda fake: fake.connect_timeout()], ids=["refused", "connect-timeout"])
def test_post_never_sent_is_sent_again_without_reading_the_run(fake, never_sent):
    # No connection was made: the API cannot have acted, so there is nothing to verify.
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=1))
    fake.http.script("POST", fake.REBOOT_PATH, never_sent(fake), get_ok(fake, "READY", 2))
    result = rebooter(fake).run(fake.RUN_ID)
    assert (result["changed"], result["rebooted"]) == (True, True)
    assert fake.http.methods == ["GET", "POST", "POST"]
    assert fake.clock.sleeps == [0.5]  # the backoff, and no watch after a connect timeout


def test_post_never_sent_resends_exhausted_is_unchanged(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0))
    fake.http.script("POST", fake.REBOOT_PATH, fake.refused())
    with pytest.raises(ApifyTransportError) as info:
        rebooter(fake, retries=2).run(fake.RUN_ID)
    assert (info.value.changed, info.value.done, info.value.sent) == (False, False, False)
    assert str(info.value).endswith("Run %s was not rebooted: 3 reboot request(s) could not be sent." % fake.RUN_ID)
    assert fake.http.methods == ["GET", "POST", "POST", "POST"]
    assert fake.clock.sleeps == [0.5, 1.0]


def test_post_never_sent_then_sent_and_failed_is_changed(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0))
    fake.http.script("POST", fake.REBOOT_PATH, fake.refused(), fake.error(500))
    with pytest.raises(ApifyApiError) as info:
        rebooter(fake, retries=1).run(fake.RUN_ID)
    assert (info.value.changed, info.value.done) == (True, False)
    assert fake.http.methods[:4] == ["GET", "POST", "POST", "GET"] and posts(fake) == 2


@pytest.mark.parametrize(
    "after_status, after_count",
    [
        ("READY", 0),  # counter quiet but the run is not RUNNING: cannot tell
        ("ABORTING", 0),
        ("RUNNING", None),  # counter missing
    ],
)
def test_failed_post_and_state_cannot_tell_is_uncertain(fake, after_status, after_count):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0), get_ok(fake, status=after_status, count=after_count))
    fake.http.script("POST", fake.REBOOT_PATH, fake.error(500, "internal-error", "Oops"))
    with pytest.raises(ApifyRebootUncertainError) as info:
        rebooter(fake).run(fake.RUN_ID)
    message = str(info.value)
    assert "may or may not have happened" in message and fake.RUN_ID in message  # the words: tests/runner
    shown = "unknown" if after_count is None else after_count
    assert "status %s, reboot count before 0, now %s" % (after_status, shown) in message
    assert "HTTP 500" in message
    assert info.value.to_dict()["kind"] == "uncertain"
    assert posts(fake) == 1


def test_counter_missing_before_is_uncertain(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=None), get_ok(fake, count=None))
    fake.http.script("POST", fake.REBOOT_PATH, fake.reset_by_peer())
    with pytest.raises(ApifyRebootUncertainError):
        rebooter(fake).run(fake.RUN_ID)
    assert posts(fake) == 1


@pytest.mark.parametrize("reread", READ_FAILURES, ids=READ_FAILURE_IDS)
def test_failed_post_and_failed_reread_is_uncertain(fake, reread):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake), reread(fake))
    fake.http.script("POST", fake.REBOOT_PATH, fake.error(502))
    with pytest.raises(ApifyRebootUncertainError) as info:
        rebooter(fake, retries=1).run(fake.RUN_ID)
    message = str(info.value)
    assert "may or may not have happened" in message and info.value.kind == "uncertain"
    assert "reading the run afterwards failed too" in message
    assert "HTTP 502" in message
    assert posts(fake) == 1


# -- after a timeout the API may still be acting: watch before believing a quiet counter ----


def test_timeout_quiet_counter_is_watched_for_twice_the_timeout(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0))
    fake.http.script("POST", fake.REBOOT_PATH, timeout_after(fake, 5.0), get_ok(fake, count=1))
    with pytest.raises(ApifyTransportError) as info:
        rebooter(fake, timeout=5.0).run(fake.RUN_ID)
    assert (info.value.changed, info.value.done) == (True, False)
    post_times = [c.at for c in fake.http.of("POST")]
    assert len(post_times) == 1  # never sent again
    rereads = [c.at for c in fake.http.of("GET") if post_times[0] < c.at]
    failed_at = post_times[0] + 5.0
    assert rereads[0] == failed_at  # read again at once...
    assert rereads[-1] - failed_at >= 2 * 5.0  # ...and for 2x the timeout
    assert rereads[-1] - failed_at <= 2 * 5.0 + 1.0  # but not much longer
    assert len(rereads) == 11  # every second


def test_timeout_then_counter_moves_late_is_one_reboot(fake):
    state = {"count": 0}

    def get(call):
        # the reboot lands 7 s after the request was sent (2 s after it timed out)
        if post_at and call.at >= post_at[0] + 7.0:
            state["count"] = 1
        return get_ok(fake, count=state["count"])

    post_at = []

    def post(call):
        post_at.append(call.at)
        return timeout_after(fake, 5.0)(call)

    fake.http.script("GET", fake.RUN_PATH, get)
    fake.http.script("POST", fake.REBOOT_PATH, post)
    result = rebooter(fake, timeout=5.0).run(fake.RUN_ID)
    assert result["changed"] is True
    assert result["run"]["stats"]["rebootCount"] == 1
    assert posts(fake) == 1
    assert fake.clock.now() - post_at[0] == pytest.approx(7.0)


def test_timeout_settle_uses_short_intervals_for_short_timeouts(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0))
    fake.http.script("POST", fake.REBOOT_PATH, timeout_after(fake, 0.5), get_ok(fake, count=1))
    with pytest.raises(ApifyTransportError):
        rebooter(fake, timeout=0.5).run(fake.RUN_ID)
    settle_sleeps = [s for s in fake.clock.sleeps if s < 0.5]
    assert settle_sleeps and all(s == pytest.approx(0.1) for s in settle_sleeps)


def test_timeout_is_reported_uncertain_when_the_reread_fails(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake), fake.read_timeout(5))
    fake.http.script("POST", fake.REBOOT_PATH, timeout_after(fake, 5.0))
    with pytest.raises(ApifyRebootUncertainError) as info:
        rebooter(fake, retries=1).run(fake.RUN_ID)
    assert "POST %s timed out" % fake.REBOOT_PATH in str(info.value)
    assert posts(fake) == 1


# -- an answer that cannot be believed: verified by reading the run, never sent again ----------

# POST answers that are not to be believed, each with the words its failure is reported in.
UNBELIEVABLE = [
    ("non-json-200", lambda fake: fake.response(200, raw="<html>OK</html>"), "the body is not JSON"),
    ("non-json-201", lambda fake: fake.response(201, raw="<html>OK</html>"), "the body is not JSON"),
    ("schema-missing-fields", lambda fake: fake.ok({"id": fake.RUN_ID}), "data: 'actId' is a required property"),
    ("schema-not-an-object", lambda fake: fake.ok("rebooted"), "data: 'rebooted' is not of type 'object'"),
    ("schema-field-type", lambda fake: fake.ok(dict(fake.run(reboot_count=1), stats={"rebootCount": "1"})), "data.stats.rebootCount"),
    ("other-run", lambda fake: get_ok(fake, "READY", 1, run_id="OtherRun000000001"), "the answer is about another run ('OtherRun000000001')"),
    ("lower-count", lambda fake: get_ok(fake, "READY", 1), "the answer shows reboot count 1, lower than the 4 read just before"),
    ("too-deep", lambda fake: fake.response(200, raw=b'{"data": ' + b"[" * 40 + b"]" * 40 + b"}"), "nested more than 32 levels deep"),
]
UNBELIEVABLE_IDS = [u[0] for u in UNBELIEVABLE]
COUNT = 4  # the reboot count read before the POST, in the tests below


@pytest.mark.parametrize("name, answer, words", UNBELIEVABLE, ids=UNBELIEVABLE_IDS)
def test_unbelievable_post_answer_and_counter_moved_is_rebooted(fake, name, answer, words):
    # The answer is not believed, but the run read again shows the reboot: one reboot, reported as such.
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=COUNT), get_ok(fake, "READY", COUNT + 1))
    fake.http.script("POST", fake.REBOOT_PATH, answer(fake))
    result = rebooter(fake).run(fake.RUN_ID)
    assert (result["changed"], result["rebooted"]) == (True, True)
    assert result["run"]["stats"]["rebootCount"] == COUNT + 1
    assert result["msg"] == "Run %s was rebooted (reboot count 4 -> 5)." % fake.RUN_ID
    assert fake.http.methods == ["GET", "POST", "GET"]  # believed at once: no watch after an answer
    assert fake.clock.sleeps == []


@pytest.mark.parametrize("name, answer, words", UNBELIEVABLE, ids=UNBELIEVABLE_IDS)
def test_unbelievable_post_answer_and_counter_quiet_is_uncertain_never_resent(fake, name, answer, words):
    # The API answered 2xx: it accepted the request even though the counter has not moved (yet),
    # so asking again could reboot the run twice. Watched, then uncertain, changed, one POST.
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=COUNT))
    fake.http.script("POST", fake.REBOOT_PATH, answer(fake))
    with pytest.raises(ApifyRebootUncertainError) as info:
        rebooter(fake, retries=5, timeout=5.0).run(fake.RUN_ID)
    err = info.value
    assert (err.changed, err.kind) == (True, "uncertain")
    message = str(err)
    assert "was accepted by the API (a 2xx answer)" in message and fake.RUN_ID in message  # the words: tests/runner
    assert words in message
    assert "status RUNNING, reboot count before 4, now 4" in message and "It was not sent again" in message
    assert fake.http.methods == ["GET", "POST"] + ["GET"] * 11
    assert posts(fake) == 1


def test_unbelievable_post_answer_and_run_ended_is_changed_not_rebooted(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=COUNT), get_ok(fake, "SUCCEEDED", COUNT))
    fake.http.script("POST", fake.REBOOT_PATH, fake.ok(fake.run(run_id="OtherRun000000001")))
    result = rebooter(fake).run(fake.RUN_ID)
    assert (result["changed"], result["rebooted"]) == (True, False)
    assert result["msg"] == "Run %s was not rebooted: it stopped running (status SUCCEEDED) just before the reboot request reached the API." % fake.RUN_ID
    assert posts(fake) == 1


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirected_post_is_refused_not_verified_changed(fake, status):
    # A redirect is never followed and never sent again. The server received the request (issue 17):
    # changed, though not known to be rebooted.
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=COUNT))
    fake.http.script("POST", fake.REBOOT_PATH, fake.response(status, raw="", headers={"Location": "https://x"}))
    with pytest.raises(ApifyResponseError) as info:
        rebooter(fake, retries=5).run(fake.RUN_ID)
    assert "HTTP %d redirect to 'https://x' was not followed" % status in str(info.value)
    assert (info.value.changed, info.value.done) == (True, False)
    assert fake.http.methods == ["GET", "POST"]


def test_post_answer_about_another_run_drops_the_connections(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0), get_ok(fake, "READY", 1))
    fake.http.script("POST", fake.REBOOT_PATH, fake.ok(fake.run(run_id="OtherRun000000001", reboot_count=7)))
    result = rebooter(fake).run(fake.RUN_ID)
    assert result["run"]["id"] == fake.RUN_ID  # the run read again, never the other one
    assert result["run"]["stats"]["rebootCount"] == 1
    assert fake.http.closes == 1  # before the verifying read
    get_after = fake.http.of("GET")[1]
    assert get_after.path == fake.RUN_PATH


def test_post_answer_with_a_lower_count_drops_the_connections(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=COUNT), get_ok(fake, "READY", COUNT + 1))
    fake.http.script("POST", fake.REBOOT_PATH, get_ok(fake, "READY", COUNT - 1))
    rebooter(fake).run(fake.RUN_ID)
    assert fake.http.closes == 1


def test_first_read_about_another_run_is_an_error_and_no_post(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, run_id="OtherRun000000001"))
    with pytest.raises(ApifyResponseError) as info:
        rebooter(fake).run(fake.RUN_ID)
    err = info.value
    assert (err.method, err.path, err.json_path, err.changed) == ("GET", fake.RUN_PATH, "data.id", False)
    assert "the answer is about another run ('OtherRun000000001'), not %s" % fake.RUN_ID in str(err)
    assert fake.http.methods == ["GET"]  # nothing sent on the strength of it
    assert fake.http.closes == 1  # and the connections it came on are dropped


def test_verifying_read_about_another_run_is_uncertain(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0), get_ok(fake, "READY", 1, run_id="OtherRun000000001"))
    fake.http.script("POST", fake.REBOOT_PATH, fake.error(500))
    with pytest.raises(ApifyRebootUncertainError) as info:
        rebooter(fake, retries=0).run(fake.RUN_ID)
    assert "reading the run afterwards failed too" in str(info.value)
    assert "about another run" in str(info.value)
    assert info.value.changed is True
    assert posts(fake) == 1


# -- an interim (1xx) answer where the final one belongs ------------------------------------------


def test_interim_answer_to_the_post_is_watched_then_rebooted_once(fake):
    # The request arrived (the server answered 103) and may still be on its way: the run is
    # watched for twice the timeout; the counter moves 3 s later.
    state = {"count": 0, "posted_at": None}

    def get(call):
        if state["posted_at"] is not None and call.at >= state["posted_at"] + 3.0:
            state["count"] = 1
        return get_ok(fake, count=state["count"])

    def post(call):
        state["posted_at"] = call.at
        return fake.interim(103)

    fake.http.script("GET", fake.RUN_PATH, get)
    fake.http.script("POST", fake.REBOOT_PATH, post)
    result = rebooter(fake, timeout=5.0).run(fake.RUN_ID)
    assert (result["changed"], result["rebooted"]) == (True, True)
    assert result["run"]["stats"]["rebootCount"] == 1
    assert posts(fake) == 1
    assert fake.clock.now() - state["posted_at"] == pytest.approx(3.0)


def test_interim_answer_to_the_post_and_quiet_counter_is_not_sent_again_after_the_watch(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0))
    fake.http.script("POST", fake.REBOOT_PATH, fake.interim(103), get_ok(fake, "READY", 1))
    with pytest.raises(ApifyTransportError) as info:
        rebooter(fake, timeout=5.0).run(fake.RUN_ID)
    assert (info.value.changed, info.value.done) == (True, False)
    first = fake.http.of("POST")[0].at
    watched = [c.at for c in fake.http.of("GET") if first <= c.at]
    assert watched[0] == first and watched[-1] - first == pytest.approx(2 * 5.0)
    assert fake.http.methods.count("POST") == 1


def test_interim_answer_to_the_post_and_unreadable_run_is_uncertain(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0), fake.error(500))
    fake.http.script("POST", fake.REBOOT_PATH, fake.interim(101))
    with pytest.raises(ApifyRebootUncertainError) as info:
        rebooter(fake, retries=0).run(fake.RUN_ID)
    assert "interim HTTP 101 answer" in str(info.value)
    assert info.value.changed is True
    assert posts(fake) == 1


def test_interim_answer_to_the_first_read_is_retried(fake):
    fake.http.script("GET", fake.RUN_PATH, fake.interim(103), get_ok(fake, status="SUCCEEDED"))
    result = rebooter(fake).run(fake.RUN_ID)
    assert result["changed"] is False
    assert fake.http.methods == ["GET", "GET"]


# -- waiting until it runs again --------------------------------------------------------------


def test_wait_polls_until_running(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0), get_ok(fake, "READY", 1), get_ok(fake, "READY", 1), get_ok(fake, "RUNNING", 1))
    fake.http.script("POST", fake.REBOOT_PATH, get_ok(fake, "READY", 1))
    result = rebooter(fake, wait=True, wait_timeout=60, wait_sleep=4).run(fake.RUN_ID)
    assert result["changed"] is True
    assert result["run"]["status"] == "RUNNING"
    assert result["msg"] == "Run %s was rebooted (reboot count 0 -> 1). It is RUNNING again." % fake.RUN_ID
    assert fake.http.methods == ["GET", "POST", "GET", "GET", "GET"]
    assert fake.clock.sleeps == [4, 4]


def test_wait_after_a_verified_reboot(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0), get_ok(fake, "READY", 1), get_ok(fake, "READY", 1), get_ok(fake, "RUNNING", 1))
    fake.http.script("POST", fake.REBOOT_PATH, fake.error(502))
    result = rebooter(fake, wait=True, wait_timeout=60, wait_sleep=2).run(fake.RUN_ID)
    assert result["changed"] is True
    assert result["run"]["status"] == "RUNNING"
    assert posts(fake) == 1


@pytest.mark.parametrize("status", ["SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED"])
def test_wait_fails_when_the_run_ends(fake, status):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake), get_ok(fake, "READY", 1), get_ok(fake, status, 1))
    fake.http.script("POST", fake.REBOOT_PATH, get_ok(fake, "READY", 1))
    with pytest.raises(ApifyRunStateError) as info:
        rebooter(fake, wait=True, wait_timeout=60, wait_sleep=5).run(fake.RUN_ID)
    err = info.value
    assert err.changed is True
    assert err.run["status"] == status
    assert str(err) == ("Run %s was rebooted, then ended with status %s while waiting for it to run again." % (fake.RUN_ID, status))
    assert posts(fake) == 1


def test_wait_times_out_naming_the_last_status(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake), get_ok(fake, "READY", 1))
    fake.http.script("POST", fake.REBOOT_PATH, get_ok(fake, "READY", 1))
    with pytest.raises(ApifyRunStateError) as info:
        rebooter(fake, wait=True, wait_timeout=10, wait_sleep=3).run(fake.RUN_ID)
    err = info.value
    assert err.changed is True
    assert err.run["status"] == "READY"
    assert str(err) == ("Run %s was rebooted but was not RUNNING again within wait_timeout=10 s; its last status was READY." % fake.RUN_ID)
    assert fake.clock.sleeps == [3, 3, 3, 1]  # deadline kept, never overshot
    assert posts(fake) == 1


@pytest.mark.parametrize("failure", READ_FAILURES, ids=READ_FAILURE_IDS)
def test_wait_read_error_after_a_reboot_is_still_changed(fake, failure):
    # The reboot happened; a failure while waiting must not report changed=false.
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake), failure(fake))
    fake.http.script("POST", fake.REBOOT_PATH, get_ok(fake, "READY", 1))
    with pytest.raises(ApifyError) as info:
        rebooter(fake, retries=1, wait=True, wait_timeout=60, wait_sleep=5).run(fake.RUN_ID)
    assert info.value.changed is True
    assert posts(fake) == 1


def test_no_wait_when_the_run_was_left_alone(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, "READY"))
    result = rebooter(fake, wait=True).run(fake.RUN_ID)
    assert result["changed"] is False
    assert fake.http.methods == ["GET"]
    assert fake.clock.sleeps == []


def test_no_wait_when_the_run_ended_in_the_race(fake):
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake), get_ok(fake, "SUCCEEDED"))
    fake.http.script("POST", fake.REBOOT_PATH, fake.error(400, "invalid-input", "not running"))
    result = rebooter(fake, wait=True).run(fake.RUN_ID)
    assert result["changed"] is False
    assert fake.http.methods == ["GET", "POST", "GET"]


# -- never two effective reboots ------------------------------------------------------------


class World:
    """A run whose reboot counter moves only when a POST really acts, possibly later."""

    def __init__(self, fake, timeout):
        self.fake = fake
        self.timeout = timeout
        self.count = 2  # rebooted twice before the test
        self.effective = 0
        self.arrived = 0  # POSTs that reached the API, 429s (the API did not act) aside
        self.scheduled = []

    def _apply(self, at):
        due = [t for t in self.scheduled if t <= at]
        self.scheduled = [t for t in self.scheduled if t > at]
        for _t in due:
            self.act()

    def act(self):
        self.count += 1
        self.effective += 1

    def get(self, call):
        self._apply(call.at)
        return self.fake.ok(self.fake.run(status="RUNNING", reboot_count=self.count))

    def post(self, fault):
        fake = self.fake

        def outcome(call):
            self._apply(call.at)
            if fault == "refused":  # never reached the API
                return fake.refused()
            if fault == "429":
                return fake.error(429, "rate-limit-exceeded", "slow down")
            self.arrived += 1
            if fault == "ok":
                self.act()
                return fake.ok(fake.run(status="READY", reboot_count=self.count))
            if fault.startswith("late_"):  # lands 1.5x the timeout after sending: inside the watch
                self.scheduled.append(call.at + 1.5 * self.timeout)
                if fault == "late_interim":
                    return fake.interim(103)
                fake.clock.advance(self.timeout)
                return fake.read_timeout(self.timeout)
            acted, kind = fault.split("_", 1)
            prior = self.count
            if acted == "acted":
                self.act()
            if kind == "500":
                return fake.error(500, "internal-error", "Oops")
            if kind == "drop":
                return fake.dropped()
            if kind == "interim":
                return fake.interim(103)
            if kind == "other":  # an answer about another run
                return fake.ok(fake.run(run_id="OtherRun000000001", status="READY", reboot_count=self.count))
            if kind == "lower":  # an answer with a reboot count lower than the one read before
                return fake.ok(fake.run(status="READY", reboot_count=prior - 1))
            assert kind == "timeout", fault
            fake.clock.advance(self.timeout)
            return fake.read_timeout(self.timeout)

        return outcome


POST_FAULTS = [
    "ok",
    "429",
    "refused",
    "acted_500",
    "lost_500",
    "acted_timeout",
    "lost_timeout",
    "late_timeout",
    "acted_drop",
    "lost_drop",
    "acted_interim",
    "lost_interim",
    "late_interim",
    "acted_other",
    "lost_other",
    "acted_lower",
]
SEQUENCES = [(f,) for f in POST_FAULTS] + list(itertools.product(POST_FAULTS[1:], POST_FAULTS))


@pytest.mark.parametrize("sequence", SEQUENCES, ids=["-".join(s) for s in SEQUENCES])
def test_never_two_effective_reboots(fake, sequence):
    world = World(fake, timeout=5.0)
    fake.http.script("GET", fake.RUN_PATH, world.get)
    fake.http.script("POST", fake.REBOOT_PATH, *[world.post(f) for f in sequence])
    fake.http.script("POST", fake.REBOOT_PATH, world.post("ok"))
    try:
        result = rebooter(fake, retries=3, timeout=5.0).run(fake.RUN_ID)
    except ApifyError as exc:
        changed, rebooted = exc.changed, None
    else:
        changed, rebooted = result["changed"], result["rebooted"]
        assert result["run"]["stats"]["rebootCount"] == world.count
    world._apply(float("inf"))  # anything still on its way lands
    assert world.effective <= 1, "the run was rebooted %d times" % world.effective
    # changed whenever a request reached the API (and always when the run was rebooted) ...
    assert changed is (world.arrived > 0)
    # ... and rebooted only when it was.
    if rebooted is not None:
        assert rebooted is (world.effective == 1)


def test_gateway_timeout_504_is_watched_like_a_timeout(fake):
    # A 504 comes from a gateway that stopped waiting: the API behind it may
    # still be rebooting the run. A quiet counter read at once must not trigger
    # a second reboot request that lands on top of the first.
    world = World(fake, timeout=5.0)

    def gateway_timeout(call):
        world.scheduled.append(call.at + 2.0)  # the API finishes 2 s later
        return fake.error(504, "gateway-timeout", "Gateway Timeout")

    fake.http.script("GET", fake.RUN_PATH, world.get)
    fake.http.script("POST", fake.REBOOT_PATH, gateway_timeout, world.post("ok"))
    try:
        rebooter(fake, retries=3, timeout=5.0).run(fake.RUN_ID)
    except ApifyRebootUncertainError:
        pass
    world._apply(float("inf"))
    assert world.effective == 1, "the run was rebooted %d times" % world.effective


def test_result_run_is_not_shared_with_the_answer(fake):
    answer = fake.run(status="READY", reboot_count=1)
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.http.script("POST", fake.REBOOT_PATH, fake.ok(copy.deepcopy(answer)))
    result = rebooter(fake).run(fake.RUN_ID)
    assert result["run"] == answer


@pytest.mark.parametrize(
    "failure", [lambda fake: fake.tls_failure(), lambda fake: fake.response(200, raw=b'{"data": {"id"', content_length=900)], ids=["tls", "cut"]
)
def test_transport_error_class_is_the_trigger(fake, failure):
    # a POST error raised as the generic transport error (TLS, a cut answer) is handled as "no answer"
    fake.http.script("GET", fake.RUN_PATH, get_ok(fake, count=0), get_ok(fake, count=1))
    fake.http.script("POST", fake.REBOOT_PATH, failure(fake))
    result = rebooter(fake).run(fake.RUN_ID)
    assert result["changed"] is True
    assert posts(fake) == 1
    assert issubclass(ApifyTransportError, ApifyError)


# -- many runs: reboot_entry / reboot_all ---------------------------------------------------


def script_batch(fake):
    """RUNA is RUNNING, RUNB finished, RUNC does not exist, RUND is rebooted then fails while waiting."""
    path = "/v2/actor-runs/%s"
    fake.http.script("GET", path % "RUNA", get_ok(fake, run_id="RUNA"))
    fake.http.script("POST", path % "RUNA" + "/reboot", get_ok(fake, run_id="RUNA", count=1))
    fake.http.script("GET", path % "RUNB", get_ok(fake, status="SUCCEEDED", run_id="RUNB"))
    fake.http.script("GET", path % "RUNC", fake.error(404, "record-not-found", "Actor run was not found"))


def test_reboot_entry_success_and_skip(fake):
    script_batch(fake)
    r = rebooter(fake)
    entry = r.entry("RUNA")
    assert entry["failed"] is False
    assert (entry["changed"], entry["rebooted"], entry["run_id"]) == (True, True, "RUNA")
    skipped = r.entry("RUNB")
    assert (skipped["changed"], skipped["rebooted"], skipped["failed"]) == (False, False, False)


def test_reboot_entry_failure_becomes_data(fake):
    script_batch(fake)
    entry = rebooter(fake).entry("RUNC")
    assert entry == {
        "run_id": "RUNC",
        "changed": False,
        "rebooted": False,
        "failed": True,
        "run": None,
        "msg": (
            "Apify API answered HTTP 404 (record-not-found: Actor run was not found) to GET "
            "/v2/actor-runs/RUNC. It does not exist, or the token's account cannot see it: check the ID."
        ),
        "error": {
            "kind": "api",
            "status": 404,
            "type": "record-not-found",
            "message": "Actor run was not found",
            "method": "GET",
            "path": "/v2/actor-runs/RUNC",
        },
        "warning": None,
    }


def test_reboot_entry_rebooted_then_failed_is_changed_and_failed(fake):
    fake.http.script("GET", "/v2/actor-runs/RUND", get_ok(fake, run_id="RUND"), get_ok(fake, status="FAILED", run_id="RUND", count=1))
    fake.http.script("POST", "/v2/actor-runs/RUND/reboot", get_ok(fake, "READY", 1, run_id="RUND"))
    entry = rebooter(fake, wait=True, wait_timeout=30, wait_sleep=5).entry("RUND")
    assert (entry["changed"], entry["rebooted"], entry["failed"]) == (True, True, True)
    assert entry["run"]["status"] == "FAILED"
    assert entry["error"]["kind"] == "run_state"


def test_reboot_entry_fail_if_not_running_keeps_the_run(fake):
    script_batch(fake)
    entry = rebooter(fake, fail_on_wrong_state=True).entry("RUNB")
    assert entry["failed"] is True
    assert entry["run"]["status"] == "SUCCEEDED"
    assert entry["error"]["kind"] == "run_state"


def test_reboot_entry_does_not_catch_programming_errors(fake):
    fake.http.script("GET", fake.RUN_PATH, lambda call: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        rebooter(fake).entry(fake.RUN_ID)


@pytest.mark.parametrize("concurrency", [1, 2, 20])
def test_reboot_all_one_entry_per_distinct_run_in_order(fake, concurrency):
    script_batch(fake)
    entries = rebooter(fake).all(["RUNA", "RUNB", "RUNA", "RUNC", "RUNB"], concurrency)
    assert [e["run_id"] for e in entries] == ["RUNA", "RUNB", "RUNC"]
    assert [(e["changed"], e["failed"]) for e in entries] == [(True, False), (False, False), (False, True)]
    # a run listed twice is read once and rebooted once
    assert len(fake.http.of("GET", "/v2/actor-runs/RUNA")) == 1
    assert len(fake.http.of("POST", "/v2/actor-runs/RUNA/reboot")) == 1
    assert len(fake.http.of("GET", "/v2/actor-runs/RUNB")) == 1
    assert posts(fake) == 1


def test_reboot_all_empty(fake):
    assert rebooter(fake).all([], 20) == []
    assert fake.http.calls == []


def test_reboot_all_check_mode_never_posts(fake):
    script_batch(fake)
    entries = rebooter(fake, check_mode=True).all(["RUNA", "RUNB", "RUNC"], 3)
    assert [e["changed"] for e in entries] == [True, False, False]
    assert posts(fake) == 0
