# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""apify_run_abort end to end at the requests boundary (the procedure's rules are in module_utils' tests)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apify.platform.plugins.modules.apify_run_abort import main
from ansible_collections.apify.platform.tests.unit.scripted_http import RUN_ID, TOKEN, make_run

GET = "/v2/actor-runs/%s" % RUN_ID
POST = "/v2/actor-runs/%s/abort" % RUN_ID


def args(**extra):
    base = {"run_id": RUN_ID, "token": TOKEN}
    base.update(extra)
    return base


@pytest.mark.parametrize("gracefully, params, answer", [(False, None, "ABORTED"), (True, {"gracefully": "true"}, "ABORTING")])
def test_running_run_is_aborted(fake, run_module, gracefully, params, answer):
    fake.script("GET", GET, fake.ok(make_run()))
    fake.script("POST", POST, fake.ok(make_run(status=answer)))
    result = run_module(main, args(gracefully=gracefully))
    assert (result["changed"], result["aborted"], result["run"]["status"]) == (True, True, answer)
    assert fake.http.methods == ["GET", "POST"]
    assert fake.http.of("POST")[0].params == params


def test_wait_says_the_status_it_finished_with(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run()), fake.ok(make_run(status="ABORTING")), fake.ok(make_run(status="ABORTED")))
    fake.script("POST", POST, fake.ok(make_run(status="ABORTING")))
    result = run_module(main, args(gracefully=True, wait=True, wait_sleep=1, wait_timeout=10))
    assert result["run"]["status"] == "ABORTED"
    assert result["msg"].endswith("It has finished with status ABORTED.")


@pytest.mark.parametrize("status", ["SUCCEEDED", "ABORTING"])
def test_fail_if_not_running(fake, run_module, status):
    fake.script("GET", GET, fake.ok(make_run(status=status)))
    result = run_module(main, args(fail_if_not_running=True))
    assert result["failed"] is True and result["changed"] is False and result["error"]["kind"] == "run_state"
    assert result["msg"].endswith("Failing because fail_if_not_running is true.")
    assert fake.http.count("POST") == 0


def test_lost_answer_and_the_run_aborted_is_not_resent(fake, run_module):
    fake.script("GET", GET, fake.ok(make_run()), fake.ok(make_run(status="ABORTED")))
    fake.script("POST", POST, fake.error(500, "internal-server-error", "boom"))
    result = run_module(main, args())
    assert (result["changed"], result["aborted"]) == (True, True)
    assert fake.http.count("POST") == 1


def test_task_id_lists_the_runs_that_can_be_aborted(fake, run_module):
    listing = "/v2/actor-tasks/my-user~nightly/runs"
    fake.script(
        "GET",
        listing,
        fake.page([{"id": RUN_ID, "actId": "a", "status": "RUNNING", "startedAt": "2024-07-29T15:51:28.071Z", "finishedAt": None, "buildId": "b"}], 1),
    )
    fake.script("GET", GET, fake.ok(make_run()))
    fake.script("POST", POST, fake.ok(make_run(status="ABORTED")))
    result = run_module(main, {"task_id": "my-user~nightly", "token": TOKEN})
    assert result["aborted_run_ids"] == [RUN_ID]
    (listed,) = fake.http.of("GET", listing)
    assert listed.params["status"] == "READY,RUNNING,TIMING-OUT"
