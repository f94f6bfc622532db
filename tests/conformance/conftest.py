# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the conformance tests: Apify's OpenAPI document and an in-process emulator.

These tests need test-only packages (apify-client, rfc3339-validator) and run in
`make proof` (.venvs/proof), not in `make units`.
"""

import sys

import pytest
import requests

from tests.conformance.spec_tools import REPO_ROOT, Spec, load_spec

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.emulator.server import start_server, stop_server  # noqa: E402  pylint: disable=wrong-import-position

TOKEN = "apify_api_conformance0123456789"


class Emu:
    """The emulator's API (``api``) and control API (``control``) over one HTTP session."""

    token = TOKEN

    def __init__(self, base_url):
        self.base_url = base_url
        self.http = requests.Session()

    def api(self, method, path, token=TOKEN, **kwargs):
        headers = {"Authorization": "Bearer %s" % token} if token else {}
        return self.http.request(method, self.base_url + path, headers=headers, timeout=10, **kwargs)

    def control(self, method, path, body=None, **kwargs):
        response = self.http.request(method, "%s/_emulator/%s" % (self.base_url, path), json=body, timeout=30, **kwargs)
        assert response.ok, response.text
        return response.json()["data"]

    def create(self, **spec):
        return self.control("POST", "runs", spec)

    def faults(self, *rules):
        return self.control("POST", "faults", {"rules": list(rules)})

    def log(self, **filters):
        return self.control("GET", "log", params=filters)


@pytest.fixture(scope="session")
def spec():
    document, path = load_spec()
    if document is None:
        pytest.skip("Apify's OpenAPI document is not at %s: set APIFY_OPENAPI_SPEC to its openapi.bundled.json" % path)
    return Spec(document)


@pytest.fixture(scope="module")
def emulator_server():
    server, thread, base_url = start_server(token=TOKEN)
    yield base_url
    stop_server(server, thread)


@pytest.fixture
def emu(emulator_server):
    client = Emu(emulator_server)
    client.control("POST", "reset")
    yield client
    client.http.close()
