# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The request log: what an entry holds, redaction, filters, and what is not logged."""


def test_entry_fields(emu):
    run = emu.create()
    emu.api("POST", f"/v2/actor-runs/{run['id']}/reboot?x=1", headers={"User-Agent": "apify.platform/0.1.0"})
    (entry,) = emu.log()
    assert entry["method"] == "POST"
    assert entry["path"] == f"/v2/actor-runs/{run['id']}/reboot"
    assert entry["target"] == f"/v2/actor-runs/{run['id']}/reboot?x=1"
    assert entry["query"] == {"x": "1"}
    assert entry["authorization"] == "bearer-valid"
    assert entry["token_in_query"] is False
    assert entry["user_agent"] == "apify.platform/0.1.0"
    assert (entry["status"], entry["fault"], entry["performed"]) == (200, None, True)
    assert isinstance(entry["seq"], int) and isinstance(entry["time"], float)


def test_authorization_header_is_redacted(emu):
    emu.api("GET", "/v2/actor-runs")
    emu.api("GET", "/v2/actor-runs", auth=False, headers={"Authorization": "Bearer wrong-secret"})
    emu.api("GET", "/v2/actor-runs", auth=False, headers={"Authorization": "Basic c2VjcmV0"})
    emu.api("GET", "/v2/actor-runs", auth=False)
    entries = emu.log()
    assert [entry["authorization"] for entry in entries] == ["bearer-valid", "bearer-invalid", "other", "none"]
    assert [entry["status"] for entry in entries] == [200, 401, 401, 401]
    for entry in entries[:3]:
        assert entry["headers"]["Authorization"] == "<redacted>"
    assert "Authorization" not in entries[3]["headers"]
    raw = emu.http.get(f"{emu.base_url}/_emulator/log").text
    assert emu.token not in raw and "wrong-secret" not in raw and "c2VjcmV0" not in raw


def test_failed_action_is_not_performed(emu):
    run = emu.create(status="SUCCEEDED")
    emu.api("POST", f"/v2/actor-runs/{run['id']}/reboot")
    (entry,) = emu.log()
    assert (entry["status"], entry["performed"]) == (400, False)


def test_filters_and_clear(emu):
    run = emu.create()
    emu.api("GET", f"/v2/actor-runs/{run['id']}")
    emu.api("POST", f"/v2/actor-runs/{run['id']}/reboot")
    emu.api("POST", f"/v2/actor-runs/{run['id']}/abort")
    assert [entry["path"].rsplit("/", 1)[-1] for entry in emu.log(method="post")] == ["reboot", "abort"]
    assert len(emu.log(method="POST", path_contains="reboot")) == 1
    assert len(emu.log(path_contains=run["id"])) == 3
    seqs = [entry["seq"] for entry in emu.log()]
    assert seqs == sorted(seqs)
    emu.control("DELETE", "log")
    assert emu.log() == []


def test_control_requests_are_not_logged(emu):
    run = emu.create()
    emu.run(run["id"])
    emu.control("GET", "runs")
    emu.control("GET", "faults")
    assert emu.log() == []


def test_unknown_control_endpoint(emu):
    response = emu.http.get(f"{emu.base_url}/_emulator/nothing")
    assert response.status_code == 404
    assert emu.http.put(f"{emu.base_url}/_emulator/log").status_code == 405
