# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run lifecycle: get, reboot, abort, resurrect, after_reboot, and the control API around runs."""

import re
import threading
import time

import pytest
import requests

ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def test_created_run_looks_real(emu):
    run = emu.create(status="RUNNING", memoryMbytes=2048, memCurrentBytes=12345)
    assert re.fullmatch(r"[A-Za-z0-9]{17}", run["id"])
    for key in ("actId", "userId", "buildId", "defaultKeyValueStoreId", "defaultDatasetId", "defaultRequestQueueId"):
        assert re.fullmatch(r"[A-Za-z0-9]{17}", run[key]), key
    assert ISO_MS.fullmatch(run["startedAt"]) and run["finishedAt"] is None
    assert run["options"]["memoryMbytes"] == 2048
    assert run["stats"]["memCurrentBytes"] == 12345
    assert run["stats"]["rebootCount"] == 0


def test_get_run_returns_current_state(emu):
    run = emu.create(id="abcdefghijklmnopq", status="SUCCEEDED", rebootCount=2)
    response = emu.api("GET", "/v2/actor-runs/abcdefghijklmnopq")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()["data"]
    assert data["id"] == run["id"] and data["status"] == "SUCCEEDED"
    assert data["stats"]["rebootCount"] == 2
    assert ISO_MS.fullmatch(data["finishedAt"]) and data["exitCode"] == 0


def test_reboot_running_run_increments_counter_and_keeps_identity(emu):
    run = emu.create(status="RUNNING", rebootCount=1)
    response = emu.api("POST", f"/v2/actor-runs/{run['id']}/reboot")
    assert response.status_code == 200
    rebooted = response.json()["data"]
    assert rebooted["status"] == "RUNNING"
    assert rebooted["stats"]["rebootCount"] == 2
    for key in ("id", "buildId", "defaultKeyValueStoreId", "defaultDatasetId", "defaultRequestQueueId", "startedAt"):
        assert rebooted[key] == run[key], key
    assert emu.run(run["id"])["stats"]["rebootCount"] == 2


@pytest.mark.parametrize("status", ["SUCCEEDED", "FAILED", "ABORTED", "TIMED-OUT", "READY", "TIMING-OUT", "ABORTING"])
def test_reboot_of_a_run_not_running_is_400(emu, status):
    run = emu.create(status=status)
    response = emu.api("POST", f"/v2/actor-runs/{run['id']}/reboot")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "type": "run-not-running",
            "message": f"Only running Actor runs can be rebooted (run ID: {run['id']}, status: {status}).",
        }
    }
    assert emu.run(run["id"])["stats"]["rebootCount"] == 0


def test_unknown_run_is_404(emu):
    for method, path in (("GET", "/v2/actor-runs/nosuchrun00000000"), ("POST", "/v2/actor-runs/nosuchrun00000000/reboot")):
        response = emu.api(method, path)
        assert response.status_code == 404
        assert response.json() == {"error": {"type": "record-not-found", "message": "Actor run was not found"}}


def test_wrong_method_is_405_and_unknown_path_is_404(emu):
    run = emu.create()
    response = emu.api("GET", f"/v2/actor-runs/{run['id']}/reboot")
    assert response.status_code == 405
    assert response.json()["error"]["type"] == "method-not-allowed"
    assert emu.api("DELETE", f"/v2/actor-runs/{run['id']}").status_code == 405
    response = emu.api("GET", "/v2/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "page-not-found"


@pytest.mark.parametrize("status", ["RUNNING", "READY", "TIMING-OUT"])
def test_abort_active_run(emu, status):
    run = emu.create(status=status)
    response = emu.api("POST", f"/v2/actor-runs/{run['id']}/abort")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "ABORTED" and ISO_MS.fullmatch(data["finishedAt"])


def test_abort_finished_run_does_nothing(emu):
    # The spec: "this call does nothing" (more in test_emulator_abort.py).
    run = emu.create(status="SUCCEEDED")
    response = emu.api("POST", f"/v2/actor-runs/{run['id']}/abort")
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "SUCCEEDED"
    assert emu.run(run["id"])["status"] == "SUCCEEDED"


def test_resurrect_finished_run(emu):
    run = emu.create(status="FAILED")
    response = emu.api("POST", f"/v2/actor-runs/{run['id']}/resurrect")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "RUNNING" and data["finishedAt"] is None
    assert data["stats"]["resurrectCount"] == 1
    assert emu.api("POST", f"/v2/actor-runs/{run['id']}/resurrect").status_code == 400


def test_resurrect_keeps_the_options_not_given_and_takes_those_given(emu):
    run = emu.create(status="TIMED-OUT", memoryMbytes=2048)
    kept = emu.api("POST", f"/v2/actor-runs/{run['id']}/resurrect").json()["data"]["options"]
    assert (kept["build"], kept["timeoutSecs"], kept["memoryMbytes"]) == ("latest", 3600, 2048)
    assert "maxItems" not in kept and "maxTotalChargeUsd" not in kept
    emu.api("POST", f"/v2/actor-runs/{run['id']}/abort")
    query = "build=0.1.2&timeout=600&memory=4096&maxItems=100&maxTotalChargeUsd=2.5&restartOnError=true"
    data = emu.api("POST", f"/v2/actor-runs/{run['id']}/resurrect?{query}").json()["data"]
    assert data["options"] == {"build": "0.1.2", "timeoutSecs": 600, "memoryMbytes": 4096, "diskMbytes": 8192, "maxItems": 100, "maxTotalChargeUsd": 2.5}
    assert data["stats"]["resurrectCount"] == 2


@pytest.mark.parametrize(
    "query",
    ["memory=1000", "memory=64", "memory=65536", "timeout=-1", "timeout=1.5", "maxItems=x", "maxTotalChargeUsd=nan", "restartOnError=maybe"],
)
def test_resurrect_refuses_bad_options_and_changes_nothing(emu, query):
    run = emu.create(status="FAILED")
    response = emu.api("POST", f"/v2/actor-runs/{run['id']}/resurrect?{query}")
    assert response.status_code == 400 and response.json()["error"]["type"] == "invalid-input"
    assert emu.run(run["id"])["status"] == "FAILED" and emu.run(run["id"])["stats"]["resurrectCount"] == 0


def test_resurrect_of_a_run_that_dies_on_boot_goes_through_ready(emu):
    run = emu.create(status="FAILED", after_reboot={"ready_secs": 0.3, "status": "FAILED"})
    data = emu.api("POST", f"/v2/actor-runs/{run['id']}/resurrect").json()["data"]
    assert data["status"] == "READY" and data["finishedAt"] is None
    time.sleep(0.4)
    assert emu.api("GET", f"/v2/actor-runs/{run['id']}").json()["data"]["status"] == "FAILED"


def test_after_reboot_ready_window_then_running(emu):
    run = emu.create(status="RUNNING", after_reboot={"ready_secs": 0.3})
    rebooted = emu.api("POST", f"/v2/actor-runs/{run['id']}/reboot").json()["data"]
    assert rebooted["status"] == "READY" and rebooted["stats"]["rebootCount"] == 1
    assert emu.api("GET", f"/v2/actor-runs/{run['id']}").json()["data"]["status"] == "READY"
    # A run that is READY cannot be rebooted again.
    assert emu.api("POST", f"/v2/actor-runs/{run['id']}/reboot").status_code == 400
    time.sleep(0.35)
    data = emu.api("GET", f"/v2/actor-runs/{run['id']}").json()["data"]
    assert data["status"] == "RUNNING" and data["finishedAt"] is None


def test_after_reboot_run_dies(emu):
    run = emu.create(status="RUNNING", after_reboot={"ready_secs": 0.2, "status": "FAILED"})
    emu.api("POST", f"/v2/actor-runs/{run['id']}/reboot")
    time.sleep(0.25)
    data = emu.api("GET", f"/v2/actor-runs/{run['id']}").json()["data"]
    assert data["status"] == "FAILED" and ISO_MS.fullmatch(data["finishedAt"]) and data["exitCode"] == 1
    listed = emu.api("GET", "/v2/actor-runs", params={"status": "FAILED"}).json()["data"]
    assert [item["id"] for item in listed["items"]] == [run["id"]]


def test_patch_run(emu):
    run = emu.create(status="RUNNING")
    patched = emu.control("PATCH", f"runs/{run['id']}", {"status": "SUCCEEDED", "rebootCount": 3})
    assert patched["status"] == "SUCCEEDED" and patched["finishedAt"] is not None
    assert patched["stats"]["rebootCount"] == 3
    assert emu.control("PATCH", f"runs/{run['id']}", {"status": "RUNNING"})["finishedAt"] is None


def test_control_rejects_bad_specs(emu):
    for body in (
        {"status": "NOPE"},
        {"rebootCount": -1},
        {"bogus": 1},
        {"id": "has/slash"},
        {"memoryMbytes": 64},
        {"startedAt": "yesterday"},
        {"after_reboot": {"ready_secs": "x"}},
    ):
        response = emu.http.post(f"{emu.base_url}/_emulator/runs", json=body)
        assert response.status_code == 400, body
        assert response.json()["error"]["type"] == "invalid-input"
    response = emu.http.post(f"{emu.base_url}/_emulator/runs", data="{not json")
    assert response.status_code == 400 and response.json()["error"]["type"] == "invalid-input"
    emu.create(id="dup")
    assert emu.http.post(f"{emu.base_url}/_emulator/runs", json={"id": "dup"}).status_code == 400
    assert emu.http.patch(f"{emu.base_url}/_emulator/runs/none", json={}).status_code == 404


def test_control_lists_all_runs_and_reset_clears(emu):
    ids = emu.control("POST", "runs", {"runs": [{"status": "RUNNING"}, {"status": "FAILED", "id": "given"}]})
    assert len(ids) == 2 and ids[1] == "given"
    assert sorted(run["id"] for run in emu.control("GET", "runs")) == sorted(ids)
    emu.control("POST", "reset")
    assert emu.control("GET", "runs") == []


def test_concurrent_reboots_are_all_counted(emu):
    run = emu.create(status="RUNNING")
    url = f"{emu.base_url}/v2/actor-runs/{run['id']}/reboot"
    statuses = []

    def reboot_many():
        with requests.Session() as session:
            auth = {"Authorization": f"Bearer {emu.token}"}
            statuses.extend(session.post(url, headers=auth, timeout=10).status_code for dummy in range(25))

    threads = [threading.Thread(target=reboot_many) for dummy in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 200
    assert emu.run(run["id"])["stats"]["rebootCount"] == 200
