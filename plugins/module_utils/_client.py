# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Requests to the Apify API: retries, backoff and typed errors, over ``_http``.

One concern: send a request, retry it when that is safe, and hand back the
parsed JSON body or a typed error. It never calls ``fail_json`` and never puts
the token anywhere but the ``Authorization`` header.

Retry rules:

* idempotent requests (GET) are retried on 429, 5xx, timeouts and connection
  errors;
* other requests (POST) only on 429, because a 429 means the API did not act.
  Whether a failed POST acted is for the caller to find out (``_rebooter.py``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math
import random
import time
from urllib.parse import quote, urlencode

from ansible_collections.apify.platform.plugins.module_utils._errors import (
    ApifyApiError,
    ApifyResponseError,
    ApifyTransportError,
)
from ansible_collections.apify.platform.plugins.module_utils._http import HttpError, HttpTransport
from ansible_collections.apify.platform.plugins.module_utils._version import COLLECTION_VERSION

USER_AGENT = "apify.platform-ansible-collection/%s" % COLLECTION_VERSION

# Apify recommends exponential backoff from 500 ms with a random factor up to 2x.
BACKOFF_BASE = 0.5
# No single sleep lasts longer than this: our own backoff stops growing there, and a
# Retry-After above it ends the retries (waiting less would ignore the server).
BACKOFF_CAP = 30.0

REDACTED = "********"


def retry_delay(attempt, retry_after=None, base=BACKOFF_BASE, rand=random.random):
    """Seconds to sleep before retry number ``attempt`` (0 for the first retry).

    Doubling from ``base`` with a random factor in [1, 2); a ``Retry-After``
    given by the server is a floor. ``ApifyClient.backoff_delay()`` caps the
    result at ``BACKOFF_CAP``.
    """
    delay = base * (2**attempt) * (1.0 + rand())
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def parse_retry_after(value):
    """Seconds from a ``Retry-After`` header in its delta-seconds form, else None."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None  # an HTTP date, or junk: fall back to our own backoff
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def path_segment(value):
    """Quote one path segment so that nothing in it can change the path."""
    return quote(str(value), safe="")


class ApifyClient:
    """A small, thread-safe client: one pool of keep-alive connections to ``api_url``."""

    def __init__(self, api_url, token=None, timeout=30.0, validate_certs=True, retries=5, pool_size=10, sleep=None, rand=None, transport=None):
        self.timeout = timeout
        self.retries = retries
        self._token = token
        # Looked up now, not at import, so tests can replace time.sleep and random.random.
        self._sleep = sleep or time.sleep
        self._rand = rand or random.random
        self.transport = transport or HttpTransport(api_url, timeout, validate_certs=validate_certs, pool_size=pool_size)
        self.headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if token:
            self.headers["Authorization"] = "Bearer %s" % token

    @property
    def has_token(self):
        return bool(self._token)

    def redact(self, text):
        """Remove the token from any text that may reach the user."""
        if self._token and text:
            return text.replace(self._token, REDACTED)
        return text

    def get(self, path, params=None):
        return self.request("GET", path, params=params, idempotent=True)

    def post(self, path, params=None):
        return self.request("POST", path, params=params, idempotent=False)

    def request(self, method, path, params=None, idempotent=True):
        """Send one request with retries; return the decoded JSON body."""
        shown = path + ("?" + urlencode(params) if params else "")
        attempt = 0
        while True:
            retry_after = None
            try:
                response = self.transport.request(method, path, params=params, headers=self.headers)
            except HttpError as exc:
                # The text names the host and the OS error, never a header; redacted anyway.
                error = ApifyTransportError(method, shown, self.redact(str(exc)), timeout=exc.timeout)
                retryable = idempotent
            else:
                if response.status < 300:
                    return self._decode(method, shown, response)
                error = self._error_from(method, shown, response)
                retryable = response.status == 429 or (idempotent and response.status >= 500)
                retry_after = parse_retry_after(response.header("Retry-After"))
            if not retryable or attempt >= self.retries or (retry_after is not None and retry_after > BACKOFF_CAP):
                raise error
            self._sleep(self.backoff_delay(attempt, retry_after))
            attempt += 1

    def backoff_delay(self, attempt, retry_after=None):
        """retry_delay() with this client's random source, at most ``BACKOFF_CAP``."""
        return min(retry_delay(attempt, retry_after, rand=self._rand), BACKOFF_CAP)

    def _decode(self, method, path, response):
        try:
            return json.loads(response.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly nested JSON
            # Redact before cutting, or a token across the cut would survive in part.
            snippet = self.redact(response.body.decode("utf-8", "replace"))[:80]
            raise ApifyResponseError(
                method,
                path,
                status=response.status,
                accepted=True,
                reason="the body is not JSON (Content-Type %s, %d bytes, starting %r)"
                % (response.header("Content-Type", "missing"), len(response.body), snippet),
            )

    def _error_from(self, method, path, response):
        status = response.status
        if 300 <= status < 400:
            return ApifyResponseError(
                method,
                path,
                status=status,
                reason="HTTP %s redirect to %r was not followed: the token is only sent to api_url. "
                "Set api_url to the address the API really answers on." % (status, self.redact(response.header("Location", ""))),
            )
        error_type = error_message = None
        try:
            body = json.loads(response.body.decode("utf-8"))
            error = body.get("error") if isinstance(body, dict) else None
            if isinstance(error, dict):
                error_type = self._short_text(error.get("type"))
                error_message = self._short_text(error.get("message"))
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly nested JSON
            pass
        return ApifyApiError(status, method, path, error_type=error_type, error_message=error_message, reason=self._short_text(response.reason))

    def _short_text(self, value, limit=500):
        """An error field as redacted, bounded text; None when absent.

        Redacted before it is cut, or a token across the cut would survive in part.
        """
        if value is None:
            return None
        text = self.redact(value if isinstance(value, str) else json.dumps(value))
        return text if len(text) <= limit else text[:limit] + "..."
