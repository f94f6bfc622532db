# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.apify.platform.plugins.module_utils import _runs
from ansible_collections.apify.platform.plugins.modules.apify_run_info import main
from ansible_collections.apify.platform.tests.unit.scripted_http import RUN_ID, TOKEN, make_run

HINT = "Check api_url (or APIFY_API_BASE_URL), that the API is reachable from this host, and any proxy (https_proxy, no_proxy)."


def items(ids):
    return [{"id": i, "actId": "act", "status": "RUNNING", "startedAt": "2026-11-28T07:34:24.202Z"} for i in ids]


def test_one_run_without_token(fake, run_module):
    fake.script("GET", "/v2/actor-runs/" + RUN_ID, fake.ok(make_run()))
    result = run_module(main, {"run_id": RUN_ID})
    assert result["changed"] is False and result["run"]["id"] == RUN_ID
    assert "Authorization" not in fake.http.calls[0].headers


def test_one_run_in_check_mode(fake, run_module):
    fake.script("GET", "/v2/actor-runs/" + RUN_ID, fake.ok(make_run()))
    result = run_module(main, {"run_id": RUN_ID}, check_mode=True)
    assert result["changed"] is False and result["run"]["status"] == "RUNNING"


def test_one_run_answered_about_another_run_fails(fake, run_module):
    fake.script("GET", "/v2/actor-runs/" + RUN_ID, fake.ok(make_run(run_id="OtherRun000000001")))
    result = run_module(main, {"run_id": RUN_ID})
    assert result["failed"] is True and result["changed"] is False
    assert result["error"]["json_path"] == "data.id"
    assert "the answer is about another run ('OtherRun000000001')" in result["msg"]
    assert "run" not in result
    assert fake.http.closes == 1


def test_list_follows_pages_up_to_limit(fake, run_module):
    ids = ["R%016d" % n for n in range(1500)]
    fake.script("GET", "/v2/actor-tasks/task1/runs", fake.page(items(ids[:1000]), 1500), fake.page(items(ids[1000:1200]), 1500, offset=1000))
    result = run_module(main, {"task_id": "task1", "token": TOKEN, "status": ["RUNNING", "READY"], "limit": 1200})
    assert [r["id"] for r in result["runs"]] == ids[:1200] and result["total"] == 1500
    assert fake.http.calls[0].params == {"offset": "0", "limit": "1000", "status": "RUNNING,READY"}
    assert fake.http.calls[1].params == {"offset": "1000", "limit": "200", "status": "RUNNING,READY"}
    assert len(fake.http.calls) == 2


def test_list_all_runs_needs_token(fake, run_module):
    result = run_module(main, {})
    assert result["failed"] is True and "APIFY_TOKEN" in result["msg"]
    assert fake.http.calls == []


def test_list_with_details_reads_each_run(fake, run_module):
    ids = ["D%016d" % n for n in range(3)]
    fake.script("GET", "/v2/actor-runs", fake.page(items(ids), 3))
    for i in ids:
        fake.script("GET", "/v2/actor-runs/" + i, fake.ok(make_run(i)))
    result = run_module(main, {"token": TOKEN, "details": True, "desc": True})
    assert [r["id"] for r in result["runs"]] == ids
    assert all("stats" in r for r in result["runs"])
    assert result["failed_runs"] == []
    assert fake.http.calls[0].params["desc"] == "true"


def test_list_with_details_checks_listed_ids(fake, run_module):
    ids = ["D%016d" % n for n in range(2)]
    fake.script("GET", "/v2/actor-runs", fake.page(items([ids[0], "a/b", ids[1], ".."]), 4))
    for i in ids:
        fake.script("GET", "/v2/actor-runs/" + i, fake.ok(make_run(i)))
    result = run_module(main, {"token": TOKEN, "details": True})
    assert result["failed"] is True
    assert [r["id"] for r in result["runs"]] == ids
    assert [f["run_id"] for f in result["failed_runs"]] == ["a/b", ".."]
    assert all(f["error"]["kind"] == "response" and f["error"]["json_path"] == "data.items[].id" for f in result["failed_runs"])
    assert result["msg"].startswith("2 of 4 run(s) could not be read (a/b: ")
    # nothing was sent for the refused IDs
    assert {call.path for call in fake.http.calls} == {"/v2/actor-runs"} | {"/v2/actor-runs/" + i for i in ids}


def test_invalid_list_answer_names_the_path(fake, run_module):
    body = {"data": {"total": 1, "offset": 0, "limit": 1000, "count": 1, "items": items(["X"])}}
    del body["data"]["items"][0]["status"]
    fake.script("GET", "/v2/actors/act/runs", fake.response(200, body))
    result = run_module(main, {"actor_id": "act", "token": TOKEN})
    assert result["failed"] is True and "data.items[0]" in result["msg"] and "'status' is a required property" in result["msg"]


def test_listing_that_does_not_advance_fails(fake, run_module):
    ids = ["E%016d" % n for n in range(1000)]
    fake.script("GET", "/v2/actor-runs", fake.page(items(ids), 3000))  # offset 0 on every page
    result = run_module(main, {"token": TOKEN, "limit": 3000})
    assert result["failed"] is True and result["changed"] is False
    assert result["error"]["kind"] == "response" and "page 2 starts at offset 0, not at 1000" in result["msg"]
    assert len(fake.http.calls) == 2


def test_listing_longer_than_max_pages_fails_naming_the_limit(fake, run_module, monkeypatch):
    monkeypatch.setattr(_runs, "MAX_PAGE", 1)
    ids = ["F%016d" % n for n in range(_runs.MAX_PAGES + 1)]

    def answer(call):
        offset = int(call.params["offset"])
        return fake.page(items(ids[offset : offset + 1]), len(ids), offset=offset, limit=1)

    fake.script("GET", "/v2/actor-runs", answer)
    result = run_module(main, {"token": TOKEN, "limit": 5000})
    assert result["failed"] is True
    assert "it has more than 100 pages of 1 runs, the limit for one listing" in result["msg"]


def test_run_ids_read_in_order_once_each(fake, run_module):
    ids = ["E%016d" % n for n in range(4)]
    for i in ids:
        fake.script("GET", "/v2/actor-runs/" + i, fake.ok(make_run(i)))
    result = run_module(main, {"run_ids": ids + ids[:2], "concurrency": 3})
    assert [r["id"] for r in result["runs"]] == ids
    assert result["failed_runs"] == []
    assert fake.http.count("GET") == 4 and "total" not in result
    assert fake.clients[0]["pool_size"] == 3


def test_run_ids_one_unreadable_fails_the_task_but_returns_the_others(fake, run_module):
    ids = ["G%016d" % n for n in range(3)]
    fake.script("GET", "/v2/actor-runs/" + ids[0], fake.ok(make_run(ids[0])))
    fake.script("GET", "/v2/actor-runs/" + ids[1], fake.error(404, "record-not-found", "Actor run was not found"))
    fake.script("GET", "/v2/actor-runs/" + ids[2], fake.ok(make_run(ids[2])))
    result = run_module(main, {"run_ids": ids, "concurrency": 2})
    assert result["failed"] is True and result["changed"] is False
    assert [r["id"] for r in result["runs"]] == [ids[0], ids[2]]
    (failure,) = result["failed_runs"]
    assert failure["run_id"] == ids[1]
    assert failure["error"] == {
        "kind": "api",
        "status": 404,
        "type": "record-not-found",
        "message": "Actor run was not found",
        "method": "GET",
        "path": "/v2/actor-runs/" + ids[1],
    }
    assert failure["msg"].startswith("Apify API answered HTTP 404 (record-not-found: Actor run was not found)")
    assert result["msg"] == "1 of 3 run(s) could not be read (%s: %s); the others are in runs." % (ids[1], failure["msg"])


def test_run_ids_answer_about_another_run_is_a_failed_run(fake, run_module):
    ids = ["H%016d" % n for n in range(2)]
    fake.script("GET", "/v2/actor-runs/" + ids[0], fake.ok(make_run(ids[1])))  # the other run's answer
    fake.script("GET", "/v2/actor-runs/" + ids[1], fake.ok(make_run(ids[1])))
    result = run_module(main, {"run_ids": ids, "concurrency": 1})
    assert result["failed"] is True
    assert [r["id"] for r in result["runs"]] == [ids[1]]
    assert [f["run_id"] for f in result["failed_runs"]] == [ids[0]]
    assert result["failed_runs"][0]["error"]["json_path"] == "data.id"


def test_run_ids_token_in_an_answer_is_masked_in_keys(fake, run_module):
    fake.script("GET", "/v2/actor-runs/" + RUN_ID, fake.ok(make_run(options={TOKEN: [TOKEN, {"x": TOKEN}]})))
    result = run_module(main, {"run_ids": [RUN_ID], "token": TOKEN})
    assert TOKEN not in json.dumps(result)
    assert result["runs"][0]["options"] == {"********": ["********", {"x": "********"}]}


def test_bad_run_id_in_run_ids_fails_before_any_request(fake, run_module):
    result = run_module(main, {"run_ids": ["GOOD0000000000000", "../x"]})
    assert result["failed"] is True and "run_ids '../x' is not an Apify run ID" in result["msg"]
    assert fake.http.calls == []


def test_listing_options_with_run_ids_are_refused_not_ignored(fake, run_module):
    result = run_module(main, {"run_ids": [RUN_ID], "status": ["RUNNING"]})
    assert result["failed"] is True and "mutually exclusive: run_ids|status" in result["msg"]
    assert fake.http.calls == []


def test_listing_defaults(fake, run_module):
    fake.script("GET", "/v2/actor-runs", fake.page([], 0))
    result = run_module(main, {"token": TOKEN})
    assert result["runs"] == [] and result["total"] == 0
    assert fake.http.calls[0].params == {"offset": "0", "limit": "1000"}


@pytest.mark.parametrize(
    "module_args",
    [{"run_id": RUN_ID}, {"run_ids": [RUN_ID]}, {"token": TOKEN}, {"actor_id": "act", "token": TOKEN}],
    ids=["run_id", "run_ids", "list", "actor"],
)
def test_https_proxy_reaches_requests(fake, run_module, monkeypatch, module_args):
    # requests takes https:// proxies too (the http.client transport refused them).
    monkeypatch.setenv("HTTPS_PROXY", "https://proxy.example:3128")
    fake.script("GET", "/v2/actor-runs/" + RUN_ID, fake.ok(make_run()))
    fake.script("GET", "/v2/actor-runs", fake.page([], 0))
    fake.script("GET", "/v2/actors/act/runs", fake.page([], 0))
    result = run_module(main, module_args)
    assert result.get("failed") is not True
    assert [call.proxies["https"] for call in fake.http.calls] == ["https://proxy.example:3128"]


def test_list_page_timing_out_fails_with_the_transport_message(fake, run_module):
    fake.script("GET", "/v2/actor-runs", fake.read_timeout(2, host="api.apify.com"))
    result = run_module(main, {"token": TOKEN, "timeout": 2, "retries": 1})
    assert result["failed"] is True
    assert result["msg"] == (
        "GET /v2/actor-runs?offset=0&limit=1000 timed out: no complete answer from api.apify.com within timeout=2 s "
        "(the limit for the whole request). This happened after 2 attempts, 0.5 s of backoff between them (retries=1). " + HINT
    )
    assert result["error"]["kind"] == "transport" and result["error"]["timeout"] is True
    assert fake.http.count("GET", "/v2/actor-runs") == 2
    assert all(call.timeout == (2.0, 2.0) for call in fake.http.calls)


def test_unexpected_error_is_an_internal_failure(fake, run_module, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("data")

    monkeypatch.setattr("ansible_collections.apify.platform.plugins.modules.apify_run_info.list_runs", broken)
    result = run_module(main, {"token": TOKEN})
    assert result["failed"] is True and result["changed"] is False
    assert result["error"] == {"kind": "internal", "message": "KeyError: 'data'"}
    assert "Traceback" not in json.dumps(result) and "exception" not in result
