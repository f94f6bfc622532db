# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The other failures a user can meet, each provoked for real and its message pinned.

API errors (401, 403, 404, 405, 429, 5xx), a reboot that may or may not have happened, a
reboot that failed for sure, a reboot answered with something not to be believed, the run
not running, waiting that ends badly, answers beyond the trust boundary's bounds (about
another run, larger than 4 MiB, nested too deep, a listing that does not advance), timeouts,
refused connections and proxies that fail. Each row is one task of one playbook run through
ansible-runner against the emulator, with its own run. The message must match the row
(exactly, or a pattern where it holds a port or a library's wording), and
docs/docsite/rst/troubleshooting.rst must show each one.
"""

import re

import pytest

from tests.runner.conftest import dump, run_playbook, task_results
from tests.runner.test_bad_input import DOC, literals

GET = "^/v2/actor-runs/{run}$"
POST = "^/v2/actor-runs/{run}/reboot$"
# A harmless rule that uses up the first read, so the next rule hits the second one.
FIRST_READ_OK = {"kind": "mutate", "method": "GET", "path": GET, "set": {}}
# The hint every transport failure ends with.
HINT = "Check api_url (or APIFY_API_BASE_URL), that the API is reachable from this host, and any proxy (https_proxy, no_proxy)."
# A body of exactly 5 MiB + 48 bytes, with Content-Length: over MAX_ANSWER_BYTES (4 MiB).
BIG = '{"data": {"id": "BigRun00000000001", "padding": "%s"}}' % ("x" * (5 * 1024 * 1024 + 48 - 52))
# A list nested 40 deep: the answer is then 42 levels deep, over MAX_JSON_DEPTH (32).
DEEP = []
for _level in range(39):
    DEEP = [DEEP]

# (row, what happened, run spec, fault rules, module args, changed, message; a message starting with
# "re:" is a regular expression for the parts that vary: ports, addresses). A run spec may name the
# run's ID ("id"); module args set to None are left out, and "environment" is the task's environment.
ERRORS = [
    (
        "http-401",
        "the token is not valid",
        {},
        [],
        {"token": "apify_api_notvalid"},
        False,
        "Apify API answered HTTP 401 (token-not-valid: Authentication token is not valid.) to GET "
        "/v2/actor-runs/ErrRunhttp4010000. The API token was not accepted: check the token option or the "
        "APIFY_TOKEN environment variable.",
    ),
    (
        "http-400",
        "the API refuses the reboot while the run is still RUNNING",
        {},
        [{"kind": "status", "status": 400, "method": "POST", "path": POST}],
        {},
        False,
        "Apify API answered HTTP 400 (invalid-input: Injected fault: HTTP 400.) to POST /v2/actor-runs/ErrRunhttp4000000/reboot. "
        "The API rejected the request as invalid.",
    ),
    (
        "http-403",
        "the token may not touch this run",
        {},
        [{"kind": "status", "status": 403, "method": "POST", "path": POST}],
        {},
        False,
        "Apify API answered HTTP 403 (insufficient-permissions: Injected fault: HTTP 403.) to POST "
        "/v2/actor-runs/ErrRunhttp4030000/reboot. The token is valid but has no permission for this "
        "resource: use a token of the account that owns it.",
    ),
    (
        "http-404",
        "no such run",
        None,
        [],
        {},
        False,
        "Apify API answered HTTP 404 (record-not-found: Actor run was not found) to GET "
        "/v2/actor-runs/ErrRunhttp4040000. It does not exist, or the token's account cannot see it: check "
        "the ID.",
    ),
    (
        "http-405",
        "api_url is not the API",
        {},
        [{"kind": "status", "status": 405, "method": "GET", "path": GET, "body": {"error": {"type": "method-not-allowed", "message": "Not here."}}}],
        {},
        False,
        "Apify API answered HTTP 405 (method-not-allowed: Not here.) to GET "
        "/v2/actor-runs/ErrRunhttp4050000. The API does not allow this method here: check that api_url "
        "points at the Apify API root.",
    ),
    (
        "http-429",
        "rate limit, after the retries",
        {},
        [{"kind": "status", "status": 429, "times": None, "method": "GET", "path": GET}],
        {"retries": 1},
        False,
        "Apify API answered HTTP 429 (rate-limit-exceeded: You have exceeded the rate limit. Please try "
        "again later.) to GET /v2/actor-runs/ErrRunhttp4290000. The API's rate limit was still exceeded "
        "after the retries allowed by the retries option.",
    ),
    (
        "http-500",
        "a server error on the read, after the retries",
        {},
        [{"kind": "status", "status": 500, "times": None, "method": "GET", "path": GET}],
        {"retries": 1},
        False,
        "Apify API answered HTTP 500 (internal-server-error: Injected fault: HTTP 500.) to GET "
        "/v2/actor-runs/ErrRunhttp5000000. The Apify API had a server error; it was retried where that is "
        "safe. Try again later.",
    ),
    (
        "not-rebooted",
        "every reboot request failed and the counter did not move",
        {},
        [{"kind": "status", "status": 503, "times": None, "method": "POST", "path": POST}],
        {"retries": 1, "timeout": 1},
        True,  # a request went out that the API did not refuse
        "Apify API answered HTTP 503 (internal-server-error: Injected fault: HTTP 503.) to POST "
        "/v2/actor-runs/ErrRunnotrebooted/reboot. The Apify API had a server error; it was retried where "
        "that is safe. Try again later. Run ErrRunnotrebooted was not rebooted as far as its reboot count "
        "shows after watching it for 2 s: the reboot request failed and the count did not move. It was not "
        "sent again, since the API received it.",
    ),
    (
        "uncertain-no-counter",
        "the reboot failed and the run has no reboot counter",
        {},
        [
            {"kind": "mutate", "times": None, "method": "GET", "path": GET, "delete": ["data.stats.rebootCount"]},
            {"kind": "status", "status": 500, "method": "POST", "path": POST},
        ],
        {},
        True,
        "The reboot of run ErrRununcertainno may or may not have happened: the request failed (Apify API "
        "answered HTTP 500 (internal-server-error: Injected fault: HTTP 500.) to POST "
        "/v2/actor-runs/ErrRununcertainno/reboot. The Apify API had a server error; it was retried where "
        "that is safe. Try again later.) and the run's state cannot tell (status RUNNING, reboot count "
        "before unknown, now unknown). Check the run before trying again.",
    ),
    (
        "uncertain-read-failed",
        "the reboot failed and so did reading the run afterwards",
        {},
        [
            FIRST_READ_OK,
            {"kind": "status", "status": 500, "times": None, "method": "GET", "path": GET},
            {"kind": "status", "status": 500, "method": "POST", "path": POST},
        ],
        {},
        True,
        "The reboot of run ErrRununcertainre may or may not have happened: the request failed (Apify API "
        "answered HTTP 500 (internal-server-error: Injected fault: HTTP 500.) to POST "
        "/v2/actor-runs/ErrRununcertainre/reboot. The Apify API had a server error; it was retried where "
        "that is safe. Try again later.) and reading the run afterwards failed too (Apify API answered HTTP "
        "500 (internal-server-error: Injected fault: HTTP 500.) to GET /v2/actor-runs/ErrRununcertainre. The "
        "Apify API had a server error; it was retried where that is safe. Try again later.). Check the run "
        "before trying again.",
    ),
    (
        "accepted-invalid",
        "the reboot's answer cannot be believed and the counter did not move",
        {},
        [{"kind": "raw", "status": 200, "raw": "{}", "method": "POST", "path": POST}],
        {"timeout": 1},
        True,
        "The reboot of run ErrRunacceptedinv was accepted by the API (a 2xx answer) but the answer could not be "
        "used (Unexpected answer from the Apify API to POST /v2/actor-runs/ErrRunacceptedinv/reboot: $: 'data' is "
        "a required property. This is not what the Apify API answers: check that api_url (or APIFY_API_BASE_URL) "
        "points at the API and that no proxy in between changes answers; if both are right, the API itself may "
        "have changed, so please report it), and the run's state does not show it after watching for 2 s (status "
        "RUNNING, reboot count before 0, now 0). It was not sent again. Check the run before trying again.",
    ),
    (
        "not-running",
        "the run is not RUNNING and fail_if_not_running is true",
        {"status": "SUCCEEDED"},
        [],
        {"fail_if_not_running": True},
        False,
        "Run ErrRunnotrunning0 was left alone: only RUNNING runs can be rebooted and it has already finished "
        "with status SUCCEEDED. Failing because fail_if_not_running is true.",
    ),
    (
        "ended-just-before",
        "the run finished between the read and the reboot, fail_if_not_running",
        {},
        [{"kind": "finish_before", "status": "FAILED", "method": "POST", "path": POST}],
        {"fail_if_not_running": True},
        False,
        "Run ErrRunendedjustbe was left alone: it stopped running (status FAILED) just before the reboot. Failing because fail_if_not_running is true.",
    ),
    (
        "wait-ended",
        "waiting: the run ended instead of running again",
        {"after_reboot": {"ready_secs": 0, "status": "FAILED"}},
        [],
        {"wait": True, "wait_timeout": 5, "wait_sleep": 1},
        True,
        "Run ErrRunwaitended00 was rebooted, then ended with status FAILED while waiting for it to run again.",
    ),
    (
        "wait-timeout",
        "waiting: wait_timeout passed",
        {"after_reboot": {"ready_secs": 60, "status": "RUNNING"}},
        [],
        {"wait": True, "wait_timeout": 1, "wait_sleep": 1},
        True,
        "Run ErrRunwaittimeout was rebooted but was not RUNNING again within wait_timeout=1 s; its last status was READY.",
    ),
    (
        "wait-read-failed",
        "waiting: reading the run failed",
        {"after_reboot": {"ready_secs": 60, "status": "RUNNING"}},
        [FIRST_READ_OK, {"kind": "status", "status": 404, "times": None, "method": "GET", "path": GET}],
        {"wait": True, "wait_timeout": 5, "wait_sleep": 1},
        True,
        "Apify API answered HTTP 404 (record-not-found: Injected fault: HTTP 404.) to GET "
        "/v2/actor-runs/ErrRunwaitreadfai. It does not exist, or the token's account cannot see it: check "
        "the ID. Run ErrRunwaitreadfai had been rebooted; this happened while waiting for it to run again.",
    ),
    (
        "timeout",
        "the API does not answer in time",
        {},
        [{"kind": "latency", "ms": 1500, "times": None, "method": "GET", "path": GET}],
        {"timeout": 0.5, "retries": 0},
        False,
        "re:GET /v2/actor-runs/ErrRuntimeout0000 timed out: no complete answer from 127\\.0\\.0\\.1:\\d+ within timeout=0\\.5 s "
        "\\(the limit for the whole request\\)\\. This happened with retries=0\\. " + re.escape(HINT),
    ),
    (
        "refused",
        "nothing listens at api_url",
        {},
        [],
        {"api_url": "http://127.0.0.1:9"},
        False,
        "GET /v2/actor-runs/ErrRunrefused0000 failed: 127.0.0.1:9 refused the connection. This happened with retries=0. " + HINT,
    ),
    (
        "proxy",
        "the proxy cannot be reached",
        None,
        [],
        {"api_url": "https://api.apify.com", "environment": {"https_proxy": "http://127.0.0.1:9"}},
        False,
        # urllib3's own wording in the parentheses (cut at 300 characters) varies with its version.
        "re:GET /v2/actor-runs/ErrRunproxy000000 failed: the proxy for api\\.apify\\.com failed \\(.*\\)\\. Check https_proxy, "
        "http_proxy and no_proxy\\. This happened with retries=0\\. " + re.escape(HINT),
    ),
    (
        "socks",
        "a SOCKS proxy without PySocks",
        None,
        [],
        {"api_url": "https://api.apify.com", "environment": {"https_proxy": "socks5://127.0.0.1:9"}},
        False,
        "GET /v2/actor-runs/ErrRunsocks000000 failed: api.apify.com: InvalidSchema: Missing dependencies for SOCKS support. "
        "This happened with retries=0. " + HINT,
    ),
    (
        "other-run",
        "an answer about another run",
        {},
        [{"kind": "mutate", "method": "GET", "path": GET, "set": {"data.id": "SomeOtherRun00001"}}],
        {},
        False,
        "Unexpected answer from the Apify API to GET /v2/actor-runs/ErrRunotherrun000: the answer is about another "
        "run ('SomeOtherRun00001'), not ErrRunotherrun000; it was not believed, and nothing was sent on the strength of it",
    ),
    (
        "oversize",
        "an answer larger than 4 MiB",
        {"id": "BigRun00000000001"},
        [{"kind": "raw", "status": 200, "raw": BIG, "method": "GET", "path": GET}],
        {},
        False,
        "Unexpected answer from the Apify API to GET /v2/actor-runs/BigRun00000000001: the answer is larger than the "
        "limit of 4 MiB for one answer (it declares 5242928 bytes); it was not read, and the connection was closed. An "
        "Apify API answer is at most about 1 MiB: check api_url and any proxy in between.",
    ),
    (
        "deep",
        "JSON nested too deep",
        {"id": "DeepRun0000000001"},
        [{"kind": "mutate", "method": "GET", "path": GET, "set": {"data.meta": DEEP}}],
        {},
        False,
        "Unexpected answer from the Apify API to GET /v2/actor-runs/DeepRun0000000001: the JSON is nested more than 32 "
        "levels deep, the limit for an answer (an Apify run is about 5 deep)",
    ),
    (
        "listing",
        "a listing whose pages do not advance",
        {"actId": "ListActor00000002"},
        [{"kind": "mutate", "method": "GET", "path": "^/v2/actors/ListActor00000002/runs$", "set": {"data.offset": 5}}],
        {"run_id": None, "actor_id": "ListActor00000002"},
        False,
        "Unexpected answer from the Apify API to GET /v2/actors/ListActor00000002/runs: page 1 starts at offset 5, not "
        "at 0 as asked; the listing does not advance.",
    ),
]


def run_id(row, spec=None):
    if spec and spec.get("id"):
        return spec["id"]
    return ("ErrRun" + re.sub(r"[^A-Za-z0-9]", "", row) + "0" * 17)[:17]


def task(row, spec, args, token):
    """The task of one row: the module with the row's run ID, token and args (None: left out)."""
    module_args = dict({"run_id": run_id(row, spec), "token": token, "retries": 0}, **args)
    environment = module_args.pop("environment", None)
    result = {"name": row, "ignore_errors": True, "apify.platform.apify_run_reboot": {k: v for k, v in module_args.items() if v is not None}}
    if environment:
        result["environment"] = environment
    return result


def playbook(api_url, token):
    """One play: reset, every row's run and fault rules at once (each scoped to its run), then one task per row."""
    control = api_url + "/_emulator"
    runs, rules, tasks = [], [], []
    for row, dummy, spec, row_rules, args, dummy2, dummy3 in ERRORS:
        rid = run_id(row, spec)
        if spec is not None:
            runs.append(dict(spec, id=rid, status=spec.get("status", "RUNNING")))
        rules.extend(dict(rule, path=rule["path"].format(run=rid)) for rule in row_rules)
        tasks.append(task(row, spec, args, token))
    setup = [
        {"name": "reset", "ansible.builtin.uri": {"url": control + "/reset", "method": "POST"}},
        {
            "name": "runs",
            "ansible.builtin.uri": {"url": control + "/runs", "method": "POST", "body_format": "json", "status_code": 201, "body": {"runs": runs}},
        },
        {
            "name": "faults",
            "ansible.builtin.uri": {"url": control + "/faults", "method": "POST", "body_format": "json", "status_code": 201, "body": {"rules": rules}},
        },
    ]
    return [
        {
            "name": "errors",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": setup + tasks,
            "module_defaults": {"group/apify.platform.apify": {"api_url": api_url, "timeout": 5}},
        }
    ]


@pytest.fixture(scope="module")
def outcome(emulator, collections_path, tmp_path_factory):
    private_data_dir = tmp_path_factory.mktemp("errors")
    (private_data_dir / "project").mkdir()
    runner = run_playbook(private_data_dir, playbook(emulator.base_url, emulator.token), {}, collections_path)
    return task_results(runner), emulator


def matches(message, expected):
    if expected.startswith("re:"):
        return re.fullmatch(expected[3:], message, re.S) is not None
    return message == expected


@pytest.mark.parametrize("row, what, spec, rules, args, changed, message", ERRORS, ids=[row[0] for row in ERRORS])
def test_each_failure_gets_its_message(outcome, row, what, spec, rules, args, changed, message):
    result = outcome[0][row]
    assert result["failed"], dump(result)
    assert result["changed"] == changed, (what, dump(result))
    assert "Traceback" not in dump(result) and "MODULE FAILURE" not in dump(result)
    assert result["error"]["kind"] and result["msg"] == result["error"].get("message", result["msg"]) or result["msg"]
    assert matches(result["msg"], message), "%s (%s): %r" % (row, what, result["msg"])


def test_the_troubleshooting_page_shows_every_failure():
    if not DOC.is_file():
        pytest.skip("%s is not there" % DOC)
    shown = literals(DOC.read_text(encoding="utf-8"))
    missing = [row for row, dummy, dummy2, dummy3, dummy4, dummy5, message in ERRORS if not any(matches(text, message) for text in shown)]
    assert not missing, "rows whose message the page does not show: %s" % missing
