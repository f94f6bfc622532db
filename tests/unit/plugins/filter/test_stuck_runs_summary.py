# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.apify.platform.plugins.filter.stuck_runs import stuck_runs
from ansible_collections.apify.platform.plugins.filter.stuck_runs_summary import (
    FilterModule,
    stuck_runs_summary,
)

SPLIT = {
    "stuck": [
        {"id": "RunStuckA", "status": "RUNNING"},
        {"id": "RunStuckB", "status": "RUNNING"},
        {"id": "RunStuckC", "status": "RUNNING"},
        {"id": "RunStuckD", "status": "RUNNING"},
    ],
    "skipped": [{"run_id": "RunLean", "reason": "uses 10.0% of its memory, less than 90%"}],
}


def entry(run_id, rebooted=False, failed=False, msg=None, changed=None):
    """One entry of apify_run_reboot's ``results``, as the module returns it."""
    return {
        "run_id": run_id,
        "changed": rebooted if changed is None else changed,
        "rebooted": rebooted,
        "failed": failed,
        "msg": msg or "Run %s ..." % run_id,
        "run": {"id": run_id},
    }


REBOOT = {
    "changed": True,
    "failed": False,  # the role registers with failed_when: false
    "msg": "4 run(s): 2 rebooted, 1 left alone, 2 failed.",
    "rebooted": True,
    "rebooted_run_ids": ["RunStuckA", "RunStuckD"],
    "results": [
        entry("RunStuckA", rebooted=True, msg="Run RunStuckA was rebooted (reboot count 0 -> 1)."),
        entry("RunStuckB", msg="Run RunStuckB was left alone: it has been rebooted 3 time(s)."),
        entry("RunStuckC", failed=True, msg="Apify API answered HTTP 403."),
        # rebooted, then failed while waiting: both
        entry("RunStuckD", rebooted=True, failed=True, msg="Run RunStuckD was rebooted; it then FAILED."),
    ],
}


def test_registered_as_a_filter():
    assert FilterModule().filters() == {"stuck_runs_summary": stuck_runs_summary}


def test_with_reboot_results():
    assert stuck_runs_summary(SPLIT, REBOOT) == {
        "found": 5,
        "stuck": ["RunStuckA", "RunStuckB", "RunStuckC", "RunStuckD"],
        "rebooted": ["RunStuckA", "RunStuckD"],
        "skipped": [
            {"run_id": "RunLean", "reason": "uses 10.0% of its memory, less than 90%"},
            {"run_id": "RunStuckB", "reason": "Run RunStuckB was left alone: it has been rebooted 3 time(s)."},
        ],
        "failed": [
            {"run_id": "RunStuckC", "msg": "Apify API answered HTTP 403."},
            {"run_id": "RunStuckD", "msg": "Run RunStuckD was rebooted; it then FAILED."},
        ],
        "dry_run": False,
    }


def test_the_input_is_not_changed():
    split = {"stuck": list(SPLIT["stuck"]), "skipped": list(SPLIT["skipped"])}
    stuck_runs_summary(split, REBOOT)
    assert split == SPLIT


@pytest.mark.parametrize("dry_run, expected", [(True, True), (False, False), ("true", True), ("no", False), (1, True), (0, False)])
def test_dry_run(dry_run, expected):
    result = stuck_runs_summary(SPLIT, REBOOT, dry_run=dry_run)
    assert result["dry_run"] is expected
    assert result["rebooted"] == ["RunStuckA", "RunStuckD"]  # in a dry run: would be rebooted


def test_dry_run_positional():
    assert stuck_runs_summary(SPLIT, REBOOT, True)["dry_run"] is True


@pytest.mark.parametrize(
    "reboot",
    [
        None,
        {},
        # what Ansible registers for a task skipped by its `when` (nothing was stuck)
        {"changed": False, "skipped": True, "skip_reason": "Conditional result was False", "false_condition": "..."},
        {"changed": False, "results": []},
    ],
)
def test_without_reboot_results(reboot):
    split = {"stuck": [], "skipped": SPLIT["skipped"]}
    assert stuck_runs_summary(split, reboot) == {
        "found": 1,
        "stuck": [],
        "rebooted": [],
        "skipped": SPLIT["skipped"],
        "failed": [],
        "dry_run": False,
    }


def test_reboot_left_out():
    result = stuck_runs_summary(SPLIT)
    assert result["stuck"] == ["RunStuckA", "RunStuckB", "RunStuckC", "RunStuckD"]
    assert result["rebooted"] == result["failed"] == []
    assert result["found"] == 5


def test_nothing_at_all():
    assert stuck_runs_summary({"stuck": [], "skipped": []}) == {
        "found": 0,
        "stuck": [],
        "rebooted": [],
        "skipped": [],
        "failed": [],
        "dry_run": False,
    }


class TestRebootTaskFailedAsAWhole:
    """No `results`: the module failed before handling any run (an option, the token).

    The role registers the task with failed_when: false, so `failed` says false: the
    missing results are what tell. Every stuck run counts as failed, never as fine.
    """

    FAILED = {
        "changed": False,
        "failed": False,
        "elapsed": 0.01,
        "msg": "No Apify API token was given. Set the token option, ...",
        "error": {"kind": "configuration", "message": "No Apify API token was given."},
    }

    def test_every_stuck_run_failed_with_the_tasks_message(self):
        result = stuck_runs_summary(SPLIT, self.FAILED)
        assert result["rebooted"] == []
        assert result["failed"] == [{"run_id": run["id"], "msg": self.FAILED["msg"]} for run in SPLIT["stuck"]]
        assert result["skipped"] == SPLIT["skipped"]
        assert result["found"] == 5

    def test_without_a_message(self):
        result = stuck_runs_summary(SPLIT, {"failed": True})
        assert [f["msg"] for f in result["failed"]] == ["the reboot task failed without a message"] * 4

    def test_nothing_stuck_nothing_failed(self):
        assert stuck_runs_summary({"stuck": [], "skipped": []}, self.FAILED)["failed"] == []


def test_with_the_real_split():
    runs = [
        {
            "id": "RunA",
            "status": "RUNNING",
            "startedAt": "2026-11-28T10:00:00.000Z",
            "stats": {"memCurrentBytes": 1000 * 1024 * 1024},
            "options": {"memoryMbytes": 1024},
        },
        {"id": "RunB", "status": "SUCCEEDED", "startedAt": "2026-11-28T10:00:00.000Z"},
    ]
    split = stuck_runs(runs, 60, 90, now="2026-11-28T12:00:00Z")
    result = stuck_runs_summary(split, {"results": [entry("RunA", rebooted=True)]})
    assert result["stuck"] == ["RunA"]
    assert result["rebooted"] == ["RunA"]
    assert result["skipped"] == [{"run_id": "RunB", "reason": "status is SUCCEEDED, not RUNNING"}]


class TestBadInput:
    @pytest.mark.parametrize(
        "split",
        [
            None,
            [],
            "split",
            {},
            {"stuck": []},
            {"skipped": []},
            {"stuck": None, "skipped": []},
            {"stuck": [], "skipped": "none"},
            {"stuck": ["RunA"], "skipped": []},
        ],
    )
    def test_not_the_output_of_stuck_runs(self, split):
        with pytest.raises(AnsibleFilterError, match="stuck_runs_summary"):
            stuck_runs_summary(split)

    @pytest.mark.parametrize("reboot", ["failed", ["RunA"], 42])
    def test_reboot_not_a_dict(self, reboot):
        with pytest.raises(AnsibleFilterError, match="reboot must be the registered result"):
            stuck_runs_summary(SPLIT, reboot)

    @pytest.mark.parametrize(
        "results",
        [
            "all good",
            {"RunStuckA": True},
            [None],
            [{"run_id": "RunStuckA", "rebooted": True}],  # no failed, no msg
            [{"rebooted": True, "failed": False, "msg": "ok"}],  # no run_id
        ],
    )
    def test_results_not_as_the_module_returns_them(self, results):
        with pytest.raises(AnsibleFilterError, match="reboot.results must be a list of entries"):
            stuck_runs_summary(SPLIT, {"results": results})

    @pytest.mark.parametrize("dry_run", [None, "maybe", 2, [True]])
    def test_dry_run_not_a_boolean(self, dry_run):
        with pytest.raises(AnsibleFilterError, match="dry_run must be a boolean"):
            stuck_runs_summary(SPLIT, REBOOT, dry_run=dry_run)
