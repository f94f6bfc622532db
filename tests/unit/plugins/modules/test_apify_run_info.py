# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.apify.platform.plugins.module_utils._http import HttpError
from ansible_collections.apify.platform.plugins.modules.apify_run_info import main
from ansible_collections.apify.platform.tests.unit.plugins.modules.conftest import TOKEN, make_run

RUN_ID = "3KH8gEpp4d8uQSe8T"


def page(ids, total, offset=0, limit=1000):
    items = [{"id": i, "actId": "act", "status": "RUNNING", "startedAt": "2026-11-28T07:34:24.202Z"} for i in ids]
    return {"data": {"total": total, "offset": offset, "limit": limit, "count": len(items), "items": items}}


def test_one_run_without_token(api, run_module):
    api.on("GET", "/v2/actor-runs/" + RUN_ID, (200, {"data": make_run()}))
    result = run_module(main, {"run_id": RUN_ID})
    assert result["changed"] is False and result["run"]["id"] == RUN_ID
    assert "Authorization" not in api.requests[0]["headers"]


def test_one_run_in_check_mode(api, run_module):
    api.on("GET", "/v2/actor-runs/" + RUN_ID, (200, {"data": make_run()}))
    result = run_module(main, {"run_id": RUN_ID}, check_mode=True)
    assert result["changed"] is False and result["run"]["status"] == "RUNNING"


def test_list_follows_pages_up_to_limit(api, run_module):
    ids = ["R%016d" % n for n in range(1500)]
    api.on("GET", "/v2/actor-tasks/task1/runs", (200, page(ids[:1000], 1500)), (200, page(ids[1000:1200], 1500, offset=1000)))
    result = run_module(main, {"task_id": "task1", "token": TOKEN, "status": ["RUNNING", "READY"], "limit": 1200})
    assert [r["id"] for r in result["runs"]] == ids[:1200] and result["total"] == 1500
    assert api.requests[0]["params"] == {"offset": 0, "limit": 1000, "status": "RUNNING,READY"}
    assert api.requests[1]["params"] == {"offset": 1000, "limit": 200, "status": "RUNNING,READY"}
    assert len(api.requests) == 2


def test_list_all_runs_needs_token(api, run_module):
    result = run_module(main, {})
    assert result["failed"] is True and "APIFY_TOKEN" in result["msg"]
    assert api.requests == []


def test_list_with_details_reads_each_run(api, run_module):
    ids = ["D%016d" % n for n in range(3)]
    api.on("GET", "/v2/actor-runs", (200, page(ids, 3)))
    for i in ids:
        api.on("GET", "/v2/actor-runs/" + i, (200, {"data": make_run(i)}))
    result = run_module(main, {"token": TOKEN, "details": True, "desc": True})
    assert [r["id"] for r in result["runs"]] == ids
    assert all("stats" in r for r in result["runs"])
    assert api.requests[0]["params"]["desc"] == "true"


def test_invalid_list_answer_names_the_path(api, run_module):
    body = page(["X"], 1)
    del body["data"]["items"][0]["status"]
    api.on("GET", "/v2/actors/act/runs", (200, body))
    result = run_module(main, {"actor_id": "act", "token": TOKEN})
    assert result["failed"] is True and "data.items[0]" in result["msg"] and "'status' is a required property" in result["msg"]


def test_run_ids_read_in_order_once_each(api, run_module):
    ids = ["E%016d" % n for n in range(4)]
    for i in ids:
        api.on("GET", "/v2/actor-runs/" + i, (200, {"data": make_run(i)}))
    result = run_module(main, {"run_ids": ids + ids[:2], "concurrency": 3})
    assert [r["id"] for r in result["runs"]] == ids
    assert api.count("GET") == 4 and "total" not in result


def test_bad_run_id_in_run_ids_fails_before_any_request(api, run_module):
    result = run_module(main, {"run_ids": ["GOOD0000000000000", "../x"]})
    assert result["failed"] is True and "run_ids '../x' is not an Apify run ID" in result["msg"]
    assert api.requests == []


def test_listing_options_with_run_ids_are_refused_not_ignored(api, run_module):
    result = run_module(main, {"run_ids": [RUN_ID], "status": ["RUNNING"]})
    assert result["failed"] is True and "mutually exclusive: run_ids|status" in result["msg"]
    assert api.requests == []


def test_listing_defaults(api, run_module):
    api.on("GET", "/v2/actor-runs", (200, page([], 0)))
    result = run_module(main, {"token": TOKEN})
    assert result["runs"] == [] and result["total"] == 0
    assert api.requests[0]["params"] == {"offset": 0, "limit": 1000}


@pytest.mark.parametrize(
    "module_args",
    [{"run_id": RUN_ID}, {"run_ids": [RUN_ID]}, {"token": TOKEN}, {"actor_id": "act", "token": TOKEN}],
    ids=["run_id", "run_ids", "list", "actor"],
)
def test_https_proxy_is_a_configuration_error_before_any_request(api, run_module, monkeypatch, module_args):
    monkeypatch.setenv("HTTPS_PROXY", "https://proxy.example:3128")
    result = run_module(main, module_args)
    message = "the https_proxy environment variable names a proxy with the scheme https; use an http:// proxy (it is asked to CONNECT)."
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == message and result["error"] == {"kind": "configuration", "message": message}
    assert "Traceback" not in json.dumps(result)
    assert api.requests == []


def test_list_page_timing_out_fails_with_the_transport_message(api, run_module):
    api.on("GET", "/v2/actor-runs", HttpError("no answer from api.apify.com:443 within 2 s", timeout=True))
    result = run_module(main, {"token": TOKEN, "timeout": 2, "retries": 1})
    assert result["failed"] is True
    assert result["msg"] == "GET /v2/actor-runs?offset=0&limit=1000 timed out: no answer from api.apify.com:443 within 2 s"
    assert result["error"]["kind"] == "transport" and result["error"]["timeout"] is True
    assert api.count("GET", "/v2/actor-runs") == 2
    assert all(r["timeout"] == 2.0 for r in api.requests)
