# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""JSON Schemas for the webhook answers the collection reads (validated with ``_schemas.validate``).

Written from the official OpenAPI ``Webhook``, ``WebhookShort``, ``ListOfWebhooks``,
``WebhookDispatch`` and ``ListOfWebhookDispatches`` schemas: the fields the collection
reads, with their types, and the required ones that identify a webhook. Extra fields pass.
Event types are strings, not the spec's enum: one Apify adds tomorrow breaks nobody
(the modules compare them as text).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_BOOL = {"type": ["boolean", "null"]}
_COUNT = {"type": "integer", "minimum": 0}

CONDITION = {
    "type": "object",
    "properties": {"actorId": _NULLABLE_STRING, "actorTaskId": _NULLABLE_STRING, "actorRunId": _NULLABLE_STRING},
}

# What the list answers carry (WebhookShort: no templates, no description).
WEBHOOK_SHORT = {
    "type": "object",
    "required": ["id", "eventTypes", "condition"],
    "properties": {
        "id": _STRING,
        "createdAt": _STRING,
        "modifiedAt": _STRING,
        "eventTypes": {"type": "array", "items": _STRING, "maxItems": 100},
        "condition": CONDITION,
        "requestUrl": _NULLABLE_STRING,
        "ignoreSslErrors": _NULLABLE_BOOL,
        "doNotRetry": _NULLABLE_BOOL,
        "shouldInterpolateStrings": _NULLABLE_BOOL,
    },
}

WEBHOOK = {
    "type": "object",
    "required": ["id", "eventTypes", "condition"],
    "properties": dict(
        WEBHOOK_SHORT["properties"],
        payloadTemplate=_NULLABLE_STRING,
        headersTemplate=_NULLABLE_STRING,
        description=_NULLABLE_STRING,
    ),
}

WEBHOOK_RESPONSE = {"type": "object", "required": ["data"], "properties": {"data": WEBHOOK}}

_PAGE = {
    "type": "object",
    "required": ["total", "offset", "count", "items"],
    "properties": {"total": _COUNT, "offset": _COUNT, "limit": _COUNT, "count": _COUNT},
}

LIST_OF_WEBHOOKS_RESPONSE = {
    "type": "object",
    "required": ["data"],
    "properties": {"data": dict(_PAGE, properties=dict(_PAGE["properties"], items={"type": "array", "items": WEBHOOK_SHORT, "maxItems": 1000}))},
}

DISPATCH = {
    "type": "object",
    "required": ["id", "webhookId", "createdAt", "status", "eventType"],
    "properties": {
        "id": _STRING,
        "webhookId": _STRING,
        "createdAt": _STRING,
        "status": _STRING,
        "eventType": _STRING,
        "eventData": {"type": ["object", "null"]},
        "calls": {
            "type": "array",
            "maxItems": 100,
            "items": {
                "type": "object",
                "properties": {
                    "startedAt": _NULLABLE_STRING,
                    "finishedAt": _NULLABLE_STRING,
                    "errorMessage": _NULLABLE_STRING,
                    "responseStatus": {"type": ["integer", "null"]},
                    "responseBody": _NULLABLE_STRING,
                },
            },
        },
    },
}

LIST_OF_DISPATCHES_RESPONSE = {
    "type": "object",
    "required": ["data"],
    "properties": {"data": dict(_PAGE, properties=dict(_PAGE["properties"], items={"type": "array", "items": DISPATCH, "maxItems": 1000}))},
}
