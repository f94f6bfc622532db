# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""JSON Schemas for the API answers the collection reads, and ``validate()``.

Written from the official OpenAPI ``Run``, ``RunShort`` and ``ListOfRuns``
schemas. They check what the collection relies on: the fields it reads, with
their types, and the fields the official schema marks required that identify a
run. Extra fields always pass (``additionalProperties`` is never false), so a
field the API adds tomorrow breaks nobody. ``status`` is a string, not an enum:
a status we do not know is simply "not RUNNING" and such a run is left alone.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from jsonschema import Draft202012Validator

    HAS_JSONSCHEMA = True
    JSONSCHEMA_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by sanity's import test
    HAS_JSONSCHEMA = False
    JSONSCHEMA_IMPORT_ERROR = exc

from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyResponseError, shorten

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_COUNT = {"type": "integer", "minimum": 0}

RUN = {
    "type": "object",
    "required": ["id", "actId", "status", "startedAt", "stats", "options", "buildId"],
    "properties": {
        "id": _STRING,
        "actId": _STRING,
        "userId": _STRING,
        "actorTaskId": _NULLABLE_STRING,
        "status": _STRING,
        "statusMessage": _NULLABLE_STRING,
        "startedAt": _STRING,
        "finishedAt": _NULLABLE_STRING,
        "buildId": _STRING,
        "stats": {
            "type": "object",
            "properties": {
                "rebootCount": _COUNT,
                "restartCount": _COUNT,
                "resurrectCount": _COUNT,
                "memCurrentBytes": _COUNT,
                "memMaxBytes": _COUNT,
                "cpuCurrentUsage": {"type": "number"},
                "runTimeSecs": {"type": "number", "minimum": 0},
            },
        },
        "options": {
            "type": "object",
            "properties": {
                "build": _STRING,
                "timeoutSecs": _COUNT,
                "memoryMbytes": _COUNT,
            },
        },
    },
}

RUN_SHORT = {
    "type": "object",
    "required": ["id", "actId", "status", "startedAt"],
    "properties": {
        "id": _STRING,
        "actId": _STRING,
        "actorTaskId": _NULLABLE_STRING,
        "status": _STRING,
        "startedAt": _STRING,
        "finishedAt": _NULLABLE_STRING,
    },
}

RUN_RESPONSE = {
    "type": "object",
    "required": ["data"],
    "properties": {"data": RUN},
}

LIST_OF_RUNS_RESPONSE = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "object",
            "required": ["total", "offset", "limit", "count", "items"],
            "properties": {
                "total": _COUNT,
                "offset": _COUNT,
                "limit": _COUNT,
                "count": _COUNT,
                "desc": {"type": "boolean"},
                "items": {"type": "array", "items": RUN_SHORT},
            },
        },
    },
}

# A run's default storages, for progress: the fields read, from the spec's RequestQueue and Dataset.
REQUEST_QUEUE_RESPONSE = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "object",
            "required": ["id", "modifiedAt", "totalRequestCount", "handledRequestCount", "pendingRequestCount"],
            "properties": {
                "id": _STRING,
                "modifiedAt": _STRING,
                "totalRequestCount": _COUNT,
                "handledRequestCount": _COUNT,
                "pendingRequestCount": _COUNT,
            },
        },
    },
}

DATASET_RESPONSE = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "object",
            "required": ["id", "modifiedAt", "itemCount"],
            "properties": {
                "id": _STRING,
                "modifiedAt": _STRING,
                "itemCount": _COUNT,
            },
        },
    },
}

# What to do about an answer that does not fit the schema.
ADVICE = (
    "This is not what the Apify API answers: check that api_url (or APIFY_API_BASE_URL) points at the API "
    "and that no proxy in between changes answers; if both are right, the API itself may have changed, so please report it"
)

_VALIDATORS = {}


def _validator(schema):
    # Compiled once per schema and process; the batch paths call validate() a lot.
    key = id(schema)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = Draft202012Validator(schema)
    return _VALIDATORS[key]


def json_path(parts):
    """``['data', 'items', 3, 'id']`` -> ``data.items[3].id``; the root is ``$``."""
    text = ""
    for part in parts:
        text += "[%d]" % part if isinstance(part, int) else (".%s" % part if text else str(part))
    return text or "$"


def validate(instance, schema, method, path, redact=None):
    """Raise ApifyResponseError naming the JSON path and reason of the first problem.

    Errors are ordered by where they are, so the message is stable from run to run.
    The reason quotes the offending value: ``redact`` (the client's) removes the
    token from it first, should the API have put the token in a field.
    """
    errors = _sorted_errors(schema, instance)
    if errors:
        if redact:
            # jsonschema's message quotes values repr()-escaped, where a token holding a backslash
            # or quotes no longer reads as itself: redact the answer first, then let it speak.
            errors = _sorted_errors(schema, _redacted(instance, redact)) or errors
        first = errors[0]
        where = json_path(first.absolute_path)
        # Only 2xx answers are decoded and validated, hence accepted=True.
        message = redact(first.message) if redact else first.message
        raise ApifyResponseError(method, path, json_path=where, accepted=True, reason="%s: %s. %s" % (where, shorten(message), ADVICE))
    return instance


def _sorted_errors(schema, instance):
    return sorted(_validator(schema).iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])


def _redacted(value, redact):
    """A copy of a decoded answer with ``redact`` applied to every string, keys included.

    Recursive: answers are bounded in depth by the client (``MAX_JSON_DEPTH``, ``_answers.py``).
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(key): _redacted(item, redact) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item, redact) for item in value]
    return value
