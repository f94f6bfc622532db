# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Webhook delivery: POST a dispatch's payload to its webhook's URL, retrying answers that are not 2xx.

Each delivery runs in its own daemon thread. Only loopback URLs are called (the emulator
never reaches the network); any other URL fails the dispatch at once without a request.
Apify retries about 11 times over ~32 hours; the emulator's count and backoff are settings
(``POST /_emulator/config`` with ``{"webhooks": {...}}``) so tests are fast.
"""

import ipaddress
import json
import ssl
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from .runs import iso

DEFAULTS = {"max_attempts": 3, "backoff_ms": 200, "timeout_ms": 5000}
# Headers Apify always sets; a headersTemplate cannot override them.
SYSTEM_HEADERS = ("Content-Type", "X-Apify-Webhook", "X-Apify-Webhook-Dispatch-Id", "X-Apify-Request-Origin")
_BODY_LIMIT = 1024  # the part of an answer a call record keeps


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_settings(value, current: dict) -> dict:
    """Validate ``{"max_attempts": N >= 1, "backoff_ms": M >= 0, "timeout_ms": T > 0}`` (each optional)."""
    if not isinstance(value, dict) or set(value) - set(DEFAULTS):
        raise ValueError(f"'webhooks' takes {', '.join(DEFAULTS)}")
    merged = dict(current, **value)
    for key, number in merged.items():
        low = 1 if key != "backoff_ms" else 0
        if isinstance(number, bool) or not isinstance(number, (int, float)) or number < low:
            raise ValueError(f"'webhooks.{key}' must be a number >= {low}, got {number!r}")
    merged["max_attempts"] = int(merged["max_attempts"])
    return merged


def build_headers(hook: dict, dispatch_id: str) -> dict:
    """The headersTemplate's headers (values as text), then the system headers over them."""
    headers = {}
    if hook.get("headersTemplate"):
        from .webhooks import render_template  # pylint: disable=import-outside-toplevel  # webhooks imports nothing of ours back

        for name, value in json.loads(render_template(hook["headersTemplate"], {})).items():
            if name.lower() not in {header.lower() for header in SYSTEM_HEADERS}:
                headers[name] = value if isinstance(value, str) else json.dumps(value)
    headers.update(
        {
            "Content-Type": "application/json; charset=utf-8",
            "X-Apify-Webhook": hook["id"],
            "X-Apify-Webhook-Dispatch-Id": dispatch_id,
            "X-Apify-Request-Origin": "WEBHOOK",
        }
    )
    return headers


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # pylint: disable=too-many-arguments
        return None


class Delivery:
    """Callable handed to the webhook store: ``delivery(dispatch_id, hook, payload)``."""

    def __init__(self, store):
        self.store = store
        self.settings = dict(DEFAULTS)
        self._threads: list = []

    def reset(self) -> None:
        self.settings = dict(DEFAULTS)

    def __call__(self, dispatch_id: str, hook: dict, payload: bytes) -> None:
        thread = threading.Thread(target=self._deliver, args=(dispatch_id, hook, payload, dict(self.settings)), name="webhook-delivery", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no delivery is running (for tests); False on timeout."""
        deadline = time.time() + timeout
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.time()))
        return not any(thread.is_alive() for thread in self._threads)

    def _deliver(self, dispatch_id: str, hook: dict, payload: bytes, settings: dict) -> None:
        attempts = 1 if hook.get("doNotRetry") else settings["max_attempts"]
        for attempt in range(attempts):
            call = self._call(dispatch_id, hook, payload, settings["timeout_ms"] / 1000)
            status = call["responseStatus"]
            ok = status is not None and 200 <= status < 300
            refused = (call["errorMessage"] or "").startswith("Refused")
            last = ok or refused or attempt == attempts - 1
            self.store.record_call(dispatch_id, call, ("SUCCEEDED" if ok else "FAILED") if last else None)
            if last:
                return
            time.sleep(settings["backoff_ms"] * (2**attempt) / 1000)

    @staticmethod
    def _call(dispatch_id: str, hook: dict, payload: bytes, timeout: float) -> dict:
        started = time.time()
        call = {"startedAt": iso(started), "finishedAt": None, "errorMessage": None, "responseStatus": None, "responseBody": None}
        url = hook["requestUrl"]
        if not is_loopback(url):
            call.update(finishedAt=iso(time.time()), errorMessage="Refused: the emulator only calls loopback URLs")
            return call
        request = urllib.request.Request(url, data=payload, headers=build_headers(hook, dispatch_id), method="POST")
        context = ssl._create_unverified_context() if hook.get("ignoreSslErrors") else None  # pylint: disable=protected-access  # the option's meaning
        # No proxies from the environment, no redirects (a 3xx is an answer that is not 2xx).
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect(), urllib.request.HTTPSHandler(context=context))
        try:
            with opener.open(request, timeout=timeout) as answer:  # nosec: loopback only, checked above
                call.update(responseStatus=answer.status, responseBody=answer.read(_BODY_LIMIT).decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            call.update(responseStatus=error.code, responseBody=error.read(_BODY_LIMIT).decode("utf-8", "replace"), errorMessage=f"HTTP {error.code}")
        except (OSError, ValueError) as error:
            call.update(errorMessage=f"Cannot send request: {error}")
        call["finishedAt"] = iso(time.time())
        return call
