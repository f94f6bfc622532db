# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run lists: filters, paging, order, per-Actor and per-task lists, and bulk creation."""

import time

import pytest


def _ids(response):
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]["items"]]


@pytest.fixture(name="runs")
def fixture_runs(emu):
    """Five runs started a minute apart, oldest first (run1..run5)."""
    specs = [
        {"id": "run1", "status": "SUCCEEDED", "startedAt": "2024-01-01T10:00:00.000Z"},
        {"id": "run2", "status": "RUNNING", "startedAt": "2024-01-01T10:01:00.000Z", "actId": "OtherActor0000001", "actorName": "someone~other-actor"},
        {"id": "run3", "status": "FAILED", "startedAt": "2024-01-01T10:02:00.000Z", "actorTaskId": "Task0000000000001", "taskName": "someone~my-task"},
        {"id": "run4", "status": "RUNNING", "startedAt": "2024-01-01T10:03:00.000Z"},
        {"id": "run5", "status": "READY", "startedAt": "2024-01-01T10:04:00.000Z", "actorTaskId": "Task0000000000001"},
    ]
    emu.control("POST", "runs", {"runs": specs})


@pytest.mark.usefixtures("runs")
def test_list_all_oldest_first(emu):
    response = emu.api("GET", "/v2/actor-runs")
    data = response.json()["data"]
    assert {key: data[key] for key in ("total", "offset", "limit", "desc", "count")} == {"total": 5, "offset": 0, "limit": 1000, "desc": False, "count": 5}
    assert _ids(response) == ["run1", "run2", "run3", "run4", "run5"]
    assert data["items"][0]["startedAt"] == "2024-01-01T10:00:00.000Z"


@pytest.mark.usefixtures("runs")
def test_desc_and_paging(emu):
    response = emu.api("GET", "/v2/actor-runs", params={"desc": "true", "limit": 2, "offset": 1})
    assert _ids(response) == ["run4", "run3"]
    data = response.json()["data"]
    assert (data["total"], data["offset"], data["limit"], data["desc"], data["count"]) == (5, 1, 2, True, 2)
    assert _ids(emu.api("GET", "/v2/actor-runs", params={"desc": "1", "limit": 1})) == ["run5"]
    assert _ids(emu.api("GET", "/v2/actor-runs", params={"offset": 10})) == []
    assert emu.api("GET", "/v2/actor-runs", params={"limit": 5000}).json()["data"]["limit"] == 1000


@pytest.mark.usefixtures("runs")
def test_status_filter(emu):
    assert _ids(emu.api("GET", "/v2/actor-runs", params={"status": "RUNNING"})) == ["run2", "run4"]
    assert _ids(emu.api("GET", "/v2/actor-runs", params={"status": "RUNNING,READY"})) == ["run2", "run4", "run5"]
    response = emu.api("GET", "/v2/actor-runs", params={"status": "SUCCEEDED,FAILED"})
    assert response.json()["data"]["total"] == 2


@pytest.mark.usefixtures("runs")
@pytest.mark.parametrize("params", [{"limit": "abc"}, {"limit": 0}, {"limit": -1}, {"offset": "x"}, {"desc": "maybe"}, {"status": "RUNNING,NOPE"}])
def test_invalid_query_is_400(emu, params):
    response = emu.api("GET", "/v2/actor-runs", params=params)
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid-input"


@pytest.mark.usefixtures("runs")
def test_actor_lists_by_id_name_and_alias(emu):
    assert _ids(emu.api("GET", "/v2/actors/OtherActor0000001/runs")) == ["run2"]
    assert _ids(emu.api("GET", "/v2/actors/someone~other-actor/runs")) == ["run2"]
    assert _ids(emu.api("GET", "/v2/acts/OtherActor0000001/runs")) == ["run2"]
    # Percent-encoded tilde, as some clients send it.
    assert _ids(emu.api("GET", "/v2/actors/someone%7Eother-actor/runs")) == ["run2"]
    default_actor = ["run1", "run3", "run4", "run5"]
    assert _ids(emu.api("GET", "/v2/actors/DemoActor00000001/runs")) == default_actor
    assert _ids(emu.api("GET", "/v2/actors/demo-user~demo-actor/runs", params={"status": "RUNNING"})) == ["run4"]


@pytest.mark.usefixtures("runs")
@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/v2/actors/unknown/runs", "Actor was not found"),
        ("/v2/acts/someone~typo-actor/runs", "Actor was not found"),
        ("/v2/actor-tasks/unknown/runs", "Actor task was not found"),
        # a run's Actor ID is not a task ID, nor a task's an Actor's
        ("/v2/actor-tasks/OtherActor0000001/runs", "Actor task was not found"),
        ("/v2/actors/Task0000000000001/runs", "Actor was not found"),
    ],
)
def test_unknown_actor_or_task_is_404_like_the_api(emu, path, message):
    for params in ({}, {"status": "RUNNING"}):
        response = emu.api("GET", path, params=params)
        assert response.status_code == 404
        assert response.json() == {"error": {"type": "record-not-found", "message": message}}


@pytest.mark.usefixtures("runs")
def test_task_lists(emu):
    assert _ids(emu.api("GET", "/v2/actor-tasks/Task0000000000001/runs")) == ["run3", "run5"]
    assert _ids(emu.api("GET", "/v2/actor-tasks/someone~my-task/runs")) == ["run3"]
    assert _ids(emu.api("GET", "/v2/actor-tasks/Task0000000000001/runs", params={"desc": "true"})) == ["run5", "run3"]


def test_bulk_create_ten_thousand_and_list_quickly(emu):
    started = time.perf_counter()
    ids = emu.control("POST", "runs", {"count": 10_000, "template": {"status": "SUCCEEDED"}})
    created = time.perf_counter() - started
    emu.create(status="RUNNING", id="theRunningOne")
    assert len(set(ids)) == 10_000
    assert created < 2.0, f"bulk creation took {created:.2f} s"

    started = time.perf_counter()
    page = emu.api("GET", "/v2/actor-runs", params={"limit": 100, "offset": 5000, "desc": "true"}).json()["data"]
    running = emu.api("GET", "/v2/actor-runs", params={"status": "RUNNING"}).json()["data"]
    full_page = emu.api("GET", "/v2/actor-runs").json()["data"]
    elapsed = time.perf_counter() - started
    assert page["total"] == 10_001 and page["count"] == 100
    assert [item["id"] for item in running["items"]] == ["theRunningOne"]
    assert full_page["count"] == 1000
    assert elapsed < 0.5, f"three list requests over 10,001 runs took {elapsed:.3f} s"
