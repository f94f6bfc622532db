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
from ansible_collections.apify.platform.plugins.module_utils._http import HttpError
from ansible_collections.apify.platform.plugins.module_utils._rebooter import Rebooter, RebootOptions

NOT_RUNNING = ["READY", "SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED", "ABORTING", "TIMING-OUT", "MIGRATING"]


def rebooter(fake, retries=3, timeout=5.0, **options):
    client = fake.client(retries=retries, timeout=timeout)
    return Rebooter(client, RebootOptions(**options), sleep=fake.clock.sleep, now=fake.clock.now)


def get_ok(fake, status="RUNNING", count=0, **extra):
    return fake.ok(fake.run(status=status, reboot_count=count, **extra))


def timeout_after(fake, seconds):
    """A POST that takes ``seconds`` of (fake) time, then times out."""

    def outcome(call):
        fake.clock.advance(seconds)
        return HttpError("no answer from api.apify.example:443 within %g s" % seconds, timeout=True)

    return outcome


# Ways a read of the run can fail (after the client's own retries).
READ_FAILURES = [
    lambda fake: fake.error(404, "record-not-found", "gone"),
    lambda fake: fake.Repeat(fake.refused()),
    lambda fake: fake.ok({"id": "broken"}),
]
READ_FAILURE_IDS = ["404", "refused", "invalid"]


def posts(fake):
    return len(fake.transport.of("POST"))


def gets(fake):
    return len(fake.transport.of("GET"))


# -- RebootOptions ----------------------------------------------------------------------


def test_reboot_options_defaults():
    opts = RebootOptions()
    assert (opts.check_mode, opts.max_reboot_count, opts.fail_if_not_running) == (False, None, False)
    assert (opts.wait, opts.wait_timeout, opts.wait_sleep) == (False, 300, 5)


# -- reading first, acting only on RUNNING -----------------------------------------------


def test_running_run_is_rebooted_with_one_post(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, count=2))
    fake.transport.script("POST", fake.REBOOT_PATH, get_ok(fake, status="READY", count=3))
    result = rebooter(fake).reboot(fake.RUN_ID)
    assert result == {
        "run_id": fake.RUN_ID,
        "changed": True,
        "rebooted": True,
        "run": fake.run(status="READY", reboot_count=3),
        "msg": "Run %s was rebooted (reboot count 2 -> 3)." % fake.RUN_ID,
        "warning": None,
    }
    assert fake.transport.methods == ["GET", "POST"]
    assert [(c.path, c.params) for c in fake.transport.calls] == [(fake.RUN_PATH, None), (fake.REBOOT_PATH, None)]
    assert all(c.headers["Authorization"] == "Bearer " + fake.TOKEN for c in fake.transport.calls)
    assert fake.clock.sleeps == []


@pytest.mark.parametrize("status", NOT_RUNNING)
def test_not_running_is_left_alone_without_post(fake, status):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, status=status))
    result = rebooter(fake).reboot(fake.RUN_ID)
    assert result["changed"] is False
    assert result["rebooted"] is False
    assert result["warning"] is None
    assert result["run"]["status"] == status
    assert result["msg"].startswith("Run %s was left alone: only RUNNING runs can be rebooted" % fake.RUN_ID)
    assert status in result["msg"]
    assert fake.transport.methods == ["GET"]


@pytest.mark.parametrize("status", NOT_RUNNING)
@pytest.mark.parametrize("check_mode", [False, True])
def test_fail_if_not_running(fake, status, check_mode):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, status=status))
    with pytest.raises(ApifyRunStateError) as info:
        rebooter(fake, fail_if_not_running=True, check_mode=check_mode).reboot(fake.RUN_ID)
    assert info.value.changed is False
    assert info.value.run["status"] == status
    assert str(info.value).endswith("Failing because fail_if_not_running is true.")
    assert status in str(info.value)
    assert fake.transport.methods == ["GET"]


def test_fail_if_not_running_still_reboots_a_running_run(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.transport.script("POST", fake.REBOOT_PATH, get_ok(fake, count=1))
    assert rebooter(fake, fail_if_not_running=True).reboot(fake.RUN_ID)["changed"] is True
    assert posts(fake) == 1


@pytest.mark.parametrize("fail_if_not_running", [False, True])
def test_max_reboot_count_guard_warns_and_does_not_post(fake, fail_if_not_running):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, count=3))
    result = rebooter(fake, max_reboot_count=3, fail_if_not_running=fail_if_not_running).reboot(fake.RUN_ID)
    assert result["changed"] is False
    assert result["warning"] == result["msg"]
    assert "max_reboot_count=3" in result["warning"]
    assert fake.transport.methods == ["GET"]


def test_max_reboot_count_below_the_guard_reboots(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, count=2))
    fake.transport.script("POST", fake.REBOOT_PATH, get_ok(fake, count=3))
    assert rebooter(fake, max_reboot_count=3).reboot(fake.RUN_ID)["changed"] is True


def test_get_error_before_anything_is_raised_unchanged(fake):
    fake.transport.script("GET", fake.RUN_PATH, fake.error(404, "record-not-found", "Actor run was not found"))
    with pytest.raises(ApifyApiError) as info:
        rebooter(fake).reboot(fake.RUN_ID)
    assert info.value.status == 404
    assert info.value.changed is False
    assert fake.transport.methods == ["GET"]


def test_invalid_first_read_is_a_response_error_and_no_post(fake):
    run = fake.run()
    run["stats"]["rebootCount"] = "x"
    fake.transport.script("GET", fake.RUN_PATH, fake.ok(run))
    with pytest.raises(ApifyResponseError) as info:
        rebooter(fake).reboot(fake.RUN_ID)
    assert info.value.changed is False
    assert fake.transport.methods == ["GET"]


# -- check mode -------------------------------------------------------------------------------


def test_check_mode_running_reports_change_without_post(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, count=1))
    result = rebooter(fake, check_mode=True, wait=True).reboot(fake.RUN_ID)
    assert result["changed"] is True
    assert result["rebooted"] is True
    assert result["run"] == fake.run(reboot_count=1)
    assert result["msg"] == ("Run %s is RUNNING and would be rebooted (check mode: no reboot was sent)." % fake.RUN_ID)
    assert fake.transport.methods == ["GET"]
    assert fake.clock.sleeps == []  # no waiting in check mode


@pytest.mark.parametrize("status", ["READY", "SUCCEEDED"])
def test_check_mode_not_running(fake, status):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, status=status))
    result = rebooter(fake, check_mode=True).reboot(fake.RUN_ID)
    assert result["changed"] is False
    assert fake.transport.methods == ["GET"]


def test_check_mode_respects_the_guard(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, count=5))
    result = rebooter(fake, check_mode=True, max_reboot_count=5).reboot(fake.RUN_ID)
    assert result["changed"] is False
    assert result["warning"]
    assert fake.transport.methods == ["GET"]


# -- the race: the run ends between the read and the POST ----------------------------------


@pytest.mark.parametrize("status", ["SUCCEEDED", "FAILED", "ABORTED", "TIMED-OUT", "ABORTING", "READY"])
def test_rejected_because_the_run_ended(fake, status):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake), get_ok(fake, status=status))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.error(400, "invalid-input", "Run is not running"))
    result = rebooter(fake).reboot(fake.RUN_ID)
    assert result["changed"] is False
    assert result["rebooted"] is False
    assert result["run"]["status"] == status
    assert result["msg"] == ("Run %s was left alone: it stopped running (status %s) just before the reboot." % (fake.RUN_ID, status))
    assert fake.transport.methods == ["GET", "POST", "GET"]


def test_rejected_while_still_running_is_raised(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake), get_ok(fake))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.error(400, "invalid-input", "Nope"))
    with pytest.raises(ApifyApiError) as info:
        rebooter(fake).reboot(fake.RUN_ID)
    assert info.value.status == 400
    assert info.value.error_message == "Nope"
    assert info.value.changed is False
    assert fake.transport.methods == ["GET", "POST", "GET"]


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
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.error(status, error_type, "m"))
    with pytest.raises(ApifyApiError) as info:
        rebooter(fake).reboot(fake.RUN_ID)
    assert info.value.status == status
    assert info.value.changed is False
    assert fake.transport.methods == ["GET", "POST"]


def test_post_429_is_retried_by_the_client_then_succeeds(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.error(429, "rate-limit-exceeded", "slow down"), get_ok(fake, count=1))
    result = rebooter(fake).reboot(fake.RUN_ID)
    assert result["changed"] is True
    assert fake.transport.methods == ["GET", "POST", "POST"]


def test_post_429_exhausted_is_raised_unchanged(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.Repeat(fake.error(429, "rate-limit-exceeded", "slow")))
    with pytest.raises(ApifyApiError) as info:
        rebooter(fake, retries=2).reboot(fake.RUN_ID)
    assert info.value.status == 429
    assert info.value.changed is False
    assert fake.transport.methods == ["GET", "POST", "POST", "POST"]


# -- no trustworthy answer: read the run again -------------------------------------------------

FAILURES = [
    ("500", lambda fake: fake.error(500, "internal-error", "Oops")),
    ("502", lambda fake: fake.error(502)),
    ("503", lambda fake: fake.response(503, raw="<html>unavailable</html>")),
    ("504", lambda fake: fake.error(504)),
    ("drop", lambda fake: HttpError("api.apify.example:443: RemoteDisconnected: Remote end closed connection without response")),
    ("timeout", lambda fake: timeout_after(fake, 5.0)),
]


@pytest.mark.parametrize("name, failure", FAILURES, ids=[f[0] for f in FAILURES])
def test_failed_post_but_counter_moved_means_rebooted_once(fake, name, failure):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, count=4), fake.Repeat(get_ok(fake, "READY", 5)))
    fake.transport.script("POST", fake.REBOOT_PATH, failure(fake))
    result = rebooter(fake).reboot(fake.RUN_ID)
    assert result["changed"] is True
    assert result["rebooted"] is True
    assert result["run"]["stats"]["rebootCount"] == 5
    assert result["msg"] == "Run %s was rebooted (reboot count 4 -> 5)." % fake.RUN_ID
    assert posts(fake) == 1
    assert fake.transport.methods == ["GET", "POST", "GET"]  # counter moved: believed at once


# Failures after which the API cannot still be acting: a quiet counter is believed at once.
# (Timeouts, 502 and 504 are watched first; see test_gateway_timeout_504_is_watched_like_a_timeout.)
SETTLED_FAILURES = [f for f in FAILURES if f[0] not in ("timeout", "502", "504")]


@pytest.mark.parametrize("name, failure", SETTLED_FAILURES, ids=[f[0] for f in SETTLED_FAILURES])
def test_failed_post_quiet_counter_is_resent_once(fake, name, failure):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, count=0), get_ok(fake, count=0))
    fake.transport.script("POST", fake.REBOOT_PATH, failure(fake), get_ok(fake, count=1))
    result = rebooter(fake).reboot(fake.RUN_ID)
    assert result["changed"] is True
    assert result["msg"] == "Run %s was rebooted (reboot count 0 -> 1)." % fake.RUN_ID
    # without a timeout the quiet counter is believed after one read
    assert fake.transport.methods == ["GET", "POST", "GET", "POST"]
    assert len(fake.clock.sleeps) == 1
    assert 0.5 <= fake.clock.sleeps[0] < 1.0  # backoff before the second reboot request


def test_failed_post_resends_are_bounded_by_retries(fake):
    fake.transport.script("GET", fake.RUN_PATH, fake.Repeat(get_ok(fake, count=0)))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.Repeat(fake.error(500, "internal-error", "Oops")))
    with pytest.raises(ApifyError) as info:
        rebooter(fake, retries=2).reboot(fake.RUN_ID)
    err = info.value
    assert not isinstance(err, ApifyRebootUncertainError)  # certain: not rebooted
    assert err.kind == "api"  # the last failure, with its own kind
    assert err.status == 500
    assert err.changed is False
    assert str(err).startswith("Apify API answered HTTP 500")
    assert str(err).endswith("Run %s was not rebooted: 3 reboot request(s) failed and its reboot count did not move." % fake.RUN_ID)
    assert fake.transport.methods == ["GET"] + ["POST", "GET"] * 3
    assert len(fake.clock.sleeps) == 2
    assert 0.5 <= fake.clock.sleeps[0] < 1.0 and 1.0 <= fake.clock.sleeps[1] < 2.0


def test_failed_post_resend_backoff_stops_growing_at_the_cap(fake):
    fake.transport.script("GET", fake.RUN_PATH, fake.Repeat(get_ok(fake, count=0)))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.Repeat(fake.error(500, "internal-error", "Oops")))
    with pytest.raises(ApifyError):
        rebooter(fake, retries=10).reboot(fake.RUN_ID)
    assert posts(fake) == 11
    # 0.5 s doubling: the seventh wait would pass 30 s, so it and the ones after it are 30 s
    assert len(fake.clock.sleeps) == 10
    assert max(fake.clock.sleeps) == BACKOFF_CAP
    assert fake.clock.sleeps[6:] == [BACKOFF_CAP] * 4


def test_failed_post_with_zero_retries_is_not_resent(fake):
    fake.transport.script("GET", fake.RUN_PATH, fake.Repeat(get_ok(fake, count=0)))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.error(502))
    with pytest.raises(ApifyError) as info:
        rebooter(fake, retries=0).reboot(fake.RUN_ID)
    assert "1 reboot request(s) failed" in str(info.value)
    assert posts(fake) == 1


@pytest.mark.parametrize("status", ["SUCCEEDED", "FAILED", "ABORTED", "TIMED-OUT"])
def test_failed_post_and_run_ended_is_unchanged(fake, status):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, count=1), get_ok(fake, status=status, count=1))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.error(503))
    result = rebooter(fake).reboot(fake.RUN_ID)
    assert result["changed"] is False
    assert "stopped running (status %s)" % status in result["msg"]
    assert posts(fake) == 1


@pytest.mark.parametrize(
    "after_status, after_count",
    [
        ("READY", 0),  # counter quiet but the run is not RUNNING: cannot tell
        ("ABORTING", 0),
        ("RUNNING", None),  # counter missing
    ],
)
def test_failed_post_and_state_cannot_tell_is_uncertain(fake, after_status, after_count):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, count=0), get_ok(fake, status=after_status, count=after_count))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.error(500, "internal-error", "Oops"))
    with pytest.raises(ApifyRebootUncertainError) as info:
        rebooter(fake).reboot(fake.RUN_ID)
    message = str(info.value)
    assert "The reboot of run %s may or may not have happened" % fake.RUN_ID in message
    shown = "unknown" if after_count is None else after_count
    assert "status %s, reboot count before 0, now %s" % (after_status, shown) in message
    assert "HTTP 500" in message
    assert info.value.to_dict()["kind"] == "uncertain"
    assert posts(fake) == 1


def test_counter_missing_before_is_uncertain(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, count=None), get_ok(fake, count=None))
    fake.transport.script("POST", fake.REBOOT_PATH, HttpError("api.apify.example:443: ConnectionResetError: [Errno 104] Connection reset by peer"))
    with pytest.raises(ApifyRebootUncertainError):
        rebooter(fake).reboot(fake.RUN_ID)
    assert posts(fake) == 1


@pytest.mark.parametrize("reread", READ_FAILURES, ids=READ_FAILURE_IDS)
def test_failed_post_and_failed_reread_is_uncertain(fake, reread):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake), reread(fake))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.error(502))
    with pytest.raises(ApifyRebootUncertainError) as info:
        rebooter(fake, retries=1).reboot(fake.RUN_ID)
    message = str(info.value)
    assert "may or may not have happened" in message
    assert "reading the run afterwards failed too" in message
    assert "HTTP 502" in message
    assert posts(fake) == 1


# -- after a timeout the API may still be acting: watch before believing a quiet counter ----


def test_timeout_quiet_counter_is_watched_for_twice_the_timeout(fake):
    fake.transport.script("GET", fake.RUN_PATH, fake.Repeat(get_ok(fake, count=0)))
    fake.transport.script("POST", fake.REBOOT_PATH, timeout_after(fake, 5.0), get_ok(fake, count=1))
    result = rebooter(fake, timeout=5.0).reboot(fake.RUN_ID)
    assert result["changed"] is True
    post_times = [c.at for c in fake.transport.of("POST")]
    assert len(post_times) == 2
    rereads = [c.at for c in fake.transport.of("GET") if post_times[0] < c.at < post_times[1]]
    failed_at = post_times[0] + 5.0
    assert rereads[0] == failed_at  # read again at once...
    assert rereads[-1] - failed_at >= 2 * 5.0  # ...and for 2x the timeout
    assert rereads[-1] - failed_at <= 2 * 5.0 + 1.0  # but not much longer
    assert len(rereads) == 11  # every second
    assert post_times[1] > rereads[-1]


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

    fake.transport.script("GET", fake.RUN_PATH, fake.Repeat(get))
    fake.transport.script("POST", fake.REBOOT_PATH, post)
    result = rebooter(fake, timeout=5.0).reboot(fake.RUN_ID)
    assert result["changed"] is True
    assert result["run"]["stats"]["rebootCount"] == 1
    assert posts(fake) == 1
    assert fake.clock.now() - post_at[0] == pytest.approx(7.0)


def test_timeout_settle_uses_short_intervals_for_short_timeouts(fake):
    fake.transport.script("GET", fake.RUN_PATH, fake.Repeat(get_ok(fake, count=0)))
    fake.transport.script("POST", fake.REBOOT_PATH, timeout_after(fake, 0.5), get_ok(fake, count=1))
    rebooter(fake, timeout=0.5).reboot(fake.RUN_ID)
    settle_sleeps = [s for s in fake.clock.sleeps if s < 0.5]
    assert settle_sleeps and all(s == pytest.approx(0.1) for s in settle_sleeps)


def test_timeout_is_reported_uncertain_when_the_reread_fails(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake), fake.Repeat(fake.timed_out(5)))
    fake.transport.script("POST", fake.REBOOT_PATH, timeout_after(fake, 5.0))
    with pytest.raises(ApifyRebootUncertainError) as info:
        rebooter(fake, retries=1).reboot(fake.RUN_ID)
    assert "POST %s timed out" % fake.REBOOT_PATH in str(info.value)
    assert posts(fake) == 1


# -- an answer that says "done" but is broken ------------------------------------------------


@pytest.mark.parametrize("status", [200, 201])
def test_2xx_non_json_post_is_changed(fake, status):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.response(status, raw="<html>OK</html>"))
    with pytest.raises(ApifyResponseError) as info:
        rebooter(fake).reboot(fake.RUN_ID)
    assert info.value.changed is True
    assert str(info.value).endswith("The API accepted the request, so the run was probably rebooted.")
    assert fake.transport.methods == ["GET", "POST"]


@pytest.mark.parametrize(
    "data",
    [
        {"id": "3KH8gEpp4d8uQSe8T"},  # required fields missing
        "rebooted",  # not an object
    ],
)
def test_2xx_schema_invalid_post_is_changed(fake, data):
    # The API acted (2xx); only its answer is broken. Reporting changed=false
    # would hide a reboot that happened.
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.ok(data))
    with pytest.raises(ApifyResponseError) as info:
        rebooter(fake).reboot(fake.RUN_ID)
    assert info.value.json_path == "data"
    assert info.value.changed is True
    assert "probably rebooted" in str(info.value)
    assert fake.transport.methods == ["GET", "POST"]


def test_2xx_invalid_field_type_post_is_changed(fake):
    run = fake.run(reboot_count=1)
    run["stats"]["rebootCount"] = "1"
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.ok(run))
    with pytest.raises(ApifyResponseError) as info:
        rebooter(fake).reboot(fake.RUN_ID)
    assert info.value.json_path == "data.stats.rebootCount"
    assert info.value.changed is True
    assert posts(fake) == 1


def test_redirect_on_post_is_not_changed(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.response(307, raw="", headers={"Location": "https://x"}))
    with pytest.raises(ApifyResponseError) as info:
        rebooter(fake).reboot(fake.RUN_ID)
    assert info.value.changed is False
    assert "not followed" in str(info.value)
    assert posts(fake) == 1


# -- waiting until it runs again --------------------------------------------------------------


def test_wait_polls_until_running(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, count=0), get_ok(fake, "READY", 1), get_ok(fake, "READY", 1), get_ok(fake, "RUNNING", 1))
    fake.transport.script("POST", fake.REBOOT_PATH, get_ok(fake, "READY", 1))
    result = rebooter(fake, wait=True, wait_timeout=60, wait_sleep=4).reboot(fake.RUN_ID)
    assert result["changed"] is True
    assert result["run"]["status"] == "RUNNING"
    assert result["msg"] == "Run %s was rebooted (reboot count 0 -> 1). It is RUNNING again." % fake.RUN_ID
    assert fake.transport.methods == ["GET", "POST", "GET", "GET", "GET"]
    assert fake.clock.sleeps == [4, 4]


def test_wait_after_a_verified_reboot(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, count=0), get_ok(fake, "READY", 1), get_ok(fake, "READY", 1), get_ok(fake, "RUNNING", 1))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.error(502))
    result = rebooter(fake, wait=True, wait_timeout=60, wait_sleep=2).reboot(fake.RUN_ID)
    assert result["changed"] is True
    assert result["run"]["status"] == "RUNNING"
    assert posts(fake) == 1


@pytest.mark.parametrize("status", ["SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED"])
def test_wait_fails_when_the_run_ends(fake, status):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake), get_ok(fake, "READY", 1), get_ok(fake, status, 1))
    fake.transport.script("POST", fake.REBOOT_PATH, get_ok(fake, "READY", 1))
    with pytest.raises(ApifyRunStateError) as info:
        rebooter(fake, wait=True, wait_timeout=60, wait_sleep=5).reboot(fake.RUN_ID)
    err = info.value
    assert err.changed is True
    assert err.run["status"] == status
    assert str(err) == ("Run %s was rebooted, then ended with status %s while waiting for it to run again." % (fake.RUN_ID, status))
    assert posts(fake) == 1


def test_wait_times_out_naming_the_last_status(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake), fake.Repeat(get_ok(fake, "READY", 1)))
    fake.transport.script("POST", fake.REBOOT_PATH, get_ok(fake, "READY", 1))
    with pytest.raises(ApifyRunStateError) as info:
        rebooter(fake, wait=True, wait_timeout=10, wait_sleep=3).reboot(fake.RUN_ID)
    err = info.value
    assert err.changed is True
    assert err.run["status"] == "READY"
    assert str(err) == ("Run %s was rebooted but was not RUNNING again within wait_timeout=10 s; its last status was READY." % fake.RUN_ID)
    assert fake.clock.sleeps == [3, 3, 3, 1]  # deadline kept, never overshot
    assert posts(fake) == 1


@pytest.mark.parametrize("failure", READ_FAILURES, ids=READ_FAILURE_IDS)
def test_wait_read_error_after_a_reboot_is_still_changed(fake, failure):
    # The reboot happened; a failure while waiting must not report changed=false.
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake), failure(fake))
    fake.transport.script("POST", fake.REBOOT_PATH, get_ok(fake, "READY", 1))
    with pytest.raises(ApifyError) as info:
        rebooter(fake, retries=1, wait=True, wait_timeout=60, wait_sleep=5).reboot(fake.RUN_ID)
    assert info.value.changed is True
    assert posts(fake) == 1


def test_no_wait_when_the_run_was_left_alone(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, "READY"))
    result = rebooter(fake, wait=True).reboot(fake.RUN_ID)
    assert result["changed"] is False
    assert fake.transport.methods == ["GET"]
    assert fake.clock.sleeps == []


def test_no_wait_when_the_run_ended_in_the_race(fake):
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake), get_ok(fake, "SUCCEEDED"))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.error(400, "invalid-input", "not running"))
    result = rebooter(fake, wait=True).reboot(fake.RUN_ID)
    assert result["changed"] is False
    assert fake.transport.methods == ["GET", "POST", "GET"]


# -- never two effective reboots ------------------------------------------------------------


class World:
    """A run whose reboot counter moves only when a POST really acts, possibly later."""

    def __init__(self, fake, timeout):
        self.fake = fake
        self.timeout = timeout
        self.count = 0
        self.effective = 0
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
            if fault == "ok":
                self.act()
                return fake.ok(fake.run(status="READY", reboot_count=self.count))
            if fault == "429":
                return fake.error(429, "rate-limit-exceeded", "slow down")
            if fault.startswith("acted_") or fault.startswith("lost_"):
                if fault.startswith("acted_"):
                    self.act()
                kind = fault.split("_", 1)[1]
                if kind == "500":
                    return fake.error(500, "internal-error", "Oops")
                if kind == "drop":
                    return HttpError("api.apify.example:443: RemoteDisconnected: Remote end closed connection without response")
                fake.clock.advance(self.timeout)
                return fake.timed_out(self.timeout)
            if fault == "late_timeout":  # lands 1.5x the timeout after sending: inside the watch
                self.scheduled.append(call.at + 1.5 * self.timeout)
                fake.clock.advance(self.timeout)
                return fake.timed_out(self.timeout)
            raise AssertionError(fault)

        return outcome


POST_FAULTS = ["ok", "429", "acted_500", "lost_500", "acted_timeout", "lost_timeout", "late_timeout", "acted_drop", "lost_drop"]
SEQUENCES = [(f,) for f in POST_FAULTS] + list(itertools.product(POST_FAULTS[1:], POST_FAULTS))


@pytest.mark.parametrize("sequence", SEQUENCES, ids=["-".join(s) for s in SEQUENCES])
def test_never_two_effective_reboots(fake, sequence):
    world = World(fake, timeout=5.0)
    fake.transport.script("GET", fake.RUN_PATH, fake.Repeat(world.get))
    fake.transport.script("POST", fake.REBOOT_PATH, *[world.post(f) for f in sequence])
    fake.transport.script("POST", fake.REBOOT_PATH, fake.Repeat(world.post("ok")))
    try:
        result = rebooter(fake, retries=3, timeout=5.0).reboot(fake.RUN_ID)
    except ApifyRebootUncertainError:
        changed = None
    except ApifyError as exc:
        changed = exc.changed
    else:
        changed = result["changed"]
        assert result["run"]["stats"]["rebootCount"] == world.count
    world._apply(float("inf"))  # anything still on its way lands
    assert world.effective <= 1, "the run was rebooted %d times" % world.effective
    if changed is not None:
        assert changed is (world.effective == 1)


def test_gateway_timeout_504_is_watched_like_a_timeout(fake):
    # A 504 comes from a gateway that stopped waiting: the API behind it may
    # still be rebooting the run. A quiet counter read at once must not trigger
    # a second reboot request that lands on top of the first.
    world = World(fake, timeout=5.0)

    def gateway_timeout(call):
        world.scheduled.append(call.at + 2.0)  # the API finishes 2 s later
        return fake.error(504, "gateway-timeout", "Gateway Timeout")

    fake.transport.script("GET", fake.RUN_PATH, fake.Repeat(world.get))
    fake.transport.script("POST", fake.REBOOT_PATH, gateway_timeout, fake.Repeat(world.post("ok")))
    try:
        rebooter(fake, retries=3, timeout=5.0).reboot(fake.RUN_ID)
    except ApifyRebootUncertainError:
        pass
    world._apply(float("inf"))
    assert world.effective == 1, "the run was rebooted %d times" % world.effective


def test_result_run_is_not_shared_with_the_answer(fake):
    answer = fake.run(status="READY", reboot_count=1)
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake))
    fake.transport.script("POST", fake.REBOOT_PATH, fake.ok(copy.deepcopy(answer)))
    result = rebooter(fake).reboot(fake.RUN_ID)
    assert result["run"] == answer


def test_transport_error_class_is_the_trigger(fake):
    # a POST error raised as the generic transport error (TLS, a cut answer) is handled as "no answer"
    fake.transport.script("GET", fake.RUN_PATH, get_ok(fake, count=0), get_ok(fake, count=1))
    fake.transport.script("POST", fake.REBOOT_PATH, HttpError("api.apify.example:443: SSLEOFError: EOF occurred in violation of protocol (_ssl.c:2427)"))
    result = rebooter(fake).reboot(fake.RUN_ID)
    assert result["changed"] is True
    assert posts(fake) == 1
    assert issubclass(ApifyTransportError, ApifyError)


# -- many runs: reboot_entry / reboot_all ---------------------------------------------------


def script_batch(fake):
    """RUNA is RUNNING, RUNB finished, RUNC does not exist, RUND is rebooted then fails while waiting."""
    path = "/v2/actor-runs/%s"
    fake.transport.script("GET", path % "RUNA", get_ok(fake, run_id="RUNA"))
    fake.transport.script("POST", path % "RUNA" + "/reboot", get_ok(fake, run_id="RUNA", count=1))
    fake.transport.script("GET", path % "RUNB", get_ok(fake, status="SUCCEEDED", run_id="RUNB"))
    fake.transport.script("GET", path % "RUNC", fake.error(404, "record-not-found", "Actor run was not found"))


def test_reboot_entry_success_and_skip(fake):
    script_batch(fake)
    r = rebooter(fake)
    entry = r.reboot_entry("RUNA")
    assert entry["failed"] is False
    assert (entry["changed"], entry["rebooted"], entry["run_id"]) == (True, True, "RUNA")
    skipped = r.reboot_entry("RUNB")
    assert (skipped["changed"], skipped["rebooted"], skipped["failed"]) == (False, False, False)


def test_reboot_entry_failure_becomes_data(fake):
    script_batch(fake)
    entry = rebooter(fake).reboot_entry("RUNC")
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
    fake.transport.script("GET", "/v2/actor-runs/RUND", get_ok(fake, run_id="RUND"), get_ok(fake, status="FAILED", run_id="RUND", count=1))
    fake.transport.script("POST", "/v2/actor-runs/RUND/reboot", get_ok(fake, "READY", 1, run_id="RUND"))
    entry = rebooter(fake, wait=True, wait_timeout=30, wait_sleep=5).reboot_entry("RUND")
    assert (entry["changed"], entry["rebooted"], entry["failed"]) == (True, True, True)
    assert entry["run"]["status"] == "FAILED"
    assert entry["error"]["kind"] == "run_state"


def test_reboot_entry_fail_if_not_running_keeps_the_run(fake):
    script_batch(fake)
    entry = rebooter(fake, fail_if_not_running=True).reboot_entry("RUNB")
    assert entry["failed"] is True
    assert entry["run"]["status"] == "SUCCEEDED"
    assert entry["error"]["kind"] == "run_state"


def test_reboot_entry_does_not_catch_programming_errors(fake):
    fake.transport.script("GET", fake.RUN_PATH, lambda call: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        rebooter(fake).reboot_entry(fake.RUN_ID)


@pytest.mark.parametrize("concurrency", [1, 2, 20])
def test_reboot_all_one_entry_per_distinct_run_in_order(fake, concurrency):
    script_batch(fake)
    entries = rebooter(fake).reboot_all(["RUNA", "RUNB", "RUNA", "RUNC", "RUNB"], concurrency)
    assert [e["run_id"] for e in entries] == ["RUNA", "RUNB", "RUNC"]
    assert [(e["changed"], e["failed"]) for e in entries] == [(True, False), (False, False), (False, True)]
    # a run listed twice is read once and rebooted once
    assert len(fake.transport.of("GET", "/v2/actor-runs/RUNA")) == 1
    assert len(fake.transport.of("POST", "/v2/actor-runs/RUNA/reboot")) == 1
    assert len(fake.transport.of("GET", "/v2/actor-runs/RUNB")) == 1
    assert posts(fake) == 1


def test_reboot_all_empty(fake):
    assert rebooter(fake).reboot_all([], 20) == []
    assert fake.transport.calls == []


def test_reboot_all_check_mode_never_posts(fake):
    script_batch(fake)
    entries = rebooter(fake, check_mode=True).reboot_all(["RUNA", "RUNB", "RUNC"], 3)
    assert [e["changed"] for e in entries] == [True, False, False]
    assert posts(fake) == 0
