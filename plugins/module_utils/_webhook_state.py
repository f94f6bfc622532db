# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Idempotent webhook management: find the webhook of an identity, compare, write at most once.

``ensure(module, client, params)`` returns the module's result. The identity is the
condition plus ``request_url`` (or an explicit ``webhook_id``); the comparison is made on the
webhook read in full (list answers carry no templates). A create carries an
``idempotencyKey`` fresh for the task; when its answer is lost, what it made is looked up
before the same create (same key) is sent once more, so one task never leaves two webhooks.
Secrets (``secret``, ``headers`` values and any header value read back) never leave in clear.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import uuid
from urllib.parse import urlsplit

from ansible_collections.apify.platform.plugins.module_utils._errors import (
    ApifyApiError,
    ApifyConfigError,
    ApifyError,
    ApifyResponseError,
    ApifyTransportError,
)
from ansible_collections.apify.platform.plugins.module_utils._options import RUN_ID_RE, check_resource_id, check_run_id, shown
from ansible_collections.apify.platform.plugins.module_utils._webhooks import (
    CONDITION_KEYS,
    create_webhook,
    get_webhook,
    list_webhooks,
    same_condition,
)

MASK = "********"
# Headers Apify sets itself on every call; a headersTemplate cannot replace them.
SYSTEM_HEADERS = ("content-type", "x-apify-webhook", "x-apify-webhook-dispatch-id", "x-apify-request-origin")
_HEADER_NAME_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}")
# Option -> API field, for the settings compared and written as given.
PLAIN_FIELDS = {
    "description": "description",
    "payload_template": "payloadTemplate",
    "ignore_ssl_errors": "ignoreSslErrors",
    "do_not_retry": "doNotRetry",
    "should_interpolate_strings": "shouldInterpolateStrings",
}
MANAGED = ("eventTypes", "condition", "requestUrl", "headersTemplate") + tuple(PLAIN_FIELDS.values())
_BOOLEAN_FIELDS = ("ignoreSslErrors", "doNotRetry", "shouldInterpolateStrings")


def check_request_url(value):
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or any(ch.isspace() for ch in value):
        raise ApifyConfigError("request_url must be an http:// or https:// URL with a host (got %s). Nothing was sent." % shown(value))
    return value


def check_headers(headers, secret):
    """Header names checked; values as text (they are secrets: never quoted)."""
    cleaned = {}
    for name, value in (headers or {}).items():
        if not isinstance(name, str) or not _HEADER_NAME_RE.fullmatch(name):
            raise ApifyConfigError("headers has a name that is not an HTTP header name: %s. Nothing was sent." % shown(name))
        if name.lower() in SYSTEM_HEADERS:
            raise ApifyConfigError("headers cannot set %s: Apify sets it on every call itself. Nothing was sent." % name)
        if secret is not None and name.lower() == "authorization":
            raise ApifyConfigError(
                "headers cannot set Authorization together with secret, which is sent as 'Authorization: Bearer <secret>'. Nothing was sent."
            )
        if not isinstance(value, str) or any(ch in value for ch in "\r\n"):
            raise ApifyConfigError("headers: the value of %s must be text on one line. Nothing was sent." % name)
        cleaned[name] = value
    return cleaned


def desired_fields(params):
    """The API fields the options ask for (only those given), checked."""
    fields = {}
    if params.get("event_types") is not None:
        if not params["event_types"]:
            raise ApifyConfigError("event_types must name at least one event type. Nothing was sent.")
        fields["eventTypes"] = sorted(set(params["event_types"]))
    for option, field in PLAIN_FIELDS.items():
        if params.get(option) is not None:
            fields[field] = params[option]
    if params.get("secret") is not None or params.get("headers") is not None:
        headers = check_headers(params.get("headers"), params.get("secret"))
        if params.get("secret") is not None:
            if not params["secret"] or any(ch.isspace() for ch in params["secret"]):
                raise ApifyConfigError("secret must be non-empty text without whitespace. Nothing was sent.")
            headers["Authorization"] = "Bearer " + params["secret"]
        fields["headersTemplate"] = json.dumps(headers, sort_keys=True) if headers else None
    if params.get("request_url") is not None:
        fields["requestUrl"] = check_request_url(params["request_url"])
    condition = {CONDITION_KEYS[option]: params[option] for option in CONDITION_KEYS if params.get(option) is not None}
    for option in ("actor_id", "task_id"):
        if params.get(option) is not None:
            check_resource_id(params[option], option)
    if params.get("run_id") is not None:
        check_run_id(params["run_id"])
    if condition:
        fields["condition"] = condition
    return fields


def headers_of(template):
    """A headersTemplate as a dict ({} for none); None when it is not a JSON object."""
    if not template:
        return {}
    try:
        parsed = json.loads(template)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def differences(current, desired):
    """The desired fields whose value differs from the webhook's (``{field: desired value}``)."""
    changed = {}
    for field, value in desired.items():
        have = current.get(field)
        if field == "eventTypes":
            same = sorted(set(have or [])) == value
        elif field == "condition":
            same = same_condition(have, value)
        elif field == "headersTemplate":
            same = headers_of(have) == headers_of(value)
        elif field in _BOOLEAN_FIELDS:
            same = bool(have) == value
        else:
            same = have == value
        if not same:
            changed[field] = value
    return changed


def masked(hook, secrets):
    """The webhook's facts with every header value and every secret replaced by ``MASK``."""
    if hook is None:
        return None
    result = dict(hook)
    if result.get("headersTemplate"):
        headers = headers_of(result["headersTemplate"])
        result["headersTemplate"] = MASK if headers is None else json.dumps({name: MASK for name in headers}, sort_keys=True)
    for field, value in result.items():
        if isinstance(value, str):
            for secret in secrets:
                if secret and secret in value:
                    value = value.replace(secret, MASK)
            result[field] = value
    return result


class WebhookState:
    """One task's view: the client, the options, the secrets to mask."""

    def __init__(self, module, client, params):
        self.module = module
        self.client = client
        self.params = params
        self.desired = desired_fields(params)
        self.secrets = [value for value in (params.get("secret"), *(params.get("headers") or {}).values()) if value]
        self.key = uuid.uuid4().hex  # the create's idempotencyKey: fresh for this task

    def redact(self, text):
        text = self.client.redact(text)
        for secret in self.secrets:
            if secret and text and secret in text:
                text = text.replace(secret, MASK)
        return text

    def learn_secrets(self, hook):
        """Header values read back are secrets too (a token someone put there in Console)."""
        for value in (headers_of(hook.get("headersTemplate")) or {}).values():
            if isinstance(value, str) and value and value not in self.secrets:
                self.secrets.append(value)
                self.module.no_log_values.add(value)
        return hook

    def read(self, webhook_id):
        return self.learn_secrets(get_webhook(self.client, webhook_id, self.redact))

    def find(self):
        """The webhook of this identity in full, or None; ApifyError when two (or more) match."""
        if self.params.get("webhook_id"):
            try:
                return self.read(self.params["webhook_id"])
            except ApifyApiError as exc:
                if exc.status == 404:
                    return None
                raise
        matches = self.matches()
        if len(matches) > 1:
            raise ApifyError(
                "%d webhooks match this identity (the condition and request_url): %s. Nothing was changed. "
                "Delete the extra ones, or name the one to manage with webhook_id." % (len(matches), ", ".join(matches))
            )
        return self.read(matches[0]) if matches else None

    def matches(self):
        condition = self.desired.get("condition")
        url = self.desired.get("requestUrl")
        if not condition or url is None:
            raise ApifyConfigError("Give webhook_id, or the condition (actor_id, task_id or run_id) and request_url. Nothing was sent.")
        items, dummy = list_webhooks(self.client, self.redact, actor_id=self.params.get("actor_id"), task_id=self.params.get("task_id"))
        found = [item["id"] for item in items if same_condition(item.get("condition"), condition) and item.get("requestUrl") == url]
        for webhook_id in found:
            if not RUN_ID_RE.fullmatch(webhook_id):
                raise ApifyResponseError(
                    "GET", "/v2/webhooks", accepted=True, reason="the listing names a webhook ID that is not one, %s" % shown(self.redact(webhook_id))
                )
        return found

    def create(self):
        """POST once with this task's idempotencyKey; after a lost answer, look first, then the same POST once more."""
        missing = [
            option
            for option, field in (("event_types", "eventTypes"), ("request_url", "requestUrl"), ("actor_id, task_id or run_id", "condition"))
            if field not in self.desired
        ]
        if missing:
            raise ApifyConfigError("To create a webhook, give %s. Nothing was sent." % " and ".join(missing))
        body = dict(self.desired, idempotencyKey=self.key)
        for attempt in (1, 2):
            try:
                return self.learn_secrets(create_webhook(self.client, body, self.redact))
            except (ApifyTransportError, ApifyApiError, ApifyResponseError) as exc:
                lost = (isinstance(exc, ApifyTransportError) and exc.sent) or isinstance(exc, ApifyResponseError) or getattr(exc, "status", 0) >= 500
                if not lost or attempt == 2:
                    exc.changed = bool(self.client.sent)
                    raise
                found = self.matches()
                if len(found) == 1:
                    return self.read(found[0])
                if len(found) > 1:
                    raise ApifyError("After a lost create answer, %d webhooks match: %s." % (len(found), ", ".join(found)))
        return None  # not reached

    def diff(self, before, after):
        """Before and after, masked; a header whose (masked) value changed shows as ``******** (changed)``."""

        def view(hook):
            return {field: hook.get(field) for field in MANAGED if field in hook} if hook else {}

        shown_before, shown_after = view(masked(before, self.secrets)), view(masked(after, self.secrets))
        old, new = headers_of((before or {}).get("headersTemplate")), headers_of((after or {}).get("headersTemplate"))
        if before and after and old is not None and new is not None and old != new:
            marked = {name: MASK + (" (changed)" if name in old and old[name] != value else "") for name, value in new.items()}
            shown_after["headersTemplate"] = json.dumps(marked, sort_keys=True)
        return {"before": shown_before, "after": shown_after}
