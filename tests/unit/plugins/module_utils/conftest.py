# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared fakes for the module_utils unit tests.

The HTTP boundary is a scripted stand-in for ``_http.HttpTransport``: it takes
the same ``request(method, path, params=None, headers=None)`` call, records
every request (method, path, params, headers, fake time) and answers from
per-route queues of responses, ``HttpError`` exceptions or callables. Answers
are ``HttpResponse`` objects, as the real transport gives. Time is a fake
clock whose ``sleep`` only advances a counter, so no test ever sleeps.
Everything is handed to the tests through the ``fake`` fixture.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os
import time

import pytest

from ansible.module_utils.six.moves.http_client import responses as HTTP_REASONS
from ansible.module_utils.six.moves.urllib.parse import urlencode

from ansible_collections.apify.platform.plugins.module_utils._client import ApifyClient
from ansible_collections.apify.platform.plugins.module_utils._http import HttpError, HttpResponse

API_URL = "https://api.apify.example"
TOKEN = "apify_api_S3CRETt0ken0123456789abcdefXYZ"
RUN_ID = "3KH8gEpp4d8uQSe8T"
RUN_PATH = "/v2/actor-runs/" + RUN_ID
REBOOT_PATH = RUN_PATH + "/reboot"


class FakeClock:
    """``now()`` and ``sleep()`` over a counter; every sleep is recorded."""

    def __init__(self, start=1000.0):
        self.t = float(start)
        self.start = float(start)
        self.sleeps = []

    def now(self):
        return self.t

    def sleep(self, seconds):
        assert seconds >= 0, "negative sleep %r" % seconds
        self.sleeps.append(seconds)
        self.t += seconds

    def advance(self, seconds):
        self.t += seconds

    @property
    def elapsed(self):
        return self.t - self.start


class FakeResponse(HttpResponse):
    """An ``HttpResponse`` built from a JSON document (``body``) or raw text/bytes (``raw``).

    Header names are lower-cased, as the real transport gives them; ``header()``
    is the real, case-insensitive lookup.
    """

    def __init__(self, status=200, body=None, raw=None, headers=None, reason=None):
        if raw is not None:
            content = raw if isinstance(raw, bytes) else raw.encode("utf-8")
            default_type = "text/html"
        else:
            content = json.dumps(body).encode("utf-8")
            default_type = "application/json"
        all_headers = {"content-type": default_type}
        all_headers.update((name.lower(), value) for name, value in (headers or {}).items())
        super().__init__(status, reason if reason is not None else HTTP_REASONS.get(status, ""), all_headers, content)


class Repeat:
    """A queue entry that is never used up: the route answers it forever."""

    def __init__(self, outcome):
        self.outcome = outcome


class Call:
    """One recorded request, as the client handed it to the transport."""

    def __init__(self, base_url, method, path, params, headers, at):
        self.method = method
        self.path = path
        self.params = copy.deepcopy(params)
        self.headers = dict(headers) if headers is not None else None
        self.at = at  # fake time at which it was sent
        # What the real transport would put on the wire, as a URL: only for reading in tests.
        self.target = path + ("?" + urlencode(params) if params else "")
        self.url = base_url + self.target

    def __repr__(self):
        return "Call(%s %s %r)" % (self.method, self.path, self.params)


class FakeTransport:
    """An ``HttpTransport`` stand-in answering from scripted per-route queues.

    ``script(method, path, *outcomes)`` appends outcomes for that route; an
    outcome is a FakeResponse, an exception instance (raised: ``HttpError`` for
    what the real transport raises), a callable ``f(call)`` returning either, or
    ``Repeat(outcome)``. An unscripted request fails the test, and so does a
    ``path`` that is not a bare path (a full URL, or a query in it).
    """

    def __init__(self, base_url=API_URL, clock=None, latency=0.0):
        self.base_url = base_url
        self.calls = []
        self.routes = {}
        self.clock = clock
        self.latency = latency

    def script(self, method, path, *outcomes):
        self.routes.setdefault((method, path), []).extend(outcomes)
        return self

    def request(self, method, path, params=None, headers=None):
        assert path.startswith("/") and "://" not in path and "?" not in path and "#" not in path, "not a bare path: %r" % (path,)
        call = Call(self.base_url, method, path, params, headers, self.clock.now() if self.clock else None)
        self.calls.append(call)
        queue = self.routes.get((method, path))
        if not queue:
            raise AssertionError("unscripted request: %s %s" % (method, call.target))
        outcome = queue[0]
        if isinstance(outcome, Repeat):
            outcome = outcome.outcome
        else:
            queue.pop(0)
        if callable(outcome) and not isinstance(outcome, BaseException):
            outcome = outcome(call)
        if self.clock is not None and self.latency:
            self.clock.advance(self.latency)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def close(self):
        pass

    def of(self, method=None, path=None):
        return [c for c in self.calls if (method is None or c.method == method) and (path is None or c.path == path)]

    @property
    def methods(self):
        return [c.method for c in self.calls]

    def pending(self):
        """Scripted outcomes never used (Repeat entries excluded)."""
        return dict((k, [o for o in v if not isinstance(o, Repeat)]) for k, v in self.routes.items() if [o for o in v if not isinstance(o, Repeat)])


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


def make_short_run(index, status="SUCCEEDED"):
    return {
        "id": "run%014d" % index,
        "actId": "HDSasDasz78YcAPEB",
        "status": status,
        "startedAt": "2024-07-29T15:51:28.071Z",
        "finishedAt": None,
        "buildId": "b",
    }


class Fake:
    """Everything a test needs to script the API: one object, one fixture."""

    API_URL = API_URL
    TOKEN = TOKEN
    RUN_ID = RUN_ID
    RUN_PATH = RUN_PATH
    REBOOT_PATH = REBOOT_PATH
    Repeat = Repeat
    FakeResponse = FakeResponse
    FakeTransport = FakeTransport
    FakeClock = FakeClock
    HttpError = HttpError

    def __init__(self):
        self.clock = FakeClock()
        self.transport = FakeTransport(clock=self.clock)

    def client(self, token=TOKEN, api_url=API_URL, rand=lambda: 0.0, **kwargs):
        kwargs.setdefault("transport", self.transport)
        kwargs.setdefault("sleep", self.clock.sleep)
        return ApifyClient(api_url, token=token, rand=rand, **kwargs)

    run = staticmethod(make_run)
    short_run = staticmethod(make_short_run)

    @staticmethod
    def ok(data, status=200, headers=None):
        return FakeResponse(status, {"data": data}, headers=headers)

    @staticmethod
    def response(status=200, body=None, raw=None, headers=None, reason=None):
        return FakeResponse(status, body, raw=raw, headers=headers, reason=reason)

    @staticmethod
    def error(status, error_type="some-error", message="Something went wrong.", headers=None):
        return FakeResponse(status, {"error": {"type": error_type, "message": message}}, headers=headers)

    @staticmethod
    def refused(where="api.apify.example:443"):
        """The HttpError the transport raises when nothing listens."""
        return HttpError("%s: ConnectionRefusedError: [Errno 111] Connection refused" % where)

    @staticmethod
    def timed_out(seconds=30, where="api.apify.example:443"):
        """The HttpError the transport raises when no answer came in time."""
        return HttpError("no answer from %s within %g s" % (where, seconds), timeout=True)

    @staticmethod
    def page(items, total, offset=0, limit=1000):
        return FakeResponse(200, {"data": {"total": total, "offset": offset, "limit": limit, "count": len(items), "desc": False, "items": items}})


@pytest.fixture
def fake():
    return Fake()


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch):
    """No test depends on the proxy settings of the machine that runs it."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch):
    """Any code path that falls back to ``time.sleep`` fails the test instead of sleeping."""

    def refuse(seconds):
        raise AssertionError("a unit test tried to really sleep %r s" % (seconds,))

    monkeypatch.setattr(time, "sleep", refuse)
