# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The procedure (``_procedure.py``) and what a 200 answer to an abort says.

The spec of ``POST /v2/actor-runs/{runId}/abort``: "For runs with status FINISHED, FAILED,
ABORTING and TIMED-OUT this call does nothing", and it answers the run as it is, with a 200.
So a run that finished on its own between the read and the abort comes back as SUCCEEDED
(or FAILED, TIMED-OUT) in a 200: nothing was aborted, and the task must not say it was.

The run endpoints are replaced here (pytest's own ``monkeypatch``, no conftest fixture):
``get_run`` answers from a script, ``post_action`` records what was sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apify.platform.plugins.module_utils import _procedure
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyRunStateError
from ansible_collections.apify.platform.plugins.module_utils._procedure import Procedure, ProcedureOptions
from ansible_collections.apify.platform.plugins.module_utils._run_actions import Abort, Reboot
from ansible_collections.apify.platform.tests.unit.scripted_http import RUN_ID, bare_run as run


class FakeClient:
    retries = 2
    timeout = 5

    def backoff_delay(self, attempt):
        return 0


class Script:
    """What the run endpoints answer: reads in order (the last one repeats), one POST answer."""

    def __init__(self, monkeypatch, reads, answer):
        self.reads = list(reads)
        self.answer = answer
        self.posts = []
        monkeypatch.setattr(_procedure, "get_run", self.get_run)
        monkeypatch.setattr(_procedure, "post_action", self.post_action)

    def get_run(self, client, run_id):
        assert run_id == RUN_ID
        return self.reads.pop(0) if len(self.reads) > 1 else self.reads[0]

    def post_action(self, client, run_id, path, params=None, expect=None):
        """Like _runs.post_action: the answer passes ``expect`` (the action's check_answer) if given."""
        self.posts.append((run_id, path, params))
        if expect is not None:
            expect(self.answer)
        return self.answer


def procedure(action, **options):
    return Procedure(FakeClient(), action, ProcedureOptions(**options), sleep=lambda seconds: None, now=lambda: 0.0)


@pytest.mark.parametrize("gracefully, answer, params", [(False, "ABORTED", None), (True, "ABORTING", {"gracefully": "true"})])
def test_abort_answered_aborted_or_aborting_is_changed(monkeypatch, gracefully, answer, params):
    script = Script(monkeypatch, [run("RUNNING")], run(answer))
    result = procedure(Abort(gracefully=gracefully)).run(RUN_ID)
    assert (result["changed"], result["aborted"], result["run"]["status"]) == (True, True, answer)
    assert script.posts == [(RUN_ID, "abort", params)]


def test_abort_of_a_run_found_finished_sends_nothing(monkeypatch):
    script = Script(monkeypatch, [run("SUCCEEDED")], None)
    result = procedure(Abort()).run(RUN_ID)
    assert (result["changed"], result["aborted"]) == (False, False)
    assert script.posts == []


@pytest.mark.parametrize("finished", ["SUCCEEDED", "FAILED", "TIMED-OUT"])
def test_abort_answered_with_a_run_that_finished_on_its_own_is_not_changed(monkeypatch, finished):
    script = Script(monkeypatch, [run("RUNNING")], run(finished))
    result = procedure(Abort()).run(RUN_ID)
    assert script.posts == [(RUN_ID, "abort", None)]
    assert (result["changed"], result["aborted"], result["run"]["status"]) == (False, False, finished)
    assert "left alone" in result["msg"] and finished in result["msg"]


def test_abort_answered_with_a_finished_run_fails_if_not_running(monkeypatch):
    Script(monkeypatch, [run("RUNNING")], run("SUCCEEDED"))
    with pytest.raises(ApifyRunStateError) as caught:
        procedure(Abort(), fail_on_wrong_state=True).run(RUN_ID)
    assert caught.value.changed is False
    assert "SUCCEEDED" in caught.value.message


def test_reboot_answers_are_believed(monkeypatch):
    """The procedure asks the action's evidence about a 200 too; for a reboot's 200 it never says ENDED."""
    script = Script(monkeypatch, [run("RUNNING", 0)], run("RUNNING", 1))
    result = procedure(Reboot()).run(RUN_ID)
    assert (result["changed"], result["rebooted"]) == (True, True)
    assert script.posts == [(RUN_ID, "reboot", None)]
    # A 200 whose count did not move (the API's business): still believed as a reboot.
    Script(monkeypatch, [run("RUNNING", 0)], run("RUNNING", 0))
    assert procedure(Reboot()).run(RUN_ID)["changed"] is True


@pytest.mark.parametrize("finished", ["ABORTED", "SUCCEEDED"])
def test_abort_with_wait_says_the_status_it_finished_with(monkeypatch, finished):
    Script(monkeypatch, [run("RUNNING"), run("ABORTING"), run(finished)], run("ABORTING"))
    result = procedure(Abort(gracefully=True), wait=True, wait_timeout=10, wait_sleep=1).run(RUN_ID)
    assert result["run"]["status"] == finished
    assert result["msg"].endswith("It has finished with status %s." % finished)


def test_the_procedure_takes_the_switch_name_from_the_action(monkeypatch):
    """A run left alone for its status fails naming the action's own option, not reboot's."""

    class Poke(Abort):
        wrong_state_option = "fail_if_not_poked"

    Script(monkeypatch, [run("SUCCEEDED")], None)
    with pytest.raises(ApifyRunStateError) as caught:
        procedure(Poke(), fail_on_wrong_state=True).run(RUN_ID)
    assert caught.value.message.endswith("Failing because fail_if_not_poked is true.")
