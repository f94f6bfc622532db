# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ``progress`` fact: what a run's default storages say, and when they say nothing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyError
from ansible_collections.apify.platform.plugins.module_utils._progress import progress, read_progress
from ansible_collections.apify.platform.plugins.module_utils._run_facts import UNTOUCHED, plausible_time

NOW = datetime(2026, 11, 28, 12, tzinfo=timezone.utc)
RUN_ID = "3KH8gEpp4d8uQSe8T"
QUEUE_ID = "FL35cSF7jrxr3BY39"
DATASET_ID = "wmKPijuyDnPZAPRMk"


def run(run_id=RUN_ID, started="2026-11-28T09:00:00.000Z", cpu=0.5, **extra):
    value = {
        "id": run_id,
        "status": "RUNNING",
        "startedAt": started,
        "stats": {"rebootCount": 0, "cpuCurrentUsage": cpu},
        "defaultRequestQueueId": QUEUE_ID,
        "defaultDatasetId": DATASET_ID,
    }
    value.update(extra)
    return value


def queue(modified="2026-11-28T10:00:00.000Z", handled=120, pending=80, storage_id=QUEUE_ID):
    return {
        "id": storage_id,
        "modifiedAt": modified,
        "handledRequestCount": handled,
        "pendingRequestCount": pending,
        "totalRequestCount": handled + pending,
        "hadMultipleClients": False,
    }


def dataset(modified="2026-11-28T09:30:00.000Z", items=118, storage_id=DATASET_ID):
    return {"id": storage_id, "modifiedAt": modified, "itemCount": items, "urlSigningSecretKey": "s3cret-signing-key"}


def read(value=None, q=None, d=None):
    return progress(value or run(), {"request-queue": q or queue(), "dataset": d or dataset()}, NOW)


class TestKnownProgress:
    def test_a_stalled_crawler(self):
        fact = read()
        assert fact == {
            "request_queue": {"handled": 120, "pending": 80, "total": 200, "modified_at": "2026-11-28T10:00:00.000Z"},
            "dataset": {"items": 118, "modified_at": "2026-11-28T09:30:00.000Z"},
            "last_change_at": "2026-11-28T10:00:00.000Z",
            "idle_minutes": 120.0,
            "untouched": False,
            "idle_unknown_reason": None,
            "cpu_percent": 0.5,
            "error": None,
        }

    def test_the_later_storage_decides(self):
        fact = read(d=dataset(modified="2026-11-28T11:45:30.000Z"))
        assert fact["last_change_at"] == "2026-11-28T11:45:30.000Z"
        assert fact["idle_minutes"] == 14.5

    def test_no_secret_of_a_storage_is_kept(self):
        assert "s3cret-signing-key" not in repr(read())

    def test_one_used_storage_is_enough(self):
        # A crawler that pushes nothing yet: its queue moves, its dataset is empty.
        fact = read(d=dataset(items=0))
        assert fact["untouched"] is False
        assert fact["idle_minutes"] == 120.0

    def test_a_change_within_the_clock_skew_is_now(self):
        # Apify's clock a little ahead of the controller's: idle 0, never negative.
        fact = read(q=queue(modified="2026-11-28T12:04:00.000Z"))
        assert fact["idle_minutes"] == 0.0
        assert fact["idle_unknown_reason"] is None

    def test_a_change_a_little_before_the_start_is_believed(self):
        # The run's storages may be created a moment before its startedAt (within the skew allowance).
        fact = read(q=queue(modified="2026-11-28T08:56:00.000Z"), d=dataset(modified="2026-11-28T08:56:00.000Z"))
        assert fact["idle_minutes"] == 184.0


class TestUnknownIdleTime:
    @pytest.mark.parametrize(
        "modified, why",
        [
            ("Sat, 28 Nov 2026 10:00:00 GMT", "is not an ISO 8601 time"),  # RFC 1123
            ("1764324000000", "is not an ISO 8601 time"),  # epoch milliseconds
            ("", "is not an ISO 8601 time"),
            ("2026-02-30T00:00:00Z", "is not an ISO 8601 time"),
            ("0001-01-01T00:00:00Z", "is before Apify existed (2015)"),  # Go's zero time: "a million minutes idle"
            ("0001-01-01T00:00:00.000Z", "is before Apify existed (2015)"),
            ("2026-11-28T08:00:00.000Z", "is before the run started"),  # an hour before its startedAt
            ("2026-11-28T12:05:01.000Z", "is in the future"),
            ("9999-12-31T23:59:59.999Z", "is in the future"),
        ],
    )
    @pytest.mark.parametrize("kind", ["dataset", "request-queue"])
    def test_one_odd_time_makes_idleness_unknown(self, kind, modified, why):
        # The other storage alone must not decide: it was judged by the request queue alone and rebooted.
        storages = {"request-queue": queue(), "dataset": dataset()}
        storages[kind]["modifiedAt"] = modified
        fact = progress(run(), storages, NOW)
        name = "default dataset" if kind == "dataset" else "default request queue"
        assert fact["idle_minutes"] is None
        assert fact["last_change_at"] is None
        assert fact["idle_unknown_reason"] == "idle time unknown: its %s's modifiedAt %r %s" % (name, modified, why)
        # What was read is still shown, and nothing failed.
        assert fact["untouched"] is False
        assert fact["error"] is None
        assert fact["request_queue"]["handled"] == 120 and fact["dataset"]["items"] == 118

    @pytest.mark.parametrize(
        "started, why",
        [
            ("0001-01-01T00:00:00Z", "is before Apify existed (2015)"),
            ("yesterday", "is not an ISO 8601 time"),
            (None, "is not an ISO 8601 time"),
            ("2026-11-28T12:30:00.000Z", "is in the future"),
        ],
    )
    def test_an_odd_start_makes_idleness_unknown(self, started, why):
        fact = read(run(started=started))
        assert fact["idle_minutes"] is None
        assert fact["idle_unknown_reason"] == "idle time unknown: its start time (startedAt) %r %s" % (started, why)

    def test_a_run_that_never_used_its_storages_has_no_idle_time(self):
        # Its storages are as old as the run: 180 minutes "idle" would read like a hung run.
        fact = read(q=queue(handled=0, pending=0, modified="2026-11-28T09:00:00.000Z"), d=dataset(items=0, modified="2026-11-28T09:00:00.000Z"))
        assert fact["untouched"] is True
        assert fact["idle_minutes"] is None
        assert fact["last_change_at"] is None
        assert fact["idle_unknown_reason"] == UNTOUCHED
        assert fact["error"] is None

    @pytest.mark.parametrize("kind", ["dataset", "request-queue"])
    def test_an_unreadable_storage(self, kind):
        storages = {"request-queue": queue(), "dataset": dataset()}
        storages[kind] = ApifyError("HTTP 404 record-not-found")
        fact = progress(run(), storages, NOW)
        name = "default dataset" if kind == "dataset" else "default request queue"
        assert fact["error"] == "Run %s: the %s could not be read: HTTP 404 record-not-found" % (RUN_ID, name)
        assert fact["idle_minutes"] is None and fact["untouched"] is None and fact["last_change_at"] is None
        assert fact["idle_unknown_reason"] == "idle time unknown: the %s could not be read: HTTP 404 record-not-found" % name
        broken, other = ("dataset", "request_queue") if kind == "dataset" else ("request_queue", "dataset")
        assert fact[broken] is None and fact[other] is not None

    def test_both_unreadable(self):
        fact = progress(run(), {"request-queue": ApifyError("a"), "dataset": ApifyError("b")}, NOW)
        assert fact["error"] == "Run %s: the default request queue could not be read: a the default dataset could not be read: b" % RUN_ID

    def test_a_storage_not_read_at_all(self):
        fact = progress(run(), {"request-queue": queue()}, NOW)
        assert fact["error"] == "Run %s: the default dataset was not read" % RUN_ID
        assert fact["idle_minutes"] is None


class TestCpu:
    @pytest.mark.parametrize("cpu, expected", [(0.5, 0.5), (0, 0.0), (250, 250.0), (-1, None), (True, None), ("5", None), (None, None), (float("nan"), None)])
    def test_reading(self, cpu, expected):
        assert read(run(cpu=cpu))["cpu_percent"] == expected

    def test_without_stats(self):
        assert read(run(stats=None))["cpu_percent"] is None


class TestPlausibleTime:
    @pytest.mark.parametrize(
        "text, not_before, known",
        [
            ("2015-01-01T00:00:00Z", None, True),
            ("2014-12-31T23:59:59.999Z", None, False),
            ("2026-11-28T12:05:00Z", None, True),
            ("2026-11-28T12:05:00.001Z", None, False),
            ("2026-11-28T08:55:00Z", datetime(2026, 11, 28, 9, tzinfo=timezone.utc), True),
            ("2026-11-28T08:54:59Z", datetime(2026, 11, 28, 9, tzinfo=timezone.utc), False),
            ("2026-11-28T13:00:00+01:00", None, True),
        ],
    )
    def test_bounds(self, text, not_before, known):
        moment, why = plausible_time(text, NOW, not_before=not_before)
        assert (moment is not None) is known
        assert (why is None) is known


@pytest.fixture
def client(fake):
    return fake.client()


def storage_paths(run_id):
    return "/v2/actor-runs/%s/request-queue" % run_id, "/v2/actor-runs/%s/dataset" % run_id


class TestReadProgress:
    def test_reads_both_storages_of_every_run(self, fake, client):
        runs = [run("RunA0000000000001"), run("RunB0000000000001")]
        for value in runs:
            q, d = storage_paths(value["id"])
            fake.script("GET", q, fake.ok(queue()))
            fake.script("GET", d, fake.ok(dataset()))
        assert read_progress(client, runs, 4, now=NOW) is runs
        assert [value["progress"]["idle_minutes"] for value in runs] == [120.0, 120.0]
        assert sorted(c.path for c in fake.http.calls) == sorted(storage_paths("RunA0000000000001") + storage_paths("RunB0000000000001"))

    def test_one_unreadable_storage_fails_nothing_else(self, fake, client):
        runs = [run("RunA0000000000001"), run("RunB0000000000001")]
        fake.script("GET", storage_paths("RunA0000000000001")[0], fake.error(404, "record-not-found", "Request queue was not found"))
        fake.script("GET", storage_paths("RunA0000000000001")[1], fake.ok(dataset()))
        fake.script("GET", storage_paths("RunB0000000000001")[0], fake.ok(queue()))
        fake.script("GET", storage_paths("RunB0000000000001")[1], fake.ok(dataset()))
        read_progress(client, runs, 2, now=NOW)
        assert "default request queue could not be read" in runs[0]["progress"]["error"]
        assert "404" in runs[0]["progress"]["error"]
        assert runs[0]["progress"]["idle_minutes"] is None
        assert runs[1]["progress"]["error"] is None and runs[1]["progress"]["idle_minutes"] == 120.0

    @pytest.mark.parametrize("field, path_index", [("defaultRequestQueueId", 0), ("defaultDatasetId", 1)])
    @pytest.mark.parametrize("value", ["absent", None, "", 42])
    def test_a_storage_the_run_does_not_name_is_not_read(self, fake, client, field, path_index, value):
        # Any answer would be believed (nothing to match its id against): ask nothing, and say why.
        odd = run()
        if value == "absent":
            del odd[field]
        else:
            odd[field] = value
        paths = storage_paths(RUN_ID)
        fake.script("GET", paths[1 - path_index], fake.ok(queue() if path_index else dataset()))
        read_progress(client, [odd], 2, now=NOW)
        assert [c.path for c in fake.http.calls] == [paths[1 - path_index]]
        fact = odd["progress"]
        assert fact["idle_minutes"] is None
        assert "the run names no default %s (%s)" % ("request queue" if path_index == 0 else "dataset", field) in fact["error"]

    def test_an_answer_about_another_storage_is_not_believed(self, fake, client):
        fake.script("GET", storage_paths(RUN_ID)[0], fake.ok(queue(storage_id="SomeOtherQueue001")))
        fake.script("GET", storage_paths(RUN_ID)[1], fake.ok(dataset()))
        value = run()
        read_progress(client, [value], 2, now=NOW)
        assert "not the run's defaultRequestQueueId" in value["progress"]["error"]
        assert value["progress"]["request_queue"] is None

    def test_measured_now_by_default(self, fake, client):
        moment = datetime.now(timezone.utc)
        recent = moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        value = run(started=(moment - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z"))
        fake.script("GET", storage_paths(RUN_ID)[0], fake.ok(queue(modified=recent)))
        fake.script("GET", storage_paths(RUN_ID)[1], fake.ok(dataset(modified=recent)))
        read_progress(client, [value], 2)
        assert 0.0 <= value["progress"]["idle_minutes"] < 1.0

    def test_no_runs(self, fake, client):
        assert read_progress(client, [], 2, now=NOW) == []
        assert fake.http.calls == []
