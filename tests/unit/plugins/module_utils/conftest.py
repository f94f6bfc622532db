# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared fakes for the module_utils unit tests.

The HTTP boundary is a scripted stand-in for ``requests.Session``: it records
every request (method, URL, params, headers, timeout, allow_redirects) and
answers from per-route queues of responses, exceptions or callables. Time is a
fake clock whose ``sleep`` only advances a counter, so no test ever sleeps.
Everything is handed to the tests through the ``fake`` fixture.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import time

import pytest
from requests.structures import CaseInsensitiveDict

from ansible.module_utils.six.moves.http_client import responses as HTTP_REASONS
from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.apify.platform.plugins.module_utils._client import ApifyClient

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


class FakeResponse:
    """The parts of ``requests.Response`` the client reads."""

    def __init__(self, status=200, body=None, raw=None, headers=None, reason=None):
        self.status_code = status
        if raw is not None:
            self.content = raw if isinstance(raw, bytes) else raw.encode("utf-8")
            default_type = "text/html"
        else:
            self.content = json.dumps(body).encode("utf-8")
            default_type = "application/json"
        self.headers = CaseInsensitiveDict({"Content-Type": default_type})
        self.headers.update(headers or {})
        self.reason = reason if reason is not None else HTTP_REASONS.get(status, "")


class Repeat:
    """A queue entry that is never used up: the route answers it forever."""

    def __init__(self, outcome):
        self.outcome = outcome


class Call:
    """One recorded request."""

    def __init__(self, method, url, params, headers, timeout, allow_redirects, kwargs, at):
        self.method = method
        self.url = url
        self.path = urlsplit(url).path
        self.params = copy.deepcopy(params)
        self.headers = CaseInsensitiveDict(headers)
        self.timeout = timeout
        self.allow_redirects = allow_redirects
        self.kwargs = kwargs
        self.at = at  # fake time at which it was sent

    def __repr__(self):
        return "Call(%s %s %r)" % (self.method, self.url, self.params)


class FakeSession:
    """A ``requests.Session`` stand-in answering from scripted per-route queues.

    ``script(method, path, *outcomes)`` appends outcomes for that route; an
    outcome is a FakeResponse, an exception instance (raised), a callable
    ``f(call)`` returning either, or ``Repeat(outcome)``. An unscripted
    request fails the test.
    """

    def __init__(self, clock=None, latency=0.0):
        self.headers = CaseInsensitiveDict()
        self.verify = True
        self.trust_env = True
        self.adapters = {}
        self.calls = []
        self.routes = {}
        self.clock = clock
        self.latency = latency

    def mount(self, prefix, adapter):
        self.adapters[prefix] = adapter

    def script(self, method, path, *outcomes):
        self.routes.setdefault((method, path), []).extend(outcomes)
        return self

    def request(self, method, url, params=None, timeout=None, allow_redirects=True, **kwargs):
        call = Call(method, url, params, self.headers, timeout, allow_redirects, kwargs, self.clock.now() if self.clock else None)
        self.calls.append(call)
        queue = self.routes.get((method, call.path))
        if not queue:
            raise AssertionError("unscripted request: %s %s" % (method, url))
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
    FakeSession = FakeSession
    FakeClock = FakeClock

    def __init__(self):
        self.clock = FakeClock()
        self.session = FakeSession(clock=self.clock)

    def client(self, token=TOKEN, api_url=API_URL, rand=lambda: 0.0, **kwargs):
        kwargs.setdefault("session", self.session)
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
    def page(items, total, offset=0, limit=1000):
        return FakeResponse(200, {"data": {"total": total, "offset": offset, "limit": limit, "count": len(items), "desc": False, "items": items}})


@pytest.fixture
def fake():
    return Fake()


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch):
    """Any code path that falls back to ``time.sleep`` fails the test instead of sleeping."""

    def refuse(seconds):
        raise AssertionError("a unit test tried to really sleep %r s" % (seconds,))

    monkeypatch.setattr(time, "sleep", refuse)
