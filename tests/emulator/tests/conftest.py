# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures for the emulator's own tests: one server per module, reset before each test."""

import json
import os
import sys
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[3]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.emulator.server import start_server, stop_server  # noqa: E402  pylint: disable=wrong-import-position

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class Emu:
    """A thin client for the emulator: the API under /v2 and the control API under /_emulator."""

    token = TOKEN

    def __init__(self, base_url: str, server):
        self.base_url = base_url
        self.server = server
        self.http = requests.Session()

    def api(self, method: str, path: str, auth: bool = True, **kwargs) -> requests.Response:
        headers = dict(AUTH if auth else {}, **kwargs.pop("headers", {}))
        kwargs.setdefault("timeout", 10)
        return self.http.request(method, self.base_url + path, headers=headers, **kwargs)

    def control(self, method: str, path: str, body=None, **kwargs):
        """Call /_emulator/<path>; return the parsed ``data`` (asserting a 2xx)."""
        response = self.http.request(method, f"{self.base_url}/_emulator/{path}", json=body, timeout=30, **kwargs)
        assert response.ok, response.text
        return response.json()["data"]

    def create(self, **spec) -> dict:
        return self.control("POST", "runs", spec)

    def run(self, run_id: str) -> dict:
        return self.control("GET", f"runs/{run_id}")

    def faults(self, *rules) -> list:
        return self.control("POST", "faults", {"rules": list(rules)})

    def log(self, **filters) -> list:
        return self.control("GET", "log", params=filters)


@pytest.fixture(scope="module")
def _server():
    server, thread, base_url = start_server(token=TOKEN)
    yield server, base_url
    stop_server(server, thread)


@pytest.fixture
def emu(_server):
    server, base_url = _server
    client = Emu(base_url, server)
    client.control("POST", "reset")
    yield client
    client.http.close()


def _load_spec():
    path = os.environ.get("APIFY_OPENAPI_SPEC") or REPO_ROOT.parent / "shared" / "apify-openapi" / "openapi.bundled.json"
    if not Path(path).is_file():
        return None, path
    with open(path, encoding="utf-8") as handle:
        return json.load(handle), path


@pytest.fixture(scope="session")
def openapi_spec():
    """Apify's OpenAPI document (never copied into the repository)."""
    spec, path = _load_spec()
    if spec is None:
        pytest.skip(f"Apify OpenAPI spec not found at {path}; set APIFY_OPENAPI_SPEC to its openapi.bundled.json")
    return spec
