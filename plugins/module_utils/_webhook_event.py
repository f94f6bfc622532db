# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the event source decides about one webhook call, without any I/O.

The shared secret (``check_secret``), the body (``parse_payload``: JSON, bounded,
an Apify webhook payload), the memory of recent dispatch IDs
(``DispatchMemory``), whether the API's run matches the payload's claim
(``mismatch``) and the event itself (``make_event``). The aiohttp server in
``extensions/eda/plugins/event_source/webhook.py`` calls these in order; they
are plain functions so that they are tested without a server.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import hmac
import json
import re
import time

from ansible_collections.apify.platform.plugins.module_utils._answers import MAX_JSON_DEPTH
from ansible_collections.apify.platform.plugins.module_utils._options import RUN_ID_RE
from ansible_collections.apify.platform.plugins.module_utils._redaction import REDACTED
from ansible_collections.apify.platform.plugins.module_utils._schemas import HAS_JSONSCHEMA

if HAS_JSONSCHEMA:
    from jsonschema import Draft202012Validator

# A run object is a few KiB; an Apify payload with it is far below this.
MAX_BODY_BYTES = 1024 * 1024
# Apify's dispatch IDs are 17 letters and digits; anything longer or stranger is not one.
DISPATCH_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
RUN_EVENT_PREFIX = "ACTOR.RUN."
# JSON strings (the unrolled form: no backtracking) and the brackets outside them.
_JSON_STRING_RE = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET_RE = re.compile(rb"[\[\]{}]")

# Only what the source reads, each value checked by its own validator (built once): a subschema
# reached through "properties" costs jsonschema a descent (a new validator object) per call, a few
# times the cost of checking the value itself (benchmarks/profile_events.py).
_ID = {"type": "string", "minLength": 1, "maxLength": 200}
PAYLOAD_SCHEMA = {"type": "object", "required": ["eventType", "eventData"]}
PAYLOAD_FIELDS = (
    ("eventType", {"type": "string", "pattern": "^[A-Z][A-Z_.]{0,63}$"}),
    ("resource", {"type": ["object", "null"]}),
)
# eventData of other events (TEST, ACTOR.BUILD.*); a run event's is checked by RUN_EVENT_DATA_SCHEMA.
EVENT_DATA_FIELD = (("eventData", {"type": ["object", "null"]}),)
# For ACTOR.RUN.* events: the claim that is checked against the API.
RUN_EVENT_DATA_SCHEMA = {"type": "object", "required": ["actorId", "actorRunId"]}
RUN_EVENT_DATA_FIELDS = (
    ("actorId", _ID),
    ("actorTaskId", {"type": ["string", "null"], "minLength": 1, "maxLength": 200}),
    ("actorRunId", _ID),
)


class Refused(Exception):
    """A call that is answered with ``status`` and never becomes an event."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def check_secret(authorization, secret):
    """Raise Refused (401 without a Bearer credential, 403 with a wrong one); constant-time compare."""
    if not authorization:
        raise Refused(401, "no Authorization header")
    scheme, _sep, credential = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise Refused(401, "the Authorization header is not a Bearer credential")
    # bytes: compare_digest refuses non-ASCII str, and a caller's header may hold anything
    if not hmac.compare_digest(credential.strip().encode("utf-8", "surrogateescape"), secret.encode("utf-8")):
        raise Refused(403, "wrong secret")


def check_dispatch_id(value):
    """The ``X-Apify-Webhook-Dispatch-Id`` header: None when absent, else a plausible ID (or Refused)."""
    if value is None:
        return None
    if not DISPATCH_ID_RE.fullmatch(value):
        raise Refused(400, "the X-Apify-Webhook-Dispatch-Id header is not a dispatch ID")
    return value


_VALIDATORS = {}


def _validator(schema):
    validator = _VALIDATORS.get(id(schema))
    if validator is None:  # built once: building one costs far more than a validation
        validator = _VALIDATORS[id(schema)] = Draft202012Validator(schema)
    return validator


def _message(errors, where):
    errors = sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return None
    path = [str(p) for p in errors[0].absolute_path]
    where = ".".join([where] + path if where else path) or "the body"
    return "%s: %s" % (where, errors[0].message[:120])


def _first_error(document, schema, fields=()):
    """The first error of ``document`` against ``schema`` and of each present member named in ``fields``, or None."""
    validator = _validator(schema)
    if not validator.is_valid(document):
        return _message(validator.iter_errors(document), "")
    for name, field_schema in fields:
        if name in document:
            validator = _validator(field_schema)
            if not validator.is_valid(document[name]):
                return _message(validator.iter_errors(document[name]), name)
    return None


def raw_nesting_exceeds(body, limit):
    """True when brackets outside JSON strings in the bytes ``body`` open more than ``limit`` deep.

    An unterminated string leaves its brackets counted: that can only refuse what is not JSON.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for match in _BRACKET_RE.finditer(_JSON_STRING_RE.sub(b"", body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def parse_payload(body):
    """``(payload, claim)`` from the raw body; Refused(400/413/422) for anything else.

    ``claim`` is None for an event that is not about a run (``TEST``,
    ``ACTOR.BUILD.*``); for ``ACTOR.RUN.*`` it is ``{event_type, run_id,
    actor_id, task_id}``, the run ID checked like a module's ``run_id``.
    """
    if len(body) > MAX_BODY_BYTES:
        raise Refused(413, "the body is larger than %d bytes" % MAX_BODY_BYTES)
    # Before the parser: json recurses in C, and deep enough nesting overflows the C stack of a
    # process that hosts a JVM (ansible-rulebook) before Python's recursion limit is reached.
    if raw_nesting_exceeds(body, MAX_JSON_DEPTH):
        raise Refused(400, "the body is nested more than %d levels deep" % MAX_JSON_DEPTH)
    try:
        payload = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Refused(400, "the body is not JSON")
    error = _first_error(payload, PAYLOAD_SCHEMA, PAYLOAD_FIELDS)
    if error:
        raise Refused(422, "not an Apify webhook payload (%s)" % error)
    event_type = payload["eventType"]
    if not event_type.startswith(RUN_EVENT_PREFIX):
        error = _first_error(payload, PAYLOAD_SCHEMA, EVENT_DATA_FIELD)
        if error:
            raise Refused(422, "not an Apify webhook payload (%s)" % error)
        return payload, None
    data = payload["eventData"] or {}
    error = _first_error(data, RUN_EVENT_DATA_SCHEMA, RUN_EVENT_DATA_FIELDS)
    if error:
        raise Refused(422, "not an Apify run event (eventData.%s)" % error)
    run_id = data["actorRunId"]
    if not RUN_ID_RE.fullmatch(run_id):
        raise Refused(422, "eventData.actorRunId is not a run ID")
    resource = payload.get("resource")
    if isinstance(resource, dict) and "id" in resource and resource["id"] != run_id:
        raise Refused(422, "resource.id is not eventData.actorRunId")
    claim = {"event_type": event_type, "run_id": run_id, "actor_id": data["actorId"], "task_id": data.get("actorTaskId")}
    return payload, claim


def mismatch(claim, run):
    """What the API's ``run`` says that the payload's ``claim`` does not (a short text), or None.

    The run ID itself was checked by the client (``_runs.get_run``).
    """
    if run.get("actId") != claim["actor_id"]:
        return "the run belongs to another Actor than the payload says"
    if (run.get("actorTaskId") or None) != (claim["task_id"] or None):
        return "the run belongs to another task than the payload says"
    return None


class DispatchMemory:
    """The dispatch IDs seen in the last ``ttl`` seconds, at most ``size`` of them (oldest forgotten first)."""

    def __init__(self, size=10000, ttl=3600.0, clock=time.monotonic):
        self.size = size
        self.ttl = ttl
        self._clock = clock
        self._seen = collections.OrderedDict()

    def seen(self, dispatch_id):
        """True if ``dispatch_id`` was seen recently; otherwise remember it and return False."""
        now = self._clock()
        while self._seen and now - next(iter(self._seen.values())) >= self.ttl:
            self._seen.popitem(last=False)
        if dispatch_id in self._seen:
            return True
        while len(self._seen) >= self.size:
            self._seen.popitem(last=False)
        self._seen[dispatch_id] = now
        return False

    def forget(self, dispatch_id):
        self._seen.pop(dispatch_id, None)

    def __len__(self):
        return len(self._seen)


def masked(data, secrets):
    """``data`` with each of ``secrets`` replaced in every string (keys too); cheap when none occurs."""
    secrets = [s for s in secrets if s]
    if not secrets or not any(s in json.dumps(data) for s in secrets):
        return data
    return _mask(data, secrets)


def holds_secret(body, secrets):
    """Whether the raw ``body`` holds one of ``secrets`` (as typed, or as JSON escapes it)."""
    return any(needle in body for secret in secrets if secret for needle in _needles(secret))


_NEEDLES = {}


def _needles(secret):
    if secret not in _NEEDLES:
        _NEEDLES[secret] = {secret.encode("utf-8"), json.dumps(secret)[1:-1].encode("utf-8")}
    return _NEEDLES[secret]


def _mask(data, secrets):
    if isinstance(data, str):
        for secret in secrets:
            data = data.replace(secret, REDACTED)
        return data
    if isinstance(data, dict):
        return dict((_mask(k, secrets), _mask(v, secrets)) for k, v in data.items())
    if isinstance(data, list):
        return [_mask(v, secrets) for v in data]
    return data


_PRIVATE_HEADERS = frozenset(("authorization", "proxy-authorization", "cookie"))


def safe_headers(headers, secrets):
    """The request's headers for ``meta.headers``: no Authorization, no Cookie, and no value holding a secret."""
    kept = {name: value for name, value in headers.items() if name.lower() not in _PRIVATE_HEADERS}
    joined = "\n".join(kept.values())  # one search for the usual case: no secret in any value
    secrets = [s for s in secrets if s and s in joined]
    if secrets:
        kept = {name: value for name, value in kept.items() if not any(s in value for s in secrets)}
    return kept


def make_event(payload, claim, dispatch_id, verified, run, headers, secrets, body=None):
    """The event that goes on the rulebook's queue (the secret and the token masked out).

    With the raw ``body`` the payload and a run taken from it are searched for the secrets in
    bytes (fast); a run read from the API is always searched.
    """
    event = {
        "apify": {
            "event_type": payload["eventType"],
            "run_id": claim["run_id"] if claim else None,
            "actor_id": claim["actor_id"] if claim else None,
            "task_id": claim["task_id"] if claim else None,
            "dispatch_id": dispatch_id,
            "verified": verified,
            "run": run,
        },
        "payload": payload,
        "meta": {"headers": safe_headers(headers, secrets)},
    }
    if body is not None and not holds_secret(body, secrets):
        if verified:
            event["apify"]["run"] = masked(run, secrets)
        return event
    return masked(event, secrets)
