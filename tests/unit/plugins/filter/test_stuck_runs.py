# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timedelta, timezone

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.apify.platform.plugins.filter.stuck_runs import (
    FilterModule,
    cpu_percent,
    memory_percent,
    parse_time,
    stuck_runs,
)
from ansible_collections.apify.platform.plugins.module_utils._progress import progress as progress_fact

NOW = "2026-11-28T12:00:00.000Z"
MB = 1024 * 1024


def run(run_id="3KH8gEpp4d8uQSe8T", status="RUNNING", minutes=120, memory_mb=1024, used_mb=950, **extra):
    """A full run object started ``minutes`` before NOW, using ``used_mb`` of ``memory_mb``."""
    started = datetime(2026, 11, 28, 12, tzinfo=timezone.utc) - timedelta(minutes=minutes)
    value = {
        "id": run_id,
        "status": status,
        "startedAt": started.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (started.microsecond // 1000),
        "stats": {"rebootCount": 0, "memCurrentBytes": None if used_mb is None else int(used_mb * MB)},
        "options": {"memoryMbytes": memory_mb},
    }
    value.update(extra)
    return value


def progress(handled=120, pending=80, items=118, idle=120.0, cpu=0.5, error=None, queue=True, dataset=True):
    """A run's ``progress`` as apify_run_info returns it with progress=true (a stalled crawler by default)."""
    return {
        "request_queue": {"handled": handled, "pending": pending, "total": handled + pending, "modified_at": "2026-11-28T10:00:00.000Z"} if queue else None,
        "dataset": {"items": items, "modified_at": "2026-11-28T10:00:00.000Z"} if dataset else None,
        "last_change_at": "2026-11-28T10:00:00.000Z",
        "idle_minutes": idle,
        "cpu_percent": cpu,
        "error": error,
    }


def ids(runs):
    return [r["id"] for r in runs]


def reasons(result):
    return {entry["run_id"]: entry["reason"] for entry in result["skipped"]}


def test_registered_as_a_filter():
    assert FilterModule().filters() == {"stuck_runs": stuck_runs}


def test_no_criteria_every_running_run_is_stuck():
    runs = [run("A"), run("B", status="SUCCEEDED"), run("C", minutes=0, used_mb=0)]
    result = stuck_runs(runs, now=NOW)
    assert ids(result["stuck"]) == ["A", "C"]
    assert result["skipped"] == [{"run_id": "B", "reason": "status is SUCCEEDED, not RUNNING"}]


def test_stuck_runs_are_returned_whole_and_in_order():
    runs = [run("B"), run("A")]
    result = stuck_runs(runs, 60, 90, now=NOW)
    assert result["stuck"] == runs
    assert result["skipped"] == []


def test_empty_list():
    assert stuck_runs([], 60, 90, now=NOW) == {"stuck": [], "exhausted": [], "skipped": [], "decisions": []}


@pytest.mark.parametrize("status", ["READY", "SUCCEEDED", "FAILED", "TIMING-OUT", "TIMED-OUT", "ABORTING", "ABORTED", None])
def test_runs_not_running_are_never_stuck(status):
    result = stuck_runs([run("A", status=status, minutes=10000, used_mb=1024)], 1, 1, now=NOW)
    assert result["stuck"] == []
    assert reasons(result) == {"A": "status is %s, not RUNNING" % status}


def test_age_only():
    runs = [run("OLD", minutes=61, used_mb=0), run("EXACT", minutes=60, used_mb=0), run("YOUNG", minutes=59, used_mb=0)]
    result = stuck_runs(runs, min_age_minutes=60, now=NOW)
    assert ids(result["stuck"]) == ["OLD", "EXACT"]  # "at least" this many minutes
    assert reasons(result) == {"YOUNG": "running for 59.0 minutes, less than 60"}


def test_memory_only():
    runs = [run("HUNGRY", minutes=0, used_mb=1000), run("EXACT", memory_mb=1000, used_mb=900), run("LEAN", used_mb=512)]
    result = stuck_runs(runs, min_memory_percent=90, now=NOW)
    assert ids(result["stuck"]) == ["HUNGRY", "EXACT"]
    assert reasons(result) == {"LEAN": "uses 50.0% of its memory, less than 90%"}


def test_memory_percent_uses_the_runs_own_limit():
    runs = [run("SMALL", memory_mb=1024, used_mb=1000), run("BIG", memory_mb=4096, used_mb=1000)]
    result = stuck_runs(runs, min_memory_percent=90, now=NOW)
    assert ids(result["stuck"]) == ["SMALL"]
    assert reasons(result)["BIG"].startswith("uses 24.4% of its memory")


@pytest.mark.parametrize(
    "minutes, used_mb, stuck",
    [
        (120, 950, True),  # old and hungry
        (120, 100, False),  # old, lean
        (10, 950, False),  # young, hungry
        (10, 100, False),  # young, lean
    ],
)
def test_both_criteria_must_hold(minutes, used_mb, stuck):
    result = stuck_runs([run("A", minutes=minutes, used_mb=used_mb)], 60, 90, now=NOW)
    assert bool(result["stuck"]) is stuck
    assert len(result["stuck"]) + len(result["skipped"]) == 1


def test_the_first_failed_criterion_is_the_reason():
    result = stuck_runs([run("A", minutes=10, used_mb=100)], 60, 90, now=NOW)
    assert reasons(result)["A"].startswith("running for 10.0 minutes")


def test_fractional_and_string_criteria():
    runs = [run("A", minutes=1, used_mb=512)]
    assert ids(stuck_runs(runs, 0.5, 49.5, now=NOW)["stuck"]) == ["A"]
    # Extra vars (-e, AWX) arrive as strings: they are numbers all the same.
    assert ids(stuck_runs(runs, "0.5", " 49.5 ", now=NOW)["stuck"]) == ["A"]
    assert reasons(stuck_runs(runs, "2", None, now=NOW)) == {"A": "running for 1.0 minutes, less than 2"}


def test_zero_criteria_are_applied():
    # 0 is a criterion, not "no criterion": it still needs a readable start and memory use.
    result = stuck_runs([run("A", startedAt="yesterday"), run("B", stats={})], 0, 0, now=NOW)
    assert reasons(result) == {
        "A": "age unknown: its start time (startedAt) 'yesterday' is not an ISO 8601 time",
        "B": "its memory use is unknown (stats.memCurrentBytes or options.memoryMbytes missing)",
    }


class TestNow:
    def test_defaults_to_the_current_time(self):
        recent = (datetime.now(timezone.utc) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        result = stuck_runs([run("A", startedAt=recent)], min_age_minutes=4)
        assert ids(result["stuck"]) == ["A"]
        result = stuck_runs([run("A", startedAt=recent)], min_age_minutes=6)
        assert reasons(result)["A"].startswith("running for 5.0 minutes")

    @pytest.mark.parametrize(
        "now",
        [
            "2026-11-28T12:00:00.000Z",
            "2026-11-28T12:00:00Z",
            "2026-11-28T12:00:00",  # no offset: UTC
            "2026-11-28T13:00:00+01:00",
            "2026-11-28T12:00:00.000+00:00",
            datetime(2026, 11, 28, 12, tzinfo=timezone.utc),
            datetime(2026, 11, 28, 12),  # naive datetime: UTC
        ],
    )
    def test_forms_of_now(self, now):
        result = stuck_runs([run("A", minutes=30, used_mb=0)], min_age_minutes=30, now=now)
        assert ids(result["stuck"]) == ["A"]
        result = stuck_runs([run("A", minutes=30, used_mb=0)], min_age_minutes=31, now=now)
        assert reasons(result) == {"A": "running for 30.0 minutes, less than 31"}

    def test_a_run_started_a_little_after_now_is_new(self):
        # Within the clock-skew allowance (5 minutes): a run that has just started, 0 minutes old.
        result = stuck_runs([run("A", minutes=-5)], min_age_minutes=0, now=NOW)
        assert ids(result["stuck"]) == ["A"]
        assert result["decisions"][0]["signals"]["age_minutes"] == 0.0
        result = stuck_runs([run("A", minutes=-5)], min_age_minutes=0.1, now=NOW)
        assert reasons(result) == {"A": "running for 0.0 minutes, less than 0.1"}

    def test_a_run_started_far_after_now_has_no_age(self):
        result = stuck_runs([run("A", minutes=-6)], min_age_minutes=0, now=NOW)
        assert reasons(result) == {"A": "age unknown: its start time (startedAt) '2026-11-28T12:06:00.000Z' is in the future"}
        assert result["decisions"][0]["signals"]["age_minutes"] is None

    @pytest.mark.parametrize("now", ["", "noon", "2026-13-01T00:00:00Z", 1764331200, ["2026-11-28T12:00:00Z"]])
    def test_unreadable_now(self, now):
        with pytest.raises(AnsibleFilterError, match="is not an ISO 8601 time"):
            stuck_runs([run("A")], 60, now=now)


class TestUnreadableTimes:
    @pytest.mark.parametrize("started", [None, "", "soon", "2026-02-30T00:00:00Z", 1764331200, {"at": "now"}])
    def test_unreadable_start_is_not_stuck_when_age_matters(self, started):
        result = stuck_runs([run("A", startedAt=started)], min_age_minutes=1, now=NOW)
        assert result["stuck"] == []
        assert reasons(result) == {"A": "age unknown: its start time (startedAt) %r is not an ISO 8601 time" % (started,)}

    @pytest.mark.parametrize(
        "started, why",
        [
            ("0001-01-01T00:00:00Z", "is before Apify existed (2015)"),  # Go's zero time: "a million minutes old"
            ("0001-01-01T00:00:00.000Z", "is before Apify existed (2015)"),
            ("1970-01-01T00:00:00Z", "is before Apify existed (2015)"),
            ("2014-12-31T23:59:59Z", "is before Apify existed (2015)"),
            ("9999-12-31T23:59:59Z", "is in the future"),
            ("2026-11-28T12:05:01Z", "is in the future"),  # beyond the 5-minute clock-skew allowance
        ],
    )
    def test_implausible_start_is_unknown_age(self, started, why):
        result = stuck_runs([run("A", startedAt=started)], min_age_minutes=60, now=NOW)
        assert result["stuck"] == []
        assert reasons(result) == {"A": "age unknown: its start time (startedAt) %r %s" % (started, why)}
        assert result["decisions"][0]["signals"]["age_minutes"] is None

    @pytest.mark.parametrize("started", ["2015-01-01T00:00:00Z", "2026-11-28T12:05:00Z"])
    def test_the_bounds_themselves_are_plausible(self, started):
        assert ids(stuck_runs([run("A", startedAt=started)], min_age_minutes=0, now=NOW)["stuck"]) == ["A"]

    def test_a_long_unreadable_start_is_cut_in_the_reason(self):
        result = stuck_runs([run("A", startedAt="x" * 500)], min_age_minutes=60, now=NOW)
        assert reasons(result) == {"A": "age unknown: its start time (startedAt) %r is not an ISO 8601 time" % ("x" * 40)}

    def test_missing_start(self):
        value = run("A")
        del value["startedAt"]
        assert reasons(stuck_runs([value], 1, now=NOW)) == {"A": "age unknown: its start time (startedAt) None is not an ISO 8601 time"}

    def test_unreadable_start_does_not_matter_without_an_age_criterion(self):
        result = stuck_runs([run("A", startedAt="soon")], min_memory_percent=90, now=NOW)
        assert ids(result["stuck"]) == ["A"]

    @pytest.mark.parametrize(
        "text, expected",
        [
            ("2026-11-28T07:34:24.202Z", datetime(2026, 11, 28, 7, 34, 24, 202000, tzinfo=timezone.utc)),
            ("2026-11-28T07:34:24Z", datetime(2026, 11, 28, 7, 34, 24, tzinfo=timezone.utc)),
            ("2026-11-28T08:34:24+01:00", datetime(2026, 11, 28, 7, 34, 24, tzinfo=timezone.utc)),
            ("not a time", None),
            (None, None),
        ],
    )
    def test_parse_time(self, text, expected):
        assert parse_time(text) == expected


class TestMissingMemoryFields:
    UNKNOWN = "its memory use is unknown (stats.memCurrentBytes or options.memoryMbytes missing)"

    @pytest.mark.parametrize(
        "changes",
        [
            {"stats": {"rebootCount": 0}},  # no memCurrentBytes
            {"stats": None},
            {"stats": "lots"},
            {"options": {}},  # no memoryMbytes
            {"options": None},
            {"options": {"memoryMbytes": 0}},  # a zero limit
            {"options": {"memoryMbytes": "1024"}},
            {"stats": {"memCurrentBytes": "1000000000"}},
            {"stats": {"memCurrentBytes": True}},  # a bool is not a number
            {"stats": {"memCurrentBytes": -1}},
        ],
    )
    def test_unknown_memory_is_not_stuck_when_memory_matters(self, changes):
        result = stuck_runs([run("A", **changes)], min_memory_percent=1, now=NOW)
        assert result["stuck"] == []
        assert reasons(result) == {"A": self.UNKNOWN}

    def test_missing_keys(self):
        value = run("A")
        del value["stats"]
        del value["options"]
        assert memory_percent(value) is None
        assert reasons(stuck_runs([value], min_memory_percent=1, now=NOW)) == {"A": self.UNKNOWN}

    def test_unknown_memory_does_not_matter_without_a_memory_criterion(self):
        result = stuck_runs([run("A", stats={})], min_age_minutes=60, now=NOW)
        assert ids(result["stuck"]) == ["A"]

    def test_memory_percent(self):
        assert memory_percent(run(memory_mb=2048, used_mb=1024)) == 50.0
        assert memory_percent(run(memory_mb=1024, used_mb=0)) == 0.0


class TestBadInput:
    @pytest.mark.parametrize("runs", [None, "runs", {"id": "A"}, [run("A"), "B"], [None], ({"id": "A"},)])
    def test_not_a_list_of_runs(self, runs):
        with pytest.raises(AnsibleFilterError, match="expects a list of run objects"):
            stuck_runs(runs)

    @pytest.mark.parametrize("value", ["soon", "", "  ", True, [60], {"minutes": 60}, float("nan"), float("inf"), "nan"])
    @pytest.mark.parametrize("name", ["min_age_minutes", "min_memory_percent"])
    def test_criteria_must_be_numbers(self, name, value):
        with pytest.raises(AnsibleFilterError, match="%s must be a number or null" % name):
            stuck_runs([run("A")], now=NOW, **{name: value})

    def test_bad_criteria_fail_even_without_runs(self):
        with pytest.raises(AnsibleFilterError):
            stuck_runs([], min_age_minutes="soon")

    def test_a_run_without_id(self):
        value = run(status="FAILED")
        del value["id"]
        assert stuck_runs([value], now=NOW)["skipped"] == [{"run_id": None, "reason": "status is FAILED, not RUNNING"}]


class TestIdle:
    def test_stalled_matches_active_does_not(self):
        runs = [run("STALLED", progress=progress(idle=120)), run("ACTIVE", progress=progress(idle=0.2, cpu=80))]
        result = stuck_runs(runs, min_idle_minutes=60, now=NOW)
        assert ids(result["stuck"]) == ["STALLED"]
        assert reasons(result) == {"ACTIVE": "its request queue or dataset changed 0.2 minutes ago, less than 60"}

    def test_at_least(self):
        runs = [run("EXACT", progress=progress(idle=60)), run("JUST", progress=progress(idle=59.96))]
        result = stuck_runs(runs, min_idle_minutes="60", now=NOW)
        assert ids(result["stuck"]) == ["EXACT"]
        assert reasons(result) == {"JUST": "its request queue or dataset changed 60.0 minutes ago, less than 60"}

    def test_an_old_run_that_just_pushed_an_item_is_not_idle(self):
        result = stuck_runs([run("A", minutes=600, progress=progress(idle=1))], min_idle_minutes=30, now=NOW)
        assert reasons(result)["A"].startswith("its request queue or dataset changed 1.0 minutes ago")

    @pytest.mark.parametrize(
        "changes, reason",
        [
            ({}, "it has no progress facts (read it with apify.platform.apify_run_info progress=true)"),
            ({"progress": None}, "its progress facts are not readable (None)"),
            ({"progress": "stalled"}, "its progress facts are not readable ('stalled')"),
            (
                {"progress": progress(queue=False, idle=120, error="request queue: HTTP 404 (record-not-found)")},
                "its progress could not be read: request queue: HTTP 404 (record-not-found)",
            ),
            (
                {"progress": progress(queue=False, dataset=False, idle=None, error="both storages: HTTP 500")},
                "its progress could not be read: both storages: HTTP 500",
            ),
            ({"progress": progress(queue=False)}, "its progress facts lack the request queue's or the dataset's counters"),
            ({"progress": progress(dataset=False)}, "its progress facts lack the request queue's or the dataset's counters"),
            ({"progress": dict(progress(), dataset={"items": "118"})}, "its progress facts lack the request queue's or the dataset's counters"),
            (
                {"progress": dict(progress(), request_queue={"handled": -1, "total": 5})},
                "its progress facts lack the request queue's or the dataset's counters",
            ),
            ({"progress": progress(idle=None)}, "its idle time is unknown (progress.idle_minutes missing)"),
            ({"progress": progress(idle="120")}, "its idle time is unknown (progress.idle_minutes missing)"),
            ({"progress": progress(idle=True)}, "its idle time is unknown (progress.idle_minutes missing)"),
            ({"progress": progress(idle=-5.0)}, "its idle time is unknown (progress.idle_minutes missing)"),
            ({"progress": progress(idle=float("inf"))}, "its idle time is unknown (progress.idle_minutes missing)"),
            ({"progress": progress(idle=float("nan"))}, "its idle time is unknown (progress.idle_minutes missing)"),
            # apify_run_info says why it is unknown: that reason is given.
            (
                {"progress": dict(progress(idle=None), idle_unknown_reason="idle time unknown: its default dataset's modifiedAt '' is not an ISO 8601 time")},
                "idle time unknown: its default dataset's modifiedAt '' is not an ISO 8601 time",
            ),
            (
                {"progress": dict(progress(idle=None), untouched=True)},
                "it has never used its default request queue or dataset (both empty), so they cannot show whether it is stuck",
            ),
        ],
    )
    def test_without_usable_progress_never_matches(self, changes, reason):
        result = stuck_runs([run("A", **changes)], min_idle_minutes=0, now=NOW)
        assert result["stuck"] == []
        assert reasons(result) == {"A": reason}

    def test_untouched_storages_say_nothing(self):
        # Nothing ever enqueued or pushed: an Actor that keeps its work elsewhere looks exactly like this.
        result = stuck_runs([run("A", progress=progress(handled=0, pending=0, items=0, idle=120))], min_idle_minutes=60, now=NOW)
        assert reasons(result) == {"A": "it has never used its default request queue or dataset (both empty), so they cannot show whether it is stuck"}

    def test_a_used_queue_with_an_empty_dataset_is_judged(self):
        result = stuck_runs([run("A", progress=progress(handled=0, pending=5, items=0, idle=120))], min_idle_minutes=60, now=NOW)
        assert ids(result["stuck"]) == ["A"]

    def test_not_applied_when_null(self):
        assert ids(stuck_runs([run("A")], min_idle_minutes=None, now=NOW)["stuck"]) == ["A"]


class TestOddStorageTimes:
    """The progress facts apify_run_info builds (``_progress.progress``), judged: odd times are never idle."""

    @staticmethod
    def read(queue_modified, dataset_modified, started="2026-11-28T09:00:00.000Z"):
        value = run("A", startedAt=started, defaultRequestQueueId="Q", defaultDatasetId="D")
        storages = {
            "request-queue": {"id": "Q", "modifiedAt": queue_modified, "handledRequestCount": 120, "pendingRequestCount": 80, "totalRequestCount": 200},
            "dataset": {"id": "D", "modifiedAt": dataset_modified, "itemCount": 118},
        }
        value["progress"] = progress_fact(value, storages, parse_time(NOW))
        return value

    def test_plausible_times_are_judged(self):
        result = stuck_runs([self.read("2026-11-28T10:00:00.000Z", "2026-11-28T09:30:00.000Z")], min_idle_minutes=60, now=NOW)
        assert ids(result["stuck"]) == ["A"]
        assert result["decisions"][0]["signals"]["idle_minutes"] == 120.0

    @pytest.mark.parametrize(
        "queue_modified, dataset_modified, why",
        [
            # Before: judged by the request queue alone, and rebooted.
            (
                "2026-11-28T10:00:00.000Z",
                "Sat, 28 Nov 2026 11:59:00 GMT",
                "its default dataset's modifiedAt 'Sat, 28 Nov 2026 11:59:00 GMT' is not an ISO 8601 time",
            ),
            ("2026-11-28T10:00:00.000Z", "1764331140000", "its default dataset's modifiedAt '1764331140000' is not an ISO 8601 time"),
            ("2026-11-28T10:00:00.000Z", "", "its default dataset's modifiedAt '' is not an ISO 8601 time"),
            # Before: a million minutes idle, and rebooted.
            ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "its default request queue's modifiedAt '0001-01-01T00:00:00Z' is before Apify existed (2015)"),
            ("2026-11-28T10:00:00.000Z", "2026-11-28T08:00:00.000Z", "its default dataset's modifiedAt '2026-11-28T08:00:00.000Z' is before the run started"),
        ],
    )
    def test_odd_times_make_the_run_not_idle(self, queue_modified, dataset_modified, why):
        result = stuck_runs([self.read(queue_modified, dataset_modified)], min_idle_minutes=60, now=NOW)
        assert result["stuck"] == [] and result["exhausted"] == []
        assert reasons(result) == {"A": "idle time unknown: " + why}
        assert result["decisions"][0]["signals"]["idle_minutes"] is None

    def test_a_start_in_year_one_is_neither_old_nor_idle(self):
        value = self.read("2026-11-28T10:00:00.000Z", "2026-11-28T09:30:00.000Z", started="0001-01-01T00:00:00Z")
        why = "its start time (startedAt) '0001-01-01T00:00:00Z' is before Apify existed (2015)"
        assert reasons(stuck_runs([value], min_age_minutes=60, now=NOW)) == {"A": "age unknown: " + why}
        assert reasons(stuck_runs([value], min_idle_minutes=60, now=NOW)) == {"A": "idle time unknown: " + why}


class TestCpu:
    def test_busy_run_is_not_stuck(self):
        runs = [run("IDLE", progress=progress(cpu=0.5)), run("BUSY", progress=progress(cpu=80))]
        result = stuck_runs(runs, max_cpu_percent=5, now=NOW)
        assert ids(result["stuck"]) == ["IDLE"]
        assert reasons(result) == {"BUSY": "uses 80.0% CPU, more than 5%"}

    def test_at_most(self):
        result = stuck_runs([run("EXACT", progress=progress(cpu=5)), run("OVER", progress=progress(cpu=5.01))], max_cpu_percent=5, now=NOW)
        assert ids(result["stuck"]) == ["EXACT"]

    def test_from_the_run_stats_without_progress(self):
        value = run("A", stats={"rebootCount": 0, "cpuCurrentUsage": 2.5})
        assert cpu_percent(value) == 2.5
        assert ids(stuck_runs([value], max_cpu_percent=3, now=NOW)["stuck"]) == ["A"]
        assert reasons(stuck_runs([value], max_cpu_percent=2, now=NOW)) == {"A": "uses 2.5% CPU, more than 2%"}

    def test_progress_wins_over_stats(self):
        assert cpu_percent(run("A", stats={"cpuCurrentUsage": 90}, progress=progress(cpu=1))) == 1.0

    def test_known_even_when_a_storage_could_not_be_read(self):
        value = run("A", progress=progress(queue=False, error="request queue: HTTP 404", cpu=0.5))
        assert ids(stuck_runs([value], max_cpu_percent=5, now=NOW)["stuck"]) == ["A"]

    @pytest.mark.parametrize("cpu", [None, "0.5", True, -1])
    def test_unknown_cpu_never_matches(self, cpu):
        value = run("A", stats={"cpuCurrentUsage": cpu}, progress=progress(cpu=cpu))
        assert reasons(stuck_runs([value], max_cpu_percent=100, now=NOW)) == {
            "A": "its CPU use is unknown (progress.cpu_percent and stats.cpuCurrentUsage missing)"
        }


class TestCombined:
    @pytest.mark.parametrize(
        "changes, reason_start",
        [
            ({}, None),
            ({"minutes": 10}, "running for 10.0 minutes"),
            ({"used_mb": 100}, "uses 9.8% of its memory"),
            ({"progress": progress(idle=5)}, "its request queue or dataset changed 5.0 minutes ago"),
            ({"progress": progress(cpu=50)}, "uses 50.0% CPU"),
            # several fail: the first, in the order age, memory, idle, CPU
            ({"minutes": 10, "progress": progress(idle=5, cpu=50)}, "running for 10.0 minutes"),
            ({"progress": progress(idle=5, cpu=50)}, "its request queue or dataset changed 5.0 minutes ago"),
        ],
    )
    def test_every_criterion_set_must_hold(self, changes, reason_start):
        value = run("A", **dict({"progress": progress()}, **changes))
        result = stuck_runs([value], 60, 90, now=NOW, min_idle_minutes=60, max_cpu_percent=5)
        if reason_start is None:
            assert ids(result["stuck"]) == ["A"]
        else:
            assert reasons(result)["A"].startswith(reason_start)

    @pytest.mark.parametrize("name", ["min_idle_minutes", "max_cpu_percent"])
    @pytest.mark.parametrize("value", ["soon", True, float("nan")])
    def test_new_criteria_must_be_numbers(self, name, value):
        with pytest.raises(AnsibleFilterError, match="%s must be a number or null" % name):
            stuck_runs([run("A")], now=NOW, **{name: value})


class TestObserve:
    def first(self, run_id="A", **kwargs):
        return run(run_id, progress=progress(**kwargs))

    def test_no_progress_in_between_is_stuck_and_the_second_read_is_returned(self):
        first, second = self.first(), self.first(idle=121)
        result = stuck_runs([first], min_idle_minutes=60, later=[second], now=NOW)
        assert result["stuck"][0] is second

    @pytest.mark.parametrize(
        "second, reason",
        [
            (dict(handled=125), "its handled requests went from 120 to 125 between the two reads"),
            (dict(items=119), "its dataset items went from 118 to 119 between the two reads"),
            (dict(handled=100), "its handled requests went from 120 to 100 between the two reads"),  # a change all the same
        ],
    )
    def test_moving_run_is_not_stuck(self, second, reason):
        result = stuck_runs([self.first()], min_idle_minutes=60, later=[self.first(**second)], now=NOW)
        assert reasons(result) == {"A": reason}

    def test_moving_run_looks_stuck_without_observing(self):
        # The emulator's "moving" profile: counters grow, modifiedAt does not. Idle alone is fooled.
        assert ids(stuck_runs([self.first()], min_idle_minutes=60, now=NOW)["stuck"]) == ["A"]

    def test_pending_alone_is_not_progress(self):
        result = stuck_runs([self.first()], later=[self.first(pending=95)], now=NOW)
        assert ids(result["stuck"]) == ["A"]

    def test_without_other_criteria_growth_decides(self):
        result = stuck_runs([self.first("A"), self.first("B")], later=[self.first("A"), self.first("B", items=200)], now=NOW)
        assert ids(result["stuck"]) == ["A"]
        assert reasons(result)["B"].startswith("its dataset items went from 118 to 200")

    def test_missing_from_the_second_read(self):
        result = stuck_runs([self.first("A"), self.first("B")], later=[self.first("B")], now=NOW)
        assert ids(result["stuck"]) == ["B"]
        assert reasons(result) == {"A": "it was not read a second time, so its progress cannot be compared"}

    def test_an_empty_second_read(self):
        result = stuck_runs([self.first("A")], later=[], now=NOW)
        assert reasons(result) == {"A": "it was not read a second time, so its progress cannot be compared"}

    def test_runs_only_in_the_second_read_are_ignored(self):
        result = stuck_runs([self.first("A")], later=[self.first("A"), self.first("NEW")], now=NOW)
        assert [d["run_id"] for d in result["decisions"]] == ["A"]

    def test_runs_that_fail_the_first_read_need_no_second(self):
        result = stuck_runs([self.first("A", idle=5)], min_idle_minutes=60, later=[], now=NOW)
        assert reasons(result) == {"A": "its request queue or dataset changed 5.0 minutes ago, less than 60"}

    @pytest.mark.parametrize(
        "second, reason",
        [
            (dict(status="SUCCEEDED", progress=progress()), "at the second read, status is SUCCEEDED, not RUNNING"),
            (dict(progress=progress(idle=0.1)), "at the second read, its request queue or dataset changed 0.1 minutes ago, less than 60"),
            (dict(progress=progress(cpu=70)), "at the second read, uses 70.0% CPU, more than 5%"),
            (dict(progress=progress(dataset=False, error="dataset: HTTP 503")), "at the second read, its progress could not be read: dataset: HTTP 503"),
        ],
    )
    def test_the_second_read_must_meet_the_criteria_too(self, second, reason):
        result = stuck_runs([self.first()], min_idle_minutes=60, max_cpu_percent=5, later=[run("A", **second)], now=NOW)
        assert reasons(result) == {"A": reason}

    @pytest.mark.parametrize(
        "first, second, reason",
        [
            ({}, {"progress": progress()}, "at the first read, it has no progress facts (read it with apify.platform.apify_run_info progress=true)"),
            ({"progress": progress()}, {}, "at the second read, it has no progress facts (read it with apify.platform.apify_run_info progress=true)"),
            (
                {"progress": progress(dataset=False, error="dataset: HTTP 404")},
                {"progress": progress()},
                "at the first read, its progress could not be read: dataset: HTTP 404",
            ),
            (
                {"progress": progress(handled=0, pending=0, items=0)},
                {"progress": progress(handled=0, pending=0, items=0)},
                "at the first read, it has never used its default request queue or dataset (both empty), so they cannot show whether it is stuck",
            ),
        ],
    )
    def test_without_progress_in_either_read(self, first, second, reason):
        # No progress criterion set: observing alone needs progress facts in both reads.
        result = stuck_runs([run("A", **first)], later=[run("A", **second)], now=NOW)
        assert reasons(result) == {"A": reason}

    def test_signals_show_both_reads(self):
        result = stuck_runs([self.first()], later=[self.first(handled=125, idle=121)], now=NOW)
        assert result["decisions"][0]["signals"] == {
            "age_minutes": 120.0,
            "memory_percent": 92.8,
            "idle_minutes": 121.0,
            "cpu_percent": 0.5,
            "handled": 125,
            "pending": 80,
            "items": 118,
            "reboot_count": 0,
            "handled_before": 120,
            "items_before": 118,
        }

    @pytest.mark.parametrize("later", ["runs", {"A": {}}, [None], [run("A"), "B"]])
    def test_later_must_be_runs(self, later):
        with pytest.raises(AnsibleFilterError, match="later must be a list of run objects"):
            stuck_runs([run("A")], later=later, now=NOW)


def rebooted(run_id, count, **extra):
    value = run(run_id, **extra)
    value["stats"]["rebootCount"] = count
    return value


class TestEscalation:
    def test_at_the_limit_is_exhausted(self):
        runs = [rebooted("FRESH", 0), rebooted("TWICE", 2), rebooted("THRICE", 3), rebooted("MORE", 7)]
        result = stuck_runs(runs, max_reboot_count=3, now=NOW)
        assert ids(result["stuck"]) == ["FRESH", "TWICE"]
        assert ids(result["exhausted"]) == ["THRICE", "MORE"]
        assert result["skipped"] == []
        assert result["decisions"][2]["reason"] == "looks stuck, but has been rebooted 3 time(s), which has reached max_reboot_count=3"

    def test_only_runs_that_look_stuck_are_exhausted(self):
        result = stuck_runs([rebooted("A", 5, minutes=10)], min_age_minutes=60, max_reboot_count=3, now=NOW)
        assert result["exhausted"] == []
        assert reasons(result)["A"].startswith("running for 10.0 minutes")

    def test_zero_exhausts_every_stuck_run(self):
        result = stuck_runs([rebooted("A", 0), rebooted("B", 1)], max_reboot_count="0", now=NOW)
        assert ids(result["exhausted"]) == ["A", "B"]

    def test_no_limit(self):
        assert ids(stuck_runs([rebooted("A", 100)], max_reboot_count=None, now=NOW)["stuck"]) == ["A"]

    @pytest.mark.parametrize("stats", [{}, {"rebootCount": None}, {"rebootCount": "3"}, {"rebootCount": True}, {"rebootCount": 1.5}, None])
    @pytest.mark.parametrize("limit", [0, 1, 1000])
    def test_unknown_count_with_a_limit_is_left_alone(self, stats, limit):
        # The guard cannot be checked: neither rebooted (stuck) nor aborted (exhausted), as apify_run_reboot's own guard.
        result = stuck_runs([run("A", stats=stats)], max_reboot_count=limit, now=NOW)
        assert result["stuck"] == [] and result["exhausted"] == []
        assert reasons(result) == {"A": "looks stuck, but its reboot count (stats.rebootCount) is unknown, so max_reboot_count=%d cannot be checked" % limit}
        assert result["decisions"][0]["signals"]["reboot_count"] is None

    @pytest.mark.parametrize("stats", [{}, {"rebootCount": None}])
    def test_unknown_count_without_a_limit_does_not_matter(self, stats):
        assert ids(stuck_runs([run("A", stats=stats)], now=NOW)["stuck"]) == ["A"]

    def test_an_unknown_count_that_is_not_stuck_keeps_its_own_reason(self):
        result = stuck_runs([run("A", stats={}, minutes=5)], min_age_minutes=60, max_reboot_count=1, now=NOW)
        assert reasons(result)["A"].startswith("running for 5.0 minutes")

    def test_the_second_read_counts(self):
        # The platform rebooted the run in between (a migration): its count reached the limit.
        first, second = rebooted("A", 2, progress=progress()), rebooted("A", 3, progress=progress())
        result = stuck_runs([first], max_reboot_count=3, later=[second], now=NOW)
        assert result["exhausted"] == [second]

    @pytest.mark.parametrize("value", [-1, 1.5, "1.5", "x", True, [3]])
    def test_limit_must_be_a_count(self, value):
        with pytest.raises(AnsibleFilterError, match="max_reboot_count must be"):
            stuck_runs([run("A")], max_reboot_count=value, now=NOW)


SIGNAL_KEYS = ("age_minutes", "memory_percent", "idle_minutes", "cpu_percent", "handled", "pending", "items", "reboot_count")


class TestDecisions:
    def test_one_per_run_in_order_with_signals(self):
        runs = [
            run("A", progress=progress()),
            run("B", status="SUCCEEDED"),
            rebooted("C", 4, progress=progress(cpu=2)),
            run("D", startedAt="soon", stats={}, options={}),
        ]
        result = stuck_runs(runs, max_reboot_count=4, now=NOW)
        assert [(d["run_id"], d["verdict"]) for d in result["decisions"]] == [("A", "stuck"), ("B", "skipped"), ("C", "exhausted"), ("D", "skipped")]
        assert result["decisions"][0]["reason"] is None
        assert result["decisions"][1]["reason"] == "status is SUCCEEDED, not RUNNING"
        assert result["decisions"][2]["signals"] == {
            "age_minutes": 120.0,
            "memory_percent": 92.8,
            "idle_minutes": 120.0,
            "cpu_percent": 2.0,
            "handled": 120,
            "pending": 80,
            "items": 118,
            "reboot_count": 4,
        }
        assert result["decisions"][3]["signals"] == dict.fromkeys(SIGNAL_KEYS)
        assert result["decisions"][3]["reason"].startswith("looks stuck, but its reboot count (stats.rebootCount) is unknown")

    PROFILES = {
        "stalled": dict(progress=progress()),
        "active": dict(progress=progress(idle=0.1, cpu=80)),
        "untouched": dict(progress=progress(handled=0, pending=0, items=0)),
        "unreadable": dict(progress=progress(queue=False, dataset=False, idle=None, error="HTTP 404")),
        "none": {},
        "young": dict(minutes=5, progress=progress()),
        "lean": dict(used_mb=10, progress=progress()),
        "done": dict(status="FAILED", progress=progress()),
        "rebooted": dict(stats={"rebootCount": 3, "memCurrentBytes": 950 * MB, "cpuCurrentUsage": 0.5}, progress=progress()),
    }

    @pytest.mark.parametrize("observe", [False, True])
    @pytest.mark.parametrize(
        "criteria",
        [
            {},
            {"min_idle_minutes": 60},
            {"max_cpu_percent": 5},
            {"min_age_minutes": 60, "min_memory_percent": 90, "min_idle_minutes": 60, "max_cpu_percent": 5, "max_reboot_count": 3},
            {"max_reboot_count": 0},
        ],
    )
    def test_every_run_in_exactly_one_list(self, criteria, observe):
        runs = [run(name, **changes) for name, changes in self.PROFILES.items()]
        later = [run(name, **changes) for name, changes in self.PROFILES.items() if name != "lean"] if observe else None
        result = stuck_runs(runs, now=NOW, later=later, **criteria)
        placed = ids(result["stuck"]) + ids(result["exhausted"]) + [e["run_id"] for e in result["skipped"]]
        assert sorted(placed) == sorted(self.PROFILES)
        assert [d["run_id"] for d in result["decisions"]] == list(self.PROFILES)
        for decision in result["decisions"]:
            assert (decision["reason"] is None) == (decision["verdict"] == "stuck")
            assert set(SIGNAL_KEYS) <= set(decision["signals"])
