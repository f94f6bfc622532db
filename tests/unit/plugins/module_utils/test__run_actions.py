# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The actions of the safe procedure (``_run_actions.py``): decision, evidence, answers, waiting.

Pure functions of run objects, so tables of statuses; no fixture, no HTTP.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apify.platform.plugins.module_utils._action_contract import ACTED, ENDED, NOT_ACTED, UNKNOWN, Decision, RunAction
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyResponseError
from ansible_collections.apify.platform.plugins.module_utils._run_actions import Abort, Reboot, Resurrect
from ansible_collections.apify.platform.tests.unit.scripted_http import RUN_ID, bare_run as run

NOT_FINISHED = ("READY", "RUNNING", "TIMING-OUT")
FINISHED = ("SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED")
OTHER_FINISHED = ("SUCCEEDED", "FAILED", "TIMED-OUT")  # finished, but not by an abort
ALL_STATUSES = NOT_FINISHED + FINISHED + ("ABORTING",)
# What a run can look like that no known status describes.
ODD_STATUSES = ("WEIRD", "", None)


# == Abort =========================================================================================

# status -> (act, wrong_state, what the message says)
ABORT_DECISIONS = {
    "READY": (True, False, "Run %s is READY and will be aborted." % RUN_ID),
    "RUNNING": (True, False, "Run %s is RUNNING and will be aborted." % RUN_ID),
    "TIMING-OUT": (True, False, "Run %s is TIMING-OUT and will be aborted." % RUN_ID),
    "ABORTING": (False, True, "Run %s was left alone: it is already being aborted (status ABORTING)." % RUN_ID),
    "SUCCEEDED": (False, True, "it has already finished with status SUCCEEDED"),
    "FAILED": (False, True, "it has already finished with status FAILED"),
    "TIMED-OUT": (False, True, "it has already finished with status TIMED-OUT"),
    "ABORTED": (False, True, "it has already finished with status ABORTED"),
    "WEIRD": (False, True, "its status is WEIRD"),
    None: (False, True, "its status is None"),
}


def test_abort_vocabulary():
    action = Abort()
    assert (action.path, action.noun, action.past) == ("abort", "abort", "aborted")
    assert Abort.ABORTABLE == frozenset(NOT_FINISHED)


@pytest.mark.parametrize("gracefully, params", [(False, None), (True, {"gracefully": "true"})])
def test_abort_params(gracefully, params):
    assert Abort(gracefully=gracefully).params() == params
    assert Abort().params() is None


@pytest.mark.parametrize("status", sorted(ABORT_DECISIONS, key=str))
@pytest.mark.parametrize("gracefully", [False, True])
def test_abort_decide(status, gracefully):
    act, wrong_state, says = ABORT_DECISIONS[status]
    decision = Abort(gracefully=gracefully).decide(run(status))
    assert (decision.act, decision.wrong_state, decision.warning) == (act, wrong_state, None)
    assert says in decision.msg
    if not act:
        assert decision.msg.startswith("Run %s was left alone: " % RUN_ID)


def test_abort_decide_ignores_the_reboot_count():
    assert Abort().decide(run("RUNNING", count=None)).act
    assert Abort().decide(run("RUNNING", count=99)).act


# status read after a request with no trustworthy answer -> evidence
ABORT_EVIDENCE = {
    "ABORTING": ACTED,
    "ABORTED": ACTED,
    "READY": NOT_ACTED,
    "RUNNING": NOT_ACTED,
    "TIMING-OUT": NOT_ACTED,
    "SUCCEEDED": ENDED,
    "FAILED": ENDED,
    "TIMED-OUT": ENDED,
    "WEIRD": UNKNOWN,
    "": UNKNOWN,
    None: UNKNOWN,
}


@pytest.mark.parametrize("after", sorted(ABORT_EVIDENCE, key=str))
@pytest.mark.parametrize("before", NOT_FINISHED)
def test_abort_evidence(before, after):
    assert Abort().evidence(run(before), run(after)) == ABORT_EVIDENCE[after]


def test_abort_evidence_of_a_run_without_status():
    assert Abort().evidence(run("RUNNING"), {"id": RUN_ID}) == UNKNOWN


def test_abort_evidence_does_not_look_at_the_reboot_count():
    """A platform reboot (count up) while the abort was lost says nothing about the abort."""
    assert Abort().evidence(run("RUNNING", count=0), run("RUNNING", count=1)) == NOT_ACTED
    assert Abort().evidence(run("RUNNING", count=0), run("ABORTED", count=None)) == ACTED


@pytest.mark.parametrize("answer", ALL_STATUSES + ODD_STATUSES)
def test_abort_check_answer_accepts_any_status(answer):
    """The status in a 200 is not checked here (see test__procedure_answers.py for the finished ones)."""
    assert Abort().check_answer(RUN_ID, run("RUNNING"), run(answer)) is None
    assert Abort().check_answer(RUN_ID, run("RUNNING", count=3), run(answer, count=0)) is None


@pytest.mark.parametrize("status", ALL_STATUSES + ODD_STATUSES)
def test_abort_ended_and_wait_predicates(status):
    action = Abort()
    # ended: after a 400, the run can no longer be aborted.
    assert action.ended(run(status)) == (status not in NOT_FINISHED)
    # Waiting ends at any final status; none of them fails the wait.
    assert action.wait_done(run(status)) == (status in FINISHED)
    assert action.wait_failed(run(status)) is False


def test_abort_messages():
    before, after = run("RUNNING"), run("ABORTING")
    assert Abort().done_msg(RUN_ID, before, run("ABORTED")) == "Run %s was aborted (status RUNNING -> ABORTED)." % RUN_ID
    assert Abort(gracefully=True).done_msg(RUN_ID, before, after) == "Run %s was aborted gracefully (status RUNNING -> ABORTING)." % RUN_ID
    assert Abort().evidence_text(before, after) == "status before RUNNING, now ABORTING"
    assert Abort().wait_failed_text(run("FAILED")) == "ended with status FAILED"
    assert "finished" in Abort().wait_goal
    # Waiting ends at any finish: the message says which.
    assert Abort().waited_msg(run("ABORTED")) == "It has finished with status ABORTED."
    assert Abort().waited_msg(run("SUCCEEDED")) == "It has finished with status SUCCEEDED."
    assert Abort().ended_msg(RUN_ID, run("SUCCEEDED")) == "Run %s was left alone: it finished (status SUCCEEDED) just before the abort." % RUN_ID
    assert Abort().check_mode_msg(RUN_ID, run("RUNNING")) == "Run %s is RUNNING and would be aborted (check mode: no abort was sent)." % RUN_ID
    assert Abort.wrong_state_option == "fail_if_not_running"


# == Reboot ========================================================================================


@pytest.mark.parametrize("status", ALL_STATUSES + ODD_STATUSES)
def test_reboot_decide_only_running(status):
    decision = Reboot().decide(run(status))
    assert decision.act == (status == "RUNNING")
    assert decision.wrong_state == (status != "RUNNING")
    assert decision.warning is None
    if status == "RUNNING":
        assert decision.msg == "Run %s is RUNNING and will be rebooted." % RUN_ID
    else:
        assert decision.msg.startswith("Run %s was left alone: only RUNNING runs can be rebooted and " % RUN_ID)


# (max_reboot_count, rebootCount of the run) -> rebooted?
GUARD = [
    (None, 0, True),
    (None, 1000, True),
    (None, None, True),
    (3, 0, True),
    (3, 2, True),
    (3, 3, False),
    (3, 4, False),
    (3, None, True),  # an unknown count counts as 0
    (0, 0, False),
    (0, None, False),
    (1, 0, True),
    (1, 1, False),
]


@pytest.mark.parametrize("max_count, count, act", GUARD)
def test_reboot_decide_with_max_reboot_count(max_count, count, act):
    decision = Reboot(max_reboot_count=max_count).decide(run("RUNNING", count=count))
    assert decision.act is act
    if not act:
        # The guard is not a wrong state: fail_if_not_running does not turn it into a failure.
        assert decision.wrong_state is False
        assert decision.warning == decision.msg
        assert "max_reboot_count=%d" % max_count in decision.msg
        assert "rebooted %d time(s)" % (count or 0) in decision.msg


def test_reboot_decide_status_before_guard():
    decision = Reboot(max_reboot_count=1).decide(run("SUCCEEDED", count=5))
    assert decision.wrong_state and decision.warning is None


# (count before, count after, status after) -> evidence
REBOOT_EVIDENCE = [
    (0, 1, "RUNNING", ACTED),
    (0, 1, "READY", ACTED),
    (2, 5, "RUNNING", ACTED),
    (0, 1, "FAILED", ACTED),  # rebooted, then died: it was rebooted
    (0, 0, "RUNNING", NOT_ACTED),
    (4, 4, "RUNNING", NOT_ACTED),
    (0, 0, "SUCCEEDED", ENDED),
    (0, 0, "FAILED", ENDED),
    (0, 0, "TIMED-OUT", ENDED),
    (0, 0, "ABORTED", ENDED),
    (0, 0, "READY", UNKNOWN),
    (0, 0, "ABORTING", UNKNOWN),
    (0, 0, "TIMING-OUT", UNKNOWN),
    (0, 0, "WEIRD", UNKNOWN),
    (None, 1, "RUNNING", UNKNOWN),
    (0, None, "RUNNING", UNKNOWN),
    (None, None, "RUNNING", UNKNOWN),
    (0, None, "SUCCEEDED", UNKNOWN),
    (3, 2, "RUNNING", UNKNOWN),  # went down: the API contradicts itself
    (3, 0, "SUCCEEDED", UNKNOWN),
]


@pytest.mark.parametrize("before, after, status, outcome", REBOOT_EVIDENCE)
def test_reboot_evidence(before, after, status, outcome):
    assert Reboot().evidence(run("RUNNING", count=before), run(status, count=after)) == outcome


@pytest.mark.parametrize("bad", ["1", True, 1.5, -0.5, [1], {"n": 1}])
def test_reboot_evidence_of_a_count_that_is_not_a_count(bad):
    after = run("RUNNING")
    after["stats"]["rebootCount"] = bad
    assert Reboot().evidence(run("RUNNING", count=0), after) == UNKNOWN


def test_reboot_evidence_of_a_float_count():
    # JSON Schema counts 1.0 as an integer, so the API may send it.
    assert Reboot().evidence(run("RUNNING", count=0), run("RUNNING", count=1.0)) == ACTED


@pytest.mark.parametrize("before, after", [(0, 1), (0, 0), (2, 7), (None, 0), (0, None), (None, None)])
def test_reboot_check_answer_accepts(before, after):
    assert Reboot().check_answer(RUN_ID, run("RUNNING", count=before), run("RUNNING", count=after)) is None


@pytest.mark.parametrize("before, after", [(1, 0), (5, 4), (3, 0)])
def test_reboot_check_answer_refuses_a_lower_count(before, after):
    with pytest.raises(ApifyResponseError) as caught:
        Reboot().check_answer(RUN_ID, run("RUNNING", count=before), run("RUNNING", count=after))
    error = caught.value
    assert error.method == "POST"
    assert error.path == "/v2/actor-runs/%s/reboot" % RUN_ID
    assert error.json_path == "data.stats.rebootCount"
    assert error.accepted is True
    assert "reboot count %d, lower than the %d read just before" % (after, before) in error.message


@pytest.mark.parametrize("status", ALL_STATUSES + ODD_STATUSES)
def test_reboot_ended_and_wait_predicates(status):
    action = Reboot()
    assert action.ended(run(status)) == (status != "RUNNING")
    assert action.wait_done(run(status)) == (status == "RUNNING")
    assert action.wait_failed(run(status)) == (status in FINISHED)


def test_reboot_messages():
    assert Reboot().params() is None
    assert (Reboot.path, Reboot.noun, Reboot.past) == ("reboot", "reboot", "rebooted")
    assert Reboot().done_msg(RUN_ID, run(count=0), run(count=1)) == "Run %s was rebooted (reboot count 0 -> 1)." % RUN_ID
    assert Reboot().done_msg(RUN_ID, run(count=None), run(count=1)) == "Run %s was rebooted (reboot count unknown -> 1)." % RUN_ID
    assert Reboot().evidence_text(run(count=0), run("READY", count=None)) == "status READY, reboot count before 0, now unknown"
    assert Reboot().wait_failed_text(run("FAILED")) == "ended with status FAILED while waiting for it to run again"


# == The contract (_action_contract.RunAction) =====================================================


class Bare(RunAction):
    """An action that gives only its words: what the defaults say."""

    path, noun, past = "poke", "poke", "poked"


@pytest.mark.parametrize("member", ["decide", "evidence", "ended", "wait_done"])
def test_contract_members_without_default_must_be_given(member):
    args = {"decide": (run("RUNNING"),), "evidence": (run("RUNNING"), run("RUNNING")), "ended": (run("RUNNING"),), "wait_done": (run("RUNNING"),)}
    with pytest.raises(NotImplementedError):
        getattr(Bare(), member)(*args[member])


def test_contract_defaults_speak_the_actions_words():
    action, before, after = Bare(), run("RUNNING"), run("SUCCEEDED")
    assert action.params() is None
    assert action.check_answer(RUN_ID, before, after) is None
    assert action.wait_failed(after) is False
    assert action.wrong_state_option == "fail_if_not_running"
    assert action.evidence_text(before, after) == "status before RUNNING, now SUCCEEDED"
    assert action.wait_failed_text(after) == "ended with status SUCCEEDED"
    assert action.check_mode_msg(RUN_ID, before) == "Run %s is RUNNING and would be poked (check mode: no poke was sent)." % RUN_ID
    assert action.done_msg(RUN_ID, before, after) == "Run %s was poked (status RUNNING -> SUCCEEDED)." % RUN_ID
    assert action.ended_msg(RUN_ID, after) == "Run %s was left alone: its status became SUCCEEDED just before the poke." % RUN_ID
    assert action.waited_msg(after) == "Its status is now SUCCEEDED."
    assert repr(Decision(False, "no")) == "Decision(act=False, msg='no')"


@pytest.mark.parametrize("action", [Reboot(), Abort(), Resurrect()])
def test_every_action_fulfils_the_contract(action):
    assert isinstance(action, RunAction)
    for member in ("path", "noun", "past", "wrong_state_option", "evidence_name", "no_evidence", "wait_goal", "waiting_for"):
        assert isinstance(getattr(action, member), str) and getattr(action, member)


# == Resurrect =====================================================================================

FINISHED_AT = "2026-11-28T09:12:02.000Z"


def dead(status="FAILED", count=0, finished_at=FINISHED_AT):
    """A run as resurrect reads it: ``stats.resurrectCount`` = ``count`` (None: left out)."""
    value = run(status, finishedAt=finished_at if status in FINISHED else None)
    if count is not None:
        value["stats"]["resurrectCount"] = count
    return value


# status -> (act, wrong_state, what the message says)
RESURRECT_DECISIONS = {
    "SUCCEEDED": (True, False, "Run %s is SUCCEEDED and will be resurrected." % RUN_ID),
    "FAILED": (True, False, "Run %s is FAILED and will be resurrected." % RUN_ID),
    "TIMED-OUT": (True, False, "Run %s is TIMED-OUT and will be resurrected." % RUN_ID),
    "ABORTED": (True, False, "Run %s is ABORTED and will be resurrected." % RUN_ID),
    "READY": (False, True, "Run %s was left alone: it is running (status READY); only finished runs can be resurrected." % RUN_ID),
    "RUNNING": (False, True, "Run %s was left alone: it is running (status RUNNING); only finished runs can be resurrected." % RUN_ID),
    "ABORTING": (False, True, "it is on its way to finishing (status ABORTING); wait until it has finished, then resurrect it."),
    "TIMING-OUT": (False, True, "it is on its way to finishing (status TIMING-OUT); wait until it has finished"),
    "WEIRD": (False, True, "only finished runs can be resurrected and its status is WEIRD"),
    None: (False, True, "its status is None"),
}


def test_resurrect_vocabulary():
    action = Resurrect()
    assert (action.path, action.noun, action.past, action.wrong_state_option) == ("resurrect", "resurrection", "resurrected", "fail_if_not_finished")
    assert action.params() is None
    assert Resurrect({"build": "latest", "memory": "4096"}).params() == {"build": "latest", "memory": "4096"}


@pytest.mark.parametrize("status", sorted(RESURRECT_DECISIONS, key=str))
def test_resurrect_decide(status):
    act, wrong_state, says = RESURRECT_DECISIONS[status]
    decision = Resurrect().decide(dead(status))
    assert (decision.act, decision.wrong_state, decision.warning) == (act, wrong_state, None)
    assert says in decision.msg


# (max_resurrect_count, resurrectCount) -> act; the guard never makes a wrong state
@pytest.mark.parametrize(
    "guard, count, act",
    [(None, 99, True), (None, None, True), (3, 2, True), (3, 3, False), (3, 4, False), (0, 0, False), (1, 0, True), (2, None, False)],
)
def test_resurrect_guard(guard, count, act):
    decision = Resurrect(max_resurrect_count=guard).decide(dead("FAILED", count))
    assert decision.act is act and decision.wrong_state is False
    if not act:
        assert decision.warning == decision.msg and "max_resurrect_count=%d" % guard in decision.msg
    if not act and count is None:
        assert "gave no resurrect count" in decision.msg


def test_resurrect_guard_does_not_look_at_runs_that_are_not_finished():
    decision = Resurrect(max_resurrect_count=1).decide(dead("RUNNING", 5))
    assert decision.wrong_state is True and "max_resurrect_count" not in decision.msg


# (before, after) -> evidence, read after a request with no trustworthy answer
RESURRECT_EVIDENCE = [
    (dead("FAILED", 0), dead("RUNNING", 1), ACTED),
    (dead("FAILED", 0), dead("READY", 1), ACTED),
    (dead("FAILED", 0), dead("FAILED", 1, finished_at="2026-11-28T10:00:00.000Z"), ACTED),  # ran again, died again
    (dead("FAILED", 0), dead("FAILED", 1), ACTED),  # the count says so
    (dead("FAILED", 0), dead("RUNNING", 0), ACTED),  # it left its finished state
    (dead("FAILED", None), dead("RUNNING", None), ACTED),
    (dead("FAILED", 0), dead("ABORTING", 0), ACTED),
    (dead("FAILED", 0), dead("FAILED", 0), NOT_ACTED),
    (dead("ABORTED", 3), dead("ABORTED", 3), NOT_ACTED),
    (dead("FAILED", None), dead("FAILED", None), UNKNOWN),  # no count: cannot tell
    (dead("FAILED", 0), dead("FAILED", None), UNKNOWN),
    (dead("FAILED", 2), dead("FAILED", 1), UNKNOWN),  # went down: the API contradicts itself
    (dead("FAILED", 2), dead("RUNNING", 1), UNKNOWN),
    (dead("FAILED", 0), dead("WEIRD", 0), UNKNOWN),
    (dead("FAILED", 0), dead(None, 0), UNKNOWN),
]


@pytest.mark.parametrize("before, after, outcome", RESURRECT_EVIDENCE)
def test_resurrect_evidence(before, after, outcome):
    assert Resurrect().evidence(before, after) == outcome


def test_resurrect_evidence_is_never_ended():
    # A run that started by itself has left its finished state: that counts as the resurrection.
    for status in ALL_STATUSES + ODD_STATUSES:
        assert Resurrect().evidence(dead("FAILED", 0), dead(status, 0)) != ENDED


@pytest.mark.parametrize("status, ended", [(s, s not in FINISHED) for s in ALL_STATUSES + ODD_STATUSES])
def test_resurrect_ended_after_a_400_means_no_longer_finished(status, ended):
    assert Resurrect().ended(dead(status)) is ended


def test_resurrect_refuses_an_answer_whose_count_went_down():
    with pytest.raises(ApifyResponseError) as info:
        Resurrect().check_answer(RUN_ID, dead("FAILED", 2), dead("RUNNING", 1))
    assert info.value.json_path == "data.stats.resurrectCount" and "lower than the 2" in info.value.message
    for answer in (dead("RUNNING", 3), dead("RUNNING", None), dead("RUNNING", 2)):
        assert Resurrect().check_answer(RUN_ID, dead("FAILED", 2), answer) is None


@pytest.mark.parametrize("status, done, failed", [("RUNNING", True, False), ("READY", False, False)] + [(s, False, True) for s in FINISHED])
def test_resurrect_wait(status, done, failed):
    assert (Resurrect().wait_done(dead(status)), Resurrect().wait_failed(dead(status))) == (done, failed)


def test_resurrect_messages():
    action, before, after = Resurrect(), dead("FAILED", 0), dead("RUNNING", 1)
    assert action.done_msg(RUN_ID, before, after) == "Run %s was resurrected (status FAILED -> RUNNING, resurrect count 0 -> 1)." % RUN_ID
    assert action.check_mode_msg(RUN_ID, before) == "Run %s is FAILED and would be resurrected (check mode: no resurrection was sent)." % RUN_ID
    assert action.ended_msg(RUN_ID, after) == "Run %s was left alone: it was no longer finished (status RUNNING) when the resurrection arrived." % RUN_ID
    assert action.evidence_text(before, dead("FAILED", None)) == "status before FAILED, now FAILED; resurrect count before 0, now unknown"
    assert action.wait_failed_text(dead("FAILED")) == "finished again with status FAILED while starting, before it was RUNNING"
    assert action.waited_msg(after) == "It is RUNNING."
