# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Polling with a deadline.

``clock()`` is a generator that sleeps between ticks and stops at the deadline;
``wait_for()`` polls a fetch function until a predicate holds, a failure
predicate holds, or time runs out. Both take the time functions as arguments so
tests run them without sleeping.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time


class WaitTimeout(Exception):
    """The deadline passed; ``last`` holds the last value fetched."""

    def __init__(self, last, elapsed):
        super().__init__("timed out after %.1f s" % elapsed)
        self.last = last


class WaitFailed(Exception):
    """The failure predicate held: waiting longer cannot help."""

    def __init__(self, last):
        super().__init__("wait failed")
        self.last = last


def clock(timeout, sleep_interval, now=time.monotonic, sleep=time.sleep):
    """Yield the elapsed seconds at each tick: at once, then every ``sleep_interval``.

    Stops once ``timeout`` seconds have passed; a sleep never overshoots the deadline.
    """
    start = now()
    deadline = start + timeout
    while True:
        yield now() - start
        remaining = deadline - now()
        if remaining <= 0:
            return
        sleep(min(sleep_interval, remaining))


def wait_for(fetch, done, failed, timeout, sleep_interval, now=time.monotonic, sleep=time.sleep):
    """Call ``fetch()`` until ``done(value)``; return ``value``.

    Raises WaitFailed as soon as ``failed(value)``, WaitTimeout at the deadline.
    """
    value = None
    elapsed = 0.0
    for elapsed in clock(timeout, sleep_interval, now=now, sleep=sleep):
        value = fetch()
        if done(value):
            return value
        if failed(value):
            raise WaitFailed(value)
    raise WaitTimeout(value, elapsed)
