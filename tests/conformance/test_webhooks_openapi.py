# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Webhooks against Apify's OpenAPI spec: the emulator's answers, and our schemas (_webhook_schemas.py).

1. Each webhook answer the emulator gives (create, get, update, delete, the three lists, the
   dispatches, and their errors) validates against the spec's schema for that operation and status.
2. Our schemas agree with the spec's components (as ``test_schemas_vs_spec.compare`` defines it)
   and accept the spec's own examples of those answers, and a real answer of the emulator.

Known disagreement: the spec gives DELETE's 204 an ``application/json`` body (``{}``); a 204 has no
body in HTTP, and the emulator (like the real API, as Apify's clients expect) sends none.
"""

import json

import pytest

from ansible_collections.apify.platform.plugins.module_utils import _schemas, _webhook_schemas
from tests.conformance.spec_tools import error_list
from tests.conformance.test_schemas_vs_spec import compare

ACTOR = "HookActor00000001"
TASK = "HookTask000000001"
BODY = {
    "eventTypes": ["ACTOR.RUN.FAILED"],
    "condition": {"actorId": ACTOR},
    "requestUrl": "http://127.0.0.1:9/hook",
    "headersTemplate": json.dumps({"Authorization": "Bearer x"}),
    "payloadTemplate": '{"e": {{eventType}}}',
    "description": "d",
    "idempotencyKey": "k",
}
COUNTERPARTS = [
    ("WEBHOOK", "Webhook"),
    ("WEBHOOK_SHORT", "WebhookShort"),
    ("WEBHOOK_RESPONSE", "WebhookResponse"),
    ("LIST_OF_WEBHOOKS_RESPONSE", "ListOfWebhooksResponse"),
    ("DISPATCH", "WebhookDispatch"),
    ("LIST_OF_DISPATCHES_RESPONSE", "ListOfWebhookDispatchesResponse"),
]


def setup(emu):
    """A webhook of the Actor, one of the task, and a finished dispatch of the first."""
    emu.control("POST", "config", {"webhooks": {"max_attempts": 1, "timeout_ms": 500}})
    first = emu.api("POST", "/v2/webhooks", json=BODY).json()["data"]
    emu.api("POST", "/v2/webhooks", json=dict(BODY, condition={"actorTaskId": TASK}, idempotencyKey=None))
    run = emu.create(status="RUNNING", actId=ACTOR)
    emu.control("PATCH", "runs/%s" % run["id"], {"status": "FAILED"})
    emu.control("GET", "webhook-dispatches", params={"wait": "true"})
    return first["id"]


# (label, spec path, method, status, request(emu, hook_id) -> response)
CASES = [
    ("create", "/v2/webhooks", "post", 201, lambda emu, h: emu.api("POST", "/v2/webhooks", json=dict(BODY, idempotencyKey="other"))),
    ("create again, same key", "/v2/webhooks", "post", 201, lambda emu, h: emu.api("POST", "/v2/webhooks", json=BODY)),
    ("list", "/v2/webhooks", "get", 200, lambda emu, h: emu.api("GET", "/v2/webhooks")),
    ("list, a page", "/v2/webhooks", "get", 200, lambda emu, h: emu.api("GET", "/v2/webhooks", params={"limit": 1, "offset": 1, "desc": "1"})),
    ("actor's", "/v2/actors/{actorId}/webhooks", "get", 200, lambda emu, h: emu.api("GET", "/v2/actors/%s/webhooks" % ACTOR)),
    ("task's", "/v2/actor-tasks/{actorTaskId}/webhooks", "get", 200, lambda emu, h: emu.api("GET", "/v2/actor-tasks/%s/webhooks" % TASK)),
    ("get", "/v2/webhooks/{webhookId}", "get", 200, lambda emu, h: emu.api("GET", "/v2/webhooks/" + h)),
    ("update", "/v2/webhooks/{webhookId}", "put", 200, lambda emu, h: emu.api("PUT", "/v2/webhooks/" + h, json={"description": None, "doNotRetry": True})),
    ("dispatches", "/v2/webhooks/{webhookId}/dispatches", "get", 200, lambda emu, h: emu.api("GET", "/v2/webhooks/%s/dispatches" % h)),
    ("all dispatches", "/v2/webhook-dispatches", "get", 200, lambda emu, h: emu.api("GET", "/v2/webhook-dispatches")),
    ("bad create", "/v2/webhooks", "post", 400, lambda emu, h: emu.api("POST", "/v2/webhooks", json=dict(BODY, eventTypes=[]))),
    ("no token", "/v2/webhooks", "get", 401, lambda emu, h: emu.api("GET", "/v2/webhooks", token=None)),
    ("unknown", "/v2/webhooks/{webhookId}", "get", 404, lambda emu, h: emu.api("GET", "/v2/webhooks/Missing0000000000")),
    ("delete unknown", "/v2/webhooks/{webhookId}", "delete", 404, lambda emu, h: emu.api("DELETE", "/v2/webhooks/Missing0000000000")),
    ("wrong method", "/v2/webhooks/{webhookId}", "get", 405, lambda emu, h: emu.api("PATCH", "/v2/webhooks/" + h)),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_emulator_answer_validates_against_the_spec(emu, spec, case):
    label, path, method, status, act = case
    response = act(emu, setup(emu))
    assert response.status_code == status, response.text
    ref = spec.response_schema_pointer(path, method, status)
    assert ref is not None, "the spec documents no %s answer for %s %s" % (status, method, path)
    errors = error_list(spec.validator(ref, drop_enum_at=("ErrorType",) if status == 401 else ()), response.json())
    assert not errors, "%s: %s" % (label, "\n".join(errors))


def test_delete_is_204_without_a_body(emu, spec):
    hook_id = setup(emu)
    response = emu.api("DELETE", "/v2/webhooks/" + hook_id)
    assert response.status_code == 204 and response.content == b""
    assert "204" in spec.responses("/v2/webhooks/{webhookId}", "delete")


def test_list_answers_are_the_short_shape(emu, spec):
    setup(emu)
    items = emu.api("GET", "/v2/webhooks").json()["data"]["items"]
    short = set(spec.merged({"$ref": "#/components/schemas/WebhookShort"})["properties"])
    assert items and all(set(item) <= short for item in items)
    assert not {"headersTemplate", "payloadTemplate", "description"} & short


def test_validation_is_not_vacuous(emu, spec):
    hook = emu.api("GET", "/v2/webhooks/" + setup(emu)).json()
    ref = spec.response_schema_pointer("/v2/webhooks/{webhookId}", "get", 200)
    broken = {"data": dict(hook["data"], eventTypes=["ACTOR.RUN.EXPLODED"], createdAt="yesterday")}
    found = "\n".join(error_list(spec.validator(ref), broken))
    assert "EXPLODED" in found and "date-time" in found


@pytest.mark.parametrize("ours, theirs", COUNTERPARTS)
def test_our_schema_agrees_with_the_spec(spec, ours, theirs):
    problems = compare(spec, getattr(_webhook_schemas, ours), {"$ref": "#/components/schemas/" + theirs}, theirs, [])
    assert not problems, "\n".join(problems)


def test_spec_examples_and_emulator_answers_pass_our_schemas(emu, spec):
    # The spec of 2026-08 has no whole-answer examples for these (only per-field ones); any it gains are checked.
    for path, method, schema in (
        ("/v2/webhooks/{webhookId}", "get", _webhook_schemas.WEBHOOK_RESPONSE),
        ("/v2/webhooks", "post", _webhook_schemas.WEBHOOK_RESPONSE),
        ("/v2/webhooks", "get", _webhook_schemas.LIST_OF_WEBHOOKS_RESPONSE),
        ("/v2/webhooks/{webhookId}/dispatches", "get", _webhook_schemas.LIST_OF_DISPATCHES_RESPONSE),
    ):
        for status, (response, dummy) in spec.responses(path, method).items():
            if not status.startswith("2"):
                continue
            media = (response.get("content") or {}).get("application/json") or {}
            for example in spec.media_examples(media) if "schema" in media else []:
                if "data" in example:
                    _schemas.validate(example, schema, method.upper(), path)
    hook_id = setup(emu)
    _schemas.validate(emu.api("GET", "/v2/webhooks/" + hook_id).json(), _webhook_schemas.WEBHOOK_RESPONSE, "GET", "x")
    _schemas.validate(emu.api("GET", "/v2/webhooks").json(), _webhook_schemas.LIST_OF_WEBHOOKS_RESPONSE, "GET", "x")
    dispatches = emu.api("GET", "/v2/webhooks/%s/dispatches" % hook_id).json()
    assert dispatches["data"]["items"][0]["calls"]
    _schemas.validate(dispatches, _webhook_schemas.LIST_OF_DISPATCHES_RESPONSE, "GET", "x")
