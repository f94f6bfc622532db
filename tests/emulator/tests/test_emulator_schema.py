# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every answer the emulator gives validates against Apify's own OpenAPI schemas."""

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.emulator.runs import STATUSES


def _validator(spec, schema_name):
    # The whole components section rides along, so "#/components/schemas/..." references resolve.
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    return Draft202012Validator(root, format_checker=FormatChecker())


def _assert_valid(spec, schema_name, instance):
    errors = sorted(_validator(spec, schema_name).iter_errors(instance), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(error.path)}: {error.message}" for error in errors)


def test_validation_is_not_vacuous(emu, openapi_spec):
    # Without rfc3339-validator, FormatChecker would silently accept any string as a date-time.
    assert not FormatChecker().conforms("yesterday", "date-time")
    run = emu.create()
    del run["buildId"]
    assert not _validator(openapi_spec, "Run").is_valid(run)
    assert not _validator(openapi_spec, "Run").is_valid(dict(run, buildId="b", startedAt="yesterday"))


@pytest.mark.parametrize("status", STATUSES)
def test_full_run_validates(emu, openapi_spec, status):
    run = emu.create(status=status, actorTaskId="Task0000000000001")
    _assert_valid(openapi_spec, "RunResponse", emu.api("GET", f"/v2/actor-runs/{run['id']}").json())


def test_run_after_each_action_validates(emu, openapi_spec):
    run = emu.create(status="RUNNING", after_reboot={"ready_secs": 10})
    for action in ("reboot", "abort", "resurrect"):
        response = emu.api("POST", f"/v2/actor-runs/{run['id']}/{action}")
        assert response.status_code == 200, action
        _assert_valid(openapi_spec, "RunResponse", response.json())


def test_lists_validate(emu, openapi_spec):
    emu.control("POST", "runs", {"runs": [{"status": status, "actorTaskId": "SchemaTask0000001"} for status in STATUSES]})
    for path in ("/v2/actor-runs", "/v2/actors/DemoActor00000001/runs", "/v2/actor-tasks/SchemaTask0000001/runs"):
        for params in ({}, {"desc": "true", "limit": 3, "offset": 2}):
            _assert_valid(openapi_spec, "ListOfRunsResponse", emu.api("GET", path, params=params).json())


def test_error_bodies_validate(emu, openapi_spec):
    # The spec's ErrorType enum does not list "run-not-running" (the reboot 400's type is
    # undocumented) nor "token-not-valid", so those are checked for shape only.
    run = emu.create(status="SUCCEEDED")
    in_enum = [
        emu.api("GET", "/v2/actor-runs/missing"),
        emu.api("GET", "/v2/nowhere"),
        emu.api("PUT", f"/v2/actor-runs/{run['id']}"),
        emu.api("GET", "/v2/actor-runs", params={"limit": "x"}),
        emu.api("GET", "/v2/actors/NoSuchActor000001/runs"),
        emu.api("GET", "/v2/actor-tasks/NoSuchTask0000001/runs"),
    ]
    for response in in_enum:
        _assert_valid(openapi_spec, "ErrorResponse", response.json())
    emu.faults({"kind": "status", "status": 429}, {"kind": "status", "status": 503})
    for dummy in range(2):
        _assert_valid(openapi_spec, "ErrorResponse", emu.api("GET", f"/v2/actor-runs/{run['id']}").json())
    for response in (emu.api("POST", f"/v2/actor-runs/{run['id']}/reboot"), emu.api("GET", "/v2/actor-runs", auth=False)):
        error = response.json()["error"]
        assert set(error) == {"type", "message"} and all(isinstance(value, str) for value in error.values())
