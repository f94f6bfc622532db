# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the plugin unit tests: the scripted HTTP fake and running a module in-process.

The fake itself lives in ``scripted_http.py`` (its docstring tells how it works and how
the module tests get it). Here:

* ``fake``: a fresh ``Fake`` (scripted HTTP, fake clock, run factories), with the
  machine's environment kept out (``clean_environment``) and any fall-back to a real
  ``time.sleep`` turned into a failure (``no_real_sleep``);
* ``run_module``: ``run_module(main, args, check_mode=False)`` runs a module's
  ``main()`` with ``patch_module_args`` (``module_args.py``: every supported core) and returns its JSON
  result; the module's client talks to ``fake``'s script. After the test, a request
  that nothing was scripted for fails it.

Nothing here is autouse: the wire-level tests (``test__session.py``) run real
loopback servers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

import pytest

from ansible_collections.apify.platform.plugins.module_utils import _connection, _procedure
from ansible_collections.apify.platform.tests.unit.module_args import patch_module_args
from ansible_collections.apify.platform.tests.unit.scripted_http import Fake

# Read from the environment by requests, the session or the modules.
ENVIRONMENT = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "APIFY_TOKEN", "APIFY_API_BASE_URL")


@pytest.fixture
def clean_environment(monkeypatch):
    """No test depends on the proxies, CA bundles or Apify settings of the machine that runs it."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name in ENVIRONMENT:
            monkeypatch.delenv(name)


@pytest.fixture
def no_real_sleep(monkeypatch):
    """Any code path that falls back to ``time.sleep`` fails the test instead of sleeping."""

    def refuse(seconds):
        raise AssertionError("a unit test tried to really sleep %r s" % (seconds,))

    monkeypatch.setattr(time, "sleep", refuse)


@pytest.fixture
def fake(clean_environment, no_real_sleep):  # pylint: disable=unused-argument,redefined-outer-name
    scripted = Fake()
    yield scripted
    assert not scripted.http.unscripted, "requests with nothing scripted for them: %r" % scripted.http.unscripted


@pytest.fixture
def run_module(fake, monkeypatch, capsys):  # pylint: disable=redefined-outer-name
    """Run ``main()`` of a module against ``fake``; return its result (see the module docstring)."""
    monkeypatch.setattr(_connection, "ApifyClient", fake.module_client)  # where ApifyModule.client() builds it
    monkeypatch.setattr(_procedure, "time", fake.clock)

    def run(main, args, check_mode=False):
        args = dict(args)
        if check_mode:
            args["_ansible_check_mode"] = True
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                main()
        return json.loads(capsys.readouterr().out)

    return run
