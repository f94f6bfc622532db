# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The webhook endpoints the collection uses, each answer validated.

Functions take an ``ApifyClient`` and a ``redact`` (the client's, extended with the
webhook's secrets by the caller) and return plain dicts: the ``data`` of the answer.
Every answer must be about the webhook asked for; listings are bounded like run listings.
They raise the typed errors of ``_errors.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyResponseError
from ansible_collections.apify.platform.plugins.module_utils._options import RUN_ID_RE, shown
from ansible_collections.apify.platform.plugins.module_utils._runs import MAX_PAGE, MAX_PAGES, path_segment
from ansible_collections.apify.platform.plugins.module_utils._schemas import validate
from ansible_collections.apify.platform.plugins.module_utils._webhook_schemas import (
    LIST_OF_DISPATCHES_RESPONSE,
    LIST_OF_WEBHOOKS_RESPONSE,
    WEBHOOK_RESPONSE,
)

# The spec's WebhookEventType.
EVENT_TYPES = (
    "ACTOR.BUILD.ABORTED",
    "ACTOR.BUILD.CREATED",
    "ACTOR.BUILD.FAILED",
    "ACTOR.BUILD.SUCCEEDED",
    "ACTOR.BUILD.TIMED_OUT",
    "ACTOR.RUN.ABORTED",
    "ACTOR.RUN.CREATED",
    "ACTOR.RUN.FAILED",
    "ACTOR.RUN.RESURRECTED",
    "ACTOR.RUN.SUCCEEDED",
    "ACTOR.RUN.TIMED_OUT",
    "TEST",
)
# The condition's keys, by the module option that sets each.
CONDITION_KEYS = {"actor_id": "actorId", "task_id": "actorTaskId", "run_id": "actorRunId"}


def webhook_path(webhook_id, tail=None):
    path = "/v2/webhooks/%s" % path_segment(webhook_id)
    return path + "/" + tail if tail else path


def list_path(actor_id=None, task_id=None):
    if actor_id:
        return "/v2/actors/%s/webhooks" % path_segment(actor_id)
    if task_id:
        return "/v2/actor-tasks/%s/webhooks" % path_segment(task_id)
    return "/v2/webhooks"


def _refuse(method, path, where, reason):
    return ApifyResponseError(method, path, json_path=where, accepted=True, reason=reason + "; it was not believed, and nothing was sent on the strength of it")


def about_webhook(webhook_id, method, path, redact):
    """A ``check``: the answer is a valid webhook, and the one asked for."""

    def check(document):
        validate(document, WEBHOOK_RESPONSE, method, path, redact)
        answered = document["data"]["id"]
        if answered != webhook_id:
            raise _refuse(method, path, "data.id", "the answer is about another webhook (%s), not %s" % (shown(redact(answered)), webhook_id))
        return document

    return check


def get_webhook(client, webhook_id, redact):
    """GET /v2/webhooks/{webhookId}: the webhook in full (templates included)."""
    path = webhook_path(webhook_id)
    return client.get(path, check=about_webhook(webhook_id, "GET", path, redact))["data"]


def create_webhook(client, body, redact):
    """POST /v2/webhooks: one attempt (the client retries only a 429).

    The answer must be a webhook with the condition and URL asked for, and an ID that
    can build a path; with an ``idempotencyKey`` the API answers the webhook that key made.
    """
    path = "/v2/webhooks"

    def check(document):
        validate(document, WEBHOOK_RESPONSE, "POST", path, redact)
        data = document["data"]
        if not RUN_ID_RE.fullmatch(data["id"]):
            raise _refuse("POST", path, "data.id", "the answer names a webhook ID that is not one, %s" % shown(redact(data["id"])))
        if not same_condition(data["condition"], body["condition"]) or data.get("requestUrl") != body["requestUrl"]:
            raise _refuse("POST", path, "data.condition", "the answer is about another webhook (%s) than the one asked for" % data["id"])
        return document

    return client.post(path, check=check, body=body)["data"]


def update_webhook(client, webhook_id, body, redact):
    """PUT /v2/webhooks/{webhookId} with only the fields that differ (idempotent: retried like a GET)."""
    path = webhook_path(webhook_id)
    return client.put(path, body, check=about_webhook(webhook_id, "PUT", path, redact))["data"]


def delete_webhook(client, webhook_id):
    """DELETE /v2/webhooks/{webhookId}: 204 (a 404 raises ApifyApiError; the caller decides)."""
    client.delete(webhook_path(webhook_id))


def same_condition(one, other):
    """Conditions are equal when their non-null keys are."""
    return {key: value for key, value in (one or {}).items() if value} == {key: value for key, value in (other or {}).items() if value}


def _pages(client, path, schema, redact, limit=None):
    """Items of a listing, page after page, bounded: ``(items, total)``."""
    items, seen, total = [], set(), 0
    for page_number in range(1, MAX_PAGES + 1):
        asked = len(items)
        size = MAX_PAGE if limit is None else min(MAX_PAGE, limit - asked)
        data = client.get(path, params={"offset": asked, "limit": size}, check=lambda document: validate(document, schema, "GET", path, redact))["data"]
        if data["offset"] != asked:
            raise _refuse("GET", path, "data.offset", "page %d starts at offset %d, not at %d as asked" % (page_number, data["offset"], asked))
        total = data["total"]
        fresh = [item for item in data["items"] if item["id"] not in seen]
        if data["items"] and not fresh:
            raise _refuse("GET", path, "data.items", "page %d repeats items of earlier pages only" % page_number)
        seen.update(item["id"] for item in fresh)
        items.extend(fresh)
        if len(data["items"]) < size or len(items) >= total or (limit is not None and len(items) >= limit):
            return items, total
    raise _refuse("GET", path, None, "it has more than %d pages of %d items, the limit for one listing" % (MAX_PAGES, MAX_PAGE))


def list_webhooks(client, redact, actor_id=None, task_id=None, limit=None):
    """The webhooks of an Actor, a task or the account (short shape: no templates): ``(items, total)``."""
    return _pages(client, list_path(actor_id, task_id), LIST_OF_WEBHOOKS_RESPONSE, redact, limit)


def list_dispatches(client, webhook_id, redact, limit=100):
    """GET /v2/webhooks/{webhookId}/dispatches, newest first: each must be that webhook's."""
    path = webhook_path(webhook_id, "dispatches")

    def check(document):
        validate(document, LIST_OF_DISPATCHES_RESPONSE, "GET", path, redact)
        for index, item in enumerate(document["data"]["items"]):
            if item["webhookId"] != webhook_id:
                raise _refuse(
                    "GET", path, "data.items[%d].webhookId" % index, "a dispatch of another webhook (%s) is listed" % shown(redact(item["webhookId"]))
                )
        return document

    data = client.get(path, params={"limit": limit, "desc": "true"}, check=check)["data"]
    return data["items"]
