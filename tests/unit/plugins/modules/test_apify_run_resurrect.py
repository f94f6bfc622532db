# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""apify_run_resurrect end to end at the requests boundary: what was sent, and what the task says."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apify.platform.plugins.module_utils._module import ApifyModule
from ansible_collections.apify.platform.plugins.modules.apify_run_resurrect import main
from ansible_collections.apify.platform.tests.unit.scripted_http import RUN_ID, TOKEN, make_run

GET = "/v2/actor-runs/%s" % RUN_ID
POST = "/v2/actor-runs/%s/resurrect" % RUN_ID
FINISHED_AT = "2026-11-28T09:12:02.000Z"


def args(**extra):
    base = {"run_id": RUN_ID, "token": TOKEN}
    base.update(extra)
    return base


def a_run(status="FAILED", count=0, run_id=RUN_ID):
    run = make_run(run_id, status=status)
    run["finishedAt"] = FINISHED_AT if status in ("SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED") else None
    if count is None:
        del run["stats"]["resurrectCount"]
    else:
        run["stats"]["resurrectCount"] = count
    return run


@pytest.mark.parametrize("status", ["SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED"])
def test_finished_run_is_resurrected_with_no_run_options(fake, run_module, status):
    fake.script("GET", GET, fake.ok(a_run(status)))
    fake.script("POST", POST, fake.ok(a_run("RUNNING", 1)))
    result = run_module(main, args())
    assert (result["changed"], result["resurrected"], result["run"]["status"]) == (True, True, "RUNNING")
    assert result["msg"] == "Run %s was resurrected (status %s -> RUNNING, resurrect count 0 -> 1)." % (RUN_ID, status)
    assert isinstance(result["elapsed"], float) and not result.get("warnings")
    assert fake.http.methods == ["GET", "POST"]
    assert fake.http.of("POST")[0].params is None  # nothing sent that was not given


def test_run_options_are_sent_as_the_api_names_them(fake, run_module):
    fake.script("GET", GET, fake.ok(a_run()))
    fake.script("POST", POST, fake.ok(a_run("RUNNING", 1)))
    extra = dict(build="0.1.234", memory=4096, run_timeout=600, max_items=100, max_total_charge_usd=2.5, restart_on_error=False, timeout=7)
    result = run_module(main, args(**extra))
    assert result["resurrected"] is True
    (post,) = fake.http.of("POST")
    assert post.params == {"build": "0.1.234", "memory": "4096", "timeout": "600", "maxItems": "100", "maxTotalChargeUsd": "2.5", "restartOnError": "false"}
    assert post.timeout == (7.0, 7.0)  # the module's timeout is the HTTP timeout, not the run's


@pytest.mark.parametrize(
    "status, says",
    [
        ("RUNNING", "it is running (status RUNNING)"),
        ("READY", "it is running (status READY)"),
        ("ABORTING", "wait until it has finished"),
        ("TIMING-OUT", "wait until it has finished"),
    ],
)
def test_run_not_finished_is_left_alone(fake, run_module, status, says):
    fake.script("GET", GET, fake.ok(a_run(status)))
    result = run_module(main, args())
    assert (result["changed"], result["resurrected"]) == (False, False)
    assert says in result["msg"] and "left alone" in result["msg"]
    assert fake.http.count("POST") == 0


def test_fail_if_not_finished(fake, run_module):
    fake.script("GET", GET, fake.ok(a_run("RUNNING")))
    result = run_module(main, args(fail_if_not_finished=True))
    assert result["failed"] is True and result["changed"] is False
    assert result["error"]["kind"] == "run_state"
    assert result["msg"].endswith("Failing because fail_if_not_finished is true.")
    assert fake.http.count("POST") == 0


@pytest.mark.parametrize("count, says", [(3, "resurrected 3 time(s)"), (None, "gave no resurrect count")])
def test_guard_leaves_the_run_alone_with_a_warning(fake, run_module, monkeypatch, count, says):
    warned = []  # how warnings travel is ansible-core's business: spy on warn() (as for reboot)
    monkeypatch.setattr(ApifyModule, "warn", lambda self, text: warned.append(text))
    fake.script("GET", GET, fake.ok(a_run("FAILED", count)))
    result = run_module(main, args(max_resurrect_count=3, fail_if_not_finished=True))
    assert (result.get("failed", False), result["changed"], result["resurrected"]) == (False, False, False)
    assert says in result["msg"] and "max_resurrect_count=3" in result["msg"]
    assert warned == [result["msg"]]
    assert fake.http.count("POST") == 0


def test_check_mode_never_posts(fake, run_module):
    fake.script("GET", GET, fake.ok(a_run()))
    result = run_module(main, args(), check_mode=True)
    assert (result["changed"], result["resurrected"]) == (True, True)
    assert "check mode" in result["msg"]
    assert fake.http.methods == ["GET"]


def test_lost_answer_and_the_count_moved_is_not_resent(fake, run_module):
    fake.script("GET", GET, fake.ok(a_run("FAILED", 0)), fake.ok(a_run("RUNNING", 1)))
    fake.script("POST", POST, fake.error(500, "internal-server-error", "boom"))
    result = run_module(main, args())
    assert (result["changed"], result["resurrected"]) == (True, True)
    assert fake.http.count("POST") == 1


def test_lost_answer_and_no_count_is_uncertain_never_resent(fake, run_module):
    fake.script("GET", GET, fake.ok(a_run("FAILED", None)))
    fake.script("POST", POST, fake.error(502, "bad-gateway", "gateway"))
    result = run_module(main, args())
    assert result["failed"] is True and result["changed"] is True
    assert result["error"]["kind"] == "uncertain"
    assert "The resurrection of run %s may or may not have happened" % RUN_ID in result["msg"]
    assert fake.http.count("POST") == 1


def test_reset_before_an_answer_is_watched_never_resent(fake, run_module):
    # The request went out: the API may have acted on it, so it is never sent again (issue 17).
    fake.script("GET", GET, fake.ok(a_run("FAILED", 0)))
    fake.script("POST", POST, fake.reset_by_peer(), fake.ok(a_run("RUNNING", 1)))
    result = run_module(main, args(timeout=2))
    assert (result["failed"], result["changed"], result["error"]["kind"]) == (True, True, "transport")
    assert "was not resurrected as far as" in result["msg"] and "It was not sent again" in result["msg"]
    assert fake.http.count("POST") == 1


def test_race_resurrected_by_someone_else_is_left_alone(fake, run_module):
    fake.script("GET", GET, fake.ok(a_run("FAILED", 0)), fake.ok(a_run("RUNNING", 1)))
    fake.script("POST", POST, fake.error(400, "run-not-finished", "Only finished Actor runs can be resurrected"))
    result = run_module(main, args())
    assert (result["changed"], result["resurrected"]) == (False, False)
    assert "no longer finished (status RUNNING)" in result["msg"]
    assert fake.http.count("POST") == 1


def test_wait_until_running(fake, run_module):
    fake.script("GET", GET, fake.ok(a_run()), fake.ok(a_run("READY", 1)), fake.ok(a_run("RUNNING", 1)))
    fake.script("POST", POST, fake.ok(a_run("READY", 1)))
    result = run_module(main, args(wait=True, wait_sleep=1, wait_timeout=10))
    assert result["resurrected"] is True and result["run"]["status"] == "RUNNING"
    assert result["msg"].endswith("It is RUNNING.")


def test_wait_fails_clearly_when_it_finishes_again_while_booting(fake, run_module):
    fake.script("GET", GET, fake.ok(a_run()), fake.ok(a_run("FAILED", 1)))
    fake.script("POST", POST, fake.ok(a_run("READY", 1)))
    result = run_module(main, args(wait=True, wait_sleep=1, wait_timeout=10))
    assert result["failed"] is True and result["changed"] is True and result["error"]["kind"] == "run_state"
    assert "was resurrected, then finished again with status FAILED while starting" in result["msg"]


def test_batch_run_ids(fake, run_module):
    ids = ["AAAAAAAAAAAAAAAA1", "AAAAAAAAAAAAAAAA2", "AAAAAAAAAAAAAAAA3"]
    fake.script("GET", "/v2/actor-runs/" + ids[0], fake.ok(a_run("FAILED", 0, ids[0])))
    fake.script("POST", "/v2/actor-runs/%s/resurrect" % ids[0], fake.ok(a_run("RUNNING", 1, ids[0])))
    fake.script("GET", "/v2/actor-runs/" + ids[1], fake.ok(a_run("RUNNING", 0, ids[1])))
    fake.script("GET", "/v2/actor-runs/" + ids[2], fake.error(404, "record-not-found", "gone"))
    result = run_module(main, {"run_ids": ids, "token": TOKEN, "concurrency": 2})
    assert result["failed"] is True and result["changed"] is True
    assert (result["resurrected_run_ids"], result["skipped_run_ids"], result["failed_run_ids"]) == ([ids[0]], [ids[1]], [ids[2]])
    assert [e["resurrected"] for e in result["results"]] == [True, False, False]
    assert fake.http.count("POST") == 1


@pytest.mark.parametrize(
    "extra, fragment",
    [
        ({"memory": 1000}, "memory must be a power of 2"),
        ({"memory": 64}, "memory must be a power of 2"),
        ({"memory": 65536}, "memory must be a power of 2"),
        ({"run_timeout": 0}, "run_timeout must be greater than 0"),
        ({"max_items": -1}, "max_items must be greater than 0"),
        ({"max_total_charge_usd": 0.0}, "max_total_charge_usd must be an amount"),
        ({"max_total_charge_usd": float("inf")}, "max_total_charge_usd must be an amount"),
        ({"build": "latest; rm"}, "is not a build tag or number"),
        ({"build": ""}, "is not a build tag or number"),
        ({"max_resurrect_count": -1}, "max_resurrect_count must be 0 or more"),
        ({"actor_id": "x"}, "Unsupported parameters"),
    ],
)
def test_bad_input_fails_before_any_request(fake, run_module, extra, fragment):
    result = run_module(main, args(**extra))
    assert result["failed"] is True and result.get("changed", False) is False
    assert fragment in result["msg"]
    assert fake.http.calls == []


def test_run_id_and_run_ids_are_mutually_exclusive(fake, run_module):
    result = run_module(main, args(run_ids=[RUN_ID]))
    assert result["failed"] is True and "mutually exclusive" in result["msg"]
    assert fake.http.calls == []
