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
    memory_percent,
    parse_time,
    stuck_runs,
)

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
    assert stuck_runs([], 60, 90, now=NOW) == {"stuck": [], "skipped": []}


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
        "A": "its start time 'yesterday' cannot be read",
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

    def test_a_run_started_after_now_is_young(self):
        result = stuck_runs([run("A", minutes=-5)], min_age_minutes=0, now=NOW)
        assert reasons(result) == {"A": "running for -5.0 minutes, less than 0"}

    @pytest.mark.parametrize("now", ["", "noon", "2026-13-01T00:00:00Z", 1764331200, ["2026-11-28T12:00:00Z"]])
    def test_unreadable_now(self, now):
        with pytest.raises(AnsibleFilterError, match="is not an ISO 8601 time"):
            stuck_runs([run("A")], 60, now=now)


class TestUnreadableTimes:
    @pytest.mark.parametrize("started", [None, "", "soon", "2026-02-30T00:00:00Z", 1764331200, {"at": "now"}])
    def test_unreadable_start_is_not_stuck_when_age_matters(self, started):
        result = stuck_runs([run("A", startedAt=started)], min_age_minutes=1, now=NOW)
        assert result["stuck"] == []
        assert reasons(result) == {"A": "its start time %r cannot be read" % (started,)}

    def test_missing_start(self):
        value = run("A")
        del value["startedAt"]
        assert reasons(stuck_runs([value], 1, now=NOW)) == {"A": "its start time None cannot be read"}

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
