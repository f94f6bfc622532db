# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one scripted HTTP fake of the unit tests, at the ``requests`` boundary.

Everything above the boundary is the real code: ``ApifyClient``, the ``_session.Session``
wrapper, ``requests.Session`` (preparing the request, ``BearerAuth``, proxies and CA
bundles merged from the environment, redirects not followed) and ``requests.Response``
(``iter_content``, ``close()``). Only the adapter is scripted: ``ScriptedAdapter`` is a
``requests.adapters.BaseAdapter`` mounted on a plain ``requests.Session`` that is handed
to ``ApifyClient(session=...)``. No socket is ever opened.

``ScriptedHttp`` answers per ``(method, path)``, the path as it goes on the wire (percent-
encoded, without the query), from a queue of scripted outcomes; the last outcome of a
queue repeats. An outcome is:

* a ``Reply`` (a status, headers and a body: JSON or raw bytes), built into a real
  ``requests.Response`` whose ``raw`` is a ``urllib3.HTTPResponse`` over ``io.BytesIO``;
* an exception instance, raised from ``send()`` as the real adapter raises it: the
  ``Fake`` helpers build the ``requests`` exceptions of a refused connection, a connect or
  read timeout, a dropped connection, a TLS or proxy failure;
* a callable ``f(call)`` returning either (it may also advance the fake clock).

Every request is recorded as a ``Call``: method, URL, path, query parameters, headers as
sent (``Authorization`` included), the keyword arguments requests gave the adapter
(``timeout``, ``verify``, ``proxies``) and the fake time; and, for an answer, whether the
client let go of it (``released``), dropped its connection (``closed``) and how many of
its bytes it read. ``close()`` of the adapter (what ``Session.reset()`` and
``Session.close()`` call) is counted in ``ScriptedHttp.closes``, so tests assert that
connections were dropped after an answer that was not believed. A request with nothing
scripted for it fails the test (``unscripted``).

``FakeClock``'s ``sleep()`` only advances a counter; it is handed to the client (and to
``Procedure``) so no test ever sleeps.

How the module tests get the fake: the ``run_module`` fixture (``conftest.py``) replaces
the name ``ApifyClient`` in ``_connection`` -- the one place a client is built from options --
with ``Fake.module_client``, which builds the real ``ApifyClient`` from the module's own
arguments plus ``session=`` (a session with the scripted adapter), the fake clock's
``sleep`` and a fixed random source. It also records those arguments in ``Fake.clients``
(so tests see the module's ``timeout``, ``pool_size``, ``validate_certs``). The
``Procedure`` a module builds reads ``time.sleep`` and ``time.monotonic`` from the
``time`` name of ``_procedure``, which the fixture points at the fake clock. Nothing
else is patched. (Patching ``requests.Session`` itself would not do: ``_session.Session``
mounts its own ``ApifyAdapter`` on a session it creates, and a patched library class
reaches everything in the process; replacing the one name where a module builds its
client leaves everything below it real.)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import io
import json
import threading
from http.client import RemoteDisconnected, responses as HTTP_REASONS
from urllib.parse import parse_qsl, urlsplit

import requests
import urllib3
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from ansible_collections.apify.platform.plugins.module_utils._client import ApifyClient

API_URL = "https://api.apify.example"
HOST = "api.apify.example"
# What a module talks to when api_url is not given.
DEFAULT_API_URL = "https://api.apify.com"
TOKEN = "apify_api_S3CRETt0ken0123456789abcdefXYZ"
RUN_ID = "3KH8gEpp4d8uQSe8T"
RUN_PATH = "/v2/actor-runs/" + RUN_ID
REBOOT_PATH = RUN_PATH + "/reboot"
LIST_PATH = "/v2/actor-runs"


class FakeClock:
    """``now()`` and ``sleep()`` over a counter; every sleep is recorded.

    ``monotonic`` and ``sleep`` make it stand in for the ``time`` module where a
    module under test reads those two from it.
    """

    def __init__(self, start=1000.0):
        self.t = float(start)
        self.start = float(start)
        self.sleeps = []
        self._lock = threading.Lock()

    def now(self):
        return self.t

    monotonic = now

    def sleep(self, seconds):
        assert seconds >= 0, "negative sleep %r" % seconds
        with self._lock:
            self.sleeps.append(seconds)
            self.t += seconds

    def advance(self, seconds):
        with self._lock:
            self.t += seconds

    @property
    def elapsed(self):
        return self.t - self.start


class Reply:
    """A scripted answer: ``status``, ``headers`` and a body of JSON (``body``) or bytes (``raw``).

    ``Content-Type`` defaults to ``application/json`` (``text/html`` for ``raw``); a
    header given as None is left out. ``Content-Length`` is the body's length unless
    ``content_length`` is False (an answer streamed without it) or a number (a
    declared length that need not match the body: a cut answer, or a huge one).
    """

    def __init__(self, status=200, body=None, raw=None, headers=None, reason=None, content_length=True):
        if raw is not None:
            self.content = raw if isinstance(raw, bytes) else raw.encode("utf-8")
            default_type = "text/html"
        else:
            self.content = json.dumps(body).encode("utf-8")
            default_type = "application/json"
        self.status = status
        self.reason = reason if reason is not None else HTTP_REASONS.get(status, "")
        merged = CaseInsensitiveDict({"Content-Type": default_type})
        if content_length is True:
            merged["Content-Length"] = str(len(self.content))
        elif content_length is not False:
            merged["Content-Length"] = str(content_length)
        for name, value in (headers or {}).items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        self.headers = dict(merged.items())

    def __repr__(self):
        return "Reply(%d, %d bytes)" % (self.status, len(self.content))


class RecordedRaw(urllib3.HTTPResponse):
    """The urllib3 response under a ``requests.Response``; remembers how the client let go of it.

    ``requests.Response.close()`` closes it (the connection is dropped) unless the body
    was read to its end, and in either case releases it (a whole answer's connection
    goes back to the pool).
    """

    closed_by_client = False
    released = False

    def close(self):
        self.closed_by_client = True
        super().close()

    def release_conn(self):
        self.released = True
        super().release_conn()


class RecordedBody(io.BytesIO):
    """The bytes of an answer, as the connection would hand them out; remembers how far they were read."""

    read_to = 0

    def close(self):
        if not self.closed:
            self.read_to = self.tell()
        super().close()

    @property
    def bytes_read(self):
        if io.BytesIO.closed.__get__(self):  # the property, read as such (pylint takes it for a method)
            return self.read_to
        return self.tell()


class Call:
    """One request as it reached the adapter, and what became of its answer."""

    def __init__(self, request, kwargs, at):
        parts = urlsplit(request.url)
        self.method = request.method
        self.url = request.url
        self.host = parts.hostname
        self.path = parts.path
        self.query = parse_qsl(parts.query, keep_blank_values=True)
        self.params = dict(self.query) if self.query else None
        self.target = parts.path + ("?" + parts.query if parts.query else "")
        self.headers = CaseInsensitiveDict(request.headers)
        self.body = request.body
        self.timeout = kwargs.get("timeout")
        self.verify = kwargs.get("verify")
        self.proxies = copy.deepcopy(kwargs.get("proxies"))
        self.stream = kwargs.get("stream")
        self.at = at  # fake time at which it was sent
        self.raw = None  # the urllib3 response, once there is one
        self._fp = None

    @property
    def authorization(self):
        return self.headers.get("Authorization")

    @property
    def closed(self):
        """Whether the client dropped the answer's connection (the body was not read to its end)."""
        return self.raw is not None and self.raw.closed_by_client

    @property
    def released(self):
        """Whether the client let go of the answer (``response.close()``): true for every answer."""
        return self.raw is not None and self.raw.released

    @property
    def bytes_read(self):
        return self._fp.bytes_read if self._fp is not None else 0

    def __repr__(self):
        return "Call(%s %s)" % (self.method, self.target)


class ScriptedAdapter(BaseAdapter):
    """A requests transport adapter that answers from a ``ScriptedHttp``."""

    def __init__(self, http):
        super().__init__()
        self.http = http

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # pylint: disable=arguments-differ
        kwargs = {"stream": stream, "timeout": timeout, "verify": verify, "cert": cert, "proxies": proxies}
        return self.http.answer(self, request, kwargs)

    def close(self):
        self.http.closed()


class ScriptedHttp:
    """Scripted answers per ``(method, path)``, every request recorded; see the module docstring."""

    def __init__(self, clock=None):
        self.clock = clock
        self.routes = {}
        self.calls = []
        self.unscripted = []
        self.closes = 0
        self._lock = threading.Lock()

    def script(self, method, path, *outcomes):
        """Append outcomes to the route; its last outcome repeats."""
        assert path.startswith("/") and "?" not in path and "://" not in path, "not a bare path: %r" % (path,)
        assert outcomes, "script() needs at least one outcome"
        with self._lock:
            self.routes.setdefault((method, path), []).extend(outcomes)
        return self

    def session(self, api_url=API_URL):
        """A ``requests.Session`` whose only adapter, for ``api_url``'s scheme, is this script.

        requests' own adapters are removed, so nothing can reach a real network.
        """
        session = requests.Session()
        session.adapters.clear()
        session.mount(urlsplit(api_url).scheme + "://", ScriptedAdapter(self))
        return session

    # -- the adapter's side --------------------------------------------------------------

    def answer(self, adapter, request, kwargs):
        call = Call(request, kwargs, self.clock.now() if self.clock else None)
        with self._lock:
            self.calls.append(call)
            queue = self.routes.get((call.method, call.path))
            if not queue:
                self.unscripted.append(call)
                outcome = None
            else:
                outcome = queue[0] if len(queue) == 1 else queue.pop(0)
        if outcome is None:
            raise AssertionError("unscripted request: %s %s" % (call.method, call.target))
        if callable(outcome) and not isinstance(outcome, (BaseException, Reply)):
            outcome = outcome(call)
        if isinstance(outcome, BaseException):
            raise outcome
        if not isinstance(outcome, Reply):
            raise AssertionError("not an outcome: %r" % (outcome,))
        return self._response(adapter, request, call, outcome)

    def closed(self):
        with self._lock:
            self.closes += 1

    @staticmethod
    def _response(adapter, request, call, reply):
        """What ``HTTPAdapter.build_response`` makes of a urllib3 response, over the scripted bytes."""
        call._fp = RecordedBody(reply.content)  # pylint: disable=protected-access
        call.raw = RecordedRaw(
            body=call._fp,  # pylint: disable=protected-access
            headers=reply.headers,
            status=reply.status,
            reason=reply.reason,
            preload_content=False,
            decode_content=True,
            request_method=request.method,
            request_url=request.url,
        )
        response = requests.Response()
        response.status_code = reply.status
        response.headers = CaseInsensitiveDict(reply.headers)
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = call.raw
        response.reason = reply.reason
        response.url = request.url
        response.request = request
        response.connection = adapter
        return response

    # -- for the tests -------------------------------------------------------------------

    def of(self, method=None, path=None):
        return [c for c in self.calls if (method is None or c.method == method) and (path is None or c.path == path)]

    def count(self, method=None, path=None):
        return len(self.of(method, path))

    @property
    def methods(self):
        return [c.method for c in self.calls]


def make_run(run_id=RUN_ID, status="RUNNING", reboot_count=0, **overrides):
    """A run as the API returns it (trimmed from the documented 200 example)."""
    run = {
        "id": run_id,
        "actId": "HDSasDasz78YcAPEB",
        "userId": "7sT5jcggjjA9fNcxF",
        "actorTaskId": None,
        "startedAt": "2019-11-30T07:34:24.202Z",
        "finishedAt": None,
        "status": status,
        "statusMessage": "Actor is running",
        "isStatusMessageTerminal": False,
        "meta": {"origin": "API", "clientIp": None, "userAgent": "x"},
        "stats": {
            "inputBodyLen": 240,
            "migrationCount": 0,
            "restartCount": 0,
            "resurrectCount": 2,
            "memAvgBytes": 267874071.9,
            "memMaxBytes": 404713472,
            "memCurrentBytes": 0,
            "cpuAvgUsage": 33.7532101107538,
            "runTimeSecs": 248.472,
            "computeUnits": 0.13804,
        },
        "options": {"build": "latest", "timeoutSecs": 300, "memoryMbytes": 1024, "diskMbytes": 2048},
        "buildId": "7sT5jcggjjA9fNcxF",
        "buildNumber": "0.0.36",
        "exitCode": None,
        "generalAccess": "RESTRICTED",
        "defaultKeyValueStoreId": "eJNzqsbPiopwJcgGQ",
        "defaultDatasetId": "wmKPijuyDnPZAPRMk",
        "defaultRequestQueueId": "FL35cSF7jrxr3BY39",
    }
    if reboot_count is not None:
        run["stats"]["rebootCount"] = reboot_count
    run.update(overrides)
    return run


def bare_run(status="RUNNING", count=0, **extra):
    """The few fields the pure decisions read: ``stats.rebootCount`` = ``count`` (None: left out)."""
    value = {"id": RUN_ID, "status": status, "stats": {"restartCount": 0}}
    if count is not None:
        value["stats"]["rebootCount"] = count
    value.update(extra)
    return value


def make_short_run(index, status="SUCCEEDED", run_id=None):
    """A list item (the API's short run object); IDs are 17 characters, like real ones."""
    return {
        "id": run_id if run_id is not None else "run%014d" % index,
        "actId": "HDSasDasz78YcAPEB",
        "status": status,
        "startedAt": "2024-07-29T15:51:28.071Z",
        "finishedAt": None,
        "buildId": "b",
    }


def _pool(host, port):
    return HTTPSConnectionPool(host, port)


class Fake:
    """Everything a test needs to script the API: one object, the ``fake`` fixture."""

    API_URL = API_URL
    DEFAULT_API_URL = DEFAULT_API_URL
    HOST = HOST
    TOKEN = TOKEN
    RUN_ID = RUN_ID
    RUN_PATH = RUN_PATH
    REBOOT_PATH = REBOOT_PATH
    LIST_PATH = LIST_PATH
    Reply = Reply
    FakeClock = FakeClock
    ScriptedHttp = ScriptedHttp

    run = staticmethod(make_run)
    short_run = staticmethod(make_short_run)

    def __init__(self):
        self.clock = FakeClock()
        self.http = ScriptedHttp(clock=self.clock)
        self.rand = lambda: 0.0
        # The arguments each client a module built got (see module_client).
        self.clients = []

    def client(self, token=TOKEN, api_url=API_URL, **kwargs):
        """An ApifyClient on the scripted session, with the fake clock and no jitter."""
        kwargs.setdefault("session", self.http.session(api_url))
        kwargs.setdefault("sleep", self.clock.sleep)
        kwargs.setdefault("rand", self.rand)
        return ApifyClient(api_url, token=token, **kwargs)

    def module_client(self, api_url, **kwargs):
        """Stands in for ``ApifyClient`` where a module builds it: the same call, on the script."""
        self.clients.append(dict(kwargs, api_url=api_url))
        return ApifyClient(api_url, session=self.http.session(api_url), sleep=self.clock.sleep, rand=self.rand, **kwargs)

    def script(self, method, path, *outcomes):
        return self.http.script(method, path, *outcomes)

    # -- answers ---------------------------------------------------------------------------

    @staticmethod
    def ok(data, status=200, headers=None):
        return Reply(status, {"data": data}, headers=headers)

    @staticmethod
    def response(status=200, body=None, raw=None, headers=None, reason=None, content_length=True):
        return Reply(status, body, raw=raw, headers=headers, reason=reason, content_length=content_length)

    @staticmethod
    def error(status, error_type="some-error", message="Something went wrong.", headers=None):
        return Reply(status, {"error": {"type": error_type, "message": message}}, headers=headers)

    @staticmethod
    def page(items, total, offset=0, limit=1000):
        return Reply(200, {"data": {"total": total, "offset": offset, "limit": limit, "count": len(items), "desc": False, "items": items}})

    @staticmethod
    def interim(status=103):
        """An interim answer where the final one belongs."""
        return Reply(status, raw=b"", content_length=False)

    # -- the requests exceptions of a failed exchange, as requests raises them ---------------

    @staticmethod
    def refused(host=HOST, port=443):
        """Nothing listens: no connection was made (the request was never sent)."""
        reason = NewConnectionError(HTTPSConnection(host, port), "Failed to establish a new connection: [Errno 111] Connection refused")
        return requests.exceptions.ConnectionError(MaxRetryError(_pool(host, port), "/", reason))

    @staticmethod
    def connect_timeout(seconds=30, host=HOST, port=443):
        """No connection within the timeout (the request was never sent)."""
        reason = ConnectTimeoutError(HTTPSConnection(host, port), "Connection to %s timed out. (connect timeout=%s)" % (host, seconds))
        return requests.exceptions.ConnectTimeout(MaxRetryError(_pool(host, port), "/", reason))

    @staticmethod
    def read_timeout(seconds=30, host=HOST, port=443):
        """Connected and sent, but no answer within the timeout."""
        return requests.exceptions.ReadTimeout(ReadTimeoutError(_pool(host, port), None, "Read timed out. (read timeout=%s)" % seconds))

    @staticmethod
    def dropped():
        """The server closed the connection without answering (after the request was sent)."""
        return requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", RemoteDisconnected("Remote end closed connection without response")))

    @staticmethod
    def reset_by_peer():
        return requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer")))

    @staticmethod
    def tls_failure(host=HOST, port=443):
        reason = urllib3.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1000)")
        return requests.exceptions.SSLError(MaxRetryError(_pool(host, port), "/", reason))

    @staticmethod
    def proxy_failure(host=HOST, port=443):
        reason = urllib3.exceptions.ProxyError("Unable to connect to proxy", OSError("Tunnel connection failed: 407 Proxy Authentication Required"))
        return requests.exceptions.ProxyError(MaxRetryError(_pool(host, port), "/", reason))

    def timed_out_after(self, seconds, exc=None):
        """An outcome: ``seconds`` of fake time pass, then the request times out."""

        def outcome(call):
            self.clock.advance(seconds)
            return exc if exc is not None else self.read_timeout(seconds)

        return outcome
