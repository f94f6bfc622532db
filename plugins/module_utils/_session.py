# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ``requests.Session`` the client talks through, set up for one API host.

One concern: how bytes get to ``api_url`` and back. It knows nothing of Apify,
retries or JSON (``_client.py`` does).

* The token goes only into the ``Authorization`` header, set by an ``AuthBase``
  so that ``~/.netrc`` can never replace it (requests reads netrc only for a
  session without ``auth``); without a token a no-op ``AuthBase`` keeps netrc
  out as well.
* ``trust_env`` stays on, so proxies (``https_proxy``, ``no_proxy``, ...) and CA
  bundles (``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``, and ``SSL_CERT_FILE`` or
  ``SSL_CERT_DIR``) from the environment work as requests users expect; but a
  loopback ``api_url`` is never sent through a proxy, and
  ``validate_certs=false`` is never overridden by a CA bundle variable.
* One pool of at most ``pool_size`` kept-alive connections; urllib3 checks an
  idle connection before reuse and drops it if the server closed it or sent
  bytes nobody asked for. ``reset()`` drops every idle connection: the client
  calls it when an answer left a connection's state unclear.
* ``deadline(seconds)`` bounds a whole request, connect to last byte: one
  watchdog thread shuts the request's sockets down when the time is up, so a
  server that drips its answer a byte at a time is cut off (a socket timeout
  bounds only one read). Redirects are never followed (``allow_redirects=False`` in the client).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import heapq
import itertools
import os
import socket
import ssl
import threading
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

try:
    import requests
    from requests.adapters import HTTPAdapter
    from requests.auth import AuthBase
    from urllib3.exceptions import NewConnectionError, ProxyError as Urllib3ProxyError, SSLError as Urllib3SSLError

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by sanity's import test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc
    requests = None
    HTTPAdapter = AuthBase = object
    NewConnectionError = Urllib3ProxyError = Urllib3SSLError = None

from ansible_collections.apify.platform.plugins.module_utils._options import is_loopback

# Variables naming a CA bundle, in the order requests (then OpenSSL) reads them.
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")

_local = threading.local()


class BearerAuth(AuthBase):
    """``Authorization: Bearer <token>`` on every request; with no token, nothing (and no netrc)."""

    def __init__(self, token=None):
        self._header = "Bearer %s" % token if token else None

    def __call__(self, request):
        if self._header:
            request.headers["Authorization"] = self._header
        return request

    def __repr__(self):
        return "BearerAuth(%s)" % ("token set" if self._header else "no token")


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


def never_sent(exc):
    """True when a requests exception means the request cannot have left.

    No connection was made, the proxy refused the tunnel, the server's
    certificate was refused, or the SOCKS library is missing: in each case no
    byte of the request itself went out.
    """
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.InvalidSchema)):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(reason, (NewConnectionError, Urllib3ProxyError)):
        return True
    return isinstance(reason, Urllib3SSLError) and bool(reason.args) and isinstance(reason.args[0], ssl.SSLCertVerificationError)


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


def _with_deadlines(manager):
    """Make every pool of a urllib3 PoolManager (or ProxyManager) honour deadlines."""
    manager.pool_classes_by_scheme = {
        scheme: pool_class if issubclass(pool_class, _DeadlinePool) else _deadline_pool_class(pool_class)
        for scheme, pool_class in manager.pool_classes_by_scheme.items()
    }
    return manager


class ApifyAdapter(HTTPAdapter):
    """requests' HTTPAdapter whose pools (direct and through proxies) honour ``deadline()``."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        _with_deadlines(self.poolmanager)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        return _with_deadlines(super().proxy_manager_for(proxy, **proxy_kwargs))


def _no_redirect_target(_response):
    return None


def verify_setting(validate_certs, environ=None):
    """What requests' ``verify`` gets: False, a CA bundle path from the environment, or True."""
    if not validate_certs:
        return False
    environ = os.environ if environ is None else environ
    for name in CA_BUNDLE_VARIABLES:
        if environ.get(name):
            return environ[name]
    return True


class Session:
    """A ``requests.Session`` for one ``api_url`` and the settings each request needs."""

    def __init__(self, api_url, token=None, validate_certs=True, pool_size=1, session=None, environ=None):
        self.api_url = api_url
        parts = urlsplit(api_url)
        self.host = parts.hostname
        self.netloc = parts.netloc  # for messages: api_url never holds credentials (_options)
        self.verify = verify_setting(validate_certs, environ)
        self.direct = is_loopback(self.host)
        self.requests = session or requests.Session()
        self.requests.auth = BearerAuth(token)
        # Even with allow_redirects=False requests reads a redirect's whole body (to find the
        # next hop for Response.next); with no target it leaves the body to the client's bounds.
        self.requests.get_redirect_target = _no_redirect_target
        if session is None:
            adapter = ApifyAdapter(pool_connections=1, pool_maxsize=max(1, pool_size), max_retries=0)
            self.requests.mount("https://", adapter)
            self.requests.mount("http://", adapter)

    def proxies(self):
        """Per request (requests changes the dict it is given): None for every scheme on loopback."""
        return {"http": None, "https": None, "all": None} if self.direct else {}

    def send(self, method, path, params, headers, timeout, data=None):
        """Start one request (``data``: the body's bytes); the answer's body is left to read (``stream=True``)."""
        return self.requests.request(
            method,
            self.api_url + path,
            params=params,
            data=data,
            headers=headers,
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
            verify=self.verify,
            proxies=self.proxies(),
        )

    def reset(self):
        """Drop every idle connection (those in use are closed when they come back)."""
        for adapter in self.requests.adapters.values():
            adapter.close()

    def close(self):
        self.requests.close()
