# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""apify_webhook and apify_webhook_info against scripted HTTP: the exact requests, and no secret out."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.apify.platform.plugins.modules.apify_webhook import main
from ansible_collections.apify.platform.plugins.modules.apify_webhook_info import main as info_main
from ansible_collections.apify.platform.tests.unit.scripted_http import TOKEN

HOOK_ID = "YiKoxjkaS9gjGTqhF"
OTHER_ID = "ZiKoxjkaS9gjGTqhG"
ACTOR = "HDSasDasz78YcAPEB"
URL = "https://eda.example.com/apify"
SECRET = "s3cret-value-0123456789"
LIST = "/v2/actors/%s/webhooks" % ACTOR
ONE = "/v2/webhooks/" + HOOK_ID
ARGS = {"token": TOKEN, "actor_id": ACTOR, "request_url": URL, "event_types": ["ACTOR.RUN.FAILED"], "secret": SECRET}


def short(hook_id=HOOK_ID, url=URL):
    return {"id": hook_id, "eventTypes": ["ACTOR.RUN.FAILED"], "condition": {"actorId": ACTOR}, "requestUrl": url}


def full(hook_id=HOOK_ID, secret=SECRET, **extra):
    hook = dict(short(hook_id), headersTemplate=json.dumps({"Authorization": "Bearer " + secret}), payloadTemplate=None, description=None)
    hook.update(extra)
    return hook


def assert_no_secret(result, *secrets):
    text = json.dumps(result)
    for secret in secrets or (SECRET,):
        assert secret not in text


def test_create_sends_one_post_with_idempotency_key(fake, run_module):
    fake.script("GET", LIST, fake.page([], 0))
    fake.script("POST", "/v2/webhooks", fake.ok(full(), status=201))
    result = run_module(main, ARGS)
    assert result["changed"] is True and result["webhook"]["id"] == HOOK_ID
    (post,) = fake.http.of("POST")
    body = json.loads(post.body)
    assert body["condition"] == {"actorId": ACTOR} and body["requestUrl"] == URL and len(body["idempotencyKey"]) == 32
    assert json.loads(body["headersTemplate"]) == {"Authorization": "Bearer " + SECRET}
    assert json.loads(result["webhook"]["headersTemplate"]) == {"Authorization": "********"}
    assert_no_secret(result)


def test_no_difference_means_no_write(fake, run_module):
    fake.script("GET", LIST, fake.page([short()], 1))
    fake.script("GET", ONE, fake.ok(full()))
    result = run_module(main, ARGS)
    assert result["changed"] is False and fake.http.methods == ["GET", "GET"]
    assert_no_secret(result)


def test_difference_is_one_put_of_the_fields_that_differ(fake, run_module):
    fake.script("GET", LIST, fake.page([short()], 1))
    fake.script("GET", ONE, fake.ok(full(secret="old-secret-987654321")))
    fake.script("PUT", ONE, fake.ok(full(description="d")))
    result = run_module(main, dict(ARGS, description="d", _ansible_diff=True))
    (put,) = fake.http.of("PUT")
    assert set(json.loads(put.body)) == {"description", "headersTemplate"}
    assert result["changed"] is True and result["changed_fields"] == ["description", "headersTemplate"]
    assert result["diff"]["before"]["description"] is None and result["diff"]["after"]["description"] == "d"
    assert json.loads(result["diff"]["after"]["headersTemplate"]) == {"Authorization": "******** (changed)"}
    assert json.loads(result["diff"]["before"]["headersTemplate"]) == {"Authorization": "********"}
    assert_no_secret(result, SECRET, "old-secret-987654321")


def test_check_mode_predicts_and_never_writes(fake, run_module):
    fake.script("GET", LIST, fake.page([short()], 1))
    fake.script("GET", ONE, fake.ok(full()))
    result = run_module(main, dict(ARGS, event_types=["ACTOR.RUN.FAILED", "ACTOR.RUN.TIMED_OUT"]), check_mode=True)
    assert result["changed"] is True and result["changed_fields"] == ["eventTypes"] and set(fake.http.methods) == {"GET"}


def test_two_matches_fail_naming_both_and_change_nothing(fake, run_module):
    fake.script("GET", LIST, fake.page([short(), short(OTHER_ID), short("Unrelated00000001", url=URL + "/x")], 3))
    result = run_module(main, ARGS)
    assert result["failed"] is True and result["changed"] is False
    assert HOOK_ID in result["msg"] and OTHER_ID in result["msg"] and "Unrelated" not in result["msg"]
    assert fake.http.methods == ["GET"]


def test_lost_create_answer_finds_what_it_made(fake, run_module):
    fake.script("GET", LIST, fake.page([], 0), fake.page([short()], 1))
    fake.script("POST", "/v2/webhooks", fake.dropped())
    fake.script("GET", ONE, fake.ok(full()))
    result = run_module(main, ARGS)
    assert result["changed"] is True and result["webhook"]["id"] == HOOK_ID
    assert fake.http.methods == ["GET", "POST", "GET", "GET"]


def test_lost_create_that_made_nothing_is_sent_again_with_the_same_key(fake, run_module):
    fake.script("GET", LIST, fake.page([], 0))
    fake.script("POST", "/v2/webhooks", fake.error(502, "internal-server-error"), fake.ok(full(), status=201))
    result = run_module(main, ARGS)
    first, second = fake.http.of("POST")
    assert json.loads(first.body)["idempotencyKey"] == json.loads(second.body)["idempotencyKey"]
    assert result["changed"] is True and result["webhook"]["id"] == HOOK_ID


def test_create_refused_by_the_api_is_not_retried(fake, run_module):
    fake.script("GET", LIST, fake.page([], 0))
    fake.script("POST", "/v2/webhooks", fake.error(400, "invalid-input", "Bad template " + SECRET))
    result = run_module(main, ARGS)
    assert result["failed"] is True and fake.http.methods == ["GET", "POST"]
    assert_no_secret(result)


def test_create_answer_about_another_webhook_is_not_believed(fake, run_module):
    fake.script("GET", LIST, fake.page([], 0), fake.page([], 0))
    fake.script("POST", "/v2/webhooks", fake.ok(dict(full(), requestUrl="https://evil.example/x"), status=201))
    result = run_module(main, dict(ARGS, retries=0))
    assert result["failed"] is True and result["changed"] is True
    assert len(fake.http.of("POST")) == 2  # after looking and finding nothing: the same key once more
    assert_no_secret(result)


def test_absent_deletes_once_and_absent_again_is_unchanged(fake, run_module):
    fake.script("GET", LIST, fake.page([short()], 1), fake.page([], 0))
    fake.script("GET", ONE, fake.ok(full()))
    fake.script("DELETE", ONE, fake.response(204, raw=b""))
    args = {"token": TOKEN, "actor_id": ACTOR, "request_url": URL, "state": "absent"}
    assert run_module(main, args)["changed"] is True
    assert run_module(main, args)["changed"] is False
    assert fake.http.methods == ["GET", "GET", "DELETE", "GET"]


def test_by_webhook_id_missing_fails_without_writing(fake, run_module):
    fake.script("GET", ONE, fake.error(404, "record-not-found"))
    result = run_module(main, {"token": TOKEN, "webhook_id": HOOK_ID, "description": "x"})
    assert result["failed"] is True and "does not exist" in result["msg"] and fake.http.methods == ["GET"]


def test_bad_ids_and_headers_send_nothing(fake, run_module):
    for args in ({"webhook_id": "../x"}, dict(ARGS, headers={"X-Apify-Webhook": "x"}), dict(ARGS, headers={"Authorization": "y"})):
        result = run_module(main, dict(args, token=TOKEN))
        assert result["failed"] is True
    assert fake.http.calls == []


def test_header_values_read_back_are_masked(fake, run_module):
    fake.script("GET", LIST, fake.page([short()], 1))
    fake.script("GET", ONE, fake.ok(full(headersTemplate=json.dumps({"Authorization": "Bearer " + SECRET, "X-Key": "console-set-value-42"}))))
    fake.script("PUT", ONE, fake.ok(full()))
    result = run_module(main, ARGS)
    assert json.loads(fake.http.of("PUT")[0].body) == {"headersTemplate": json.dumps({"Authorization": "Bearer " + SECRET})}
    assert_no_secret(result, SECRET, "console-set-value-42")


def test_info_lists_and_reads_dispatches(fake, run_module):
    fake.script("GET", LIST, fake.page([short()], 1))
    dispatch = {"id": "D" * 17, "webhookId": HOOK_ID, "createdAt": "2026-01-01T00:00:00.000Z", "status": "FAILED", "eventType": "ACTOR.RUN.FAILED", "calls": []}
    fake.script("GET", ONE + "/dispatches", fake.page([dispatch], 1))
    result = run_module(info_main, {"token": TOKEN, "actor_id": ACTOR, "dispatches": True})
    assert result["changed"] is False and result["webhooks"][0]["dispatches"][0]["status"] == "FAILED"
    assert fake.http.of("GET", ONE + "/dispatches")[0].params == {"limit": "10", "desc": "true"}


def test_info_refuses_a_dispatch_of_another_webhook(fake, run_module):
    fake.script("GET", ONE, fake.ok(full()))
    dispatch = {"id": "D" * 17, "webhookId": OTHER_ID, "createdAt": "2026-01-01T00:00:00.000Z", "status": "FAILED", "eventType": "ACTOR.RUN.FAILED"}
    fake.script("GET", ONE + "/dispatches", fake.page([dispatch], 1))
    result = run_module(info_main, {"token": TOKEN, "webhook_id": HOOK_ID, "dispatches": True})
    assert result["failed"] is True and "another webhook" in result["msg"]


def test_info_masks_header_values(fake, run_module):
    fake.script("GET", ONE, fake.ok(full()))
    result = run_module(info_main, {"token": TOKEN, "webhook_id": HOOK_ID})
    assert json.loads(result["webhooks"][0]["headersTemplate"]) == {"Authorization": "********"}
    assert_no_secret(result)
