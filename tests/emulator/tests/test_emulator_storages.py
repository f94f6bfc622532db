# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A run's default request queue and dataset: the endpoints, every progress profile, overrides, faults."""

import time
from datetime import datetime

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.emulator.seeds import seed_demo

QUEUE, DATASET = "request-queue", "dataset"


def _read(emu, run, storage, **kwargs):
    response = emu.api("GET", f"/v2/actor-runs/{run['id']}/{storage}", **kwargs)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _ts(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _ago(text):
    """How many seconds before now ``text`` is."""
    return time.time() - _ts(text)


def test_storages_belong_to_the_run(emu):
    run = emu.create(status="RUNNING")
    queue, dataset = _read(emu, run, QUEUE), _read(emu, run, DATASET)
    assert queue["id"] == run["defaultRequestQueueId"] and dataset["id"] == run["defaultDatasetId"]
    for storage in (queue, dataset):
        assert storage["actRunId"] == run["id"] and storage["actId"] == run["actId"] and storage["userId"] == run["userId"]
        assert storage["name"] is None
        assert storage["consoleUrl"].endswith("/" + storage["id"])
    assert queue["pendingRequestCount"] == queue["totalRequestCount"] - queue["handledRequestCount"]
    assert queue["hadMultipleClients"] is False


def test_token_is_optional_as_for_the_run_but_a_wrong_one_is_401(emu):
    run = emu.create(status="RUNNING")
    for storage in (QUEUE, DATASET):
        assert _read(emu, run, storage, auth=False)["id"]
        response = emu.api("GET", f"/v2/actor-runs/{run['id']}/{storage}", auth=False, headers={"Authorization": "Bearer wrong"})
        assert response.status_code == 401 and response.json()["error"]["type"] == "token-not-valid"


@pytest.mark.parametrize("storage", [QUEUE, DATASET])
def test_unknown_run_and_wrong_method(emu, storage):
    response = emu.api("GET", f"/v2/actor-runs/nosuchrun00000000/{storage}")
    assert response.status_code == 404
    assert response.json() == {"error": {"type": "record-not-found", "message": "Actor run was not found"}}
    run = emu.create()
    assert emu.api("POST", f"/v2/actor-runs/{run['id']}/{storage}").json()["error"]["type"] == "method-not-allowed"


def test_default_profile_is_active(emu):
    run = emu.create(status="RUNNING")
    assert emu.control("GET", f"runs/{run['id']}/progress")["profile"] == "active"
    assert run["stats"]["cpuCurrentUsage"] == 80


def test_active_grows_on_every_read(emu):
    run = emu.create(status="RUNNING", progress={"profile": "active", "step": 7})
    assert emu.run(run["id"])["stats"]["cpuCurrentUsage"] == 80
    first, first_items = _read(emu, run, QUEUE), _read(emu, run, DATASET)
    second, second_items = _read(emu, run, QUEUE), _read(emu, run, DATASET)
    assert second["handledRequestCount"] == first["handledRequestCount"] + 7
    assert second["totalRequestCount"] == first["totalRequestCount"] + 7
    assert second["pendingRequestCount"] == first["pendingRequestCount"] > 0
    assert second_items["itemCount"] == first_items["itemCount"] + 7
    for storage in (first, second, first_items, second_items):
        assert _ago(storage["modifiedAt"]) < 5
    assert _ts(second["modifiedAt"]) >= _ts(first["modifiedAt"])


def test_stalled_is_fixed_two_hours_old_and_idle(emu):
    run = emu.create(status="RUNNING", progress={"profile": "stalled"})
    assert 3 * 3600 - 5 < _ago(run["startedAt"]) < 3 * 3600 + 5
    assert run["stats"]["cpuCurrentUsage"] == 0.5
    reads = [_read(emu, run, QUEUE) for dummy in range(3)]
    counters = {(q["totalRequestCount"], q["handledRequestCount"], q["pendingRequestCount"], q["modifiedAt"]) for q in reads}
    assert len(counters) == 1
    total, handled, pending, modified = counters.pop()
    assert (total, handled, pending) == (200, 120, 80)
    assert 2 * 3600 - 5 < _ago(modified) < 2 * 3600 + 5
    items = [_read(emu, run, DATASET) for dummy in range(2)]
    assert items[0]["itemCount"] == items[1]["itemCount"] == 118 and items[0]["modifiedAt"] == items[1]["modifiedAt"] == modified


def test_untouched_has_zero_counters_and_the_start_time(emu):
    run = emu.create(status="RUNNING", progress={"profile": "untouched"})
    for dummy in range(2):
        queue, dataset = _read(emu, run, QUEUE), _read(emu, run, DATASET)
        assert (queue["totalRequestCount"], queue["handledRequestCount"], queue["pendingRequestCount"], dataset["itemCount"]) == (0, 0, 0, 0)
        assert queue["modifiedAt"] == queue["createdAt"] == dataset["modifiedAt"] == run["startedAt"]
    assert _ago(run["startedAt"]) > 3600 and run["stats"]["cpuCurrentUsage"] == 0.5


def test_moving_counts_on_while_modified_at_stays_old(emu):
    run = emu.create(status="RUNNING", progress={"profile": "moving", "step": 4})
    first, second = _read(emu, run, QUEUE), _read(emu, run, QUEUE)
    assert second["handledRequestCount"] == first["handledRequestCount"] + 4
    assert second["modifiedAt"] == first["modifiedAt"] and _ago(first["modifiedAt"]) > 3600
    assert _read(emu, run, DATASET)["itemCount"] + 4 == _read(emu, run, DATASET)["itemCount"]
    assert emu.run(run["id"])["stats"]["cpuCurrentUsage"] == 0.5


def test_explicit_startedat_wins_over_the_profile(emu):
    run = emu.create(status="RUNNING", startedAt="2026-01-01T00:00:00Z", progress={"profile": "stalled"})
    assert run["startedAt"] == "2026-01-01T00:00:00.000Z"


def test_overrides(emu):
    run = emu.create(
        status="RUNNING",
        progress={
            "profile": "stalled",
            "cpuCurrentUsage": 12.5,
            "statusMessage": "Crawled 7/9 pages",
            "modifiedMinutesAgo": 30,
            "requestQueue": {"totalRequestCount": 9, "handledRequestCount": 7},
            "dataset": {"itemCount": 6, "cleanItemCount": 5, "modifiedAt": "2026-01-02T03:04:05Z"},
        },
    )
    assert run["stats"]["cpuCurrentUsage"] == 12.5 and run["statusMessage"] == "Crawled 7/9 pages"
    queue, dataset = _read(emu, run, QUEUE), _read(emu, run, DATASET)
    assert (queue["totalRequestCount"], queue["handledRequestCount"], queue["pendingRequestCount"]) == (9, 7, 2)
    assert 30 * 60 - 5 < _ago(queue["modifiedAt"]) < 30 * 60 + 5
    assert (dataset["itemCount"], dataset["cleanItemCount"], dataset["modifiedAt"]) == (6, 5, "2026-01-02T03:04:05.000Z")
    # pendingRequestCount may be set on its own, even when it disagrees (to test a client's checks).
    run = emu.create(progress={"requestQueue": {"totalRequestCount": 10, "handledRequestCount": 2, "pendingRequestCount": 1}, "step": 0})
    assert _read(emu, run, QUEUE)["pendingRequestCount"] == 1


def test_status_message_only_while_running(emu):
    run = emu.create(status="SUCCEEDED", progress={"statusMessage": "Crawled 1/2 pages"})
    assert run["statusMessage"] == "Actor finished successfully (exit code 0)"


def test_finished_runs_do_not_progress_and_use_no_cpu(emu):
    run = emu.create(status="SUCCEEDED", progress={"profile": "active"})
    first, second = _read(emu, run, QUEUE), _read(emu, run, QUEUE)
    assert first["handledRequestCount"] == second["handledRequestCount"] and first["modifiedAt"] == second["modifiedAt"]
    assert run["stats"]["cpuCurrentUsage"] == 0


def test_no_storages_at_all_or_one_missing(emu):
    run = emu.create(status="RUNNING", progress=None)
    for storage, message in ((QUEUE, "Request queue was not found"), (DATASET, "Dataset was not found")):
        response = emu.api("GET", f"/v2/actor-runs/{run['id']}/{storage}")
        assert response.status_code == 404
        assert response.json() == {"error": {"type": "record-not-found", "message": message}}
    assert emu.api("GET", f"/v2/actor-runs/{run['id']}").status_code == 200
    run = emu.create(progress={"profile": "stalled", "requestQueue": None})
    assert emu.api("GET", f"/v2/actor-runs/{run['id']}/{QUEUE}").status_code == 404
    assert _read(emu, run, DATASET)["itemCount"] == 118
    assert emu.control("GET", f"runs/{run['id']}/progress")["requestQueue"] is None


def test_reboot_keeps_the_storages(emu):
    run = emu.create(status="RUNNING", progress={"profile": "stalled"})
    before = _read(emu, run, QUEUE)
    assert emu.api("POST", f"/v2/actor-runs/{run['id']}/reboot").status_code == 200
    after = _read(emu, run, QUEUE)
    for key in ("id", "totalRequestCount", "handledRequestCount", "modifiedAt", "createdAt"):
        assert after[key] == before[key], key
    assert after["hadMultipleClients"] is True


def test_control_progress_reads_nothing_and_patch_replaces_it(emu):
    run = emu.create(status="RUNNING", progress={"profile": "active"})
    handled = _read(emu, run, QUEUE)["handledRequestCount"]
    progress = emu.control("GET", f"runs/{run['id']}/progress")
    assert progress == emu.control("GET", f"runs/{run['id']}/progress")
    assert progress["requestQueue"]["handledRequestCount"] == handled and progress["requestQueue"]["readCount"] == 1
    patched = emu.control("PATCH", f"runs/{run['id']}", {"progress": {"profile": "stalled", "requestQueue": {"handledRequestCount": 150}}})
    assert patched["stats"]["cpuCurrentUsage"] == 0.5 and patched["startedAt"] == run["startedAt"]
    queue = _read(emu, run, QUEUE)
    assert (queue["handledRequestCount"], queue["totalRequestCount"], queue["id"]) == (150, 200, run["defaultRequestQueueId"])
    assert queue["createdAt"] <= queue["modifiedAt"]  # modified before the start: created then too
    emu.control("PATCH", f"runs/{run['id']}", {"progress": None})
    assert emu.api("GET", f"/v2/actor-runs/{run['id']}/{QUEUE}").status_code == 404


def test_bulk_runs_each_have_their_own_storages(emu):
    first, second = emu.control("POST", "runs", {"count": 2, "template": {"status": "RUNNING", "progress": {"profile": "moving"}}})
    _read(emu, {"id": first}, QUEUE)
    assert _read(emu, {"id": second}, QUEUE)["handledRequestCount"] == 125


@pytest.mark.parametrize(
    "progress",
    [
        {"profile": "busy"},
        {"colour": 1},
        {"step": -1},
        {"step": 1.5},
        {"cpuCurrentUsage": "high"},
        {"cpuCurrentUsage": -1},
        {"statusMessage": 3},
        {"modifiedAt": "yesterday"},
        {"modifiedAt": "2026-01-01T00:00:00Z", "modifiedMinutesAgo": 5},
        {"modifiedMinutesAgo": -5},
        {"requestQueue": {"handledRequestCount": 5, "totalRequestCount": 4}},
        {"requestQueue": {"itemCount": 1}},
        {"requestQueue": []},
        {"dataset": {"itemCount": 1, "cleanItemCount": 2}},
        {"dataset": {"itemCount": True}},
        "stalled",
    ],
)
def test_bad_progress_is_400(emu, progress):
    response = emu.http.post(f"{emu.base_url}/_emulator/runs", json={"progress": progress}, timeout=10)
    assert response.status_code == 400 and response.json()["error"]["type"] == "invalid-input", response.text


def test_fault_rules_apply_to_the_storage_paths(emu):
    run = emu.create(status="RUNNING", progress={"profile": "moving", "step": 1})
    emu.faults(
        {"kind": "status", "status": 503, "path": "/request-queue$"},
        {"kind": "mutate", "path": "/dataset$", "set": {"data.itemCount": -1}},
        {"kind": "finish_before", "path": "/request-queue$"},
    )
    assert emu.api("GET", f"/v2/actor-runs/{run['id']}/{QUEUE}").status_code == 503
    assert emu.control("GET", f"runs/{run['id']}/progress")["requestQueue"]["readCount"] == 0  # not performed
    assert _read(emu, run, DATASET)["itemCount"] == -1
    assert _read(emu, run, QUEUE)["handledRequestCount"] == 120  # the run finished first: no progress
    assert emu.run(run["id"])["status"] == "SUCCEEDED"
    entries = emu.log(path_contains="/request-queue")
    assert [(entry["status"], entry["fault"], entry["performed"]) for entry in entries] == [(503, "status", False), (200, "finish_before", True)]


def test_demo_seed_has_an_active_and_a_stalled_run(emu):
    seed_demo(emu.server.emulator.store)
    active, stalled = {"id": "DemoRunRunning001"}, {"id": "DemoRunStalled001"}
    assert _read(emu, active, QUEUE)["handledRequestCount"] < _read(emu, active, QUEUE)["handledRequestCount"]
    queue = _read(emu, stalled, QUEUE)
    assert queue["pendingRequestCount"] > 0 and _ago(queue["modifiedAt"]) > 3600
    run = emu.run("DemoRunStalled001")
    assert run["status"] == "RUNNING" and run["stats"]["cpuCurrentUsage"] < 1


@pytest.mark.parametrize("profile", ["active", "stalled", "untouched", "moving"])
def test_answers_validate_against_the_spec(emu, openapi_spec, profile):
    run = emu.create(status="RUNNING", progress={"profile": profile})
    components = {"components": openapi_spec["components"]}
    for storage, schema in ((QUEUE, "RequestQueueResponse"), (DATASET, "DatasetResponse")):
        validator = Draft202012Validator(dict(components, **{"$ref": f"#/components/schemas/{schema}"}), format_checker=FormatChecker())
        body = emu.api("GET", f"/v2/actor-runs/{run['id']}/{storage}").json()
        errors = [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(body)]
        assert not errors, errors
