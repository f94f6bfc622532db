# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest
import requests

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.parameters import PASS_VARS

from ansible_collections.apify.platform.plugins.module_utils import _acting, _run_actions
from ansible_collections.apify.platform.plugins.module_utils._module import ApifyModule
from ansible_collections.apify.platform.plugins.modules.apify_run_reboot import main
from ansible_collections.apify.platform.tests.unit.scripted_http import DEFAULT_API_URL as API, RUN_ID, TOKEN, make_run

GET = "/v2/actor-runs/%s" % RUN_ID
POST = "/v2/actor-runs/%s/reboot" % RUN_ID
HINT = "Check api_url (or APIFY_API_BASE_URL), that the API is reachable from this host, and any proxy (https_proxy, no_proxy)."


def args(**extra):
    base = {"run_id": RUN_ID, "token": TOKEN}
    base.update(extra)
    return base


def not_found(message="gone"):
    return {"error": {"type": "record-not-found", "message": message}}


def test_running_run_is_rebooted(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run()))
    fake.script("POST", POST, fake.ok(make_run(reboot_count=1)))
    result = run_module(main, args())
    assert result["changed"] is True and result["rebooted"] is True
    assert result["run"]["stats"]["rebootCount"] == 1
    assert "0 -> 1" in result["msg"]
    assert isinstance(result["elapsed"], float)
    assert fake.http.methods == ["GET", "POST"]
    for call in fake.http.calls:
        assert call.url.startswith(API + "/v2/actor-runs/")
        assert TOKEN not in call.url and call.params is None
        assert call.authorization == "Bearer " + TOKEN
        assert call.headers["User-Agent"].startswith("apify.platform-ansible-collection/")
        assert call.timeout == (30.0, 30.0) and call.verify is True
        assert not call.proxies.get("https")
    # The client the module built, from its options.
    assert fake.clients == [{"api_url": API, "token": TOKEN, "timeout": 30.0, "validate_certs": True, "retries": 5, "pool_size": 1}]


def test_connection_options_reach_requests(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run(status="SUCCEEDED")))
    result = run_module(main, args(timeout=2.5, validate_certs=False, retries=0, api_url="https://api.corp.example/"))
    assert result["changed"] is False
    (call,) = fake.http.calls
    assert call.url == "https://api.corp.example" + GET
    assert (call.timeout, call.verify) == ((2.5, 2.5), False)


def test_redirect_is_not_followed(fake, run_module):
    elsewhere = "https://api.elsewhere.example/v2/actor-runs/" + RUN_ID
    fake.script("GET", GET, fake.response(302, {}, headers={"Location": elsewhere}))
    result = run_module(main, args())
    assert result["failed"] is True and result["changed"] is False
    assert "HTTP 302 redirect to %r was not followed" % elsewhere in result["msg"]
    assert result["error"]["kind"] == "response" and result["error"]["status"] == 302
    assert [call.url for call in fake.http.calls] == [API + GET]


@pytest.mark.parametrize("status", ["SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED", "READY", "ABORTING"])
def test_run_not_running_is_left_alone(fake, run_module, status):
    fake.script("GET", GET, fake.ok(make_run(status=status)))
    result = run_module(main, args())
    assert result["changed"] is False and result["rebooted"] is False
    assert status in result["msg"] and "left alone" in result["msg"]
    assert result["run"]["status"] == status
    assert fake.http.count("POST") == 0


def test_fail_if_not_running(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run(status="SUCCEEDED")))
    result = run_module(main, args(fail_if_not_running=True))
    assert result["failed"] is True
    assert "SUCCEEDED" in result["msg"] and "fail_if_not_running" in result["msg"]
    assert result["error"]["kind"] == "run_state"
    assert result["run"]["status"] == "SUCCEEDED"
    assert fake.http.count("POST") == 0


def test_max_reboot_count_guard_warns(fake, run_module, monkeypatch):
    # Spy on warn(): how warnings travel (in the result, or straight to the display once
    # controller code is imported in the same process) is ansible-core's business.
    warned = []
    monkeypatch.setattr(ApifyModule, "warn", lambda self, text: warned.append(text))
    fake.script("GET", GET, fake.ok(make_run(reboot_count=3)))
    result = run_module(main, args(max_reboot_count=3))
    assert result["changed"] is False and result["rebooted"] is False
    assert len(warned) == 1 and "max_reboot_count=3" in warned[0]
    assert fake.http.count("POST") == 0


def test_max_reboot_count_below_limit_reboots(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run(reboot_count=2)))
    fake.script("POST", POST, fake.ok(make_run(reboot_count=3)))
    result = run_module(main, args(max_reboot_count=3))
    assert result["rebooted"] is True and fake.http.count("POST") == 1


@pytest.mark.parametrize("status,expected", [("RUNNING", True), ("SUCCEEDED", False)])
def test_check_mode_never_posts(fake, run_module, status, expected):
    fake.script("GET", GET, fake.ok(make_run(status=status)))
    result = run_module(main, args(), check_mode=True)
    assert result["changed"] is expected and result["rebooted"] is expected
    assert fake.http.count("POST") == 0 and fake.http.count("GET") == 1


def test_race_run_finished_before_post(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run()), fake.ok(make_run(status="SUCCEEDED")))
    fake.script("POST", POST, fake.error(400, "run-not-running", "not running"))
    result = run_module(main, args())
    assert result.get("failed") is not True
    assert result["changed"] is False and result["rebooted"] is False
    assert "SUCCEEDED" in result["msg"]
    assert fake.http.count("POST") == 1 and fake.http.count("GET") == 2


def test_400_on_a_still_running_run_fails(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run()))
    fake.script("POST", POST, fake.error(400, "invalid-input", "nope"))
    result = run_module(main, args())
    assert result["failed"] is True and result["changed"] is False
    assert result["error"] == {"kind": "api", "status": 400, "type": "invalid-input", "message": "nope", "method": "POST", "path": POST}
    assert fake.http.count("POST") == 1


def test_post_500_after_the_reboot_happened_is_not_resent(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run(reboot_count=0)), fake.ok(make_run(reboot_count=1)))
    fake.script("POST", POST, fake.error(500, "internal-server-error", "boom"))
    result = run_module(main, args())
    assert result["changed"] is True and result["rebooted"] is True
    assert result["run"]["stats"]["rebootCount"] == 1
    assert fake.http.count("POST") == 1


def test_post_500_and_quiet_counter_to_the_end_is_changed_not_rebooted(fake, run_module):
    # The 500 came from the API: the request reached it. Watched for 2 x timeout, not rebooted as
    # far as the counter shows, never sent again, but the task cannot say nothing changed.
    fake.script("GET", GET, fake.ok(make_run(reboot_count=0)))
    fake.script("POST", POST, fake.error(500, "internal-server-error", "boom"))
    result = run_module(main, args(retries=1, timeout=2))
    assert result["failed"] is True
    assert (result["changed"], result["error"]["kind"], result["error"]["status"]) == (True, "api", 500)
    assert "not rebooted as far as its reboot count shows after watching it for 4 s" in result["msg"]  # the words: tests/runner
    assert "It was not sent again" in result["msg"]
    assert fake.http.count("POST") == 1


def test_post_reset_before_an_answer_is_watched_never_resent(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run(reboot_count=0)))
    fake.script("POST", POST, fake.reset_by_peer(), fake.ok(make_run(reboot_count=1)))
    result = run_module(main, args(timeout=2))
    assert (result["failed"], result["changed"], result["error"]["kind"]) == (True, True, "transport")
    assert "was not rebooted as far as its reboot count shows after watching it for 4 s" in result["msg"]
    assert fake.http.count("POST") == 1


def test_post_uncertain_when_counter_missing(fake, run_module):
    run = make_run()
    del run["stats"]["rebootCount"]
    fake.script("GET", GET, fake.ok(run))
    fake.script("POST", POST, fake.error(502, "bad-gateway", "gateway"))
    result = run_module(main, args())
    assert result["failed"] is True and result["changed"] is True
    assert "may or may not have happened" in result["msg"]
    assert result["error"]["kind"] == "uncertain"
    assert fake.http.count("POST") == 1


@pytest.mark.parametrize(
    "answer, words",
    [
        (make_run(run_id="OtherRun000000001", reboot_count=1), "the answer is about another run ('OtherRun000000001')"),
        (make_run(reboot_count=2), "the answer shows reboot count 2, lower than the 3 read just before"),
    ],
    ids=["other-run", "lower-count"],
)
def test_post_answer_not_believed_is_verified_never_resent(fake, run_module, answer, words):
    fake.script("GET", GET, fake.ok(make_run(reboot_count=3)))
    fake.script("POST", POST, fake.ok(answer))
    result = run_module(main, args())
    assert result["failed"] is True and result["changed"] is True
    assert result["error"]["kind"] == "uncertain"
    assert words in result["msg"]
    assert "accepted by the API" in result["msg"]
    assert fake.http.count("POST") == 1


def test_post_answer_about_another_run_with_the_counter_moved_is_rebooted(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run(reboot_count=3)), fake.ok(make_run(reboot_count=4)))
    fake.script("POST", POST, fake.ok(make_run(run_id="OtherRun000000001", reboot_count=9)))
    result = run_module(main, args())
    assert (result["changed"], result["rebooted"]) == (True, True)
    assert result["run"]["id"] == RUN_ID and result["run"]["stats"]["rebootCount"] == 4
    assert fake.http.methods == ["GET", "POST", "GET"]
    assert fake.http.closes == 1


def test_interim_answer_to_the_post_is_watched_and_never_sent_again(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run(reboot_count=0)))
    fake.script("POST", POST, fake.interim(103), fake.ok(make_run(reboot_count=1)))
    result = run_module(main, args(timeout=3))
    assert (result["failed"], result["changed"]) == (True, True) and fake.http.count("POST") == 1
    first = fake.http.of("POST")[0].at
    assert fake.http.of("GET")[-1].at - first >= 2 * 3  # the run was watched for twice the timeout


def test_post_429_is_retried_honouring_retry_after(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run()))
    fake.script("POST", POST, fake.error(429, "rate-limit-exceeded", "slow", headers={"Retry-After": "1"}), fake.ok(make_run(reboot_count=1)))
    result = run_module(main, args())
    assert result["rebooted"] is True and fake.http.count("POST") == 2
    assert fake.clock.sleeps == [1.0]


def test_get_retried_on_503_then_ok(fake, run_module):
    fake.script("GET", GET, fake.error(503, "unavailable", "later"), fake.ok(make_run(status="FAILED")))
    result = run_module(main, args())
    assert result["changed"] is False and fake.http.count("GET") == 2


def test_invalid_first_answer_fails_without_post(fake, run_module):
    run = make_run()
    run["stats"]["rebootCount"] = "x"
    fake.script("GET", GET, fake.ok(run))
    result = run_module(main, args())
    assert result["failed"] is True
    assert "data.stats.rebootCount: 'x' is not of type 'integer'" in result["msg"]
    assert result["error"]["json_path"] == "data.stats.rebootCount"
    assert fake.http.count("POST") == 0


def test_first_answer_about_another_run_fails_without_post(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run(run_id="OtherRun000000001")))
    result = run_module(main, args())
    assert result["failed"] is True and result["changed"] is False
    assert result["error"]["json_path"] == "data.id"
    assert fake.http.methods == ["GET"]
    assert fake.http.closes == 1


def test_unknown_fields_pass(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run(status="SUCCEEDED", brandNewField={"x": 1})))
    result = run_module(main, args())
    assert result["changed"] is False and result["run"]["brandNewField"] == {"x": 1}


@pytest.mark.parametrize("status,hint", [(401, "token"), (403, "permission"), (404, "does not exist"), (405, "api_url")])
def test_http_errors_get_clear_messages(fake, run_module, status, hint):
    fake.script("GET", GET, fake.error(status, "some-type", "some message"))
    result = run_module(main, args())
    assert result["failed"] is True
    assert "HTTP %d" % status in result["msg"] and "some-type" in result["msg"] and "some message" in result["msg"]
    assert "GET " + GET in result["msg"] and hint in result["msg"]
    assert result["error"]["status"] == status and result["error"]["type"] == "some-type"
    assert "Traceback" not in json.dumps(result)


def test_token_echoed_by_the_api_is_redacted(fake, run_module):
    fake.script("GET", GET, fake.error(403, "x", "bad token %s" % TOKEN))
    result = run_module(main, args())
    assert TOKEN not in json.dumps(result)


def test_token_in_a_run_answer_is_masked_in_keys_and_values(fake, run_module):
    # Ansible's no_log masks values only; a token the API puts in a key must not leave either.
    echoed = {TOKEN: {"nested": [TOKEN, {"k": "Bearer " + TOKEN, TOKEN + "-suffix": 1}]}, "list": [[TOKEN]]}
    fake.script("GET", GET, fake.ok(make_run(status="SUCCEEDED", meta=echoed)))
    result = run_module(main, args())
    assert result["changed"] is False
    dumped = json.dumps(result)
    assert TOKEN not in dumped
    assert result["run"]["meta"] == {
        "********": {"nested": ["********", {"k": "Bearer ********", "********-suffix": 1}]},
        "list": [["********"]],
    }


@pytest.mark.parametrize("run_id", ["", "a/b", "..", "a?b", "%2F", "a b", "r\u00fcn", "x" * 1000])
def test_bad_run_id_fails_before_any_request(fake, run_module, run_id):
    result = run_module(main, args(run_id=run_id))
    assert result["failed"] is True and "not an Apify run ID" in result["msg"]
    assert fake.http.calls == []


def test_missing_token_fails_early_with_how_to(fake, run_module):
    result = run_module(main, {"run_id": RUN_ID})
    assert result["failed"] is True and "APIFY_TOKEN" in result["msg"]
    assert fake.http.calls == []


def test_token_and_url_from_environment(fake, run_module, monkeypatch):
    monkeypatch.setenv("APIFY_TOKEN", TOKEN)
    monkeypatch.setenv("APIFY_API_BASE_URL", API + "/")
    fake.script("GET", GET, fake.ok(make_run(status="SUCCEEDED")))
    result = run_module(main, {"run_id": RUN_ID})
    assert result["changed"] is False
    assert fake.http.calls[0].authorization == "Bearer " + TOKEN


@pytest.mark.parametrize(
    "extra,fragment",
    [
        ({"api_url": "http://api.apify.com"}, "plain http"),
        ({"api_url": "ftp://api.apify.com"}, "https://"),
        ({"api_url": "api.apify.com"}, "no scheme"),
        ({"api_url": "https://api.apify.com/v2"}, "without a path"),
        ({"timeout": 0}, "timeout must be greater than 0"),
        ({"retries": -1}, "retries must be 0 or more"),
        ({"max_reboot_count": -1}, "max_reboot_count must be 0 or more"),
        ({"wait_timeout": 1, "wait_sleep": 5}, "wait_timeout (1) must be at least wait_sleep (5)"),
        ({"wait_sleep": 0}, "wait_sleep must be greater than 0"),
        ({"token": "  "}, "empty"),
        ({"token": "abc\ndef"}, "line break"),
    ],
)
def test_bad_options_fail_before_any_request(fake, run_module, extra, fragment):
    result = run_module(main, args(**extra))
    assert result["failed"] is True and fragment in result["msg"]
    assert fake.http.calls == []


def test_wait_until_running_again(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run()), fake.ok(make_run(status="READY", reboot_count=1)), fake.ok(make_run(reboot_count=1)))
    fake.script("POST", POST, fake.ok(make_run(status="READY", reboot_count=1)))
    result = run_module(main, args(wait=True, wait_sleep=1, wait_timeout=10))
    assert result["rebooted"] is True and result["run"]["status"] == "RUNNING"
    assert fake.http.count("GET") == 3
    assert fake.clock.sleeps == [1]


def test_wait_fails_when_run_ends(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run()), fake.ok(make_run(status="FAILED", reboot_count=1)))
    fake.script("POST", POST, fake.ok(make_run(status="READY", reboot_count=1)))
    result = run_module(main, args(wait=True, wait_sleep=1, wait_timeout=10))
    assert result["failed"] is True and result["changed"] is True
    assert "FAILED" in result["msg"] and result["run"]["status"] == "FAILED"


def test_batch_run_ids(fake, run_module):
    ids = ["AAAAAAAAAAAAAAAA1", "AAAAAAAAAAAAAAAA2", "AAAAAAAAAAAAAAAA3"]
    fake.script("GET", "/v2/actor-runs/" + ids[0], fake.ok(make_run(ids[0])))
    fake.script("POST", "/v2/actor-runs/%s/reboot" % ids[0], fake.ok(make_run(ids[0], reboot_count=1)))
    fake.script("GET", "/v2/actor-runs/" + ids[1], fake.ok(make_run(ids[1], status="SUCCEEDED")))
    fake.script("GET", "/v2/actor-runs/" + ids[2], fake.error(404, "record-not-found", "gone"))
    result = run_module(main, {"run_ids": ids + [ids[0]], "token": TOKEN, "concurrency": 2})
    assert result["failed"] is True and result["changed"] is True
    assert result["rebooted_run_ids"] == [ids[0]]
    assert result["skipped_run_ids"] == [ids[1]]
    assert result["failed_run_ids"] == [ids[2]]
    assert [e["run_id"] for e in result["results"]] == ids
    assert ids[2] in result["msg"]
    assert fake.http.count("POST") == 1
    assert fake.clients[0]["pool_size"] == 2


def test_batch_actor_id_lists_running_runs(fake, run_module):
    ids = ["BBBBBBBBBBBBBBBB1", "BBBBBBBBBBBBBBBB2"]
    items = [{"id": i, "actId": "act", "status": "RUNNING", "startedAt": "2026-11-28T07:34:24.202Z"} for i in ids]
    fake.script("GET", "/v2/actors/act/runs", fake.page(items, 2))
    for i in ids:
        fake.script("GET", "/v2/actor-runs/" + i, fake.ok(make_run(i)))
    result = run_module(main, {"actor_id": "act", "token": TOKEN}, check_mode=True)
    assert result["changed"] is True and sorted(result["rebooted_run_ids"]) == ids
    assert fake.http.count("POST") == 0
    assert fake.http.calls[0].params == {"offset": "0", "limit": "1000", "status": "RUNNING"}


def test_batch_actor_id_listing_a_bad_id_fails_that_entry_only(fake, run_module):
    good = ["CCCCCCCCCCCCCCCC1", "CCCCCCCCCCCCCCCC2"]
    items = [{"id": i, "actId": "act", "status": "RUNNING", "startedAt": "2026-11-28T07:34:24.202Z"} for i in [good[0], "../../v2/users/me", good[1]]]
    fake.script("GET", "/v2/actors/act/runs", fake.page(items, 3))
    for i in good:
        fake.script("GET", "/v2/actor-runs/" + i, fake.ok(make_run(i)))
        fake.script("POST", "/v2/actor-runs/%s/reboot" % i, fake.ok(make_run(i, reboot_count=1)))
    result = run_module(main, {"actor_id": "act", "token": TOKEN})
    assert result["failed"] is True and result["changed"] is True
    assert result["rebooted_run_ids"] == good
    assert result["failed_run_ids"] == ["../../v2/users/me"]
    bad = result["results"][-1]
    assert (bad["run_id"], bad["changed"], bad["rebooted"], bad["failed"], bad["run"]) == ("../../v2/users/me", False, False, True, None)
    assert bad["error"]["kind"] == "response" and bad["error"]["json_path"] == "data.items[].id"
    assert "nothing was sent for it" in bad["msg"]
    # Nothing was sent for it: every request went to a listing or to one of the good runs.
    assert {call.path for call in fake.http.calls} == {"/v2/actors/act/runs"} | {"/v2/actor-runs/" + i for i in good} | {
        "/v2/actor-runs/%s/reboot" % i for i in good
    }


def test_batch_listing_that_does_not_advance_fails_before_any_run_is_touched(fake, run_module):
    items = [{"id": "D%016d" % n, "actId": "act", "status": "RUNNING", "startedAt": "2026-11-28T07:34:24.202Z"} for n in range(1000)]
    fake.script("GET", "/v2/actors/act/runs", fake.page(items, 5000))  # the same first page, always
    result = run_module(main, {"actor_id": "act", "token": TOKEN})
    assert result["failed"] is True and result["changed"] is False
    assert "the listing does not advance" in result["msg"]
    assert fake.http.methods == ["GET", "GET"]


def test_selectors_are_mutually_exclusive(fake, run_module):
    result = run_module(main, {"run_id": RUN_ID, "actor_id": "act", "token": TOKEN})
    assert result["failed"] is True and "mutually exclusive" in result["msg"]
    assert fake.http.calls == []


def test_concurrency_zero_refused(fake, run_module):
    result = run_module(main, {"run_ids": [RUN_ID], "token": TOKEN, "concurrency": 0})
    assert result["failed"] is True and "concurrency must be from 1 to 100" in result["msg"]
    assert fake.http.calls == []


def test_race_with_fail_if_not_running_fails(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run()), fake.ok(make_run(status="ABORTED")))
    fake.script("POST", POST, fake.error(400, "run-not-running", "not running"))
    result = run_module(main, args(fail_if_not_running=True))
    assert result["failed"] is True and result["changed"] is False
    assert "ABORTED" in result["msg"] and "fail_if_not_running" in result["msg"]
    assert fake.http.count("POST") == 1


@pytest.mark.parametrize("full_runs", [False, True])
def test_batch_entries_hold_a_compact_run_unless_asked(fake, run_module, full_runs):
    run_id = "CCCCCCCCCCCCCCCC1"
    fake.script("GET", "/v2/actor-runs/" + run_id, fake.ok(make_run(run_id)))
    fake.script("POST", "/v2/actor-runs/%s/reboot" % run_id, fake.ok(make_run(run_id, reboot_count=1)))
    result = run_module(main, {"run_ids": [run_id], "token": TOKEN, "full_runs": full_runs})
    run = result["results"][0]["run"]
    if full_runs:
        assert run == make_run(run_id, reboot_count=1)
    else:
        assert run == {
            "id": run_id,
            "status": "RUNNING",
            "startedAt": make_run()["startedAt"],
            "finishedAt": None,
            "stats": {"rebootCount": 1},
        }


def test_read_timing_out_is_retried_then_fails_with_the_transport_message(fake, run_module):
    fake.script("GET", GET, fake.read_timeout(30, host="api.apify.com"))
    result = run_module(main, args(retries=2))
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == (
        "GET %s timed out: no complete answer from api.apify.com within timeout=30 s (the limit for the whole request). "
        "This happened after 3 attempts, 1.5 s of backoff between them (retries=2). %s" % (GET, HINT)
    )
    assert result["error"] == {"kind": "transport", "timeout": True, "message": result["msg"], "method": "GET", "path": GET}
    assert "Traceback" not in json.dumps(result)
    assert fake.http.count("GET") == 3 and fake.http.count("POST") == 0
    assert fake.clock.sleeps == [0.5, 1.0]


def test_refused_connection_fails_with_the_transport_message(fake, run_module):
    fake.script("GET", GET, fake.refused(host="api.apify.com"))
    result = run_module(main, args(retries=0))
    assert result["failed"] is True
    assert result["msg"] == "GET %s failed: api.apify.com refused the connection. This happened with retries=0. %s" % (GET, HINT)
    assert result["error"]["kind"] == "transport" and result["error"]["timeout"] is False
    assert fake.http.count("GET") == 1


def test_post_refused_is_unchanged(fake, run_module):
    # The connection was never made: the reboot cannot have happened.
    fake.script("GET", GET, fake.ok(make_run()))
    fake.script("POST", POST, fake.refused(host="api.apify.com"))
    result = run_module(main, args(retries=0))
    assert result["failed"] is True and result["changed"] is False
    assert "This happened before the request was sent." in result["msg"]


# -- proxies and CA bundles: requests takes them from the environment --------------------------


@pytest.mark.parametrize(
    "proxy",
    ["http://user:pr0xy%20s3cret@proxy.example:3128", "https://proxy.example:3128"],
    ids=["http", "https"],
)
@pytest.mark.parametrize("name", ["HTTPS_PROXY", "https_proxy"])
def test_https_proxy_from_the_environment_reaches_requests(fake, run_module, monkeypatch, name, proxy):
    monkeypatch.setenv(name, proxy)
    fake.script("GET", GET, fake.ok(make_run(status="SUCCEEDED")))
    result = run_module(main, args())
    assert result["changed"] is False
    (call,) = fake.http.calls
    assert call.proxies["https"] == proxy
    # The credentials go to the proxy (on CONNECT, by urllib3), never to the API.
    assert "Proxy-Authorization" not in call.headers
    assert call.url == API + GET
    assert "pr0xy" not in json.dumps(result)


@pytest.mark.parametrize("no_proxy", ["api.apify.com", ".apify.com", "*"])
def test_no_proxy_bypasses_the_proxy(fake, run_module, monkeypatch, no_proxy):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", no_proxy)
    fake.script("GET", GET, fake.ok(make_run(status="SUCCEEDED")))
    result = run_module(main, args())
    assert result["changed"] is False and not fake.http.calls[0].proxies.get("https")


def test_http_proxy_setting_does_not_apply_to_https(fake, run_module, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    fake.script("GET", GET, fake.ok(make_run(status="SUCCEEDED")))
    result = run_module(main, args())
    assert result["changed"] is False and not fake.http.calls[0].proxies.get("https")


def test_loopback_api_url_is_never_proxied(fake, run_module, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("ALL_PROXY", "http://proxy.example:3128")
    fake.script("GET", GET, fake.ok(make_run(status="SUCCEEDED")))
    result = run_module(main, args(api_url="http://127.0.0.1:8080"))
    assert result["changed"] is False
    (call,) = fake.http.calls
    assert call.url == "http://127.0.0.1:8080" + GET
    assert not call.proxies.get("http") and not call.proxies.get("all")


def test_ca_bundle_from_the_environment_reaches_requests(fake, run_module, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/pki/corp-ca.pem")
    fake.script("GET", GET, fake.ok(make_run(status="SUCCEEDED")))
    run_module(main, args())
    assert fake.http.calls[0].verify == "/etc/pki/corp-ca.pem"


def test_missing_ca_bundle_is_a_configuration_error(fake, run_module, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/pki/missing-ca.pem")
    fake.script("GET", GET, OSError("Could not find a suitable TLS CA certificate bundle, invalid path: /etc/pki/missing-ca.pem"))
    result = run_module(main, args())
    assert result["failed"] is True and result["changed"] is False
    assert result["error"]["kind"] == "configuration"
    assert "was not sent" in result["msg"] and "REQUESTS_CA_BUNDLE" in result["msg"]
    assert fake.http.calls[0].verify == "/etc/pki/missing-ca.pem"


# -- nothing unexpected becomes a traceback ------------------------------------------------------


def test_unexpected_error_before_any_post_is_an_internal_failure_unchanged(fake, run_module, monkeypatch):
    def broken(self, run):
        raise KeyError("stats")

    monkeypatch.setattr(_run_actions.Reboot, "decide", broken)
    fake.script("GET", GET, fake.ok(make_run()))
    result = run_module(main, args())
    assert result["failed"] is True and result["changed"] is False
    assert result["error"] == {"kind": "internal", "message": "KeyError: 'stats'"}
    assert result["msg"] == (
        "Internal error in the apify.platform collection (KeyError: 'stats'); please report it. No request that changes anything was sent."
    )
    assert "exception" not in result and "Traceback" not in json.dumps(result)
    assert fake.http.methods == ["GET"]


def test_unexpected_error_after_a_post_is_an_internal_failure_changed(fake, run_module, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError(TOKEN)  # the token in the text is masked too

    monkeypatch.setattr(_acting, "summarize", broken)
    run_id = "CCCCCCCCCCCCCCCC1"
    fake.script("GET", "/v2/actor-runs/" + run_id, fake.ok(make_run(run_id)))
    fake.script("POST", "/v2/actor-runs/%s/reboot" % run_id, fake.ok(make_run(run_id, reboot_count=1)))
    result = run_module(main, {"run_ids": [run_id], "token": TOKEN})
    assert result["failed"] is True and result["changed"] is True
    assert result["error"]["kind"] == "internal"
    assert "A request that may have changed a run had been sent" in result["msg"]
    assert TOKEN not in json.dumps(result) and "********" in result["msg"]
    assert "exception" not in result and "Traceback" not in json.dumps(result)


# -- without its libraries the module says which one is missing ---------------------------------

# Run in a fresh interpreter where importing one library fails, as on a bare Python.
WITHOUT = """
import json, sys
for name in sys.argv[2].split(","):
    sys.modules[name] = None
from ansible_collections.apify.platform.tests.unit.module_args import patch_module_args
from ansible_collections.apify.platform.plugins.modules import apify_run_reboot
with patch_module_args(json.loads(sys.argv[1])):
    try:
        apify_run_reboot.main()
    except SystemExit:
        pass
"""


@pytest.mark.parametrize("library, blocked", [("requests", "requests,urllib3"), ("jsonschema", "jsonschema")])
def test_missing_library_is_named(tmp_path, library, blocked):
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and not k.startswith("APIFY_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT, json.dumps(args(api_url="http://127.0.0.1:9")), blocked],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=str(tmp_path),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["failed"] is True
    assert result["msg"] == missing_required_lib(library)
    assert "Traceback" not in done.stdout


# -- URL secrets stay out of the result, the invocation included (issue 17) -------------------------


@pytest.mark.parametrize("api_url", ["https://apiuser:Pa55w0rdXYZ@api.apify.com", "apiuser:Pa55w0rdXYZ@api.apify.com", "https://api.apify.com/?Pa55w0rdXYZ"])
def test_api_url_userinfo_is_neither_in_the_message_nor_in_the_invocation(fake, run_module, api_url):
    extra = {"_ansible_inject_invocation": True} if "inject_invocation" in PASS_VARS else {}  # ansible-core 2.19+: only on request
    result = run_module(main, args(api_url=api_url, **extra))
    assert result["failed"] is True and fake.http.calls == []
    assert "Pa55w0rdXYZ" not in json.dumps(result) and "apiuser:" not in json.dumps(result)
    assert "invocation" in result and "********" in result["invocation"]["module_args"]["api_url"]


@pytest.mark.parametrize("api_url", ["https://apiuser:Pa55w0rdXYZ@api.apify.com", "apiuser:Pa55w0rdXYZ@api.apify.com"])
def test_api_url_secrets_are_masked_when_ansible_itself_refuses_the_options(fake, run_module, api_url):
    """An unknown option fails in AnsibleModule's own validation, before the module's code runs."""
    extra = {"_ansible_inject_invocation": True} if "inject_invocation" in PASS_VARS else {}
    result = run_module(main, args(api_url=api_url, no_such_option=1, **extra))
    assert result["failed"] is True and "no_such_option" in result["msg"] and fake.http.calls == []
    assert "Pa55w0rdXYZ" not in json.dumps(result) and "apiuser:" not in json.dumps(result)
    assert result["invocation"]["module_args"]["api_url"].count("********") == 1


def test_a_proxy_password_from_the_environment_is_masked_wherever_it_shows(fake, run_module, monkeypatch):
    monkeypatch.setenv("https_proxy", "http://proxyuser:Pr0xyP#ss@127.0.0.1:3128")
    fake.script("GET", GET, requests.exceptions.InvalidURL("Failed to parse: 'proxyuser:Pr0xyP' is not a valid host or port"))
    result = run_module(main, args(retries=0))
    assert result["failed"] is True
    assert "Pr0xyP" not in json.dumps(result) and "proxyuser" not in json.dumps(result)
    assert "a proxy URL for api.apify.com cannot be parsed" in result["msg"]
