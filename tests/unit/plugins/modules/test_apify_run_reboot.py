# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.apify.platform.plugins.module_utils._http import HttpError
from ansible_collections.apify.platform.plugins.module_utils._module import ApifyModule
from ansible_collections.apify.platform.plugins.modules.apify_run_reboot import main
from ansible_collections.apify.platform.tests.unit.plugins.modules.conftest import API, TOKEN, make_run

RUN_ID = "3KH8gEpp4d8uQSe8T"
GET = "/v2/actor-runs/%s" % RUN_ID
POST = "/v2/actor-runs/%s/reboot" % RUN_ID


def args(**extra):
    base = {"run_id": RUN_ID, "token": TOKEN}
    base.update(extra)
    return base


def test_running_run_is_rebooted(api, run_module):
    api.on("GET", GET, (200, {"data": make_run()}))
    api.on("POST", POST, (200, {"data": make_run(reboot_count=1)}))
    result = run_module(main, args())
    assert result["changed"] is True and result["rebooted"] is True
    assert result["run"]["stats"]["rebootCount"] == 1
    assert "0 -> 1" in result["msg"]
    assert isinstance(result["elapsed"], float)
    assert [r["method"] for r in api.requests] == ["GET", "POST"]
    for request in api.requests:
        assert request["url"].startswith(API + "/v2/actor-runs/")
        assert TOKEN not in request["url"] and not request["params"]
        assert request["headers"]["Authorization"] == "Bearer " + TOKEN
        assert request["headers"]["User-Agent"].startswith("apify.platform-ansible-collection/")
        assert request["timeout"] == 30.0 and request["proxy"] is None


def test_redirect_is_not_followed(api, run_module):
    elsewhere = "https://api.elsewhere.example/v2/actor-runs/" + RUN_ID
    api.on("GET", GET, (302, {}, {"Location": elsewhere}))
    result = run_module(main, args())
    assert result["failed"] is True and result["changed"] is False
    assert "HTTP 302 redirect to %r was not followed" % elsewhere in result["msg"]
    assert result["error"]["kind"] == "response" and result["error"]["status"] == 302
    assert [r["url"] for r in api.requests] == [API + GET]


@pytest.mark.parametrize("status", ["SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED", "READY", "ABORTING"])
def test_run_not_running_is_left_alone(api, run_module, status):
    api.on("GET", GET, (200, {"data": make_run(status=status)}))
    result = run_module(main, args())
    assert result["changed"] is False and result["rebooted"] is False
    assert status in result["msg"] and "left alone" in result["msg"]
    assert result["run"]["status"] == status
    assert api.count("POST") == 0


def test_fail_if_not_running(api, run_module):
    api.on("GET", GET, (200, {"data": make_run(status="SUCCEEDED")}))
    result = run_module(main, args(fail_if_not_running=True))
    assert result["failed"] is True
    assert "SUCCEEDED" in result["msg"] and "fail_if_not_running" in result["msg"]
    assert result["error"]["kind"] == "run_state"
    assert result["run"]["status"] == "SUCCEEDED"
    assert api.count("POST") == 0


def test_max_reboot_count_guard_warns(api, run_module, monkeypatch):
    # Spy on warn(): how warnings travel (in the result, or straight to the display once
    # controller code is imported in the same process) is ansible-core's business.
    warned = []
    monkeypatch.setattr(ApifyModule, "warn", lambda self, text: warned.append(text))
    api.on("GET", GET, (200, {"data": make_run(reboot_count=3)}))
    result = run_module(main, args(max_reboot_count=3))
    assert result["changed"] is False and result["rebooted"] is False
    assert len(warned) == 1 and "max_reboot_count=3" in warned[0]
    assert api.count("POST") == 0


def test_max_reboot_count_below_limit_reboots(api, run_module):
    api.on("GET", GET, (200, {"data": make_run(reboot_count=2)}))
    api.on("POST", POST, (200, {"data": make_run(reboot_count=3)}))
    result = run_module(main, args(max_reboot_count=3))
    assert result["rebooted"] is True and api.count("POST") == 1


@pytest.mark.parametrize("status,expected", [("RUNNING", True), ("SUCCEEDED", False)])
def test_check_mode_never_posts(api, run_module, status, expected):
    api.on("GET", GET, (200, {"data": make_run(status=status)}))
    result = run_module(main, args(), check_mode=True)
    assert result["changed"] is expected and result["rebooted"] is expected
    assert api.count("POST") == 0 and api.count("GET") == 1


def test_race_run_finished_before_post(api, run_module):
    api.on("GET", GET, (200, {"data": make_run()}), (200, {"data": make_run(status="SUCCEEDED")}))
    api.on("POST", POST, (400, {"error": {"type": "run-not-running", "message": "not running"}}))
    result = run_module(main, args())
    assert result.get("failed") is not True
    assert result["changed"] is False and result["rebooted"] is False
    assert "SUCCEEDED" in result["msg"]
    assert api.count("POST") == 1 and api.count("GET") == 2


def test_400_on_a_still_running_run_fails(api, run_module):
    api.on("GET", GET, (200, {"data": make_run()}))
    api.on("POST", POST, (400, {"error": {"type": "invalid-input", "message": "nope"}}))
    result = run_module(main, args())
    assert result["failed"] is True
    assert result["error"] == {"kind": "api", "status": 400, "type": "invalid-input", "message": "nope", "method": "POST", "path": POST}
    assert api.count("POST") == 1


def test_post_500_after_the_reboot_happened_is_not_resent(api, run_module):
    api.on("GET", GET, (200, {"data": make_run(reboot_count=0)}), (200, {"data": make_run(reboot_count=1)}))
    api.on("POST", POST, (500, {"error": {"type": "internal-server-error", "message": "boom"}}))
    result = run_module(main, args())
    assert result["changed"] is True and result["rebooted"] is True
    assert result["run"]["stats"]["rebootCount"] == 1
    assert api.count("POST") == 1


def test_post_dropped_before_acting_is_resent_once(api, run_module):
    api.on("GET", GET, (200, {"data": make_run(reboot_count=0)}))
    api.on("POST", POST, HttpError("api.apify.com:443: ConnectionResetError: connection reset"), (200, {"data": make_run(reboot_count=1)}))
    result = run_module(main, args())
    assert result["rebooted"] is True
    assert api.count("POST") == 2


def test_post_uncertain_when_counter_missing(api, run_module):
    run = make_run()
    del run["stats"]["rebootCount"]
    api.on("GET", GET, (200, {"data": run}))
    api.on("POST", POST, (502, {"error": {"type": "bad-gateway", "message": "gateway"}}))
    result = run_module(main, args())
    assert result["failed"] is True
    assert "may or may not have happened" in result["msg"]
    assert result["error"]["kind"] == "uncertain"
    assert api.count("POST") == 1


def test_post_429_is_retried_honouring_retry_after(api, run_module):
    api.on("GET", GET, (200, {"data": make_run()}))
    api.on("POST", POST, (429, {"error": {"type": "rate-limit-exceeded", "message": "slow"}}, {"Retry-After": "1"}), (200, {"data": make_run(reboot_count=1)}))
    result = run_module(main, args())
    assert result["rebooted"] is True and api.count("POST") == 2


def test_get_retried_on_503_then_ok(api, run_module):
    api.on("GET", GET, (503, {"error": {"type": "unavailable", "message": "later"}}), (200, {"data": make_run(status="FAILED")}))
    result = run_module(main, args())
    assert result["changed"] is False and api.count("GET") == 2


def test_invalid_first_answer_fails_without_post(api, run_module):
    run = make_run()
    run["stats"]["rebootCount"] = "x"
    api.on("GET", GET, (200, {"data": run}))
    result = run_module(main, args())
    assert result["failed"] is True
    assert "data.stats.rebootCount: 'x' is not of type 'integer'" in result["msg"]
    assert result["error"]["json_path"] == "data.stats.rebootCount"
    assert api.count("POST") == 0


def test_unknown_fields_pass(api, run_module):
    api.on("GET", GET, (200, {"data": make_run(status="SUCCEEDED", brandNewField={"x": 1})}))
    result = run_module(main, args())
    assert result["changed"] is False and result["run"]["brandNewField"] == {"x": 1}


@pytest.mark.parametrize("status,hint", [(401, "token"), (403, "permission"), (404, "does not exist"), (405, "api_url")])
def test_http_errors_get_clear_messages(api, run_module, status, hint):
    api.on("GET", GET, (status, {"error": {"type": "some-type", "message": "some message"}}))
    result = run_module(main, args())
    assert result["failed"] is True
    assert "HTTP %d" % status in result["msg"] and "some-type" in result["msg"] and "some message" in result["msg"]
    assert "GET " + GET in result["msg"] and hint in result["msg"]
    assert result["error"]["status"] == status and result["error"]["type"] == "some-type"
    assert "Traceback" not in json.dumps(result)


def test_token_echoed_by_the_api_is_redacted(api, run_module):
    api.on("GET", GET, (403, {"error": {"type": "x", "message": "bad token %s" % TOKEN}}))
    result = run_module(main, args())
    assert TOKEN not in json.dumps(result)


@pytest.mark.parametrize("run_id", ["", "a/b", "..", "a?b", "%2F", "a b", "r\u00fcn", "x" * 1000])
def test_bad_run_id_fails_before_any_request(api, run_module, run_id):
    result = run_module(main, args(run_id=run_id))
    assert result["failed"] is True and "not an Apify run ID" in result["msg"]
    assert api.requests == []


def test_missing_token_fails_early_with_how_to(api, run_module):
    result = run_module(main, {"run_id": RUN_ID})
    assert result["failed"] is True and "APIFY_TOKEN" in result["msg"]
    assert api.requests == []


def test_token_and_url_from_environment(api, run_module, monkeypatch):
    monkeypatch.setenv("APIFY_TOKEN", TOKEN)
    monkeypatch.setenv("APIFY_API_BASE_URL", API + "/")
    api.on("GET", GET, (200, {"data": make_run(status="SUCCEEDED")}))
    result = run_module(main, {"run_id": RUN_ID})
    assert result["changed"] is False
    assert api.requests[0]["headers"]["Authorization"] == "Bearer " + TOKEN


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
def test_bad_options_fail_before_any_request(api, run_module, extra, fragment):
    result = run_module(main, args(**extra))
    assert result["failed"] is True and fragment in result["msg"]
    assert api.requests == []


def test_wait_until_running_again(api, run_module):
    api.on("GET", GET, (200, {"data": make_run()}), (200, {"data": make_run(status="READY", reboot_count=1)}), (200, {"data": make_run(reboot_count=1)}))
    api.on("POST", POST, (200, {"data": make_run(status="READY", reboot_count=1)}))
    result = run_module(main, args(wait=True, wait_sleep=1, wait_timeout=10))
    assert result["rebooted"] is True and result["run"]["status"] == "RUNNING"
    assert api.count("GET") == 3


def test_wait_fails_when_run_ends(api, run_module):
    api.on("GET", GET, (200, {"data": make_run()}), (200, {"data": make_run(status="FAILED", reboot_count=1)}))
    api.on("POST", POST, (200, {"data": make_run(status="READY", reboot_count=1)}))
    result = run_module(main, args(wait=True, wait_sleep=1, wait_timeout=10))
    assert result["failed"] is True and result["changed"] is True
    assert "FAILED" in result["msg"] and result["run"]["status"] == "FAILED"


def test_batch_run_ids(api, run_module):
    ids = ["AAAAAAAAAAAAAAAA1", "AAAAAAAAAAAAAAAA2", "AAAAAAAAAAAAAAAA3"]
    api.on("GET", "/v2/actor-runs/" + ids[0], (200, {"data": make_run(ids[0])}))
    api.on("POST", "/v2/actor-runs/%s/reboot" % ids[0], (200, {"data": make_run(ids[0], reboot_count=1)}))
    api.on("GET", "/v2/actor-runs/" + ids[1], (200, {"data": make_run(ids[1], status="SUCCEEDED")}))
    api.on("GET", "/v2/actor-runs/" + ids[2], (404, {"error": {"type": "record-not-found", "message": "gone"}}))
    result = run_module(main, {"run_ids": ids + [ids[0]], "token": TOKEN, "concurrency": 2})
    assert result["failed"] is True and result["changed"] is True
    assert result["rebooted_run_ids"] == [ids[0]]
    assert result["skipped_run_ids"] == [ids[1]]
    assert result["failed_run_ids"] == [ids[2]]
    assert [e["run_id"] for e in result["results"]] == ids
    assert ids[2] in result["msg"]
    assert api.count("POST") == 1


def test_batch_actor_id_lists_running_runs(api, run_module):
    ids = ["BBBBBBBBBBBBBBBB1", "BBBBBBBBBBBBBBBB2"]
    items = [{"id": i, "actId": "act", "status": "RUNNING", "startedAt": "2026-11-28T07:34:24.202Z"} for i in ids]
    api.on("GET", "/v2/actors/act/runs", (200, {"data": {"total": 2, "offset": 0, "limit": 1000, "count": 2, "items": items}}))
    for i in ids:
        api.on("GET", "/v2/actor-runs/" + i, (200, {"data": make_run(i)}))
    result = run_module(main, {"actor_id": "act", "token": TOKEN}, check_mode=True)
    assert result["changed"] is True and sorted(result["rebooted_run_ids"]) == ids
    assert api.count("POST") == 0
    assert api.requests[0]["params"]["status"] == "RUNNING"


def test_selectors_are_mutually_exclusive(api, run_module):
    result = run_module(main, {"run_id": RUN_ID, "actor_id": "act", "token": TOKEN})
    assert result["failed"] is True and "mutually exclusive" in result["msg"]
    assert api.requests == []


def test_concurrency_zero_refused(api, run_module):
    result = run_module(main, {"run_ids": [RUN_ID], "token": TOKEN, "concurrency": 0})
    assert result["failed"] is True and "concurrency must be from 1 to 100" in result["msg"]
    assert api.requests == []


def test_race_with_fail_if_not_running_fails(api, run_module):
    api.on("GET", GET, (200, {"data": make_run()}), (200, {"data": make_run(status="ABORTED")}))
    api.on("POST", POST, (400, {"error": {"type": "run-not-running", "message": "not running"}}))
    result = run_module(main, args(fail_if_not_running=True))
    assert result["failed"] is True and result["changed"] is False
    assert "ABORTED" in result["msg"] and "fail_if_not_running" in result["msg"]
    assert api.count("POST") == 1


@pytest.mark.parametrize("full_runs", [False, True])
def test_batch_entries_hold_a_compact_run_unless_asked(api, run_module, full_runs):
    run_id = "CCCCCCCCCCCCCCCC1"
    api.on("GET", "/v2/actor-runs/" + run_id, (200, {"data": make_run(run_id)}))
    api.on("POST", "/v2/actor-runs/%s/reboot" % run_id, (200, {"data": make_run(run_id, reboot_count=1)}))
    result = run_module(main, {"run_ids": [run_id], "token": TOKEN, "full_runs": full_runs})
    run = result["results"][0]["run"]
    if full_runs:
        assert run == make_run(run_id, reboot_count=1)
    else:
        assert run == {
            "id": run_id,
            "status": "RUNNING",
            "startedAt": "2026-11-28T07:34:24.202Z",
            "finishedAt": None,
            "stats": {"rebootCount": 1},
        }


def test_read_timing_out_is_retried_then_fails_with_the_transport_message(api, run_module):
    api.on("GET", GET, HttpError("no answer from api.apify.com:443 within 30 s", timeout=True))
    result = run_module(main, args(retries=2))
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == "GET %s timed out: no answer from api.apify.com:443 within 30 s" % GET
    assert result["error"] == {"kind": "transport", "timeout": True, "message": result["msg"], "method": "GET", "path": GET}
    assert "Traceback" not in json.dumps(result)
    assert api.count("GET") == 3 and api.count("POST") == 0


def test_refused_connection_fails_with_the_transport_message(api, run_module):
    api.on("GET", GET, HttpError("api.apify.com:443: ConnectionRefusedError: [Errno 111] Connection refused"))
    result = run_module(main, args(retries=0))
    assert result["failed"] is True
    assert result["msg"] == "GET %s failed: api.apify.com:443: ConnectionRefusedError: [Errno 111] Connection refused" % GET
    assert result["error"]["kind"] == "transport" and result["error"]["timeout"] is False
    assert api.count("GET") == 1


HTTPS_PROXY_REFUSED = "the https_proxy environment variable names a proxy with the scheme https; use an http:// proxy (it is asked to CONNECT)."


@pytest.mark.parametrize("name", ["HTTPS_PROXY", "https_proxy"])
@pytest.mark.parametrize("selector", [{"run_id": RUN_ID}, {"run_ids": [RUN_ID, "AAAAAAAAAAAAAAAA2"]}], ids=["run_id", "run_ids"])
def test_https_proxy_is_a_configuration_error_before_any_request(api, run_module, monkeypatch, name, selector):
    # The password in the proxy URL must not reach the message either.
    monkeypatch.setenv(name, "https://user:pr0xy-s3cret@proxy.example:3128")
    result = run_module(main, dict(selector, token=TOKEN))
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == HTTPS_PROXY_REFUSED
    assert result["error"] == {"kind": "configuration", "message": HTTPS_PROXY_REFUSED}
    dumped = json.dumps(result)
    assert "Traceback" not in dumped and "exception" not in result and "pr0xy-s3cret" not in dumped
    assert api.requests == []


def test_http_proxy_from_the_environment_is_used_with_its_credentials(api, run_module, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://user:pr0xy%20s3cret@proxy.example:3128")
    api.on("GET", GET, (200, {"data": make_run(status="SUCCEEDED")}))
    result = run_module(main, args())
    assert result["changed"] is False
    auth = "Basic " + base64.b64encode(b"user:pr0xy s3cret").decode("ascii")
    assert api.requests[0]["proxy"] == ("proxy.example", 3128, auth)
    # The credentials go to the proxy on CONNECT, never to the API.
    assert "Proxy-Authorization" not in api.requests[0]["headers"]
    assert api.requests[0]["url"] == API + GET


@pytest.mark.parametrize("no_proxy", ["api.apify.com", ".apify.com", "*"])
def test_no_proxy_bypasses_the_proxy(api, run_module, monkeypatch, no_proxy):
    monkeypatch.setenv("HTTPS_PROXY", "https://proxy.example:3128")  # unusable, but never used
    monkeypatch.setenv("NO_PROXY", no_proxy)
    api.on("GET", GET, (200, {"data": make_run(status="SUCCEEDED")}))
    result = run_module(main, args())
    assert result["changed"] is False and api.requests[0]["proxy"] is None


def test_http_proxy_setting_does_not_apply_to_https(api, run_module, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "https://proxy.example:3128")
    api.on("GET", GET, (200, {"data": make_run(status="SUCCEEDED")}))
    result = run_module(main, args())
    assert result["changed"] is False and api.requests[0]["proxy"] is None


# Run in a fresh interpreter where ``import requests`` (and urllib3) fails: the module
# must import and talk to a real HTTP server with the standard library alone.
WITHOUT_REQUESTS = """
import json, sys
sys.modules["requests"] = None
sys.modules["urllib3"] = None
from ansible.module_utils.testing import patch_module_args
from ansible_collections.apify.platform.plugins.modules import apify_run_info, apify_run_reboot
with patch_module_args(json.loads(sys.argv[1])):
    try:
        apify_run_reboot.main()
    except SystemExit:
        pass
"""


class _OneRun(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = []

    def do_GET(self):  # noqa: N802  pylint: disable=invalid-name
        self.seen.append((self.command, self.path, dict(self.headers)))
        body = json.dumps({"data": make_run(status="SUCCEEDED")}).encode()
        self.send_response(200 if self.path == GET else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


def test_the_module_needs_no_requests_library(tmp_path):
    del _OneRun.seen[:]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OneRun)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        module_args = args(api_url="http://127.0.0.1:%d" % server.server_address[1], timeout=10)
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and not k.startswith("APIFY_")}
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        done = subprocess.run(
            [sys.executable, "-c", WITHOUT_REQUESTS, json.dumps(module_args)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            cwd=str(tmp_path),
            check=False,
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result.get("failed") is not True, result
    assert result["changed"] is False and result["run"]["status"] == "SUCCEEDED"
    assert [(method, path) for method, path, dummy in _OneRun.seen] == [("GET", GET)]
    assert _OneRun.seen[0][2]["Authorization"] == "Bearer " + TOKEN
