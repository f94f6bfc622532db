# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apify.platform.plugins.module_utils._waiter import (
    WaitFailed,
    WaitTimeout,
    clock,
    wait_for,
)


def ticks(fake, timeout, interval, work=None):
    """Run clock() to the end; ``work(elapsed)`` may advance time between ticks."""
    seen = []
    for elapsed in clock(timeout, interval, now=fake.clock.now, sleep=fake.clock.sleep):
        seen.append(elapsed)
        if work:
            work(elapsed)
        assert len(seen) < 10000, "clock() does not stop"
    return seen


@pytest.mark.parametrize(
    "timeout, interval, expected_ticks, expected_sleeps",
    [
        (10, 3, [0, 3, 6, 9, 10], [3, 3, 3, 1]),
        (10, 5, [0, 5, 10], [5, 5]),
        (10, 20, [0, 10], [10]),
        (1, 0.25, [0, 0.25, 0.5, 0.75, 1.0], [0.25, 0.25, 0.25, 0.25]),
        (0, 5, [0], []),
    ],
)
def test_clock_ticks_and_never_overshoots(fake, timeout, interval, expected_ticks, expected_sleeps):
    assert ticks(fake, timeout, interval) == expected_ticks
    assert fake.clock.sleeps == expected_sleeps
    assert fake.clock.elapsed == timeout


def test_clock_counts_time_spent_between_ticks(fake):
    # Each "fetch" takes 2 s: the sleeps shrink so that the deadline holds.
    seen = ticks(fake, 10, 3, work=lambda elapsed: fake.clock.advance(2))
    assert seen == [0, 5, 10]
    assert fake.clock.sleeps == [3, 3]
    assert fake.clock.elapsed == 12  # the last tick's own work, never an extra sleep


def test_clock_stops_when_work_overruns_the_deadline(fake):
    seen = ticks(fake, 10, 3, work=lambda elapsed: fake.clock.advance(11))
    assert seen == [0]
    assert fake.clock.sleeps == []


def test_clock_first_tick_is_immediate(fake):
    gen = clock(100, 5, now=fake.clock.now, sleep=fake.clock.sleep)
    assert next(gen) == 0
    assert fake.clock.sleeps == []


def test_wait_for_returns_the_first_done_value(fake):
    values = iter(["READY", "READY", "RUNNING", "SUCCEEDED"])
    fetched = []

    def fetch():
        fetched.append(next(values))
        return fetched[-1]

    result = wait_for(
        fetch, done=lambda v: v == "RUNNING", failed=lambda v: v == "SUCCEEDED", timeout=60, sleep_interval=2, now=fake.clock.now, sleep=fake.clock.sleep
    )
    assert result == "RUNNING"
    assert fetched == ["READY", "READY", "RUNNING"]
    assert fake.clock.sleeps == [2, 2]


def test_wait_for_done_at_once_never_sleeps(fake):
    assert wait_for(lambda: 1, done=lambda v: True, failed=lambda v: True, timeout=5, sleep_interval=1, now=fake.clock.now, sleep=fake.clock.sleep) == 1
    assert fake.clock.sleeps == []


def test_wait_for_failed_stops_at_once(fake):
    values = iter(["READY", "FAILED", "RUNNING"])
    with pytest.raises(WaitFailed) as info:
        wait_for(
            lambda: next(values),
            done=lambda v: v == "RUNNING",
            failed=lambda v: v == "FAILED",
            timeout=60,
            sleep_interval=2,
            now=fake.clock.now,
            sleep=fake.clock.sleep,
        )
    assert info.value.last == "FAILED"
    assert str(info.value) == "wait failed"
    assert fake.clock.sleeps == [2]
    assert next(values) == "RUNNING"  # not fetched


def test_wait_for_timeout_keeps_last_value_and_says_elapsed(fake):
    count = []

    def fetch():
        count.append(1)
        return {"status": "READY", "n": len(count)}

    with pytest.raises(WaitTimeout) as info:
        wait_for(fetch, done=lambda v: False, failed=lambda v: False, timeout=10, sleep_interval=3, now=fake.clock.now, sleep=fake.clock.sleep)
    assert info.value.last == {"status": "READY", "n": 5}
    assert str(info.value) == "timed out after 10.0 s"
    assert len(count) == 5  # at 0, 3, 6, 9 and at the deadline
    assert sum(fake.clock.sleeps) == 10  # no overshoot
    assert fake.clock.elapsed == 10


def test_wait_for_zero_timeout_fetches_once(fake):
    with pytest.raises(WaitTimeout) as info:
        wait_for(lambda: "READY", done=lambda v: False, failed=lambda v: False, timeout=0, sleep_interval=3, now=fake.clock.now, sleep=fake.clock.sleep)
    assert info.value.last == "READY"
    assert str(info.value) == "timed out after 0.0 s"
    assert fake.clock.sleeps == []


def test_wait_for_propagates_fetch_errors(fake):
    def fetch():
        raise ValueError("boom")

    with pytest.raises(ValueError):
        wait_for(fetch, done=lambda v: True, failed=lambda v: False, timeout=10, sleep_interval=1, now=fake.clock.now, sleep=fake.clock.sleep)
