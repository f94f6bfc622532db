# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.apify.platform.plugins.module_utils._webhook_event import (
    MAX_BODY_BYTES,
    DispatchMemory,
    Refused,
    check_dispatch_id,
    check_secret,
    make_event,
    mismatch,
    parse_payload,
    raw_nesting_exceeds,
)

SECRET = "whsec-0123456789abcdef"
RUN = "RunOfTheTest00001"


def body(**overrides):
    payload = {"eventType": "ACTOR.RUN.FAILED", "eventData": {"actorId": "Actor000000000001", "actorRunId": RUN}, "resource": {"id": RUN}}
    payload.update(overrides)
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    "header, status",
    [
        (None, 401),
        ("", 401),
        ("Basic " + SECRET, 401),
        ("Bearer", 401),
        ("Bearer  ", 401),
        ("Bearer x" + SECRET, 403),
        ("Bearer " + SECRET[:-1], 403),
        ("Bearer \udcff", 403),
    ],
)
def test_check_secret_refuses(header, status):
    with pytest.raises(Refused) as caught:
        check_secret(header, SECRET)
    assert caught.value.status == status
    assert SECRET not in caught.value.reason


def test_check_secret_accepts_any_scheme_case():
    check_secret("Bearer " + SECRET, SECRET)
    check_secret("bearer   %s " % SECRET, SECRET)


def test_dispatch_ids():
    assert check_dispatch_id(None) is None
    assert check_dispatch_id("aB3-_x") == "aB3-_x"
    for bad in ("", "a b", "x" * 65, "ü", "a\n"):
        with pytest.raises(Refused):
            check_dispatch_id(bad)


@pytest.mark.parametrize(
    "raw, status",
    [
        (b"x" * (MAX_BODY_BYTES + 1), 413),
        (b"nope", 400),
        (b"\xff", 400),
        (b"[" * 33 + b"]" * 33, 400),
        (b"[]", 422),
        (body(eventType="run failed"), 422),
        (body(eventData={"actorId": "A"}), 422),
        (body(eventData={"actorId": "A", "actorRunId": "a/b"}), 422),
        (body(eventData={"actorId": "", "actorRunId": RUN}), 422),
        (body(resource={"id": "AnotherRun0000001"}), 422),
    ],
)
def test_parse_payload_refuses(raw, status):
    with pytest.raises(Refused) as caught:
        parse_payload(raw)
    assert caught.value.status == status


def test_parse_payload_claims():
    payload, claim = parse_payload(body(eventData={"actorId": "A1", "actorTaskId": "T1", "actorRunId": RUN}))
    assert claim == {"event_type": "ACTOR.RUN.FAILED", "run_id": RUN, "actor_id": "A1", "task_id": "T1"}
    assert payload["resource"] == {"id": RUN}
    assert parse_payload(b'{"eventType": "TEST", "eventData": null}')[1] is None
    assert parse_payload(b'{"eventType": "ACTOR.BUILD.FAILED", "eventData": {"actorBuildId": "b"}}')[1] is None


def test_raw_nesting_counts_only_outside_strings():
    assert raw_nesting_exceeds(b"[" * 33, 32)
    assert not raw_nesting_exceeds(json.dumps({"a": "[" * 100 + "{" * 100}).encode(), 32)
    assert not raw_nesting_exceeds(json.dumps({"a": '\\"[[[' * 20}).encode(), 3)
    assert not raw_nesting_exceeds(b"[" * 32 + b"]" * 32, 32)


def test_mismatch():
    claim = {"run_id": RUN, "actor_id": "A1", "task_id": None}
    assert mismatch(claim, {"id": RUN, "actId": "A1", "actorTaskId": None}) is None
    assert mismatch(claim, {"id": RUN, "actId": "A1"}) is None
    assert "another Actor" in mismatch(claim, {"id": RUN, "actId": "A2"})
    assert "another task" in mismatch(claim, {"id": RUN, "actId": "A1", "actorTaskId": "T9"})
    assert "another task" in mismatch(dict(claim, task_id="T1"), {"id": RUN, "actId": "A1", "actorTaskId": None})


def test_dispatch_memory_is_bounded_in_size_and_time():
    now = [0.0]
    memory = DispatchMemory(size=3, ttl=10.0, clock=lambda: now[0])
    assert [memory.seen(d) for d in "abc"] == [False, False, False]
    assert memory.seen("a") is True
    assert memory.seen("d") is False  # "a", the oldest, is forgotten to make room
    assert len(memory) == 3 and memory.seen("a") is False
    now[0] = 20.0
    assert memory.seen("x") is False and len(memory) == 1  # everything older than ttl went
    memory.forget("x")
    assert memory.seen("x") is False


def test_make_event_masks_secrets_and_drops_authorization():
    raw = body(resource={"id": RUN, "statusMessage": "oops " + SECRET})
    payload, claim = parse_payload(raw)
    headers = {"Authorization": "Bearer " + SECRET, "X-Apify-Webhook": "w1", "X-Leak": SECRET, "Cookie": "c"}
    event = make_event(payload, claim, "d1", False, payload["resource"], headers, [SECRET, None], raw)
    assert SECRET not in json.dumps(event)
    assert event["meta"]["headers"] == {"X-Apify-Webhook": "w1"}
    assert event["apify"]["run"]["statusMessage"] == "oops ********"
    api_run = {"id": RUN, "note": "token tok-123"}
    clean = body()
    event = make_event(parse_payload(clean)[0], claim, "d1", True, api_run, {}, [SECRET, "tok-123"], clean)
    assert event["apify"]["run"]["note"] == "token ********" and event["apify"]["verified"] is True
