# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The reboot rules as tables: the Reboot action's decision and evidence, the run facts they
read, and a batch's summary. (Abort's tables are in test__run_actions.py.)"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apify.platform.plugins.module_utils import _acting, _action_contract, _run_facts as facts
from ansible_collections.apify.platform.plugins.module_utils._action_contract import ACTED as REBOOTED, ENDED, NOT_ACTED as NOT_REBOOTED, UNKNOWN
from ansible_collections.apify.platform.plugins.module_utils._run_actions import Reboot
from ansible_collections.apify.platform.plugins.module_utils._run_facts import describe_status, reboot_count
from ansible_collections.apify.platform.tests.unit.scripted_http import RUN_ID, bare_run as run


def decide(run, max_reboot_count=None):
    return Reboot(max_reboot_count).decide(run)


def verify(before, after):
    return Reboot().evidence(before, after)


def summarize(entries, check_mode=False):
    return _acting.summarize(entries, "rebooted", check_mode=check_mode)


def test_constants():
    assert facts.RUNNING == "RUNNING"
    assert facts.TERMINAL_STATUSES == frozenset(["SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED"])
    assert len(set([REBOOTED, NOT_REBOOTED, ENDED, UNKNOWN])) == 4


# -- decide -------------------------------------------------------------------


def test_decide_running_is_rebooted():
    decision = decide(run("RUNNING"))
    assert decision.act is True
    assert decision.msg == "Run %s is RUNNING and will be rebooted." % RUN_ID
    assert decision.warning is None


@pytest.mark.parametrize(
    "status, why",
    [
        ("READY", "its status is READY: it has not started yet (or is starting after a reboot)"),
        ("SUCCEEDED", "it has already finished with status SUCCEEDED"),
        ("FAILED", "it has already finished with status FAILED"),
        ("TIMED-OUT", "it has already finished with status TIMED-OUT"),
        ("ABORTED", "it has already finished with status ABORTED"),
        ("ABORTING", "its status is ABORTING: it is on its way to finishing"),
        ("TIMING-OUT", "its status is TIMING-OUT: it is on its way to finishing"),
        ("MIGRATING", "its status is MIGRATING"),
        ("running", "its status is running"),
        (None, "its status is None"),
    ],
)
def test_decide_only_running_is_rebooted(status, why):
    decision = decide(run(status), max_reboot_count=10)
    assert decision.act is False
    assert decision.warning is None
    assert decision.msg == ("Run %s was left alone: only RUNNING runs can be rebooted and %s." % (RUN_ID, why))


@pytest.mark.parametrize(
    "count, maximum, reboot",
    [
        (0, None, True),
        (99, None, True),
        (0, 0, False),
        (0, 1, True),
        (2, 3, True),
        (3, 3, False),
        (4, 3, False),
        (None, 0, False),  # a missing counter counts as 0
        (None, 1, True),
    ],
)
def test_decide_max_reboot_count_guard(count, maximum, reboot):
    decision = decide(run("RUNNING", count), max_reboot_count=maximum)
    assert decision.act is reboot
    if reboot:
        assert decision.warning is None
    else:
        shown = 0 if count is None else count
        assert decision.warning == decision.msg
        assert decision.msg == (
            "Run %s was left alone: it has been rebooted %d time(s), which has reached "
            "max_reboot_count=%d (a guard against reboot loops)." % (RUN_ID, shown, maximum)
        )


def test_decide_status_check_comes_before_the_guard():
    # A finished run is "not running", not "rebooted too often", and no warning.
    decision = decide(run("SUCCEEDED", 5), max_reboot_count=1)
    assert decision.act is False
    assert decision.warning is None
    assert "only RUNNING runs" in decision.msg


def test_decision_repr():
    assert repr(_action_contract.Decision(True, "go")) == "Decision(act=True, msg='go')"


# -- reboot_count ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ({"stats": {"rebootCount": 0}}, 0),
        ({"stats": {"rebootCount": 7}}, 7),
        ({"stats": {}}, None),
        ({"stats": None}, None),
        ({}, None),
        ({"stats": {"rebootCount": True}}, None),
        ({"stats": {"rebootCount": "1"}}, None),
        ({"stats": {"rebootCount": 1.5}}, None),
        ({"stats": {"rebootCount": None}}, None),
    ],
)
def test_reboot_count(value, expected):
    assert reboot_count(value) == expected
    count = reboot_count(value)
    assert count is None or (isinstance(count, int) and not isinstance(count, bool))


@pytest.mark.parametrize(
    "status, text",
    [
        ("SUCCEEDED", "it has already finished with status SUCCEEDED"),
        ("READY", "its status is READY: it has not started yet (or is starting after a reboot)"),
        ("ABORTING", "its status is ABORTING: it is on its way to finishing"),
        ("RUNNING", "its status is RUNNING"),
    ],
)
def test_describe_status(status, text):
    assert describe_status(status) == text


# -- verify ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "before, after, outcome",
    [
        ((0, "RUNNING"), (1, "RUNNING"), REBOOTED),
        ((0, "RUNNING"), (1, "READY"), REBOOTED),
        ((0, "RUNNING"), (2, "RUNNING"), REBOOTED),  # moved: someone rebooted, not twice by us
        ((3, "RUNNING"), (4, "SUCCEEDED"), REBOOTED),  # rebooted, then finished
        ((0, "RUNNING"), (0, "RUNNING"), NOT_REBOOTED),
        ((2, "RUNNING"), (1, "RUNNING"), UNKNOWN),  # a counter going down: the API contradicts itself
        ((0, "RUNNING"), (0, "SUCCEEDED"), ENDED),
        ((0, "RUNNING"), (0, "FAILED"), ENDED),
        ((0, "RUNNING"), (0, "TIMED-OUT"), ENDED),
        ((0, "RUNNING"), (0, "ABORTED"), ENDED),
        ((0, "RUNNING"), (0, "READY"), UNKNOWN),
        ((0, "RUNNING"), (0, "ABORTING"), UNKNOWN),
        ((0, "RUNNING"), (0, "TIMING-OUT"), UNKNOWN),
        ((None, "RUNNING"), (1, "RUNNING"), UNKNOWN),
        ((0, "RUNNING"), (None, "RUNNING"), UNKNOWN),
        ((None, "RUNNING"), (None, "SUCCEEDED"), UNKNOWN),
    ],
)
def test_verify(before, after, outcome):
    assert verify(run(before[1], before[0]), run(after[1], after[0])) == outcome


def test_verify_without_stats_is_unknown():
    assert verify({"id": RUN_ID, "status": "RUNNING"}, {"id": RUN_ID, "status": "RUNNING"}) == UNKNOWN


def test_decide_and_verify_do_not_mutate_their_input():
    before, after = run("RUNNING", 1), run("RUNNING", 2)
    snapshot = (repr(before), repr(after))
    decide(before, max_reboot_count=1)
    verify(before, after)
    assert (repr(before), repr(after)) == snapshot


# -- summarize (a batch's task result) ------------------------------------------------------


def entry(run_id, changed=False, rebooted=False, failed=False, msg="m"):
    return {"run_id": run_id, "changed": changed, "rebooted": rebooted, "failed": failed, "msg": msg}


def test_summarize_mixed_batch():
    entries = [
        entry("A", changed=True, rebooted=True),
        entry("B"),
        entry("C", failed=True, msg="Apify API answered HTTP 404."),
        entry("D", changed=True, rebooted=True, failed=True, msg="Run D was rebooted, then ended."),
        entry("E"),
    ]
    assert summarize(entries) == {
        "changed": True,
        "rebooted": True,
        "rebooted_run_ids": ["A", "D"],
        "skipped_run_ids": ["B", "E"],
        "failed_run_ids": ["C", "D"],
        "failed": True,
        "msg": ("5 run(s): 2 rebooted, 2 left alone, 2 failed. Failed: C (Apify API answered HTTP 404.); D (Run D was rebooted, then ended.)."),
    }


def test_summarize_nothing_to_do():
    assert summarize([entry("A"), entry("B")]) == {
        "changed": False,
        "rebooted": False,
        "rebooted_run_ids": [],
        "skipped_run_ids": ["A", "B"],
        "failed_run_ids": [],
        "failed": False,
        "msg": "2 run(s): 0 rebooted, 2 left alone, 0 failed.",
    }


def test_summarize_empty_batch():
    result = summarize([])
    assert result["msg"] == "0 run(s): 0 rebooted, 0 left alone, 0 failed."
    assert (result["changed"], result["failed"], result["rebooted"]) == (False, False, False)


def test_summarize_check_mode_wording():
    result = summarize([entry("A", changed=True, rebooted=True)], check_mode=True)
    assert result["msg"] == "1 run(s): 1 would be rebooted (check mode), 0 left alone, 0 failed."
    assert result["changed"] is True


def test_summarize_changed_follows_entries_not_rebooted():
    # an entry that changed the run is "changed" even if reported as not rebooted
    result = summarize([entry("A", changed=True, rebooted=False)])
    assert result["changed"] is True
    assert result["rebooted"] is False


def test_summarize_shows_at_most_five_failures():
    entries = [entry("R%d" % i, failed=True, msg="e%d" % i) for i in range(8)]
    result = summarize(entries)
    assert result["failed_run_ids"] == ["R%d" % i for i in range(8)]
    assert result["msg"] == ("8 run(s): 0 rebooted, 0 left alone, 8 failed. Failed: R0 (e0); R1 (e1); R2 (e2); R3 (e3); R4 (e4) and 3 more.")
