# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The whole-request deadline: connect to last byte, enforced on the request's sockets.

One concern: ``deadline(seconds)`` bounds the requests a thread makes inside
the block to ``seconds`` in all. One watchdog thread shuts the request's
sockets down when the time is up, so a server that drips its answer a byte at
a time is cut off (a socket timeout bounds only one read). The sockets join
the deadline through urllib3's pool and connection classes, mixed in by
``with_deadlines()`` (``_session.ApifyAdapter`` applies it to every pool).
It knows nothing of requests' API, Apify or JSON.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import heapq
import itertools
import socket
import threading
import time
from contextlib import contextmanager

_local = threading.local()


class Deadline:
    """The time limit of one request, enforced on its sockets by the watchdog thread.

    Each socket the request uses joins it (``attach``): a kept-alive one when
    the pool hands its connection out, a new one as soon as it exists; it leaves
    (``detach``) when its connection goes back to the pool. When the time is up
    every socket still joined is shut down, which ends any connect or read in
    progress; a socket that joins later is shut down at once. ``expired`` then
    tells a deadline from any other broken connection.
    """

    def __init__(self, seconds):
        self.expired = False
        self.cancelled = False
        self._sockets = []
        self._lock = threading.Lock()
        _WATCHDOG.watch(self, time.monotonic() + seconds)

    def attach(self, sock):
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut_down(sock)

    def expire(self):
        with self._lock:
            if self.cancelled:
                return
            self.expired = True
            for sock in self._sockets:
                _shut_down(sock)

    def detach(self, sock):
        """The request is done with ``sock`` (its connection goes back to the pool): leave it be."""
        with self._lock:
            self._sockets = [joined for joined in self._sockets if joined is not sock]

    def cancel(self):
        with self._lock:
            self.cancelled = True
            self._sockets = []


class _Watchdog:
    """One daemon thread that expires the deadlines of every request, soonest first.

    A thread per request (``threading.Timer``) cost about 0.3 ms of CPU per
    request; this one sleeps until the next deadline and drops cancelled ones.
    """

    def __init__(self):
        self._heap = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread = None

    def watch(self, limit, when):
        with self._wake:
            heapq.heappush(self._heap, (when, next(self._order), limit))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="apify-deadlines", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is limit:
                self._wake.notify()  # sooner than what the thread sleeps for

    def _run(self):
        with self._wake:
            while True:
                now = time.monotonic()
                while self._heap and (self._heap[0][2].cancelled or self._heap[0][0] <= now):
                    limit = heapq.heappop(self._heap)[2]
                    limit.expire()  # a no-op once cancelled
                self._wake.wait(self._heap[0][0] - now if self._heap else None)


_WATCHDOG = _Watchdog()


def _shut_down(sock):
    try:
        # The plain socket's method, also for TLS: it wakes the reading thread
        # without touching the TLS object that thread is using.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, TypeError):
        pass


@contextmanager
def deadline(seconds):
    """Bound the requests made by this thread inside the block to ``seconds`` in all."""
    limit = Deadline(seconds)
    _local.deadline = limit
    try:
        yield limit
    finally:
        limit.cancel()
        _local.deadline = None


def _current_deadline():
    return getattr(_local, "deadline", None)


class _DeadlineConnection:
    """Mixed into urllib3's connection classes: a new socket joins this thread's deadline.

    Twice: the plain socket as soon as it exists (so a slow connect or proxy
    tunnel is cut), and the socket the connection ends up with (for https a TLS
    socket, which takes the plain one's place). Only a TLS handshake itself is
    bounded by the per-read timeout alone.
    """

    def _new_conn(self):
        sock = super()._new_conn()
        _join_deadline(sock)
        return sock

    def connect(self):
        super().connect()
        _join_deadline(self.sock)


def _join_deadline(sock):
    limit = _current_deadline()
    if limit is not None:
        limit.attach(sock)


class _DeadlinePool:
    """Mixed into urllib3's pool classes: a kept-alive connection's socket joins this thread's deadline."""

    def _get_conn(self, timeout=None):
        connection = super()._get_conn(timeout)
        _join_deadline(getattr(connection, "sock", None))
        return connection

    def _put_conn(self, conn):
        # Back in the pool, the connection is no longer this request's: its deadline must not
        # shut it down under the next request that takes it.
        limit = _current_deadline()
        if limit is not None and conn is not None:
            limit.detach(getattr(conn, "sock", None))
        super()._put_conn(conn)


_POOL_CLASSES = {}


def _deadline_pool_class(pool_class):
    if pool_class not in _POOL_CLASSES:
        connection_class = pool_class.ConnectionCls
        # The same names: urllib3 puts them into its messages, which users read.
        _POOL_CLASSES[pool_class] = type(
            pool_class.__name__,
            (_DeadlinePool, pool_class),
            {"ConnectionCls": type(connection_class.__name__, (_DeadlineConnection, connection_class), {})},
        )
    return _POOL_CLASSES[pool_class]


def with_deadlines(manager):
    """Make every pool of a urllib3 PoolManager (or ProxyManager) honour deadlines."""
    manager.pool_classes_by_scheme = {
        scheme: pool_class if issubclass(pool_class, _DeadlinePool) else _deadline_pool_class(pool_class)
        for scheme, pool_class in manager.pool_classes_by_scheme.items()
    }
    return manager
