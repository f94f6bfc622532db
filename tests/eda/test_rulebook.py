# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shipped rulebook in a real ansible-rulebook process, fed by the emulator's own webhook
dispatches, judged by the emulator's request log (what the API received), not by the output."""

from __future__ import annotations

import http.client
import json
import shutil

import pytest
import requests
from rulebook_harness import (
    ACTOR,
    MAX_RESURRECT,
    OTHER_ACTOR,
    SECRET,
    TOKEN,
    Emulator,
    Rulebook,
    install_collection,
    require_java,
    wait_for,
    webhook,
    workdir,
)

pytestmark = pytest.mark.rulebook


@pytest.fixture(scope="module")
def stack():
    require_java()
    work = workdir()
    emulator = Emulator(work)
    rulebook = None
    try:
        collections = install_collection(work)
        rulebook = Rulebook(work, collections, emulator)
        # Apify's retries, made fast: 3 calls in all, 0.2 s apart (Apify waits 2 minutes for an answer)
        emulator.control("POST", "/config", {"webhooks": {"max_attempts": 3, "backoff_ms": 200, "timeout_ms": 30000}})
        webhook(emulator, rulebook.url)
        yield emulator, rulebook
    finally:
        if rulebook is not None:
            rulebook.stop()
            print(rulebook.text()[-6000:])
        emulator.stop()
        shutil.rmtree(work, ignore_errors=True)


def make_runs(emulator, count, actor=ACTOR, resurrect_count=0):
    spec = {"status": "RUNNING", "actId": actor, "resurrectCount": resurrect_count}
    return emulator.control("POST", "/runs", {"count": count, "template": spec})


def fail(emulator, run_id, status="FAILED"):
    emulator.control("PATCH", "/runs/%s" % run_id, {"status": status})


def dispatches_of(emulator, run_id):
    return [d for d in emulator.control("GET", "/webhook-dispatches?wait=true") if d["eventData"]["actorRunId"] == run_id]


def resurrects(emulator, run_id):
    return list(emulator.log("POST", "/v2/actor-runs/%s/resurrect" % run_id))


def reads(emulator, run_id):
    return [e for e in emulator.log("GET", "/v2/actor-runs/%s" % run_id) if e["path"] == "/v2/actor-runs/%s" % run_id]


def post(rulebook, body=None, secret=SECRET, raw=None, headers=None):
    sent = {"Content-Type": "application/json", **(headers or {})}
    if secret is not None:
        sent["Authorization"] = "Bearer " + secret
    data = raw if raw is not None else json.dumps(body).encode()
    return requests.post(rulebook.url, data=data, headers=sent, timeout=30).status_code


def post_oversized(rulebook, size=2 * 1024 * 1024):
    """Headers that announce SIZE bytes and the first 64 KiB of them: the answer comes before the rest."""
    connection = http.client.HTTPConnection("127.0.0.1", rulebook.port, timeout=30)
    connection.putrequest("POST", "/apify")
    for name, value in (("Authorization", "Bearer " + SECRET), ("Content-Type", "application/json"), ("Content-Length", str(size))):
        connection.putheader(name, value)
    connection.endheaders(b"x" * 65536)
    try:
        return connection.getresponse().status
    finally:
        connection.close()


def settle_idle(rulebook, seconds=3.0):
    """Give ansible-rulebook time to act on anything it was going to act on."""
    wait_for(lambda: False, timeout=seconds)


def test_failed_run_is_resurrected_once_though_delivered_three_times(stack):
    emulator, rulebook = stack
    [run_id] = make_runs(emulator, 1)
    fail(emulator, run_id)
    [dispatch] = dispatches_of(emulator, run_id)
    for dummy in range(2):
        emulator.control("POST", "/webhook-dispatches/%s/redeliver" % dispatch["id"])
    [dispatch] = dispatches_of(emulator, run_id)
    assert [call["responseStatus"] for call in dispatch["calls"]] == [202, 200, 200], dispatch["calls"]
    assert wait_for(lambda: resurrects(emulator, run_id), 60), rulebook.text()[-3000:]
    settle_idle(rulebook)
    [entry] = resurrects(emulator, run_id)
    assert entry["authorization"] == "bearer-valid" and entry["status"] == 200
    assert emulator.control("GET", "/runs/%s" % run_id)["status"] == "RUNNING"
    assert len(reads(emulator, run_id)) >= 1  # the source verified it before the module acted


def test_calls_without_or_with_a_wrong_secret_do_nothing(stack):
    emulator, rulebook = stack
    [run_id] = make_runs(emulator, 1, actor=OTHER_ACTOR)
    webhook(emulator, rulebook.url, secret="not-" + SECRET, actor=OTHER_ACTOR)
    webhook(emulator, rulebook.url, secret=None, actor=OTHER_ACTOR)
    fail(emulator, run_id)
    by_secret = sorted(tuple(c["responseStatus"] for c in d["calls"]) for d in dispatches_of(emulator, run_id))
    assert by_secret == [(401, 401, 401), (403, 403, 403)], by_secret  # Apify's retries, refused each time
    # the same refusals for a claim about a watched Actor's run, sent by hand
    [watched_run] = make_runs(emulator, 1)
    claim = {"eventType": "ACTOR.RUN.FAILED", "eventData": {"actorId": ACTOR, "actorRunId": watched_run}}
    assert post(rulebook, claim, secret=None) == 401
    assert post(rulebook, claim, secret="wrong") == 403
    assert post(rulebook, claim, secret=None, headers={"Authorization": "Basic " + SECRET}) == 401
    settle_idle(rulebook)
    for rid in (run_id, watched_run):
        assert reads(emulator, rid) == [] and resurrects(emulator, rid) == []


def test_bad_bodies_refused_and_the_source_still_serves(stack):
    emulator, rulebook = stack
    assert post_oversized(rulebook) == 413
    assert post(rulebook, raw=b"{not json") == 400
    assert post(rulebook, raw=b"[" * 50000) == 400
    assert post(rulebook, {"eventType": "ACTOR.RUN.FAILED", "eventData": {"actorId": ACTOR, "actorRunId": "../acts"}}) == 422
    assert post(rulebook, {"hello": "world"}) == 422
    [run_id] = make_runs(emulator, 1)
    fail(emulator, run_id, "TIMED-OUT")
    assert wait_for(lambda: resurrects(emulator, run_id), 60), rulebook.text()[-3000:]


def test_a_claim_the_api_contradicts_is_dropped(stack):
    emulator, rulebook = stack
    [run_id] = make_runs(emulator, 1, actor=OTHER_ACTOR)
    fail(emulator, run_id)  # no webhook of the watched Actor matches it
    claim = {"eventType": "ACTOR.RUN.FAILED", "eventData": {"actorId": ACTOR, "actorRunId": run_id}, "resource": {"id": run_id, "actId": ACTOR}}
    assert post(rulebook, claim, headers={"X-Apify-Webhook-Dispatch-Id": "ForgedDispatch001"}) == 202
    assert wait_for(lambda: reads(emulator, run_id), 20)
    settle_idle(rulebook)
    assert resurrects(emulator, run_id) == []
    assert "Dropped ACTOR.RUN.FAILED of run %s" % run_id in rulebook.text()


def test_past_the_loop_guard_someone_is_told(stack):
    emulator, rulebook = stack
    [run_id] = make_runs(emulator, 1, resurrect_count=MAX_RESURRECT)
    fail(emulator, run_id)
    assert wait_for(lambda: "APIFY NOTIFY: Apify run %s" % run_id in rulebook.text(), 60), rulebook.text()[-3000:]
    assert resurrects(emulator, run_id) == []


def test_a_burst_of_failures_is_all_handled_once(stack):
    emulator, rulebook = stack
    run_ids = make_runs(emulator, 10)
    for run_id in run_ids:
        fail(emulator, run_id)
    for run_id in run_ids[:3]:  # and a few duplicates among them
        [dispatch] = dispatches_of(emulator, run_id)
        emulator.control("POST", "/webhook-dispatches/%s/redeliver" % dispatch["id"])
    assert wait_for(lambda: all(resurrects(emulator, r) for r in run_ids), 150), rulebook.text()[-3000:]
    settle_idle(rulebook)
    assert {r: len(resurrects(emulator, r)) for r in run_ids} == {r: 1 for r in run_ids}


def test_zz_the_secret_and_the_token_are_not_in_the_output(stack):
    _emulator, rulebook = stack
    text = rulebook.text()
    assert "Refused a call" in text  # the output is the verbose one, with the source's lines in it
    assert SECRET not in text
    assert TOKEN not in text
