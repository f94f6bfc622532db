# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the event source: the source loaded as ansible-rulebook loads it, a queue stand-in,
a scripted Apify API on loopback, and a running source with a client to call it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import runpy
import socket
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "extensions" / "eda" / "plugins" / "event_source" / "webhook.py"
SECRET = "s3cret-for-tests-0123456789"
TOKEN = "apify_api_TESTTOKEN0123456789abcdef"
ACTOR = "ActorOfTheTest001"
TASK = "TaskOfTheTest0001"


def load_source():
    """The source as ansible-rulebook runs it: runpy.run_path, then main()."""
    return runpy.run_path(str(SOURCE))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_object(run_id, actor=ACTOR, task=None, status="FAILED"):
    return {
        "id": run_id,
        "actId": actor,
        "userId": "UserOfTheTest0001",
        "actorTaskId": task,
        "startedAt": "2026-01-01T00:00:00.000Z",
        "finishedAt": "2026-01-01T00:01:00.000Z",
        "status": status,
        "stats": {"resurrectCount": 0},
        "options": {"build": "latest", "timeoutSecs": 300, "memoryMbytes": 1024},
        "buildId": "BuildOfTheTest001",
        "meta": {"origin": "API"},
    }


def payload(run_id, event_type="ACTOR.RUN.FAILED", actor=ACTOR, task=None, resource=True):
    body = {
        "userId": "UserOfTheTest0001",
        "createdAt": "2026-01-01T00:01:00.000Z",
        "eventType": event_type,
        "eventData": {"actorId": actor, "actorTaskId": task, "actorRunId": run_id},
    }
    if resource:
        body["resource"] = run_object(run_id, actor, task)
    return body


class MockQueue:
    """What ansible-rulebook hands a source: something with an async put()."""

    def __init__(self):
        self.events = []

    async def put(self, event):
        self.events.append(event)


class ScriptedApi:
    """GET /v2/actor-runs/{id} on loopback: runs from a dict, a latency, a log of what it received."""

    def __init__(self, latency=0.0):
        self.runs = {}
        self.latency = latency
        self.log = []
        self.status = {}

    async def get_run(self, request):
        run_id = request.match_info["run_id"]
        self.log.append({"path": request.path, "authorization": request.headers.get("Authorization"), "at": time.monotonic()})
        if self.latency:
            await asyncio.sleep(self.latency)
        if run_id in self.status:
            return web.json_response({"error": {"type": "x", "message": "scripted"}}, status=self.status[run_id])
        if run_id not in self.runs:
            return web.json_response({"error": {"type": "record-not-found", "message": "Actor run was not found"}}, status=404)
        return web.json_response({"data": self.runs[run_id]})


@pytest.fixture
async def api():
    scripted = ScriptedApi()
    app = web.Application()
    app.router.add_get("/v2/actor-runs/{run_id}", scripted.get_run)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    scripted.url = "http://127.0.0.1:%d" % port
    yield scripted
    await runner.cleanup()


class Running:
    """A source serving on loopback, its queue, and post() to call it."""

    def __init__(self, queue, port, task):
        self.queue = queue
        self.url = "http://127.0.0.1:%d/apify" % port
        self.task = task
        self.session = aiohttp.ClientSession()

    async def post(self, body, secret=SECRET, dispatch_id=None, headers=None, raw=None):
        sent = {"Content-Type": "application/json", **(headers or {})}
        if secret is not None:
            sent["Authorization"] = "Bearer " + secret
        if dispatch_id is not None:
            sent["X-Apify-Webhook-Dispatch-Id"] = dispatch_id
        data = raw if raw is not None else json.dumps(body).encode()
        async with self.session.post(self.url, data=data, headers=sent) as response:
            return response.status, await response.text()

    async def settle(self, count, timeout=5.0):
        """Wait until COUNT events are queued (background verification) or the timeout passes."""
        deadline = time.monotonic() + timeout
        while len(self.queue.events) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return self.queue.events


@pytest.fixture
async def start_source():
    started = []

    async def start(**args):
        source = load_source()
        queue = MockQueue()
        port = free_port()
        args = {"host": "127.0.0.1", "port": port, "secret": SECRET, **args}
        task = asyncio.ensure_future(source["main"](queue, args))
        for dummy in range(200):
            with contextlib.suppress(OSError):
                _reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            if task.done():
                task.result()  # raises what main() raised
            await asyncio.sleep(0.02)
        running = Running(queue, port, task)
        started.append(running)
        return running

    yield start
    for running in started:
        await running.session.close()
        running.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running.task
