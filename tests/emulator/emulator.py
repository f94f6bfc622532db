# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator's state and its request pipeline, independent of the HTTP plumbing.

A /v2 request goes: log entry -> configured latency -> fault rule (or chaos)
-> the API handler -> fault post-processing -> log entry completed. Requests
under /_emulator/ go to the control API and are not logged.
"""

import time
from typing import Optional

from . import api, control, webhook_api
from .delivery import Delivery
from .faults import FaultBook, FaultRule, mutate
from .messages import ApiError, Request, Response, error_response
from .reqlog import RequestLog, classify_auth
from .state import RunStore
from .webhooks import WebhookStore

CONTROL_PREFIX = "/_emulator/"

# Error types for injected statuses (as the API uses them); any other is internal-server-error.
_FAULT_ERROR_TYPES = {400: "invalid-input", 401: "token-not-valid", 403: "insufficient-permissions", 404: "record-not-found", 429: "rate-limit-exceeded"}
_FAULT_MESSAGES = {429: "You have exceeded the rate limit. Please try again later."}


class Emulator:
    """Everything a server instance knows: runs, fault rules, the request log and settings."""

    def __init__(self, token: str, latency_ms: float = 0):
        self.token = token
        self.default_latency_ms = latency_ms
        self.latency_ms = latency_ms
        self.store = RunStore()
        self.faults = FaultBook()
        self.log = RequestLog()
        self.webhooks = WebhookStore()
        self.delivery = Delivery(self.webhooks)
        self.webhooks.deliver = self.delivery
        self.store.listener = self.webhooks.fire  # a run's events make the webhooks' dispatches

    def reset(self) -> None:
        """Forget runs, faults, chaos and the log; restore the start-up latency."""
        self.store.reset()
        self.faults.clear()
        self.faults.set_chaos(None)
        self.log.clear()
        self.latency_ms = self.default_latency_ms
        self.webhooks.reset()
        self.delivery.reset()

    def _api(self, request: Request) -> Response:
        """The /v2 handler of a request: the webhook endpoints or the runs' (which answer unknown paths)."""
        if webhook_api.serves(request.path):
            return webhook_api.dispatch(self.webhooks, self.token, request)
        return api.dispatch(self.store, self.token, request)

    def handle(self, request: Request) -> Response:
        if (request.path + "/").startswith(CONTROL_PREFIX):
            try:
                return control.dispatch(self, request)
            except ApiError as error:
                return error.response()
        entry = self.log.start(request, classify_auth(request, self.token))
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        rule = self.faults.take(request.method, request.path)
        response = self._apply(rule, request) if rule else self._api(request)
        self.log.finish(entry, None if response.drop else response.status, rule.kind if rule else None, response.performed)
        if rule and rule.latency_ms:
            time.sleep(rule.latency_ms / 1000)
        return response

    def _apply(self, rule: FaultRule, request: Request) -> Response:
        """Handle a request under a fault rule (README.md tells what each kind means)."""
        instead = _answer_instead(rule, request)
        if instead is not None:
            return instead
        # The world may change first; then the API answers, and the answer may be spoilt.
        if rule.kind == "latency":
            time.sleep(rule.params["ms"] / 1000)
        elif rule.kind == "finish_before":
            self.store.force_finish(api.run_id_of(request.path), rule.params["status"])
        elif rule.kind == "reboot_before":
            self.store.platform_reboot(api.run_id_of(request.path))
        return _spoil(rule, self._api(request))


def _answer_instead(rule: FaultRule, request: Request) -> Optional[Response]:
    """The answer of kinds that replace the API's (nothing is performed), else None."""
    kind, params = rule.kind, rule.params
    if kind == "status":
        return _injected_status(params)
    if kind == "drop":
        return Response(status=None, drop=True)
    if kind == "raw" and not params["perform"]:
        return Response(params["status"], raw=params["raw"].encode("utf-8"), content_type=params["content_type"])
    if kind == "redirect":
        return Response(params["status"], raw=b"", headers={"Location": params["location"]})
    if kind == "echo_token":
        secret = request.header("Authorization") or request.query.get("token", "")
        return error_response(params["status"], "invalid-input", f"Invalid request: Authorization: {secret}")
    return None


def _spoil(rule: FaultRule, response: Response) -> Response:
    """Apply kinds that let the API act and then alter or withhold its answer."""
    kind, params = rule.kind, rule.params
    if kind == "status_after":
        return _injected_status(params, performed=response.performed)
    if kind == "drop_after":
        return Response(status=None, drop=True, performed=response.performed)
    if kind == "raw":
        response.status, response.content_type = params["status"], params["content_type"]
        response.raw = params["raw"].encode("utf-8")
    elif kind == "mutate":
        response.body = mutate(response.body, params["set"], params["delete"])
    return response


def _injected_status(params: dict, performed: bool = False) -> Response:
    """The answer of a ``status``/``status_after`` rule: the spec's error body unless one is given."""
    status = params["status"]
    if params.get("raw") is not None:
        response = Response(status, raw=params["raw"].encode("utf-8"), content_type=params["content_type"])
    elif params.get("body") is not None:
        response = Response(status, params["body"])
    else:
        error_type = _FAULT_ERROR_TYPES.get(status, "internal-server-error")
        message = _FAULT_MESSAGES.get(status, f"Injected fault: HTTP {status}.")
        response = error_response(status, error_type, message)
    retry_after = params.get("retry_after")
    if retry_after is not None:
        # Whole seconds print as "1", not "1.0"; strings (HTTP dates) pass through.
        whole = isinstance(retry_after, float) and retry_after.is_integer()
        response.headers["Retry-After"] = str(int(retry_after) if whole else retry_after)
    response.performed = performed
    return response
