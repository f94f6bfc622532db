# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Doing one thing to many runs at once, on a bounded pool of threads."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

# Apify allows 60 requests/s per run and 250,000/min (about 4,000/s) per account.
# One worker handles one run at a time, so a run never sees more than one request
# in flight from us; 100 workers at a real round trip of ~50 ms stay near 2,000/s.
MAX_CONCURRENCY = 100


def unique(items):
    """The items without repeats, first occurrence kept: a run listed twice is handled once."""
    seen = set()
    return [item for item in items if not (item in seen or seen.add(item))]


def map_concurrently(func, items, concurrency):
    """``[func(item) for item in items]`` with at most ``concurrency`` calls at once, in order.

    ``func`` is expected to catch its own errors; one that escapes is raised here.
    """
    items = list(items)
    workers = min(concurrency, len(items))
    if workers <= 1:
        return [func(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(func, items))
