# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_webhooks endpoints and the client's PUT/DELETE/POST-with-body retry rules, on scripted HTTP."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyApiError, ApifyResponseError, ApifyTransportError
from ansible_collections.apify.platform.plugins.module_utils._webhook_state import differences, masked
from ansible_collections.apify.platform.plugins.module_utils._webhooks import (
    create_webhook,
    delete_webhook,
    get_webhook,
    list_webhooks,
    update_webhook,
)

HOOK_ID = "YiKoxjkaS9gjGTqhF"
ONE = "/v2/webhooks/" + HOOK_ID
HOOK = {"id": HOOK_ID, "eventTypes": ["ACTOR.RUN.FAILED"], "condition": {"actorId": "A"}, "requestUrl": "https://x.example/h"}


def same(text):
    return text


def test_put_sends_json_and_is_retried_after_a_5xx(fake):
    fake.script("PUT", ONE, fake.error(503), fake.ok(HOOK))
    assert update_webhook(fake.client(), HOOK_ID, {"description": "d"}, same)["id"] == HOOK_ID
    first, second = fake.http.of("PUT")
    assert first.body == second.body == b'{"description":"d"}' and first.headers["Content-Type"] == "application/json"


def test_delete_204_and_retried_after_a_dropped_answer(fake):
    fake.script("DELETE", ONE, fake.dropped(), fake.response(204, raw=b""))
    delete_webhook(fake.client(), HOOK_ID)
    assert fake.http.methods == ["DELETE", "DELETE"]


def test_create_is_not_retried_after_a_5xx_or_a_drop(fake):
    fake.script("POST", "/v2/webhooks", fake.error(502), fake.dropped())
    body = {"eventTypes": ["ACTOR.RUN.FAILED"], "condition": {"actorId": "A"}, "requestUrl": "https://x.example/h"}
    with pytest.raises(ApifyApiError):
        create_webhook(fake.client(), body, same)
    with pytest.raises(ApifyTransportError):
        create_webhook(fake.client(), body, same)
    assert fake.http.methods == ["POST", "POST"]
    assert json.loads(fake.http.calls[0].body) == body


def test_create_is_retried_after_a_429(fake):
    fake.script("POST", "/v2/webhooks", fake.error(429, "rate-limit-exceeded"), fake.ok(HOOK, status=201))
    body = {"eventTypes": ["ACTOR.RUN.FAILED"], "condition": {"actorId": "A"}, "requestUrl": "https://x.example/h"}
    assert create_webhook(fake.client(), body, same)["id"] == HOOK_ID and fake.http.methods == ["POST", "POST"]


@pytest.mark.parametrize("answer", [dict(HOOK, id="Other000000000001"), dict(HOOK, eventTypes="ACTOR.RUN.FAILED")])
def test_get_refuses_another_or_a_malformed_webhook(fake, answer):
    fake.script("GET", ONE, fake.ok(answer))
    with pytest.raises(ApifyResponseError):
        get_webhook(fake.client(), HOOK_ID, same)


def test_list_follows_pages_and_refuses_a_page_that_does_not_advance(fake):
    items = [dict(HOOK, id="H%016d" % n) for n in range(1001)]
    fake.script("GET", "/v2/webhooks", fake.page(items[:1000], 1001), fake.page(items[1000:], 1001, offset=1000))
    found, total = list_webhooks(fake.client(), same)
    assert len(found) == 1001 and total == 1001
    fake.http.routes.clear()
    fake.script("GET", "/v2/actors/A/webhooks", fake.page(items[:1000], 2000), fake.page(items[:1000], 2000, offset=1000))
    with pytest.raises(ApifyResponseError, match="repeats"):
        list_webhooks(fake.client(), same, actor_id="A")


def test_differences_compare_sets_headers_and_defaults():
    current = dict(HOOK, eventTypes=["B", "A"], headersTemplate='{"Authorization": "Bearer s"}', doNotRetry=None)
    assert differences(current, {"eventTypes": ["A", "B"], "headersTemplate": '{"Authorization":"Bearer s"}', "doNotRetry": False}) == {}
    assert differences(current, {"headersTemplate": '{"Authorization": "Bearer t"}'}) == {"headersTemplate": '{"Authorization": "Bearer t"}'}
    assert differences(dict(HOOK, headersTemplate=None), {"headersTemplate": None}) == {}


def test_masked_hides_header_values_and_secrets_everywhere():
    hook = dict(HOOK, headersTemplate='{"Authorization": "Bearer s3cret", "X": "v"}', payloadTemplate='{"k": "s3cret"}')
    shown = masked(hook, ["s3cret"])
    assert json.loads(shown["headersTemplate"]) == {"Authorization": "********", "X": "********"}
    assert "s3cret" not in json.dumps(shown)
    assert masked(dict(HOOK, headersTemplate="not json s3cret"), [])["headersTemplate"] == "********"
