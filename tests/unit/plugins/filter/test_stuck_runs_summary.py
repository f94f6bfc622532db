# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools
import random

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.apify.platform.plugins.filter.stuck_runs import stuck_runs
from ansible_collections.apify.platform.plugins.filter.stuck_runs_summary import (
    FilterModule,
    stuck_runs_summary,
)

BUCKETS = ("rebooted", "skipped", "exhausted", "aborted", "failed")
# Every run's signals have these keys, None when unknown.
NO_SIGNALS = dict.fromkeys(("age_minutes", "memory_percent", "idle_minutes", "cpu_percent", "handled", "pending", "items", "reboot_count"))

SPLIT = {
    "stuck": [
        {"id": "RunStuckA", "status": "RUNNING"},
        {"id": "RunStuckB", "status": "RUNNING"},
        {"id": "RunStuckC", "status": "RUNNING"},
        {"id": "RunStuckD", "status": "RUNNING"},
    ],
    "skipped": [{"run_id": "RunLean", "reason": "uses 10.0% of its memory, less than 90%"}],
}


def entry(run_id, done=False, failed=False, msg=None, changed=None, verb="rebooted"):
    """One entry of apify_run_reboot's (or apify_run_abort's, verb='aborted') ``results``, as the module returns it."""
    return {
        "run_id": run_id,
        "changed": done if changed is None else changed,
        verb: done,
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
        entry("RunStuckA", done=True, msg="Run RunStuckA was rebooted (reboot count 0 -> 1)."),
        entry("RunStuckB", msg="Run RunStuckB was left alone: it has been rebooted 3 time(s)."),
        entry("RunStuckC", failed=True, msg="Apify API answered HTTP 403."),
        # rebooted, then something went wrong: changed, and failed
        entry("RunStuckD", done=True, failed=True, msg="Run RunStuckD was rebooted; it then FAILED."),
    ],
}


def bucket_of(summary):
    """{run_id: [buckets it is in]} of a summary."""
    placed = {}
    for name in BUCKETS:
        for item in summary[name]:
            placed.setdefault(item if isinstance(item, str) else item["run_id"], []).append(name)
    return placed


def assert_counts_add_up(summary):
    placed = bucket_of(summary)
    assert all(len(buckets) == 1 for buckets in placed.values()), placed
    assert summary["found"] == sum(len(summary[name]) for name in BUCKETS) == len(placed) == len(summary["runs"])
    assert {e["run_id"]: [e["outcome"]] for e in summary["runs"]} == placed


def test_registered_as_a_filter():
    assert FilterModule().filters() == {"stuck_runs_summary": stuck_runs_summary}


def test_with_reboot_results():
    result = stuck_runs_summary(SPLIT, REBOOT)
    assert_counts_add_up(result)
    assert {key: value for key, value in result.items() if key != "runs"} == {
        "found": 5,
        "stuck": ["RunStuckA", "RunStuckB", "RunStuckC", "RunStuckD"],
        "rebooted": ["RunStuckA"],
        "exhausted": [],
        "aborted": [],
        "skipped": [
            {"run_id": "RunLean", "reason": "uses 10.0% of its memory, less than 90%"},
            {"run_id": "RunStuckB", "reason": "Run RunStuckB was left alone: it has been rebooted 3 time(s)."},
        ],
        "failed": [
            {"run_id": "RunStuckC", "msg": "Apify API answered HTTP 403."},
            # in one bucket only: failed, and its message says it was rebooted first
            {"run_id": "RunStuckD", "msg": "Run RunStuckD was rebooted; it then FAILED."},
        ],
        "changed": True,
        "dry_run": False,
        "report": [
            "Looked at 5 run(s): 4 looked stuck, 1 rebooted, 0 aborted, 0 left running at the reboot limit, 2 skipped, 2 failed.",
            "Rebooted RunStuckA: Run RunStuckA was rebooted (reboot count 0 -> 1).",
            "Failed RunStuckC: Apify API answered HTTP 403.",
            "Failed RunStuckD: Run RunStuckD was rebooted; it then FAILED.",
            "Skipped RunLean: uses 10.0% of its memory, less than 90%.",
            "Skipped RunStuckB: Run RunStuckB was left alone: it has been rebooted 3 time(s).",
        ],
    }


def test_runs_in_the_order_decided_with_outcome_reason_and_signals():
    result = stuck_runs_summary(SPLIT, REBOOT)
    assert [(e["run_id"], e["outcome"]) for e in result["runs"]] == [
        ("RunLean", "skipped"),
        ("RunStuckA", "rebooted"),
        ("RunStuckB", "skipped"),
        ("RunStuckC", "failed"),
        ("RunStuckD", "failed"),
    ]
    assert result["runs"][1] == {
        "run_id": "RunStuckA",
        "outcome": "rebooted",
        "reason": "Run RunStuckA was rebooted (reboot count 0 -> 1).",
        "signals": NO_SIGNALS,
    }


def test_the_input_is_not_changed():
    split = {"stuck": list(SPLIT["stuck"]), "skipped": list(SPLIT["skipped"])}
    stuck_runs_summary(split, REBOOT)
    assert split == SPLIT


@pytest.mark.parametrize("dry_run, expected", [(True, True), (False, False), ("true", True), ("no", False), (1, True), (0, False)])
def test_dry_run(dry_run, expected):
    result = stuck_runs_summary(SPLIT, REBOOT, dry_run=dry_run)
    assert result["dry_run"] is expected
    assert result["changed"] is not expected  # the reboot task in check mode says changed: it would
    assert result["rebooted"] == ["RunStuckA"]  # in a dry run: would be rebooted


def test_dry_run_positional():
    assert stuck_runs_summary(SPLIT, REBOOT, True)["dry_run"] is True


def test_changed_only_when_a_request_acted():
    unchanged = {"results": [entry(run["id"], msg="left alone") for run in SPLIT["stuck"]]}
    assert stuck_runs_summary(SPLIT, unchanged)["changed"] is False


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
    result = stuck_runs_summary(split, reboot)
    assert {key: value for key, value in result.items() if key != "runs"} == {
        "found": 1,
        "stuck": [],
        "rebooted": [],
        "exhausted": [],
        "aborted": [],
        "skipped": SPLIT["skipped"],
        "failed": [],
        "changed": False,
        "dry_run": False,
        "report": [
            "Looked at 1 run(s): 0 looked stuck, 0 rebooted, 0 aborted, 0 left running at the reboot limit, 1 skipped, 0 failed.",
            "Skipped RunLean: uses 10.0% of its memory, less than 90%.",
        ],
    }


def test_stuck_runs_without_a_reboot_are_skipped_saying_so():
    result = stuck_runs_summary(SPLIT)
    assert result["stuck"] == ["RunStuckA", "RunStuckB", "RunStuckC", "RunStuckD"]
    assert result["rebooted"] == result["failed"] == []
    assert [e["reason"] for e in result["skipped"][1:]] == ["looked stuck, but no reboot was attempted"] * 4
    assert_counts_add_up(result)


def test_a_stuck_run_missing_from_the_results_failed():
    result = stuck_runs_summary(SPLIT, {"results": [entry("RunStuckA", done=True), entry("RunElse", done=True)]})
    assert result["rebooted"] == ["RunStuckA"]
    assert [f["run_id"] for f in result["failed"]] == ["RunStuckB", "RunStuckC", "RunStuckD"]
    assert {f["msg"] for f in result["failed"]} == {"the reboot task returned no result for this run"}
    assert_counts_add_up(result)


def test_nothing_at_all():
    assert stuck_runs_summary({"stuck": [], "skipped": []}) == {
        "found": 0,
        "stuck": [],
        "rebooted": [],
        "exhausted": [],
        "aborted": [],
        "skipped": [],
        "failed": [],
        "runs": [],
        "changed": False,
        "dry_run": False,
        "report": ["Looked at 0 run(s): 0 looked stuck, 0 rebooted, 0 aborted, 0 left running at the reboot limit, 0 skipped, 0 failed."],
    }


class TestReport:
    """The printed summary names every run, the rebooted and aborted ones first, in the words of a dry run when it is one."""

    SPLIT = {
        "stuck": [{"id": "RunStuckA"}, {"id": "RunStuckB"}],
        "exhausted": [{"id": "RunTiredA"}, {"id": "RunTiredB"}],
        "skipped": [{"run_id": "RunBusy", "reason": "uses 95.0% CPU, more than 5%"}],
    }

    def reboot(self, check_mode):
        verb = "is RUNNING and would be rebooted (check mode: no reboot was sent)." if check_mode else "was rebooted (reboot count 0 -> 1)."
        return {"results": [entry(run_id, done=True, msg="Run %s %s" % (run_id, verb)) for run_id in ("RunStuckA", "RunStuckB")]}

    def abort(self, check_mode):
        verb = "is RUNNING and would be aborted (check mode: no abort was sent)." if check_mode else "was aborted (status RUNNING -> ABORTED)."
        return {"results": [entry("RunTiredA", done=True, verb="aborted", msg="Run RunTiredA %s" % verb)]}

    def test_done(self):
        result = stuck_runs_summary(self.SPLIT, self.reboot(False), abort=self.abort(False), failed_runs=[{"run_id": "RunGone", "msg": "HTTP 404."}])
        assert result["report"] == [
            "Looked at 6 run(s): 4 looked stuck, 2 rebooted, 1 aborted, 0 left running at the reboot limit, 1 skipped, 2 failed.",
            "Rebooted RunStuckA: Run RunStuckA was rebooted (reboot count 0 -> 1).",
            "Rebooted RunStuckB: Run RunStuckB was rebooted (reboot count 0 -> 1).",
            "Aborted RunTiredA: Run RunTiredA was aborted (status RUNNING -> ABORTED).",
            "Failed RunTiredB: the abort task returned no result for this run.",
            "Failed RunGone: HTTP 404.",
            "Skipped RunBusy: uses 95.0% CPU, more than 5%.",
        ]

    def test_dry_run(self):
        result = stuck_runs_summary(self.SPLIT, self.reboot(True), dry_run=True, abort=self.abort(True))
        assert result["report"][0] == (
            "Dry run, nothing was changed. Looked at 5 run(s): 4 looked stuck, 2 would be rebooted, 1 would be aborted,"
            " 0 left running at the reboot limit, 1 skipped, 1 failed."
        )
        assert result["report"][1:4] == [
            "Would reboot RunStuckA: Run RunStuckA is RUNNING and would be rebooted (check mode: no reboot was sent).",
            "Would reboot RunStuckB: Run RunStuckB is RUNNING and would be rebooted (check mode: no reboot was sent).",
            "Would abort RunTiredA: Run RunTiredA is RUNNING and would be aborted (check mode: no abort was sent).",
        ]
        assert not any(line.startswith(("Rebooted", "Aborted")) for line in result["report"])

    def test_exhausted_left_running(self):
        result = stuck_runs_summary(stuck_runs([{"id": "RunTired", "status": "RUNNING", "stats": {"rebootCount": 3}}], max_reboot_count=3))
        assert (
            result["report"][1] == "Left running RunTired (reboot limit): looks stuck, but has been rebooted 3 time(s), which has reached max_reboot_count=3."
        )
        dry = stuck_runs_summary(stuck_runs([{"id": "RunTired", "status": "RUNNING", "stats": {"rebootCount": 3}}], max_reboot_count=3), dry_run=True)
        assert dry["report"][1].startswith("Would leave running RunTired (reboot limit): ")

    @pytest.mark.parametrize("reason", [None, "", "  "])
    def test_no_reason(self, reason):
        result = stuck_runs_summary({"stuck": [], "skipped": [{"run_id": "RunX", "reason": reason}]})
        assert result["report"][1] == "Skipped RunX."

    def test_one_line_per_run_without_stray_spaces(self):
        reason = "first line.\n  second   line.  "
        result = stuck_runs_summary({"stuck": [], "skipped": [{"run_id": "RunX", "reason": reason}]})
        assert result["report"][1] == "Skipped RunX: first line. second line."
        assert all("  " not in line and line == line.strip() for line in result["report"])


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
        assert_counts_add_up(result)

    def test_without_a_message(self):
        result = stuck_runs_summary(SPLIT, {"failed": True})
        assert [f["msg"] for f in result["failed"]] == ["the reboot task failed without a message"] * 4

    def test_nothing_stuck_nothing_failed(self):
        assert stuck_runs_summary({"stuck": [], "skipped": []}, self.FAILED)["failed"] == []


ESCALATED = {
    "stuck": [{"id": "RunStuck1"}],
    "exhausted": [{"id": "RunTired1"}, {"id": "RunTired2"}, {"id": "RunTired3"}],
    "skipped": [{"run_id": "RunBusy1", "reason": "uses 80.0% CPU, more than 5%"}],
    "decisions": [
        {"run_id": "RunBusy1", "verdict": "skipped", "reason": "uses 80.0% CPU, more than 5%", "signals": {"cpu_percent": 80.0}},
        {"run_id": "RunStuck1", "verdict": "stuck", "reason": None, "signals": {"idle_minutes": 120.0, "reboot_count": 0}},
        {"run_id": "RunTired1", "verdict": "exhausted", "reason": "looks stuck, but has been rebooted 3 time(s), ...", "signals": {"reboot_count": 3}},
        {"run_id": "RunTired2", "verdict": "exhausted", "reason": "looks stuck, but has been rebooted 4 time(s), ...", "signals": {"reboot_count": 4}},
        {"run_id": "RunTired3", "verdict": "exhausted", "reason": "looks stuck, but has been rebooted 3 time(s), ...", "signals": {"reboot_count": 3}},
    ],
}
REBOOTED_ONE = {"results": [entry("RunStuck1", done=True)]}


class TestEscalation:
    def test_exhausted_runs_are_left_running_without_an_abort(self):
        result = stuck_runs_summary(ESCALATED, REBOOTED_ONE)
        assert result["stuck"] == ["RunStuck1", "RunTired1", "RunTired2", "RunTired3"]
        assert result["rebooted"] == ["RunStuck1"]
        assert result["exhausted"] == ["RunTired1", "RunTired2", "RunTired3"]
        assert result["aborted"] == []
        assert result["runs"][2] == {
            "run_id": "RunTired1",
            "outcome": "exhausted",
            "reason": "looks stuck, but has been rebooted 3 time(s), ...",
            "signals": dict(NO_SIGNALS, reboot_count=3),
        }
        assert_counts_add_up(result)

    @pytest.mark.parametrize("abort", [None, {}, {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}])
    def test_a_skipped_abort_leaves_them_exhausted(self, abort):
        assert stuck_runs_summary(ESCALATED, REBOOTED_ONE, abort=abort)["exhausted"] == ["RunTired1", "RunTired2", "RunTired3"]

    def test_aborted(self):
        abort = {
            "results": [
                entry("RunTired1", done=True, verb="aborted", msg="Run RunTired1 was aborted (status RUNNING -> ABORTED)."),
                entry("RunTired2", verb="aborted", msg="Run RunTired2 was left alone: ... finished with status SUCCEEDED"),
                entry("RunTired3", failed=True, verb="aborted", msg="Apify API answered HTTP 403."),
            ]
        }
        result = stuck_runs_summary(ESCALATED, REBOOTED_ONE, abort=abort)
        assert result["exhausted"] == []
        assert result["aborted"] == ["RunTired1"]
        assert result["skipped"][1] == {"run_id": "RunTired2", "reason": "Run RunTired2 was left alone: ... finished with status SUCCEEDED"}
        assert result["failed"] == [{"run_id": "RunTired3", "msg": "Apify API answered HTTP 403."}]
        assert result["runs"][2]["signals"] == dict(NO_SIGNALS, reboot_count=3)
        assert result["changed"] is True
        assert_counts_add_up(result)

    def test_abort_task_failed_as_a_whole(self):
        result = stuck_runs_summary(ESCALATED, REBOOTED_ONE, abort={"msg": "No Apify API token was given."})
        assert [f["run_id"] for f in result["failed"]] == ["RunTired1", "RunTired2", "RunTired3"]
        assert result["rebooted"] == ["RunStuck1"]
        assert_counts_add_up(result)

    def test_dry_run_abort(self):
        abort = {"results": [entry(run_id, done=True, verb="aborted") for run_id in ("RunTired1", "RunTired2", "RunTired3")]}
        result = stuck_runs_summary(ESCALATED, REBOOTED_ONE, dry_run=True, abort=abort)
        assert result["aborted"] == ["RunTired1", "RunTired2", "RunTired3"]  # would be
        assert result["changed"] is False

    def test_positional(self):
        abort = {"results": [entry(run_id, done=True, verb="aborted") for run_id in ("RunTired1", "RunTired2", "RunTired3")]}
        assert stuck_runs_summary(ESCALATED, REBOOTED_ONE, False, abort)["aborted"] == ["RunTired1", "RunTired2", "RunTired3"]


class TestUnreadableRuns:
    FAILED_RUNS = [
        {"run_id": "RunOdd00001", "msg": "The answer to GET /v2/actor-runs/RunOdd00001 lacks data.stats.", "error": {"kind": "response"}},
        {"run_id": "RunGone0001", "msg": "Apify API answered HTTP 404.", "error": {"kind": "api", "status": 404}},
        {"run_id": "RunOdd00001", "msg": "the same run, failed twice"},
    ]

    def test_counted_as_failed_once_each(self):
        result = stuck_runs_summary(SPLIT, REBOOT, failed_runs=self.FAILED_RUNS)
        assert result["failed"][-2:] == [
            {"run_id": "RunOdd00001", "msg": "The answer to GET /v2/actor-runs/RunOdd00001 lacks data.stats."},
            {"run_id": "RunGone0001", "msg": "Apify API answered HTTP 404."},
        ]
        assert result["found"] == 7
        assert result["runs"][-1] == {"run_id": "RunGone0001", "outcome": "failed", "reason": "Apify API answered HTTP 404.", "signals": NO_SIGNALS}
        assert_counts_add_up(result)

    def test_a_failed_second_read_replaces_the_skip(self):
        split = {"stuck": [], "skipped": [{"run_id": "RunGone0001", "reason": "it was not read a second time, so its progress cannot be compared"}]}
        result = stuck_runs_summary(split, failed_runs=self.FAILED_RUNS[1:2])
        assert result["skipped"] == []
        assert result["failed"] == [{"run_id": "RunGone0001", "msg": "Apify API answered HTTP 404."}]
        assert_counts_add_up(result)

    def test_a_run_read_and_acted_on_is_not_failed(self):
        result = stuck_runs_summary(SPLIT, REBOOT, failed_runs=[{"run_id": "RunStuckA", "msg": "another read of it failed"}])
        assert result["rebooted"] == ["RunStuckA"]
        assert "RunStuckA" not in [f["run_id"] for f in result["failed"]]
        assert_counts_add_up(result)

    @pytest.mark.parametrize("failed_runs", ["RunOdd", [None], [{"msg": "no run_id"}], {"run_id": "A"}])
    def test_not_as_apify_run_info_returns_them(self, failed_runs):
        with pytest.raises(AnsibleFilterError, match="failed_runs must be a list"):
            stuck_runs_summary(SPLIT, REBOOT, failed_runs=failed_runs)


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
    result = stuck_runs_summary(split, {"results": [entry("RunA", done=True)]})
    assert result["stuck"] == ["RunA"]
    assert result["rebooted"] == ["RunA"]
    assert result["skipped"] == [{"run_id": "RunB", "reason": "status is SUCCEEDED, not RUNNING"}]
    assert result["runs"][0]["signals"]["age_minutes"] == 120.0
    assert result["runs"][0]["signals"]["memory_percent"] == 97.7


def progress(handled, items, idle, cpu=0.5, error=None):
    return {
        "request_queue": {"handled": handled, "pending": 10, "total": handled + 10, "modified_at": "2026-11-28T10:00:00.000Z"},
        "dataset": {"items": items, "modified_at": "2026-11-28T10:00:00.000Z"},
        "last_change_at": "2026-11-28T10:00:00.000Z",
        "idle_minutes": idle,
        "cpu_percent": cpu,
        "error": error,
    }


def fleet(rng, size):
    """Random runs, each read twice: any status, reboot count, idle time, CPU, growth, unreadable progress."""
    first, second = [], []
    for number in range(size):
        run_id = "Run%014d" % number
        status = rng.choice(["RUNNING"] * 4 + ["SUCCEEDED", "READY", "ABORTING"])
        handled, items = rng.choice([0, 50, 50]), rng.choice([0, 40, 40])
        base = {"id": run_id, "status": status, "startedAt": "2026-11-28T%02d:00:00.000Z" % rng.randint(0, 11), "stats": {"rebootCount": rng.randint(0, 4)}}
        base["options"] = {"memoryMbytes": 1024}
        base["stats"]["memCurrentBytes"] = rng.randint(256, 1024) * 1024 * 1024
        readable = rng.random() > 0.1
        first.append(
            dict(base, progress=progress(handled, items, rng.choice([1.0, 90.0, 90.0]), rng.choice([0.5, 0.5, 80.0]), None if readable else "HTTP 404"))
        )
        if rng.random() > 0.1:  # sometimes not read again
            grow = rng.choice([0, 0, 5])
            second.append(dict(base, status=rng.choice([status, status, "SUCCEEDED"]), progress=progress(handled + grow, items, 91.0, rng.choice([0.5, 80.0]))))
    return first, second


def outcomes(rng, run_ids, verb):
    """Random per-run results of an action task, or the task failing as a whole."""
    if rng.random() < 0.1:
        return {"msg": "the task failed"}
    results = []
    for run_id in run_ids:
        done, failed = rng.choice([(True, False), (False, False), (False, True), (True, True)])
        if rng.random() > 0.05:  # sometimes missing
            results.append(entry(run_id, done=done, failed=failed, verb=verb))
    return {"results": results}


@pytest.mark.parametrize("seed", range(60))
def test_every_run_found_is_in_exactly_one_bucket(seed):
    rng = random.Random(seed)
    first, second = fleet(rng, rng.randint(0, 25))
    criteria = rng.choice(
        [
            {},
            {"max_reboot_count": 1},
            {"min_idle_minutes": 60, "max_reboot_count": 2},
            {"max_cpu_percent": 5, "max_reboot_count": 3},
            {"min_age_minutes": 60, "min_memory_percent": 50, "min_idle_minutes": 60, "max_cpu_percent": 5, "max_reboot_count": 2},
        ]
    )
    later = second if rng.random() < 0.5 else None
    split = stuck_runs(first, now="2026-11-28T12:00:00Z", later=later, **criteria)
    reboot = outcomes(rng, [run["id"] for run in split["stuck"]], "rebooted") if split["stuck"] else {"skipped": True}
    abort = (
        rng.choice(
            [None, outcomes(rng, [run["id"] for run in split["exhausted"]], "aborted"), outcomes(rng, [run["id"] for run in split["exhausted"]], "aborted")]
        )
        if split["exhausted"]
        else None
    )
    unreadable = [{"run_id": "Unread%011d" % n, "msg": "HTTP 500"} for n in range(rng.randint(0, 3))]
    unreadable += [{"run_id": e["run_id"], "msg": "second read: HTTP 500"} for e in split["skipped"] if rng.random() < 0.2]
    result = stuck_runs_summary(split, reboot, rng.random() < 0.3, abort, unreadable)
    assert_counts_add_up(result)
    assert result["found"] == len(first) + len({u["run_id"] for u in unreadable if u["run_id"].startswith("Unread")})
    assert result["stuck"] == [run["id"] for run in split["stuck"] + split["exhausted"]]
    if result["dry_run"]:
        assert result["changed"] is False


@pytest.mark.parametrize("abort_given, reboot_fails", list(itertools.product([False, True], [False, True])))
def test_counts_add_up_in_every_shape(abort_given, reboot_fails):
    reboot = {"msg": "no token"} if reboot_fails else REBOOTED_ONE
    abort = {"results": [entry(run["id"], done=True, verb="aborted") for run in ESCALATED["exhausted"]]} if abort_given else None
    assert_counts_add_up(stuck_runs_summary(ESCALATED, reboot, abort=abort, failed_runs=[{"run_id": "RunGone", "msg": "404"}]))


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
            {"stuck": [], "skipped": [], "exhausted": "RunA"},
            {"stuck": [], "skipped": [], "exhausted": ["RunA"]},
        ],
    )
    def test_not_the_output_of_stuck_runs(self, split):
        with pytest.raises(AnsibleFilterError, match="stuck_runs_summary"):
            stuck_runs_summary(split)

    @pytest.mark.parametrize("decisions", ["all", [None], [{"run_id": "A"}], {"A": "stuck"}])
    def test_decisions_not_as_stuck_runs_gives_them(self, decisions):
        with pytest.raises(AnsibleFilterError, match="decisions must be a list"):
            stuck_runs_summary({"stuck": [], "skipped": [], "decisions": decisions})

    @pytest.mark.parametrize("reboot", ["failed", ["RunA"], 42])
    def test_reboot_not_a_dict(self, reboot):
        with pytest.raises(AnsibleFilterError, match="reboot must be the registered result"):
            stuck_runs_summary(SPLIT, reboot)

    @pytest.mark.parametrize("abort", ["failed", ["RunA"], 42])
    def test_abort_not_a_dict(self, abort):
        with pytest.raises(AnsibleFilterError, match="abort must be the registered result"):
            stuck_runs_summary(ESCALATED, abort=abort)

    @pytest.mark.parametrize(
        "results",
        [
            "all good",
            {"RunStuckA": True},
            [None],
            [{"run_id": "RunStuckA", "rebooted": True}],  # no failed, no msg
            [{"rebooted": True, "failed": False, "msg": "ok"}],  # no run_id
            [{"run_id": "RunStuckA", "aborted": True, "failed": False, "msg": "ok"}],  # an abort result
        ],
    )
    def test_results_not_as_the_module_returns_them(self, results):
        with pytest.raises(AnsibleFilterError, match="reboot.results must be a list of entries"):
            stuck_runs_summary(SPLIT, {"results": results})

    def test_abort_results_not_as_the_module_returns_them(self):
        with pytest.raises(AnsibleFilterError, match="abort.results must be a list of entries with run_id, aborted, failed, msg"):
            stuck_runs_summary(ESCALATED, abort={"results": [entry("RunTired1", done=True)]})

    @pytest.mark.parametrize("dry_run", [None, "maybe", 2, [True]])
    def test_dry_run_not_a_boolean(self, dry_run):
        with pytest.raises(AnsibleFilterError, match="dry_run must be a boolean"):
            stuck_runs_summary(SPLIT, REBOOT, dry_run=dry_run)
