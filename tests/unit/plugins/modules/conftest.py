# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a module's main() in-process with scripted HTTP answers.

``api`` replaces ``HttpTransport.request`` (``_http.py``), so no socket is
ever opened: answers are scripted per (method, path) and every request is
recorded, with the address and proxy of the transport that would have sent it,
so tests assert on exactly what the module sent. ``run_module`` runs main() and
returns its JSON result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os
import time

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.apify.platform.plugins.module_utils._http import HttpResponse, HttpTransport

TOKEN = "unit-test-token-4f9a"
API = "https://api.apify.com"


def make_run(run_id="3KH8gEpp4d8uQSe8T", status="RUNNING", reboot_count=0, **extra):
    run = {
        "id": run_id,
        "actId": "HDSasDasz78YcAPEB",
        "userId": "7sT5jcggjjA9fNcxF",
        "actorTaskId": None,
        "status": status,
        "startedAt": "2026-11-28T07:34:24.202Z",
        "finishedAt": None if status in ("RUNNING", "READY") else "2026-11-28T08:00:00.000Z",
        "buildId": "7sT5jcggjjA9fNcxF",
        "meta": {"origin": "API"},
        "stats": {"rebootCount": reboot_count, "restartCount": 0, "resurrectCount": 0, "computeUnits": 0.1},
        "options": {"build": "latest", "timeoutSecs": 3600, "memoryMbytes": 1024, "diskMbytes": 2048},
        "defaultKeyValueStoreId": "eJNzqsbPiopwJcgGQ",
        "defaultDatasetId": "wmKPijuyDnPZAPRMk",
        "defaultRequestQueueId": "FL35cSF7jrxr3BY39",
    }
    run.update(extra)
    return run


class ScriptedApi:
    """Scripted answers per (method, path); the last answer of a script repeats."""

    def __init__(self):
        self.scripts = {}
        self.requests = []

    def on(self, method, path, *answers):
        """Each answer: (status, body[, headers]) or an exception instance to raise (HttpError for a transport failure)."""
        self.scripts[(method, path)] = list(answers)

    def count(self, method, path=None):
        return sum(1 for r in self.requests if r["method"] == method and (path is None or r["path"] == path))

    def __call__(self, transport, method, path, params=None, headers=None):
        default_port = {"https": 443, "http": 80}.get(transport.scheme)
        port = "" if transport.port == default_port else ":%s" % transport.port
        self.requests.append(
            {
                "method": method,
                "url": "%s://%s%s%s" % (transport.scheme, transport.host, port, path),
                "path": path,
                "params": params,
                "headers": dict(headers or {}),
                "timeout": transport.timeout,
                "proxy": transport.proxy,
            }
        )
        script = self.scripts.get((method, path))
        if not script:
            answer = (404, {"error": {"type": "record-not-found", "message": "not scripted"}})
        else:
            answer = script.pop(0) if len(script) > 1 else script[0]
        if isinstance(answer, Exception):
            raise answer
        status, body = answer[0], answer[1]
        answer_headers = {"content-type": "application/json"}
        answer_headers.update((name.lower(), value) for name, value in (answer[2] if len(answer) > 2 else {}).items())
        body = body if isinstance(body, bytes) else json.dumps(copy.deepcopy(body)).encode()
        return HttpResponse(status, "scripted", answer_headers, body)


@pytest.fixture
def api(monkeypatch):
    scripted = ScriptedApi()

    def request(transport, method, path, params=None, headers=None):
        # A plain function binds as a method, so the scripted API sees the transport.
        return scripted(transport, method, path, params=params, headers=headers)

    monkeypatch.setattr(HttpTransport, "request", request)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    monkeypatch.delenv("APIFY_TOKEN", raising=False)
    monkeypatch.delenv("APIFY_API_BASE_URL", raising=False)
    # The transport reads *_proxy from the environment: none unless a test sets one.
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    return scripted


@pytest.fixture
def run_module(capsys):
    def run(main, args, check_mode=False):
        args = dict(args)
        if check_mode:
            args["_ansible_check_mode"] = True
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                main()
        out = capsys.readouterr().out
        return json.loads(out)

    return run
