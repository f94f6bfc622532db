# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Authentication: Bearer header, the ?token= query form, and who needs a token."""

import pytest

INVALID = {"error": {"type": "token-not-valid", "message": "Authentication token is not valid."}}


def test_get_run_needs_no_token(emu):
    run = emu.create()
    assert emu.api("GET", f"/v2/actor-runs/{run['id']}", auth=False).status_code == 200


def test_get_run_with_wrong_token_is_401(emu):
    run = emu.create()
    response = emu.api("GET", f"/v2/actor-runs/{run['id']}", auth=False, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json() == INVALID


@pytest.mark.parametrize(
    "method,path",
    [
        ("POST", "/v2/actor-runs/{id}/reboot"),
        ("POST", "/v2/actor-runs/{id}/abort"),
        ("POST", "/v2/actor-runs/{id}/resurrect"),
        ("GET", "/v2/actor-runs"),
        ("GET", "/v2/actors/DemoActor00000001/runs"),
        ("GET", "/v2/actor-tasks/sometask/runs"),
    ],
)
def test_token_required(emu, method, path):
    run = emu.create()
    path = path.format(id=run["id"])
    missing = emu.api(method, path, auth=False)
    assert missing.status_code == 401
    assert missing.json()["error"]["type"] == "token-not-valid"
    for header in ("Bearer wrong", f"Basic {emu.token}", emu.token):
        assert emu.api(method, path, auth=False, headers={"Authorization": header}).status_code == 401, header
    assert emu.run(run["id"])["stats"]["rebootCount"] == 0
    assert emu.run(run["id"])["status"] == "RUNNING"


def test_token_in_query_is_accepted_and_logged(emu):
    run = emu.create()
    response = emu.api("POST", f"/v2/actor-runs/{run['id']}/reboot", auth=False, params={"token": emu.token})
    assert response.status_code == 200
    assert emu.api("GET", "/v2/actor-runs", auth=False, params={"token": "wrong"}).status_code == 401
    entries = emu.log()
    assert [entry["token_in_query"] for entry in entries] == [True, True]
    assert entries[0]["authorization"] == "none"


def test_header_wins_over_query(emu):
    response = emu.api("GET", "/v2/actor-runs", auth=False, params={"token": emu.token}, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


def test_bearer_scheme_is_case_insensitive(emu):
    response = emu.api("GET", "/v2/actor-runs", auth=False, headers={"Authorization": f"bearer {emu.token}"})
    assert response.status_code == 200
