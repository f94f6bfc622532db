# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The webhook store: webhooks (CRUD, ``idempotencyKey``), run events and the dispatch records.

Thread-safe: every public method holds the store's lock. A run event (``fire``) makes a
dispatch for every matching webhook and hands it to the delivery (``delivery.py``), which
posts it in the background and reports each call back through :meth:`WebhookStore.record_call`.
"""

import json
import re
import threading
import time
from typing import Callable, Optional

from .messages import ApiError
from .runs import DEFAULT_USER_ID, iso, new_id

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
CONDITION_KEYS = ("actorId", "actorTaskId", "actorRunId")
_BOOLS = ("ignoreSslErrors", "doNotRetry", "shouldInterpolateStrings", "isAdHoc")
_TEXTS = ("payloadTemplate", "headersTemplate", "description")
_CREATE_KEYS = frozenset(("eventTypes", "condition", "requestUrl", "idempotencyKey", *_BOOLS, *_TEXTS))
_UPDATE_KEYS = _CREATE_KEYS - {"idempotencyKey"}
_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")
_SHORT_KEYS = (
    "id", "createdAt", "modifiedAt", "userId", "isAdHoc", "shouldInterpolateStrings", "eventTypes",
    "condition", "ignoreSslErrors", "doNotRetry", "requestUrl", "isApifyIntegration", "isEnabled", "actionType",
)  # fmt: skip


def _invalid(message: str) -> ApiError:
    return ApiError(400, "invalid-input", message)


def render_template(template: str, variables: dict) -> str:
    """``{{name}}`` (or ``{{resource.id}}``) -> that value as JSON text; unknown names become null (*guess*)."""

    def value(match):
        current = variables
        for part in match.group(1).split("."):
            current = current.get(part) if isinstance(current, dict) else None
        return json.dumps(current)

    return _VARIABLE.sub(value, template)


def _check_template(key: str, text, want_object: bool) -> None:
    if text is None:
        return
    if not isinstance(text, str):
        raise _invalid(f"'{key}' must be a string or null")
    try:
        parsed = json.loads(render_template(text, {}))
    except ValueError:
        raise _invalid(f"'{key}' is not a valid JSON template") from None
    if want_object and not isinstance(parsed, dict):
        raise _invalid(f"'{key}' must be a JSON object")


def _check_fields(body, allowed: frozenset, creating: bool) -> dict:
    """Validate a create (POST) or update (PUT) body; return it (keys as given)."""
    if not isinstance(body, dict):
        raise _invalid("The request body must be a JSON object")
    unknown = set(body) - allowed
    if unknown:
        raise _invalid(f"Unknown webhook fields: {', '.join(sorted(unknown))}")  # *guess*: Apify may ignore them
    if creating:
        missing = [key for key in ("eventTypes", "condition", "requestUrl") if body.get(key) is None]
        if missing:
            raise _invalid(f"Missing required webhook fields: {', '.join(missing)}")
    types = body.get("eventTypes")
    if types is not None and (not isinstance(types, list) or not types or any(t not in EVENT_TYPES for t in types)):
        raise _invalid(f"'eventTypes' must be a non-empty list of {', '.join(EVENT_TYPES)}")
    condition = body.get("condition")
    if condition is not None:
        if not isinstance(condition, dict) or set(condition) - set(CONDITION_KEYS):
            raise _invalid(f"'condition' must be an object with {', '.join(CONDITION_KEYS)}")
        if any(value is not None and not isinstance(value, str) for value in condition.values()) or not any(condition.values()):
            raise _invalid("'condition' needs an actorId, actorTaskId or actorRunId (strings)")
    url = body.get("requestUrl")
    if url is not None and (not isinstance(url, str) or not re.match(r"https?://[^/\s]+", url)):
        raise _invalid("'requestUrl' must be an http(s) URL")
    for key in _BOOLS:
        if body.get(key) is not None and not isinstance(body[key], bool):
            raise _invalid(f"'{key}' must be a boolean or null")
    if body.get("description") is not None and not isinstance(body["description"], str):
        raise _invalid("'description' must be a string or null")
    if body.get("idempotencyKey") is not None and not isinstance(body["idempotencyKey"], str):
        raise _invalid("'idempotencyKey' must be a string or null")
    _check_template("payloadTemplate", body.get("payloadTemplate"), want_object=False)
    _check_template("headersTemplate", body.get("headersTemplate"), want_object=True)
    return body


class WebhookStore:
    """Webhooks keyed by ID, their dispatches, and the idempotency keys of creates."""

    def __init__(self):
        self._lock = threading.Lock()
        self._hooks: dict = {}
        self._keys: dict = {}  # idempotencyKey -> webhook ID
        self._dispatches: dict = {}  # dispatch ID -> record (insertion order = creation order)
        self.deliver: Optional[Callable] = None  # set by the emulator: deliver(dispatch, hook, payload)

    def reset(self) -> None:
        with self._lock:
            self._hooks.clear()
            self._keys.clear()
            self._dispatches.clear()

    # --- CRUD -------------------------------------------------------------------------------

    def create(self, body) -> dict:
        body = _check_fields(body, _CREATE_KEYS, creating=True)
        now = time.time()
        with self._lock:
            key = body.get("idempotencyKey")
            if key is not None and self._keys.get(key) in self._hooks:
                return self._full(self._hooks[self._keys[key]])
            hook = {
                "id": new_id(),
                "createdAt": now,
                "modifiedAt": now,
                "isAdHoc": False,
                "shouldInterpolateStrings": False,
                "ignoreSslErrors": False,
                "doNotRetry": False,
                "payloadTemplate": None,
                "headersTemplate": None,
                "description": None,
            }
            hook.update({name: value for name, value in body.items() if name != "idempotencyKey" and value is not None})
            hook["condition"] = {name: value for name, value in body["condition"].items() if value is not None}
            self._hooks[hook["id"]] = hook
            if key is not None:
                self._keys[key] = hook["id"]
            return self._full(hook)

    def get(self, hook_id: str) -> dict:
        with self._lock:
            return self._full(self._get(hook_id))

    def update(self, hook_id: str, body) -> dict:
        body = _check_fields(body, _UPDATE_KEYS, creating=False)
        with self._lock:
            hook = self._get(hook_id)
            for name, value in body.items():
                if value is None and name in ("eventTypes", "condition", "requestUrl"):
                    continue  # null: left as it is (*guess*)
                if value is None and name in _BOOLS:
                    continue
                hook[name] = {k: v for k, v in value.items() if v is not None} if name == "condition" else value
            hook["modifiedAt"] = time.time()
            return self._full(hook)

    def delete(self, hook_id: str) -> None:
        with self._lock:
            self._get(hook_id)
            del self._hooks[hook_id]

    def list(self, offset: int, limit: int, desc: bool, actor: Optional[str] = None, task: Optional[str] = None) -> dict:
        """A page in the short shape (no templates, no description), sorted by createdAt."""
        with self._lock:
            hooks = sorted(self._hooks.values(), key=lambda hook: hook["createdAt"], reverse=desc)
            hooks = [
                hook
                for hook in hooks
                if (actor is None or hook["condition"].get("actorId") == actor) and (task is None or hook["condition"].get("actorTaskId") == task)
            ]
            full = [self._full(hook) for hook in hooks[offset : offset + limit]]
        items = [{name: item[name] for name in (*_SHORT_KEYS, "lastDispatch", "stats")} for item in full]
        return {"total": len(hooks), "offset": offset, "limit": limit, "desc": desc, "count": len(items), "items": items}

    def dump(self) -> list:
        """Every webhook in full (templates included), oldest first."""
        with self._lock:
            return [self._full(hook) for hook in sorted(self._hooks.values(), key=lambda hook: hook["createdAt"])]

    def _get(self, hook_id: str) -> dict:
        hook = self._hooks.get(hook_id)
        if hook is None:
            raise ApiError(404, "record-not-found", "Webhook was not found")
        return hook

    def _full(self, hook: dict) -> dict:
        mine = [d for d in self._dispatches.values() if d["webhookId"] == hook["id"]]
        last = mine[-1] if mine else None
        return dict(
            hook,
            createdAt=iso(hook["createdAt"]),
            modifiedAt=iso(hook["modifiedAt"]),
            userId=DEFAULT_USER_ID,
            condition=dict(hook["condition"]),
            eventTypes=list(hook["eventTypes"]),
            isApifyIntegration=False,
            isEnabled=True,
            actionType="HTTP_REQUEST",
            lastDispatch={"status": last["status"], "finishedAt": last["finishedAt"], "removedAt": None} if last else None,
            stats={"totalDispatches": len(mine)},
        )

    # --- events and dispatches --------------------------------------------------------------

    def fire(self, event_type: str, render) -> list:
        """A run event (``render()`` gives the run): one dispatch per matching webhook, handed to the delivery; their IDs."""
        now = time.time()
        made = []
        with self._lock:
            if not self._hooks:
                return []
            run = render()
            event_data = {"actorId": run["actId"], "actorRunId": run["id"]}
            if run.get("actorTaskId"):
                event_data["actorTaskId"] = run["actorTaskId"]
            for hook in self._hooks.values():
                condition = hook["condition"]
                if event_type not in hook["eventTypes"] or not _matches(condition, run):
                    continue
                variables = {"userId": DEFAULT_USER_ID, "createdAt": iso(now), "eventType": event_type, "eventData": event_data, "resource": run}
                dispatch = {
                    "id": new_id(),
                    "userId": DEFAULT_USER_ID,
                    "webhookId": hook["id"],
                    "createdAt": iso(now),
                    "status": "ACTIVE",
                    "eventType": event_type,
                    "eventData": dict(event_data),
                    "webhook": {"actionType": "HTTP_REQUEST", "condition": dict(condition), "requestUrl": hook["requestUrl"], "isAdHoc": hook["isAdHoc"]},
                    "calls": [],
                    "finishedAt": None,
                }
                dispatch["_hook"], dispatch["_payload"] = dict(hook), _payload(hook, variables)
                self._dispatches[dispatch["id"]] = dispatch
                made.append((dispatch["id"], dispatch["_hook"], dispatch["_payload"]))
        for dispatch_id, hook, payload in made:
            if self.deliver is not None:
                self.deliver(dispatch_id, hook, payload)
        return [dispatch_id for dispatch_id, dummy, dummy in made]

    def redeliver(self, dispatch_id: str) -> dict:
        """A duplicate delivery of a dispatch (same ID, same payload), as Apify rarely makes; 404 if unknown."""
        with self._lock:
            dispatch = self._dispatch(dispatch_id)
            hook, payload = dispatch["_hook"], dispatch["_payload"]
        if self.deliver is not None:
            self.deliver(dispatch_id, hook, payload)
        return self.dispatch(dispatch_id)

    def record_call(self, dispatch_id: str, call: dict, final: Optional[str]) -> None:
        """Append one call's outcome; ``final`` (SUCCEEDED/FAILED) ends the dispatch."""
        with self._lock:
            dispatch = self._dispatches.get(dispatch_id)
            if dispatch is None:  # the store was reset meanwhile
                return
            dispatch["calls"].append(call)
            if final is not None:
                dispatch["status"] = final
                dispatch["finishedAt"] = call["finishedAt"]

    def dispatches(self, hook_id: Optional[str], offset: int = 0, limit: int = 1000, desc: bool = False) -> dict:
        with self._lock:
            if hook_id is not None:
                self._get(hook_id)
            chosen = [_public(d) for d in self._dispatches.values() if hook_id is None or d["webhookId"] == hook_id]
        chosen = list(reversed(chosen)) if desc else chosen
        items = chosen[offset : offset + limit]
        return {"total": len(chosen), "offset": offset, "limit": limit, "desc": desc, "count": len(items), "items": items}

    def dispatch(self, dispatch_id: str) -> dict:
        with self._lock:
            return _public(self._dispatch(dispatch_id))

    def _dispatch(self, dispatch_id: str) -> dict:
        dispatch = self._dispatches.get(dispatch_id)
        if dispatch is None:
            raise ApiError(404, "record-not-found", "Webhook dispatch was not found")
        return dispatch


def _matches(condition: dict, run: dict) -> bool:
    wanted = {"actorId": run["actId"], "actorTaskId": run.get("actorTaskId"), "actorRunId": run["id"]}
    return all(wanted[key] == value for key, value in condition.items())


def _public(dispatch: dict) -> dict:
    return json.loads(json.dumps({key: value for key, value in dispatch.items() if not key.startswith("_") and key != "finishedAt"}))


def _payload(hook: dict, variables: dict) -> bytes:
    """The default payload, or the webhook's payloadTemplate rendered (variables as JSON)."""
    if hook.get("payloadTemplate"):
        return render_template(hook["payloadTemplate"], variables).encode("utf-8")
    return json.dumps(variables).encode("utf-8")
