# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures for running playbooks through ansible-runner against an in-process emulator.

Run from the laid-out copy (.build/ansible_collections/apify/platform) by `make proof`:
ansible-playbook finds the collection through ANSIBLE_COLLECTIONS_PATH=.build.
"""

import json
import os
import secrets
import shutil
import sys
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.emulator.server import start_server, stop_server  # noqa: E402  pylint: disable=wrong-import-position

ansible_runner = pytest.importorskip("ansible_runner", reason="ansible-runner is a test-only dependency of `make proof`")


def collections_root():
    """The directory holding ansible_collections/apify/platform (this copy), or None."""
    parts = REPO_ROOT.parts
    if len(parts) >= 3 and parts[-3:-1] == ("ansible_collections", "apify") and parts[-1] == "platform":
        return REPO_ROOT.parents[2]
    return None


class Emulator:
    """The emulator's control API, and its token (distinctive, so a leak is easy to find)."""

    def __init__(self, base_url, token):
        self.base_url = base_url
        self.token = token
        self.http = requests.Session()

    def control(self, method, path, body=None, **kwargs):
        response = self.http.request(method, "%s/_emulator/%s" % (self.base_url, path), json=body, timeout=30, **kwargs)
        assert response.ok, response.text
        return response.json()["data"]

    def run(self, run_id):
        return self.control("GET", "runs/%s" % run_id)

    def log(self, **filters):
        return self.control("GET", "log", params=filters)


@pytest.fixture(scope="session")
def collections_path():
    root = collections_root()
    if root is None:
        pytest.skip("run from the laid-out collection (make proof), where ansible-playbook can find apify.platform")
    return str(root)


@pytest.fixture(scope="module")
def emulator():
    token = "apify_api_" + secrets.token_hex(16)
    server, thread, base_url = start_server(token=token)
    emu = Emulator(base_url, token)
    yield emu
    emu.http.close()
    stop_server(server, thread)


@pytest.fixture
def private_data_dir(tmp_path):
    path = tmp_path / "runner"
    (path / "project").mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run_playbook(private_data_dir, playbook, envvars, collections_path, **kwargs):
    """ansible_runner.run() as AWX does it: env files suppressed, the environment given as envvars."""
    env = dict(envvars)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=collections_path,
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
        ANSIBLE_PIPELINING="1",
        # ansible-core 2.21 leaves `invocation` (the module's arguments, no_log values masked) out of
        # results unless asked; ask, so that the secrets test sees it as before (older cores ignore this).
        ANSIBLE_INJECT_INVOCATION="1",
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
    )
    if isinstance(playbook, (str, Path)):
        target = Path(private_data_dir) / "project" / Path(playbook).name
        shutil.copy(str(playbook), str(target))
        playbook = target.name
    return ansible_runner.run(
        private_data_dir=str(private_data_dir),
        playbook=playbook,
        envvars=env,
        inventory="localhost ansible_connection=local ansible_python_interpreter=%s" % sys.executable,
        suppress_env_files=True,
        quiet=True,
        **kwargs,
    )


def task_results(runner):
    """``{task name: result}`` from the runner's events (the last result of each task)."""
    results = {}
    for event in runner.events:
        if event.get("event") in ("runner_on_ok", "runner_on_failed", "runner_on_skipped"):
            data = event["event_data"]
            results[data["task"]] = dict(data["res"], failed=event["event"] == "runner_on_failed")
    return results


def dump(value):
    return json.dumps(value, ensure_ascii=False, default=str)
