# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""POST /v2/actor-runs/{runId}/abort: at once, gracefully (ABORTING for ``abort_secs``), and no-ops.

The spec: "Only runs that are starting or running are aborted. For runs with status
FINISHED, FAILED, ABORTING and TIMED-OUT this call does nothing." The emulator answers
those 200 with the run unchanged (see tests/emulator/README.md).
"""

import re
import time
from datetime import datetime

import pytest

ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
ABORTABLE = ("READY", "RUNNING", "TIMING-OUT")
NOT_ABORTABLE = ("SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED", "ABORTING")


def abort(emu, run_id, **params):
    return emu.api("POST", f"/v2/actor-runs/{run_id}/abort", params=params or None)


def status_of(emu, run_id):
    return emu.api("GET", f"/v2/actor-runs/{run_id}").json()["data"]


def iso_seconds(text):
    """Seconds since the epoch of an ISO time the emulator wrote (``...Z``, ms precision)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


@pytest.mark.parametrize("status", ABORTABLE)
@pytest.mark.parametrize("params", [{}, {"gracefully": "false"}, {"gracefully": "0"}, {"gracefully": ""}], ids=["none", "false", "0", "empty"])
def test_abort_without_gracefully_is_aborted_at_once(emu, status, params):
    # abort_secs only applies to a graceful abort.
    run = emu.create(status=status, abort_secs=60)
    response = abort(emu, run["id"], **params)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "ABORTED" and ISO_MS.fullmatch(data["finishedAt"])
    assert data["isStatusMessageTerminal"] is True and data["exitCode"] is None
    assert emu.run(run["id"])["status"] == "ABORTED"


@pytest.mark.parametrize("value", ["true", "1", "TRUE", "True"])
def test_graceful_abort_without_abort_secs_is_aborted_at_once(emu, value):
    run = emu.create(status="RUNNING")
    data = abort(emu, run["id"], gracefully=value).json()["data"]
    assert data["status"] == "ABORTED" and ISO_MS.fullmatch(data["finishedAt"])


@pytest.mark.parametrize("status", ABORTABLE)
def test_graceful_abort_is_aborting_for_abort_secs_then_aborted(emu, status):
    run = emu.create(status=status, abort_secs=0.4)
    sent = time.time()
    response = abort(emu, run["id"], gracefully="true")
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["status"], data["finishedAt"], data["isStatusMessageTerminal"]) == ("ABORTING", None, False)
    assert data["statusMessage"] == "Actor run is being aborted"
    # The container is still up while it aborts.
    assert data["stats"]["memCurrentBytes"] > 0
    read = status_of(emu, run["id"])
    assert (read["status"], read["finishedAt"]) == ("ABORTING", None)
    time.sleep(0.5)
    read = status_of(emu, run["id"])
    assert read["status"] == "ABORTED" and ISO_MS.fullmatch(read["finishedAt"])
    assert read["stats"]["memCurrentBytes"] == 0
    # finishedAt is the end of the window, not the time of the read.
    assert sent + 0.4 - 0.05 <= iso_seconds(read["finishedAt"]) <= sent + 0.4 + 0.3


def test_aborting_window_is_settled_on_lists_and_control_reads_too(emu):
    run = emu.create(status="RUNNING", abort_secs=0.3)
    abort(emu, run["id"], gracefully="1")
    listed = emu.api("GET", "/v2/actor-runs", params={"status": "ABORTING"}).json()["data"]
    assert [item["id"] for item in listed["items"]] == [run["id"]]
    assert emu.run(run["id"])["status"] == "ABORTING"
    time.sleep(0.35)
    listed = emu.api("GET", "/v2/actor-runs", params={"status": "ABORTED"}).json()["data"]
    assert [item["id"] for item in listed["items"]] == [run["id"]]
    assert listed["items"][0]["finishedAt"] is not None
    assert emu.api("GET", "/v2/actor-runs", params={"status": "ABORTING"}).json()["data"]["items"] == []


@pytest.mark.parametrize("status", NOT_ABORTABLE)
@pytest.mark.parametrize("params", [{}, {"gracefully": "true"}], ids=["at-once", "gracefully"])
def test_abort_of_a_run_that_cannot_be_aborted_does_nothing(emu, status, params):
    run = emu.create(status=status)
    before = status_of(emu, run["id"])
    response = abort(emu, run["id"], **params)
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["id"], data["status"], data["finishedAt"]) == (run["id"], status, before["finishedAt"])
    assert emu.run(run["id"])["status"] == status
    # The handler ran (and did nothing): the log says performed, as for any 200 of a handler.
    (entry,) = emu.log(method="POST")
    assert (entry["status"], entry["performed"]) == (200, True)


def test_a_run_created_aborting_stays_aborting(emu):
    run = emu.create(status="ABORTING")
    time.sleep(0.1)
    assert status_of(emu, run["id"])["status"] == "ABORTING"
    assert emu.control("PATCH", f"runs/{run['id']}", {"status": "ABORTED"})["finishedAt"] is not None


@pytest.mark.parametrize("params", [{}, {"gracefully": "true"}], ids=["at-once", "gracefully"])
def test_a_second_abort_does_not_cut_the_window_short(emu, params):
    run = emu.create(status="RUNNING", abort_secs=0.4)
    abort(emu, run["id"], gracefully="true")
    data = abort(emu, run["id"], **params).json()["data"]
    assert (data["status"], data["finishedAt"]) == ("ABORTING", None)
    time.sleep(0.45)
    assert status_of(emu, run["id"])["status"] == "ABORTED"
    assert [entry["query"] for entry in emu.log(method="POST")] == [{"gracefully": "true"}, params]


def test_patching_a_status_ends_the_window(emu):
    run = emu.create(status="RUNNING", abort_secs=0.2)
    abort(emu, run["id"], gracefully="true")
    emu.control("PATCH", f"runs/{run['id']}", {"status": "RUNNING"})
    time.sleep(0.25)
    assert status_of(emu, run["id"])["status"] == "RUNNING"


def test_abort_during_the_ready_window_after_a_reboot_wins(emu):
    run = emu.create(status="RUNNING", after_reboot={"ready_secs": 0.2, "status": "RUNNING"})
    assert emu.api("POST", f"/v2/actor-runs/{run['id']}/reboot").json()["data"]["status"] == "READY"
    assert abort(emu, run["id"]).json()["data"]["status"] == "ABORTED"
    time.sleep(0.25)
    assert status_of(emu, run["id"])["status"] == "ABORTED"


def test_a_finished_run_is_answered_unchanged_when_it_finished_just_before(emu):
    """The race an abort module must handle: a 200 whose run finished on its own."""
    run = emu.create(status="RUNNING")
    emu.faults({"kind": "finish_before", "status": "SUCCEEDED", "method": "POST", "path": "/abort$"})
    response = abort(emu, run["id"])
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "SUCCEEDED"
    assert emu.run(run["id"])["status"] == "SUCCEEDED"


@pytest.mark.parametrize("value", ["maybe", "yes", "2", "truee"])
def test_bad_gracefully_is_400_and_does_nothing(emu, value):
    run = emu.create(status="RUNNING")
    response = abort(emu, run["id"], gracefully=value)
    assert response.status_code == 400
    assert response.json() == {"error": {"type": "invalid-input", "message": f"Parameter 'gracefully' must be a boolean, got {value!r}"}}
    assert emu.run(run["id"])["status"] == "RUNNING"
    (entry,) = emu.log(method="POST")
    assert (entry["status"], entry["performed"], entry["query"]) == (400, False, {"gracefully": value})


def test_the_query_is_logged(emu):
    run = emu.create(status="RUNNING")
    abort(emu, run["id"], gracefully="true")
    (entry,) = emu.log(method="POST")
    assert entry["query"] == {"gracefully": "true"}
    assert entry["target"] == f"/v2/actor-runs/{run['id']}/abort?gracefully=true"


def test_abort_secs_in_specs(emu):
    run = emu.create(status="RUNNING", abort_secs=2)
    patched = emu.control("PATCH", f"runs/{run['id']}", {"abort_secs": 0})
    assert patched["status"] == "RUNNING"
    assert abort(emu, run["id"], gracefully="true").json()["data"]["status"] == "ABORTED"
    ids = emu.control("POST", "runs", {"count": 2, "template": {"status": "RUNNING", "abort_secs": 60}})
    assert abort(emu, ids[1], gracefully="true").json()["data"]["status"] == "ABORTING"
    for bad in (-1, "3", True, None, [1]):
        response = emu.http.post(f"{emu.base_url}/_emulator/runs", json={"abort_secs": bad}, timeout=10)
        assert response.status_code == 400, bad
        assert "'abort_secs' must be a number >= 0" in response.json()["error"]["message"]


def test_unknown_run_is_404(emu):
    response = abort(emu, "nosuchrun00000000", gracefully="true")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "record-not-found"
