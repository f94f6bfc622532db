# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""apify.platform.webhook: Apify webhook calls as Event-Driven Ansible events (aiohttp)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
short_description: Receive Apify webhook calls as events, checked and verified
version_added: 1.1.0
description:
  - An ansible-rulebook event source that listens for the calls Apify makes for a webhook
    (see C(apify.platform.apify_webhook)) and puts one event on the queue per run event.
  - Every call must carry C(Authorization: Bearer <secret>), the header that the C(secret)
    option of the webhook makes Apify send. A call without it is answered 401, with a wrong one 403
    (compared in constant time), and never becomes an event.
  - A body larger than 1 MiB is answered 413; a body that is not JSON 400; JSON that is not an Apify webhook
    payload 422. Nothing a caller sends stops the source from serving the next call.
  - Apify does not sign its calls, so with O(verify=true) (the default) the run of an C(ACTOR.RUN.*) event is
    read from the Apify API with the collection's own client, and the event carries the run as the API says it is.
    A payload whose Actor or task differs from the API's is dropped and logged. The call is answered
    C(202) at once; the reads run in the background, at most O(verify_concurrency) at a time.
  - A repeated C(X-Apify-Webhook-Dispatch-Id) (Apify delivers at least once) is answered C(200) and not put on
    the queue again. The memory holds the IDs of the last hour, at most 10,000, and is lost on a restart:
    rules must be safe to run twice, as C(apify.platform.apify_run_resurrect) is (it decides from the run's state).
  - The event is C({"apify": {"event_type", "run_id", "actor_id", "task_id", "dispatch_id", "verified", "run"},
    "payload": <the body>, "meta": {"headers": <the request headers without Authorization>}}). C(run) is the API's
    run when verified, otherwise the payload's C(resource). Events that are not about a run (C(TEST),
    C(ACTOR.BUILD.*)) are passed on with C(verified=false) and C(run_id=null).
  - The secret and the token never appear in events or log lines; the access log of aiohttp is off and the
    source logs one line per refused call, with the reason but without the header.
options:
  host:
    description: The address to listen on. Put a reverse proxy with TLS in front, or use O(certfile).
    type: str
    default: 0.0.0.0
  port:
    description: The TCP port to listen on.
    type: int
    required: true
  secret:
    description:
      - The shared secret that Apify sends as C(Authorization: Bearer <secret>).
      - If not given, the E(APIFY_WEBHOOK_SECRET) environment variable is used; one of them is required.
      - Prefer the environment variable: rulebook variables are passed on to the playbooks that rules run.
    type: str
  certfile:
    description: A PEM certificate chain; with it the source serves HTTPS.
    type: str
  keyfile:
    description: The private key of O(certfile), if not in the same file.
    type: str
  password:
    description: The password of O(keyfile).
    type: str
  verify:
    description: Read the run of each C(ACTOR.RUN.*) event from the Apify API before it becomes an event.
    type: bool
    default: true
  verify_concurrency:
    description: At most this many API reads at once (threads of the collection's client).
    type: int
    default: 10
  token:
    description:
      - The Apify API token for the reads. If not given, E(APIFY_TOKEN) is used.
      - Reading a run works without a token too, if its ID is known.
    type: str
  api_url:
    description: The API root. If not given, E(APIFY_API_BASE_URL), else C(https://api.apify.com).
    type: str
  timeout:
    description: Seconds for one API read, connect to last byte.
    type: float
    default: 30
  validate_certs:
    description: Check the API's TLS certificate.
    type: bool
    default: true
  retries:
    description: Retries of a read that met a 429, a 5xx or a network error.
    type: int
    default: 5
notes:
  - Needs the collection installed where ansible-rulebook finds it (C(ANSIBLE_COLLECTIONS_PATH)), with requests and
    jsonschema; aiohttp comes with ansible-rulebook.
"""

EXAMPLES = r"""
- name: Apify runs
  hosts: localhost
  sources:
    - apify.platform.webhook:
        host: 0.0.0.0
        port: 5000
        # the secret from APIFY_WEBHOOK_SECRET, the token from APIFY_TOKEN
  rules:
    - name: A run failed
      condition: event.apify.event_type == "ACTOR.RUN.FAILED" and event.apify.verified
      action:
        debug:
          msg: "Run {{ event.apify.run_id }} failed"
"""

import asyncio
import logging
import os
import ssl
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiohttp import web

try:
    import ansible_collections.apify.platform.plugins.module_utils  # noqa: F401  # pylint: disable=unused-import
except ImportError:  # ansible-rulebook runs this file by path: find the collection it belongs to
    _here = Path(os.path.abspath(globals().get("__file__", ".")))  # not resolve(): a symlinked collection stays where it is found
    if len(_here.parents) > 6 and _here.parents[6].name == "ansible_collections":
        sys.path.insert(0, str(_here.parents[7]))

from ansible_collections.apify.platform.plugins.module_utils._connection import build_client, connection_options
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyError, shorten
from ansible_collections.apify.platform.plugins.module_utils._runs import get_run
from ansible_collections.apify.platform.plugins.module_utils._webhook_event import (
    MAX_BODY_BYTES,
    DispatchMemory,
    Refused,
    check_dispatch_id,
    check_secret,
    make_event,
    masked,
    mismatch,
    parse_payload,
)

logger = logging.getLogger("apify.platform.webhook")

# Verifications waiting or running at once; past this, calls are answered 503 and Apify retries later.
MAX_PENDING = 1000
MAX_CONCURRENCY = 100
ACCEPTED = b'{"accepted": true}'
DUPLICATE = b'{"accepted": false, "duplicate": true}'


class _Masking(logging.Filter):
    """Replaces the secret and the token in every record of the loggers it is put on."""

    def __init__(self, secrets):
        super().__init__()
        self.secrets = secrets

    def filter(self, record):
        message = record.getMessage()
        cleaned = masked(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def _flag(args, name, default):
    value = args.get(name, default)
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
        return value.strip().lower() in ("true", "yes", "on", "1")
    if not isinstance(value, bool):
        raise ValueError("apify.platform.webhook: %s must be true or false (got %s)" % (name, type(value).__name__))
    return value


def _number(args, name, default, kind=int, low=1, high=None):
    value = args.get(name, default)
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or number < low or (high is not None and number > high):
        raise ValueError("apify.platform.webhook: %s must be a number from %s%s" % (name, low, " to %s" % high if high else ""))
    return number


def settings(args, environ=None):
    """The source's settings from its rulebook arguments (ValueError with a clear message)."""
    environ = os.environ if environ is None else environ
    secret = args.get("secret") or environ.get("APIFY_WEBHOOK_SECRET")
    if not isinstance(secret, str) or not secret.strip():
        raise ValueError("apify.platform.webhook: no secret: set the secret option or APIFY_WEBHOOK_SECRET")
    if secret != secret.strip() or any(ord(c) < 33 or ord(c) == 127 for c in secret):
        raise ValueError("apify.platform.webhook: the secret must not contain whitespace or control characters")
    connection = connection_options({k: args.get(k) for k in ("token", "api_url", "timeout", "validate_certs", "retries")}, environ)
    connection["timeout"] = _number(connection, "timeout", 30.0, float, low=0.001)
    connection["retries"] = _number(connection, "retries", 5, low=0)
    connection["validate_certs"] = _flag(connection, "validate_certs", True)
    return {
        "host": str(args.get("host") or "0.0.0.0"),
        "port": _number(args, "port", None, high=65535),
        "secret": secret,
        "verify": _flag(args, "verify", True),
        "verify_concurrency": _number(args, "verify_concurrency", 10, high=MAX_CONCURRENCY),
        "connection": connection,
        "certfile": args.get("certfile"),
        "keyfile": args.get("keyfile"),
        "password": args.get("password"),
    }


class Receiver:
    """The request handler and its state: the dispatch memory, the client, the pending verifications."""

    def __init__(self, queue, config, client=None, token=None):
        self.queue = queue
        self.secret = config["secret"]
        self.secrets = [self.secret, token]
        self.verify = config["verify"]
        self.client = client
        self.memory = DispatchMemory()
        self.executor = ThreadPoolExecutor(max_workers=config["verify_concurrency"], thread_name_prefix="apify-verify")
        self.pending = set()

    async def handle(self, request):
        try:
            return await self._handle(request)
        except Refused as exc:
            logger.warning("Refused a call from %s: %d, %s", request.remote, exc.status, exc.reason)
            return web.json_response({"error": exc.reason}, status=exc.status)
        except web.HTTPException as exc:  # aiohttp's own: 413 from client_max_size, a broken body
            logger.warning("Refused a call from %s: %d, %s", request.remote, exc.status, exc.reason)
            return web.json_response({"error": exc.reason}, status=exc.status)
        except Exception as exc:  # pylint: disable=broad-exception-caught  # never stop serving; Apify retries a 500
            logger.error("Internal error on a call from %s: %s", request.remote, type(exc).__name__)
            return web.json_response({"error": "internal error"}, status=500)

    async def _handle(self, request):
        check_secret(request.headers.get("Authorization"), self.secret)
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            raise Refused(413, "the body is larger than %d bytes" % MAX_BODY_BYTES)
        dispatch_id = check_dispatch_id(request.headers.get("X-Apify-Webhook-Dispatch-Id"))
        body = await request.read()
        payload, claim = parse_payload(body)
        if dispatch_id is not None and self.memory.seen(dispatch_id):
            logger.info("Dispatch %s again: answered, not queued", dispatch_id)
            return web.Response(body=DUPLICATE, status=200, content_type="application/json")
        if claim is None or not self.verify:
            run = payload.get("resource") if claim else None
            await self.queue.put(make_event(payload, claim, dispatch_id, False, run, request.headers, self.secrets, body))
            return web.Response(body=ACCEPTED, status=202, content_type="application/json")
        headers = dict(request.headers)  # kept for the event made after the read
        if len(self.pending) >= MAX_PENDING:
            self.memory.forget(dispatch_id)
            raise Refused(503, "too many verifications pending")
        task = asyncio.ensure_future(self._verify(payload, claim, dispatch_id, headers, body))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)
        return web.Response(body=ACCEPTED, status=202, content_type="application/json")

    async def _verify(self, payload, claim, dispatch_id, headers, body):
        run_id = claim["run_id"]
        try:
            run = await asyncio.get_running_loop().run_in_executor(self.executor, get_run, self.client, run_id)
        except ApifyError as exc:
            logger.error("Dropped %s of run %s (dispatch %s): the run could not be read: %s", claim["event_type"], run_id, dispatch_id, exc.message)
            return
        except Exception as exc:  # pylint: disable=broad-exception-caught  # a background task must not die unheard
            logger.error("Dropped %s of run %s (dispatch %s): %s: %s", claim["event_type"], run_id, dispatch_id, type(exc).__name__, shorten(str(exc)))
            return
        problem = mismatch(claim, run)
        if problem:
            logger.warning("Dropped %s of run %s (dispatch %s): %s", claim["event_type"], run_id, dispatch_id, problem)
            return
        await self.queue.put(make_event(payload, claim, dispatch_id, True, run, headers, self.secrets, body))

    def close(self):
        for task in list(self.pending):
            task.cancel()
        self.executor.shutdown(wait=False)


def _ssl_context(config):
    if not config["certfile"]:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(config["certfile"], config["keyfile"], config["password"])
    return context


async def main(queue, args):
    """Serve until cancelled; ValueError (or ApifyConfigError) for bad arguments, before listening."""
    config = settings(args)
    client = token = None
    if config["verify"]:
        try:
            client, token = build_client(config["connection"], token_required=False, pool_size=config["verify_concurrency"])
        except ApifyError as exc:
            raise ValueError("apify.platform.webhook: %s" % exc.message) from None
    receiver = Receiver(queue, config, client, token)
    masking = _Masking(receiver.secrets)
    for name in ("apify.platform.webhook", "aiohttp.server", "aiohttp.web", "aiohttp.access"):
        logging.getLogger(name).addFilter(masking)
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_post("/{path:.*}", receiver.handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, config["host"], config["port"], ssl_context=_ssl_context(config))
        await site.start()
        logger.info("Listening on %s:%d for Apify webhook calls (verify: %s)", config["host"], config["port"], config["verify"])
        await asyncio.Future()
    finally:
        receiver.close()
        await runner.cleanup()
        if client is not None:
            client.close()


if __name__ == "__main__":

    class _PrintQueue:
        async def put(self, event):
            print(event)

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(_PrintQueue(), {"port": int(os.environ.get("PORT", "5000"))}))
