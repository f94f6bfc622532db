# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pieces of the ansible-rulebook test and demo: the collection installed as a user installs it,
the Apify API emulator as a process, and ansible-rulebook running the shipped rulebook."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
SECRET = "whsec-" + os.urandom(12).hex()
TOKEN = "apify_api_" + os.urandom(12).hex()
ACTOR = "WatchedActor00001"
OTHER_ACTOR = "UnwatchedActor001"
MAX_RESURRECT = 2


def require_java():
    """ansible-rulebook needs Java 17: fail (never skip) when it is missing."""
    java = shutil.which("java")
    if not java:
        raise RuntimeError(
            "java was not found on PATH: ansible-rulebook needs Java 17 (e.g. apt-get install openjdk-17-jre-headless); the events stage cannot run without it"
        )
    version = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    return version.splitlines()[0] if version else java


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port, proc, timeout=90.0, what="process"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %s before listening" % (what, proc.returncode))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("%s did not listen on %d within %ds" % (what, port, timeout))


def install_collection(work):
    """Build the collection and install the tarball into WORK/collections; return that path."""
    dist = Path(work) / "dist"
    collections = Path(work) / "collections"
    dist.mkdir(parents=True, exist_ok=True)
    galaxy = str(Path(sys.executable).parent / "ansible-galaxy")
    subprocess.run([galaxy, "collection", "build", "--force", "--output-path", str(dist), str(ROOT)], check=True, capture_output=True)
    tarball = next(dist.glob("apify-platform-*.tar.gz"))
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(collections)}
    subprocess.run([galaxy, "collection", "install", "--force", "-p", str(collections), str(tarball)], check=True, capture_output=True, env=env)
    return collections


class Emulator:
    """`python -m tests.emulator` on a free loopback port, with its control API."""

    def __init__(self, work):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log_file = open(Path(work) / "emulator.log", "w", encoding="utf-8")  # pylint: disable=consider-using-with
        self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", "tests.emulator", "--port", str(self.port), "--token", TOKEN, "--quiet"],
            cwd=str(ROOT),
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        wait_port(self.port, self.proc, 30, "the emulator")
        self.http = requests.Session()
        self.http.trust_env = False

    def control(self, method, path, body=None):
        response = self.http.request(method, self.url + "/_emulator" + path, json=body, timeout=30)
        response.raise_for_status()
        return response.json()["data"] if response.content else None

    def api(self, method, path, body=None):
        response = self.http.request(method, self.url + "/v2" + path, json=body, headers={"Authorization": "Bearer " + TOKEN}, timeout=30)
        response.raise_for_status()
        return response.json()["data"] if response.content else None

    def log(self, method=None, path_contains=None):
        query = {k: v for k, v in (("method", method), ("path_contains", path_contains)) if v}
        response = self.http.get(self.url + "/_emulator/log", params=query, timeout=30)
        return response.json()["data"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.log_file.close()


class Rulebook:
    """ansible-rulebook with the shipped rulebook, its output in a file."""

    def __init__(self, work, collections, emulator, verbosity="-vvv", max_resurrect=MAX_RESURRECT):
        work = Path(work)
        self.port = free_port()
        self.output = work / "rulebook.out"
        (work / "inventory.yml").write_text(
            "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: %s\n" % sys.executable
        )
        (work / "vars.yml").write_text(
            "apify_watched_actors: [%s]\napify_max_resurrect_count: %d\napify_webhook_host: 127.0.0.1\napify_webhook_port: %d\n"
            % (ACTOR, max_resurrect, self.port)
        )
        env = {
            **os.environ,
            "PATH": "%s%s%s" % (Path(sys.executable).parent, os.pathsep, os.environ.get("PATH", "")),
            "ANSIBLE_COLLECTIONS_PATH": str(collections),
            "APIFY_WEBHOOK_SECRET": SECRET,
            "APIFY_TOKEN": TOKEN,
            "APIFY_API_BASE_URL": emulator.url,
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_NOCOLOR": "1",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        env.pop("PYTHONPATH", None)  # the source must find the collection where ansible-rulebook finds it
        self._out = open(self.output, "w", encoding="utf-8")  # pylint: disable=consider-using-with
        command = [str(Path(sys.executable).parent / "ansible-rulebook"), "--rulebook", "apify.platform.resurrect_failed_runs"]
        command += ["-i", str(work / "inventory.yml"), "--vars", str(work / "vars.yml"), verbosity]
        # pylint: disable-next=consider-using-with  # stopped in stop()
        self.proc = subprocess.Popen(command, cwd=str(work), env=env, stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_port(self.port, self.proc, 120, "ansible-rulebook")
            # The source listens before the rule engine (a JVM started in the same process, which
            # holds the event loop meanwhile) is ready: calls made then wait for it.
            if not wait_for(lambda: "Waiting for events" in self.text() or self.proc.poll() is not None, 120):
                raise RuntimeError("ansible-rulebook did not start its rule engine within 120 s")
        except RuntimeError as exc:
            raise RuntimeError("%s; its output:\n%s" % (exc, self.text()[-4000:])) from None
        self.url = "http://127.0.0.1:%d/apify" % self.port

    def text(self):
        if not self._out.closed:
            self._out.flush()
        return self.output.read_text(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._out.close()


def webhook(emulator, request_url, secret=SECRET, actor=ACTOR):
    """A webhook on the emulator as apify.platform.apify_webhook makes it: the secret in headersTemplate."""
    headers = '{"Authorization": "Bearer %s"}' % secret if secret is not None else None
    body = {
        "eventTypes": ["ACTOR.RUN.FAILED", "ACTOR.RUN.TIMED_OUT"],
        "condition": {"actorId": actor},
        "requestUrl": request_url,
        "headersTemplate": headers,
    }
    return emulator.api("POST", "/webhooks", body)


def wait_for(predicate, timeout=60.0, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def workdir():
    return tempfile.mkdtemp(prefix="apify-eda-")
