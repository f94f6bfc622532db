# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Doing one thing to many runs at once, on a bounded pool of threads."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading


def unique(items):
    """The items without repeats, first occurrence kept: a run listed twice is handled once."""
    seen = set()
    return [item for item in items if not (item in seen or seen.add(item))]


def map_concurrently(func, items, concurrency):
    """``[func(item) for item in items]`` with at most ``concurrency`` calls at once, in order.

    ``func`` is expected to catch its own errors; one that escapes is raised here,
    after the calls in progress end, and no new call starts.

    Each of the ``concurrency`` threads takes the next item when it is free, so
    nothing per item exists before its turn: with 10,000 runs this holds 20
    threads, not 10,000 queued futures.
    """
    items = list(items)
    workers = min(concurrency, len(items))
    if workers <= 1:
        return [func(item) for item in items]
    results = [None] * len(items)
    turns = iter(range(len(items)))
    lock = threading.Lock()
    escaped = []

    def work():
        while True:
            with lock:
                index = None if escaped else next(turns, None)
            if index is None:
                return
            try:
                results[index] = func(items[index])
            except BaseException as exc:  # pylint: disable=broad-exception-caught  # re-raised in the caller
                with lock:
                    escaped.append(exc)
                return

    threads = [threading.Thread(target=work, name="apify-worker-%d" % number, daemon=True) for number in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if escaped:
        raise escaped[0]
    return results
