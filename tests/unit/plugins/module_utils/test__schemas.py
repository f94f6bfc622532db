# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest
from jsonschema import Draft202012Validator

from ansible_collections.apify.platform.plugins.module_utils import _schemas
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyResponseError
from ansible_collections.apify.platform.plugins.module_utils._schemas import (
    ADVICE,
    LIST_OF_RUNS_RESPONSE,
    RUN,
    RUN_RESPONSE,
    RUN_SHORT,
    json_path,
    validate,
)

PATH = "/v2/actor-runs/3KH8gEpp4d8uQSe8T"
DELETE = object()


def body(fake, **changes):
    return {"data": fake.run(**changes)}


def set_path(document, dotted, value):
    parts = dotted.split(".")
    target = document
    for part in parts[:-1]:
        target = target[int(part) if part.isdigit() else part]
    last = int(parts[-1]) if parts[-1].isdigit() else parts[-1]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return document


@pytest.mark.parametrize("schema", [RUN, RUN_SHORT, RUN_RESPONSE, LIST_OF_RUNS_RESPONSE])
def test_schemas_are_valid_draft_2020_12(schema):
    Draft202012Validator.check_schema(schema)


def _walk(node, found=None):
    """Every object (dict) anywhere in a schema."""
    found = [] if found is None else found
    if isinstance(node, dict):
        found.append(node)
        children = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        children = []
    for child in children:
        _walk(child, found)
    return found


@pytest.mark.parametrize("schema", [RUN_RESPONSE, LIST_OF_RUNS_RESPONSE])
def test_schemas_never_forbid_extra_fields_nor_enumerate_status(schema):
    for node in _walk(schema):
        assert node.get("additionalProperties", True) is not False
        assert "unevaluatedProperties" not in node
    assert RUN["properties"]["status"] == {"type": "string"}
    assert "enum" not in RUN["properties"]["status"]


def test_valid_run_passes_and_is_returned_unchanged(fake):
    document = body(fake)
    snapshot = copy.deepcopy(document)
    assert validate(document, RUN_RESPONSE, "GET", PATH) is document
    assert document == snapshot


def test_documented_200_example_passes(fake):
    # The example of the reboot endpoint's documentation answers status READY.
    document = body(fake, status="READY", finishedAt="2019-12-12T09:30:12.202Z", actorTaskId="KJHSKHausidyaJKHs")
    document["data"]["stats"]["rebootCount"] = 0
    document["data"]["pricingInfo"] = {"pricingModel": "PAY_PER_EVENT", "apifyMarginPercentage": 0}
    document["data"]["usage"] = {"ACTOR_COMPUTE_UNITS": 3}
    document["data"]["metamorphs"] = [{"createdAt": "2019-11-30T07:39:24.202Z", "actorId": "x", "buildId": "y"}]
    validate(document, RUN_RESPONSE, "POST", PATH + "/reboot")


def test_extra_unknown_fields_pass(fake):
    document = body(fake)
    document["newTopLevel"] = {"anything": [1, 2]}
    document["data"]["brandNewField"] = None
    document["data"]["stats"]["quantumCount"] = "many"
    document["data"]["options"]["gpu"] = True
    validate(document, RUN_RESPONSE, "GET", PATH)


@pytest.mark.parametrize("status", ["MIGRATING", "running", "", "SOMETHING-NEW"])
def test_unknown_status_strings_pass(fake, status):
    validate(body(fake, status=status), RUN_RESPONSE, "GET", PATH)


@pytest.mark.parametrize(
    "field, value",
    [
        ("data.stats.rebootCount", DELETE),  # not required by the API's own schema
        ("data.finishedAt", "2019-12-12T09:30:12.202Z"),
        ("data.finishedAt", None),
        ("data.actorTaskId", None),
        ("data.actorTaskId", "KJHSKHausidyaJKHs"),
        ("data.statusMessage", None),
        ("data.userId", DELETE),
        ("data.stats.runTimeSecs", 0),
        ("data.stats.rebootCount", 0),
        ("data.stats.rebootCount", 10**6),
    ],
)
def test_optional_and_nullable_fields(fake, field, value):
    validate(set_path(body(fake), field, value), RUN_RESPONSE, "GET", PATH)


@pytest.mark.parametrize(
    "field, value, where, reason",
    [
        ("data.stats.rebootCount", "x", "data.stats.rebootCount", "'x' is not of type 'integer'"),
        ("data.stats.rebootCount", -1, "data.stats.rebootCount", "-1 is less than the minimum of 0"),
        ("data.stats.rebootCount", 1.5, "data.stats.rebootCount", "1.5 is not of type 'integer'"),
        ("data.stats.rebootCount", True, "data.stats.rebootCount", "True is not of type 'integer'"),
        ("data.stats.rebootCount", None, "data.stats.rebootCount", "None is not of type 'integer'"),
        ("data.stats.restartCount", "0", "data.stats.restartCount", "'0' is not of type 'integer'"),
        ("data.stats.runTimeSecs", -0.5, "data.stats.runTimeSecs", "-0.5 is less than the minimum of 0"),
        ("data.stats", None, "data.stats", "None is not of type 'object'"),
        ("data.options.timeoutSecs", "300", "data.options.timeoutSecs", "'300' is not of type 'integer'"),
        ("data.options", [], "data.options", "[] is not of type 'object'"),
        ("data.status", 5, "data.status", "5 is not of type 'string'"),
        ("data.status", None, "data.status", "None is not of type 'string'"),
        ("data.id", 123, "data.id", "123 is not of type 'string'"),
        ("data.finishedAt", 0, "data.finishedAt", "0 is not of type 'string', 'null'"),
        ("data.id", DELETE, "data", "'id' is a required property"),
        ("data.status", DELETE, "data", "'status' is a required property"),
        ("data.stats", DELETE, "data", "'stats' is a required property"),
        ("data.buildId", DELETE, "data", "'buildId' is a required property"),
        ("data", DELETE, "$", "'data' is a required property"),
        ("data", [], "data", "[] is not of type 'object'"),
        ("data", None, "data", "None is not of type 'object'"),
    ],
)
def test_invalid_run_names_path_and_reason(fake, field, value, where, reason):
    document = set_path(body(fake), field, value)
    with pytest.raises(ApifyResponseError) as info:
        validate(document, RUN_RESPONSE, "GET", PATH)
    err = info.value
    assert err.json_path == where
    assert err.reason == "%s: %s. %s" % (where, reason, ADVICE)
    assert err.method == "GET"
    assert err.path == PATH
    assert str(err) == "Unexpected answer from the Apify API to GET %s: %s: %s. %s" % (PATH, where, reason, ADVICE)


def test_example_message_from_the_spec(fake):
    document = body(fake)
    document["data"]["stats"]["rebootCount"] = "x"
    with pytest.raises(ApifyResponseError) as info:
        validate(document, RUN_RESPONSE, "POST", PATH + "/reboot")
    assert "data.stats.rebootCount: 'x' is not of type 'integer'" in str(info.value)
    assert info.value.to_dict()["json_path"] == "data.stats.rebootCount"
    assert info.value.to_dict()["kind"] == "response"


@pytest.mark.parametrize(
    "instance, reason",
    [
        (None, "$: None is not of type 'object'"),
        ([], "$: [] is not of type 'object'"),
        ("<html>", "$: '<html>' is not of type 'object'"),
        ({}, "$: 'data' is a required property"),
    ],
)
def test_invalid_root(instance, reason):
    with pytest.raises(ApifyResponseError) as info:
        validate(instance, RUN_RESPONSE, "GET", PATH)
    assert info.value.json_path == "$"
    assert info.value.reason == "%s. %s" % (reason, ADVICE)


def test_first_error_is_the_one_nearest_the_root_and_stable(fake):
    document = body(fake)
    del document["data"]["id"]
    document["data"]["stats"]["rebootCount"] = "x"
    document["data"]["status"] = 1
    reasons = set()
    for dummy in range(5):
        with pytest.raises(ApifyResponseError) as info:
            validate(copy.deepcopy(document), RUN_RESPONSE, "GET", PATH)
        reasons.add(info.value.reason)
    assert reasons == set(["data: 'id' is a required property. " + ADVICE])


def test_long_reasons_are_bounded(fake):
    document = body(fake)
    document["data"]["stats"]["rebootCount"] = "y" * 5000
    with pytest.raises(ApifyResponseError) as info:
        validate(document, RUN_RESPONSE, "GET", PATH)
    reason = info.value.reason
    assert reason.startswith("data.stats.rebootCount: 'yyyy")
    assert reason.endswith(".... " + ADVICE)
    assert len(reason) == len("data.stats.rebootCount: ") + 300 + 3 + len(". ") + len(ADVICE)


# -- list of runs ------------------------------------------------------------------


def listing(fake, items=None, **data):
    items = [fake.short_run(i) for i in range(3)] if items is None else items
    page = {"total": 3, "offset": 0, "limit": 1000, "count": len(items), "desc": True, "items": items}
    page.update(data)
    return {"data": page}


def test_list_valid(fake):
    document = listing(fake)
    document["data"]["items"][0]["extra"] = {"x": 1}
    assert validate(document, LIST_OF_RUNS_RESPONSE, "GET", "/v2/actor-runs") is document


def test_list_empty_and_without_desc(fake):
    document = listing(fake, items=[], total=0)
    del document["data"]["desc"]
    validate(document, LIST_OF_RUNS_RESPONSE, "GET", "/v2/actor-runs")


@pytest.mark.parametrize(
    "change, where, reason",
    [
        (("items.1.id", DELETE), "data.items[1]", "'id' is a required property"),
        (("items.2.status", 3), "data.items[2].status", "3 is not of type 'string'"),
        (("items.0.finishedAt", 1), "data.items[0].finishedAt", "1 is not of type 'string', 'null'"),
        (("items.0", "abc"), "data.items[0]", "'abc' is not of type 'object'"),
        (("items", {}), "data.items", "{} is not of type 'array'"),
        (("total", -1), "data.total", "-1 is less than the minimum of 0"),
        (("total", DELETE), "data", "'total' is a required property"),
        (("count", "3"), "data.count", "'3' is not of type 'integer'"),
        (("desc", "true"), "data.desc", "'true' is not of type 'boolean'"),
    ],
)
def test_list_invalid(fake, change, where, reason):
    document = listing(fake)
    set_path(document["data"], change[0], change[1])
    with pytest.raises(ApifyResponseError) as info:
        validate(document, LIST_OF_RUNS_RESPONSE, "GET", "/v2/actor-runs")
    assert info.value.json_path == where
    assert info.value.reason == "%s: %s. %s" % (where, reason, ADVICE)


# -- helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parts, text",
    [
        ([], "$"),
        (["data"], "data"),
        (["data", "stats", "rebootCount"], "data.stats.rebootCount"),
        (["data", "items", 3, "id"], "data.items[3].id"),
        (["data", "items", 0], "data.items[0]"),
        ([0], "[0]"),
        ([0, "id"], "[0].id"),
    ],
)
def test_json_path(parts, text):
    assert json_path(parts) == text


def test_validators_are_compiled_once():
    assert _schemas._validator(RUN_RESPONSE) is _schemas._validator(RUN_RESPONSE)
    assert _schemas._validator(RUN_RESPONSE) is not _schemas._validator(LIST_OF_RUNS_RESPONSE)
