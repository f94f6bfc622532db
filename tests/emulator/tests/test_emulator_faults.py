# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fault rules (every kind), their matching and consumption, chaos and added latency."""

import time

import pytest
import requests


@pytest.fixture(name="run")
def fixture_run(emu):
    """A RUNNING run."""
    return emu.create(status="RUNNING")


def _reboot(emu, run, **kwargs):
    return emu.api("POST", f"/v2/actor-runs/{run['id']}/reboot", **kwargs)


def _reboots(emu, run):
    return emu.run(run["id"])["stats"]["rebootCount"]


def _last_log(emu):
    return emu.log()[-1]


def test_status_429_with_retry_after_does_not_act(emu, run):
    emu.faults({"kind": "status", "status": 429, "retry_after": 2})
    response = _reboot(emu, run)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert response.json()["error"]["type"] == "rate-limit-exceeded"
    assert _reboots(emu, run) == 0
    entry = _last_log(emu)
    assert (entry["status"], entry["fault"], entry["performed"]) == (429, "status", False)
    # times defaults to 1: the next request is served normally.
    assert _reboot(emu, run).status_code == 200
    assert _reboots(emu, run) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_status_5xx_default_body(emu, run, status):
    emu.faults({"kind": "status", "status": status})
    response = _reboot(emu, run)
    assert response.status_code == status
    assert response.json()["error"]["type"] == "internal-server-error"
    assert "Retry-After" not in response.headers


def test_status_with_custom_body_or_raw(emu, run):
    emu.faults(
        {"kind": "status", "status": 503, "body": {"oops": True}},
        {"kind": "status", "status": 502, "raw": "<html>Bad gateway</html>", "content_type": "text/html"},
    )
    assert _reboot(emu, run).json() == {"oops": True}
    response = _reboot(emu, run)
    assert response.status_code == 502 and response.text == "<html>Bad gateway</html>"
    assert response.headers["Content-Type"] == "text/html"
    assert _reboots(emu, run) == 0


def test_status_after_performs_then_fails(emu, run):
    emu.faults({"kind": "status_after", "status": 502})
    response = _reboot(emu, run)
    assert response.status_code == 502
    assert _reboots(emu, run) == 1
    entry = _last_log(emu)
    assert (entry["status"], entry["fault"], entry["performed"]) == (502, "status_after", True)


def test_drop_closes_without_acting(emu, run):
    emu.faults({"kind": "drop"})
    with pytest.raises(requests.ConnectionError):
        _reboot(emu, run)
    assert _reboots(emu, run) == 0
    entry = _last_log(emu)
    assert (entry["status"], entry["fault"], entry["performed"]) == (None, "drop", False)
    assert _reboot(emu, run).status_code == 200  # the session reconnects


def test_drop_after_acts_then_closes(emu, run):
    emu.faults({"kind": "drop_after"})
    with pytest.raises(requests.ConnectionError):
        _reboot(emu, run)
    assert _reboots(emu, run) == 1
    entry = _last_log(emu)
    assert (entry["status"], entry["fault"], entry["performed"]) == (None, "drop_after", True)


def test_latency_beyond_client_timeout(emu, run):
    emu.faults({"kind": "latency", "ms": 400})
    with pytest.raises(requests.Timeout):
        _reboot(emu, run, timeout=0.1)
    time.sleep(0.4)  # the server finishes the request and writes to a closed socket
    assert _reboots(emu, run) == 1
    assert _reboot(emu, run).status_code == 200  # and keeps serving


def test_rule_latency_ms_delays_the_answer(emu, run):
    emu.faults({"kind": "status", "status": 503, "latency_ms": 150})
    started = time.perf_counter()
    assert _reboot(emu, run).status_code == 503
    assert time.perf_counter() - started >= 0.15


def test_raw_body_without_and_with_perform(emu, run):
    emu.faults(
        {"kind": "raw", "raw": '{"data": {"id": '}, {"kind": "raw", "raw": "<html>ok</html>", "content_type": "text/html", "perform": True, "status": 200}
    )
    response = _reboot(emu, run)
    assert response.status_code == 200 and response.text == '{"data": {"id": '
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert _reboots(emu, run) == 0
    response = _reboot(emu, run)
    assert response.text == "<html>ok</html>" and response.headers["Content-Length"] == "15"
    assert _reboots(emu, run) == 1


def test_raw_empty_body(emu, run):
    emu.faults({"kind": "raw"})
    response = _reboot(emu, run)
    assert response.status_code == 200 and response.content == b""
    assert response.headers["Content-Length"] == "0"


def test_mutate_sets_and_deletes(emu, run):
    emu.faults(
        {"kind": "mutate", "set": {"data.stats.rebootCount": "x", "data.extra.deep": 1}, "delete": ["data.status", "data.nothing.here"]},
        {"kind": "mutate", "set": {"data": None}},
    )
    data = _reboot(emu, run).json()["data"]
    assert data["stats"]["rebootCount"] == "x" and data["extra"] == {"deep": 1}
    assert "status" not in data
    assert _reboots(emu, run) == 1
    assert _reboot(emu, run).json() == {"data": None}
    assert _reboots(emu, run) == 2


@pytest.mark.usefixtures("run")
def test_mutate_list_items(emu):
    emu.faults({"kind": "mutate", "path": "^/v2/actor-runs$", "set": {"data.items.0.status": "BOGUS"}})
    assert emu.api("GET", "/v2/actor-runs").json()["data"]["items"][0]["status"] == "BOGUS"


def test_finish_before_makes_reboot_fail(emu, run):
    emu.faults({"kind": "finish_before", "method": "POST"})
    response = _reboot(emu, run)
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "run-not-running"
    assert emu.run(run["id"])["status"] == "SUCCEEDED"


def test_finish_before_with_status(emu, run):
    emu.faults({"kind": "finish_before", "status": "ABORTED"})
    assert emu.api("GET", f"/v2/actor-runs/{run['id']}").json()["data"]["status"] == "ABORTED"


def test_reboot_before_moves_the_counter(emu, run):
    emu.faults({"kind": "reboot_before", "method": "GET"})
    assert emu.api("GET", f"/v2/actor-runs/{run['id']}").json()["data"]["stats"]["rebootCount"] == 1
    assert _reboot(emu, run).json()["data"]["stats"]["rebootCount"] == 2


def test_redirect(emu, run):
    emu.faults({"kind": "redirect", "location": "http://127.0.0.1:9/elsewhere"})
    response = _reboot(emu, run, allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "http://127.0.0.1:9/elsewhere"
    assert _reboots(emu, run) == 0


def test_echo_token(emu, run):
    emu.faults({"kind": "echo_token"})
    response = _reboot(emu, run)
    assert response.status_code == 400
    assert f"Bearer {emu.token}" in response.json()["error"]["message"]
    assert _reboots(emu, run) == 0


def test_matching_by_method_path_and_times(emu, run):
    emu.faults({"kind": "status", "status": 503, "method": "post", "path": "/abort$", "times": 2})
    assert _reboot(emu, run).status_code == 200
    assert emu.api("GET", f"/v2/actor-runs/{run['id']}").status_code == 200
    assert [emu.api("POST", f"/v2/actor-runs/{run['id']}/abort").status_code for dummy in range(3)] == [503, 503, 200]
    (rule,) = emu.control("GET", "faults")
    assert (rule["applied"], rule["remaining"], rule["path"]) == (2, 0, "/abort$")


def test_unlimited_times_and_zero_probability(emu, run):
    emu.faults({"kind": "status", "status": 500, "times": None, "method": "GET"}, {"kind": "status", "status": 503, "probability": 0, "method": "POST"})
    assert [emu.api("GET", f"/v2/actor-runs/{run['id']}").status_code for dummy in range(5)] == [500] * 5
    assert _reboot(emu, run).status_code == 200
    rules = emu.control("GET", "faults")
    assert (rules[0]["applied"], rules[0]["remaining"], rules[1]["applied"]) == (5, None, 0)
    emu.control("DELETE", "faults")
    assert emu.control("GET", "faults") == []
    assert emu.api("GET", f"/v2/actor-runs/{run['id']}").status_code == 200


def test_rules_apply_in_order(emu, run):
    emu.faults({"kind": "status", "status": 429}, {"kind": "status", "status": 503})
    assert [_reboot(emu, run).status_code for dummy in range(3)] == [429, 503, 200]


def test_control_endpoints_are_never_faulted(emu, run):
    emu.faults({"kind": "drop", "times": None})
    assert emu.run(run["id"])["id"] == run["id"]


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "nope"},
        {"kind": "status", "status": "500"},
        {"kind": "redirect"},
        {"kind": "drop", "path": "("},
        {"kind": "drop", "times": -1},
        {"kind": "drop", "probability": 2},
        {"kind": "latency", "typo": 1},
    ],
)
def test_invalid_rules_are_rejected(emu, rule):
    response = emu.http.post(f"{emu.base_url}/_emulator/faults", json={"rules": [rule]})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid-input"
    assert emu.control("GET", "faults") == []


def _chaos_statuses(emu, run, count):
    statuses = []
    for dummy in range(count):
        try:
            statuses.append(emu.api("GET", f"/v2/actor-runs/{run['id']}", timeout=5).status_code)
        except requests.ConnectionError:
            statuses.append(None)
    return statuses


def test_chaos_is_seeded_and_can_be_stopped(emu, run):
    chaos = {"probability": 0.5, "seed": 7, "kinds": ["drop", {"kind": "status", "status": 429, "retry_after": 1}]}
    emu.control("POST", "config", {"chaos": chaos})
    first = _chaos_statuses(emu, run, 30)
    emu.control("POST", "config", {"chaos": chaos})  # the same seed again
    assert _chaos_statuses(emu, run, 30) == first
    assert set(first) == {200, 429, None}
    faults = {entry["fault"] for entry in emu.log()}
    assert faults == {None, "drop", "status"}
    assert emu.control("POST", "config", {"chaos": None})["chaos"] is None
    assert _chaos_statuses(emu, run, 10) == [200] * 10


def test_chaos_default_kinds_are_valid(emu, run):
    config = emu.control("POST", "config", {"chaos": {"probability": 0, "seed": 1}})
    assert config["chaos"] == {"probability": 0, "seed": 1}
    assert _reboot(emu, run).status_code == 200


def test_config_latency_and_reset(emu, run):
    webhooks = {"max_attempts": 3, "backoff_ms": 200, "timeout_ms": 5000}  # tests/emulator/delivery.py
    assert emu.control("POST", "config", {"latency_ms": 100}) == {"latency_ms": 100, "chaos": None, "webhooks": webhooks}
    started = time.perf_counter()
    emu.api("GET", f"/v2/actor-runs/{run['id']}")
    assert time.perf_counter() - started >= 0.1
    started = time.perf_counter()
    emu.run(run["id"])  # control requests are not delayed
    assert time.perf_counter() - started < 0.1
    emu.control("POST", "reset")
    assert emu.control("GET", "config") == {"latency_ms": 0, "chaos": None, "webhooks": webhooks}
