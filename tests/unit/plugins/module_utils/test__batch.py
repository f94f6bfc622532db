# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.apify.platform.plugins.module_utils._batch import (
    map_concurrently,
    unique,
)
from ansible_collections.apify.platform.plugins.module_utils._options import MAX_CONCURRENCY


def test_max_concurrency():
    assert MAX_CONCURRENCY == 100


@pytest.mark.parametrize(
    "items, expected",
    [
        ([], []),
        (["a"], ["a"]),
        (["a", "b", "a", "c", "b", "a"], ["a", "b", "c"]),
        (["b", "a", "b"], ["b", "a"]),
        (("x", "x", "x"), ["x"]),
        (iter(["q", "p", "q"]), ["q", "p"]),
    ],
)
def test_unique_keeps_first_occurrence_in_order(items, expected):
    assert unique(items) == expected


@pytest.mark.parametrize("concurrency", [1, 2, 3, 8, 100])
def test_map_concurrently_keeps_order(concurrency):
    assert map_concurrently(lambda x: x * 10, range(7), concurrency) == [0, 10, 20, 30, 40, 50, 60]


@pytest.mark.parametrize("concurrency", [0, 1, 5])
def test_map_concurrently_empty(concurrency):
    assert map_concurrently(lambda x: x, [], concurrency) == []


@pytest.mark.parametrize("concurrency, items", [(1, 3), (5, 1), (0, 2)])
def test_one_worker_runs_inline(concurrency, items):
    threads = []
    result = map_concurrently(lambda x: threads.append(threading.current_thread()) or x, range(items), concurrency)
    assert result == list(range(items))
    assert threads == [threading.current_thread()] * items


@pytest.mark.parametrize("concurrency", [2, 4])
def test_map_concurrently_runs_exactly_concurrency_at_once(concurrency):
    # A barrier of `concurrency` parties only opens when that many calls run at
    # once; the counter proves no more ever do.
    barrier = threading.Barrier(concurrency, timeout=10)
    lock = threading.Lock()
    state = {"active": 0, "max": 0}

    def work(item):
        with lock:
            state["active"] += 1
            state["max"] = max(state["max"], state["active"])
        barrier.wait()
        with lock:
            state["active"] -= 1
        return item

    items = list(range(concurrency * 3))
    assert map_concurrently(work, items, concurrency) == items
    assert state["max"] == concurrency


def test_map_concurrently_raises_an_escaping_error():
    def work(item):
        if item == 3:
            raise ValueError("boom %d" % item)
        return item

    with pytest.raises(ValueError, match="boom 3"):
        map_concurrently(work, range(6), 3)
