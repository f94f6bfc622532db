# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Webhooks: CRUD, idempotencyKey, the short list shape, and dispatches to a receiver on loopback."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SECRET_HEADERS = json.dumps({"Authorization": "Bearer s3cret", "X-Apify-Webhook": "forged"})


class Receiver:
    """A loopback HTTP server that records each POST and answers the next scripted status (then 200)."""

    def __init__(self):
        self.calls = []
        self.statuses = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # pylint: disable=invalid-name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                with receiver.arrived:
                    receiver.calls.append({"headers": dict(self.headers.items()), "body": body, "path": self.path})
                    receiver.arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def wait_for(self, count, timeout=5.0):
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.calls) >= count, timeout)
        return self.calls


@pytest.fixture
def receiver():
    rec = Receiver()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()


@pytest.fixture
def fast(emu):
    emu.control("POST", "config", {"webhooks": {"max_attempts": 3, "backoff_ms": 50}})
    return emu


def create(emu, **fields):
    body = {"eventTypes": ["ACTOR.RUN.FAILED"], "condition": {"actorId": "DemoActor00000001"}, "requestUrl": "http://127.0.0.1:9/x"}
    body.update(fields)
    return emu.api("POST", "/v2/webhooks", json=body)


def test_crud_and_short_list(emu):
    made = create(emu, description="d", headersTemplate=SECRET_HEADERS, payloadTemplate='{"e": {{eventType}}}')
    assert made.status_code == 201 and made.headers["Location"].endswith(made.json()["data"]["id"])
    hook = made.json()["data"]
    assert hook["headersTemplate"] == SECRET_HEADERS and hook["condition"] == {"actorId": "DemoActor00000001"}
    listed = emu.api("GET", "/v2/webhooks").json()["data"]
    assert listed["total"] == 1 and "headersTemplate" not in listed["items"][0] and "payloadTemplate" not in listed["items"][0]
    assert emu.api("GET", "/v2/actors/DemoActor00000001/webhooks").json()["data"]["count"] == 1
    assert emu.api("GET", "/v2/acts/Other000000000001/webhooks").json()["data"]["count"] == 0
    put = emu.api("PUT", f"/v2/webhooks/{hook['id']}", json={"description": "e", "doNotRetry": True})
    assert put.status_code == 200 and put.json()["data"]["description"] == "e" and put.json()["data"]["headersTemplate"] == SECRET_HEADERS
    gone = emu.api("DELETE", f"/v2/webhooks/{hook['id']}")
    assert gone.status_code == 204 and gone.content == b""
    assert emu.api("GET", f"/v2/webhooks/{hook['id']}").status_code == 404
    assert emu.api("DELETE", f"/v2/webhooks/{hook['id']}").status_code == 404
    assert [e["method"] for e in emu.log(path_contains="/v2/webhooks")] == ["POST", "GET", "PUT", "DELETE", "GET", "DELETE"]


def test_idempotency_key_returns_the_same_webhook(emu):
    first = create(emu, idempotencyKey="k1").json()["data"]
    again = create(emu, idempotencyKey="k1", description="other").json()["data"]
    other = create(emu, idempotencyKey="k2").json()["data"]
    assert again["id"] == first["id"] and other["id"] != first["id"]
    assert len(emu.control("GET", "webhooks")) == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"eventTypes": []},
        {"eventTypes": ["ACTOR.RUN.EXPLODED"]},
        {"condition": {}},
        {"condition": {"actorId": None}},
        {"requestUrl": "ftp://x"},
        {"headersTemplate": "[1]"},
        {"payloadTemplate": "{not json"},
        {"unknownField": 1},
        {"doNotRetry": "yes"},
    ],
)
def test_bad_create_is_400(emu, fields):
    answer = create(emu, **fields)
    assert answer.status_code == 400 and answer.json()["error"]["type"] == "invalid-input"
    assert emu.control("GET", "webhooks") == []


def test_webhooks_need_a_token(emu):
    assert emu.api("GET", "/v2/webhooks", auth=False).status_code == 401


def test_failed_run_dispatches_default_payload_and_headers(fast, receiver):
    hook = create(fast, requestUrl=receiver.url, headersTemplate=SECRET_HEADERS).json()["data"]
    run = fast.create(status="RUNNING")
    fast.control("PATCH", f"runs/{run['id']}", {"status": "FAILED"})
    (call,) = receiver.wait_for(1)
    payload = json.loads(call["body"])
    assert payload["eventType"] == "ACTOR.RUN.FAILED" and payload["userId"]
    assert payload["eventData"] == {"actorId": "DemoActor00000001", "actorRunId": run["id"]}
    assert payload["resource"]["id"] == run["id"] and payload["resource"]["status"] == "FAILED"
    headers = call["headers"]
    assert headers["Authorization"] == "Bearer s3cret"
    assert headers["X-Apify-Webhook"] == hook["id"]  # the template cannot override it
    assert headers["Content-Type"].startswith("application/json") and headers["X-Apify-Request-Origin"] == "WEBHOOK"
    dispatches = fast.control("GET", "webhook-dispatches", params={"wait": "true"})
    assert headers["X-Apify-Webhook-Dispatch-Id"] == dispatches[0]["id"]
    listed = fast.api("GET", f"/v2/webhooks/{hook['id']}/dispatches").json()["data"]["items"]
    assert listed[0]["status"] == "SUCCEEDED" and listed[0]["calls"][0]["responseStatus"] == 200


def test_only_matching_webhooks_and_event_types_fire(fast, receiver):
    run = fast.create(status="RUNNING", actorTaskId="Task0000000000001")
    create(fast, requestUrl=receiver.url + "?a=actor")
    create(fast, requestUrl=receiver.url + "?a=task", condition={"actorTaskId": "Task0000000000001"})
    create(fast, requestUrl=receiver.url + "?a=run", condition={"actorRunId": run["id"]}, eventTypes=["ACTOR.RUN.SUCCEEDED"])
    create(fast, requestUrl=receiver.url + "?a=other", condition={"actorId": "Other000000000001"})
    fast.api("POST", f"/v2/actor-runs/{run['id']}/abort")  # ABORTED: nobody listens
    fast.control("PATCH", f"runs/{run['id']}", {"status": "FAILED"})
    fast.control("GET", "webhook-dispatches", params={"wait": "true"})
    assert sorted(call["path"] for call in receiver.calls) == ["/hook?a=actor", "/hook?a=task"]
    assert json.loads(receiver.calls[0]["body"])["eventData"]["actorTaskId"] == "Task0000000000001"


def test_retries_with_backoff_until_2xx(fast, receiver):
    receiver.statuses = [500, 503]
    create(fast, requestUrl=receiver.url)
    run = fast.create(status="RUNNING")
    fast.control("PATCH", f"runs/{run['id']}", {"status": "FAILED"})
    (dispatch,) = fast.control("GET", "webhook-dispatches", params={"wait": "true"})
    assert [c["responseStatus"] for c in dispatch["calls"]] == [500, 503, 200] and dispatch["status"] == "SUCCEEDED"
    ids = {call["headers"]["X-Apify-Webhook-Dispatch-Id"] for call in receiver.calls}
    assert ids == {dispatch["id"]}


def test_gives_up_after_max_attempts_and_do_not_retry(fast, receiver):
    receiver.statuses = [500] * 10
    create(fast, requestUrl=receiver.url)
    create(fast, requestUrl=receiver.url + "?once", doNotRetry=True)
    run = fast.create(status="RUNNING")
    fast.control("PATCH", f"runs/{run['id']}", {"status": "FAILED"})
    dispatches = fast.control("GET", "webhook-dispatches", params={"wait": "true"})
    assert sorted(len(d["calls"]) for d in dispatches) == [1, 3] and {d["status"] for d in dispatches} == {"FAILED"}


def test_non_loopback_url_is_refused_without_a_request(fast):
    create(fast, requestUrl="http://example.com/hook")
    run = fast.create(status="RUNNING")
    fast.control("PATCH", f"runs/{run['id']}", {"status": "FAILED"})
    (dispatch,) = fast.control("GET", "webhook-dispatches", params={"wait": "true"})
    assert dispatch["status"] == "FAILED" and dispatch["calls"][0]["errorMessage"].startswith("Refused")
    assert dispatch["calls"][0]["responseStatus"] is None


def test_duplicate_delivery_and_payload_template(fast, receiver):
    create(fast, requestUrl=receiver.url, payloadTemplate='{"type": {{eventType}}, "run": {{resource.id}}, "fixed": 1}')
    run = fast.create(status="RUNNING")
    fast.api("POST", f"/v2/actor-runs/{run['id']}/abort")  # not listened to
    fast.control("POST", f"runs/{run['id']}/events", {"eventType": "ACTOR.RUN.FAILED"})
    (dispatch,) = fast.control("GET", "webhook-dispatches", params={"wait": "true"})
    fast.control("POST", f"webhook-dispatches/{dispatch['id']}/redeliver")
    first, second = receiver.wait_for(2)
    assert first["body"] == second["body"] and json.loads(first["body"]) == {"type": "ACTOR.RUN.FAILED", "run": run["id"], "fixed": 1}
    assert first["headers"]["X-Apify-Webhook-Dispatch-Id"] == second["headers"]["X-Apify-Webhook-Dispatch-Id"] == dispatch["id"]


def test_lazy_finish_and_resurrect_fire_events(fast, receiver):
    create(fast, requestUrl=receiver.url, eventTypes=["ACTOR.RUN.FAILED", "ACTOR.RUN.RESURRECTED"])
    run = fast.create(status="RUNNING", after_reboot={"ready_secs": 0, "status": "FAILED"})
    fast.api("POST", f"/v2/actor-runs/{run['id']}/reboot")  # READY for 0 s, then FAILED
    fast.api("POST", f"/v2/actor-runs/{run['id']}/resurrect")
    fast.control("GET", "webhook-dispatches", params={"wait": "true"})
    # Each delivery runs in its own thread: the order of arrival is not fixed.
    assert sorted(json.loads(c["body"])["eventType"] for c in receiver.wait_for(2)) == ["ACTOR.RUN.FAILED", "ACTOR.RUN.RESURRECTED"]


def test_reset_forgets_webhooks_and_config(fast):
    create(fast)
    fast.control("POST", "reset")
    assert fast.control("GET", "webhooks") == [] and fast.control("GET", "config")["webhooks"]["max_attempts"] == 3
    bad = fast.http.post(f"{fast.base_url}/_emulator/config", json={"webhooks": {"max_attempts": 0}}, timeout=5)
    assert bad.status_code == 400
