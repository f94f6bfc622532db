# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Requests to the Apify API: retries, backoff and typed errors, over ``_session``.

One concern: send a request, retry it when that is safe, and hand back the
parsed JSON body, checked, or a typed error. It never calls ``fail_json`` and
never puts the token anywhere but the ``Authorization`` header.

Retry rules:

* idempotent requests (GET) are retried on 429, 5xx, timeouts and connection
  errors;
* other requests (POST) only on 429, because a 429 means the API did not act.
  Whether a failed POST acted is for the caller to find out (``_procedure.py``,
  ``_webhook_state.py``);
* PUT with the same body and DELETE are idempotent: retried like GET (a DELETE
  that acted before its answer was lost is then answered 404; the caller knows).

Bounds on every answer, each a clear error naming the limit: its size
(``MAX_ANSWER_BYTES``) and its JSON nesting depth (``MAX_JSON_DEPTH``), both in
``_answers.py``, and the time from connect to last byte (``timeout``, enforced
by ``_deadline.py``). An answer that fails the caller's ``check`` (or any
bound) leaves the connection's state unclear, so every idle connection is
dropped and none is reused.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math
import os
import random
import time
from urllib.parse import urlencode

from ansible_collections.apify.platform.plugins.module_utils._answers import decode, read_bounded
from ansible_collections.apify.platform.plugins.module_utils._deadline import deadline
from ansible_collections.apify.platform.plugins.module_utils._errors import (
    ApifyApiError,
    ApifyConfigError,
    ApifyResponseError,
    ApifyTransportError,
    shorten,
)
from ansible_collections.apify.platform.plugins.module_utils._options import RUN_ID_RE, proxy_urls, shown_url, url_secrets, without_url_secrets
from ansible_collections.apify.platform.plugins.module_utils._redaction import REDACTED, escaped_forms
from ansible_collections.apify.platform.plugins.module_utils._session import Session, is_ca_bundle_error, never_sent, requests
from ansible_collections.apify.platform.plugins.module_utils._version import COLLECTION_VERSION

USER_AGENT = "apify.platform-ansible-collection/%s" % COLLECTION_VERSION

# Apify recommends exponential backoff from 500 ms with a random factor up to 2x.
BACKOFF_BASE = 0.5
# No single sleep lasts longer than this: our own backoff stops growing there, and a
# Retry-After above it ends the retries (waiting less would ignore the server).
BACKOFF_CAP = 30.0


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


class ApifyClient:
    """A small, thread-safe client: one pool of keep-alive connections to ``api_url``."""

    def __init__(self, api_url, token=None, timeout=30.0, validate_certs=True, retries=5, pool_size=10, sleep=None, rand=None, session=None, environ=None):
        self.timeout = timeout
        self.retries = retries
        self._token = token
        # The token in every form it may take in a text, and what the proxies' URLs hold that
        # shown_url() would strip (4 characters or more: shorter ones would mask common words).
        environ = os.environ if environ is None else environ
        secrets = [secret for url in proxy_urls(environ) for secret in url_secrets(url) if len(secret) >= 4]
        self._secret_forms = sorted(set((escaped_forms(token) if token else []) + secrets), key=len, reverse=True)
        # Looked up now, not at import, so tests can replace time.sleep and random.random.
        self._sleep = sleep or time.sleep
        self._rand = rand or random.random
        self.session = Session(api_url, token, validate_certs=validate_certs, pool_size=pool_size, session=session, environ=environ)
        # Accept-Encoding named: requests would also offer br and zstd when their libraries are installed.
        self.headers = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "gzip, deflate"}
        # Every request that may change something, as "METHOD path", once it has been sent:
        # whatever happens afterwards, the task has to report changed.
        self.sent = []

    def redact(self, text):
        """Remove the token (also as repr() or JSON escaped it) and proxy passwords from any text that may reach the user."""
        if text and self._secret_forms:
            if self._token and len(text) >= 8 and text in self._token:
                return REDACTED  # a value that is a cut piece of the token (an echo as an ID, say)
            for form in self._secret_forms:
                text = text.replace(form, REDACTED)
        return text

    def shown_id(self, value):
        """An ID from an answer as a message may show it: only one that passes the run ID check.

        Anything else (a truncated echo of the token, perhaps) is described, never quoted.
        """
        if isinstance(value, str) and RUN_ID_RE.fullmatch(value) and not (self._token and value in self._token):
            return repr(value)
        return "(not an ID: %s of %d characters)" % (type(value).__name__, len(value) if isinstance(value, str) else 0)

    def get(self, path, params=None, check=None):
        return self.request("GET", path, params=params, idempotent=True, check=check)

    def post(self, path, params=None, check=None, body=None):
        return self.request("POST", path, params=params, idempotent=False, check=check, body=body)

    def put(self, path, body, check=None):
        return self.request("PUT", path, idempotent=True, check=check, body=body)

    def delete(self, path, check=None):
        """DELETE; a 204 answer (no body) is passed to ``check`` as ``{}``."""
        return self.request("DELETE", path, idempotent=True, check=check)

    def request(self, method, path, params=None, idempotent=True, check=None, body=None):
        """Send one request with retries; return the decoded JSON body, passed through ``check``.

        ``check(document)`` raises ApifyResponseError for an answer that is not
        to be believed (another run's, or not what the API promises); it is not
        retried, and the connections are dropped. ``body`` (a JSON value) is sent as JSON.
        """
        shown = path + ("?" + urlencode(params) if params else "")
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode("utf-8")
        attempt = 0
        waited = 0.0  # seconds of backoff between the attempts, for the message
        while True:
            retry_after = None
            try:
                status, reason, headers, answer = self._exchange(method, path, params, shown, data)
            except ApifyTransportError as exc:
                error = exc
                retryable = idempotent
            else:
                if status < 300:
                    return self._believe(method, shown, status, headers, answer, check)
                error = self._error_from(method, shown, status, reason, headers, answer)
                retryable = status == 429 or (idempotent and status >= 500)
                retry_after = parse_retry_after(headers.get("Retry-After"))
            if not retryable or attempt >= self.retries or (retry_after is not None and retry_after > BACKOFF_CAP):
                if isinstance(error, ApifyTransportError):
                    error.append(self._transport_hint(attempt + 1, idempotent, error.sent, waited))
                raise error
            delay = self.backoff_delay(attempt, retry_after)
            self._sleep(delay)
            waited += delay
            attempt += 1

    def backoff_delay(self, attempt, retry_after=None):
        """retry_delay() with this client's random source, at most ``BACKOFF_CAP``."""
        return min(retry_delay(attempt, retry_after, rand=self._rand), BACKOFF_CAP)

    def close(self):
        self.session.close()

    # -- one exchange: request out, whole answer in, within the deadline ---------

    def _exchange(self, method, path, params, shown, data=None):
        """``(status, reason, headers, body)`` of one request, or ApifyTransportError / ApifyResponseError."""
        headers = self.headers if data is None else dict(self.headers, **{"Content-Type": "application/json"})
        with deadline(self.timeout) as limit:
            try:
                response = self.session.send(method, path, params, headers, self.timeout, data=data)
            except requests.exceptions.RequestException as exc:
                sent = not never_sent(exc)  # it may have gone out before the connection broke
                self._record(method, path, sent)
                raise self._transport_error(method, shown, exc, limit, sent) from None
            except OSError as exc:
                if is_ca_bundle_error(exc):  # requests checks a CA bundle path before it connects
                    raise ApifyConfigError(
                        "%s %s was not sent: %s. Check REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, SSL_CERT_FILE and SSL_CERT_DIR."
                        % (method, shown, shorten(self.redact(without_url_secrets(str(exc)))))
                    ) from None
                # Any other OSError: where it came from, the request may have gone out.
                self._record(method, path, True)
                raise self._transport_error(method, shown, exc, limit, True) from None
            self._record(method, path, True)
            try:
                if 100 <= response.status_code < 200:
                    # http.client skips only "100 Continue": any other interim answer would be
                    # taken as the final one, and the real one read by the next request.
                    raise ApifyTransportError(
                        method,
                        shown,
                        "the server sent an interim HTTP %d answer where the final answer belongs; "
                        "the connection was closed, not reused" % response.status_code,
                    )  # sent: the request arrived; the procedure watches the run, never resends
                body = read_bounded(method, shown, response, self.redact, self.session.reset)
                if limit.expired:
                    # Cut by the deadline, an answer can look whole (close-delimited, or cut between headers).
                    raise requests.exceptions.ReadTimeout("the deadline passed while the answer was read")
            except requests.exceptions.RequestException as exc:
                # After a 2xx status line the API has taken the request, whatever happens to the body.
                raise self._transport_error(method, shown, exc, limit, True, accepted=200 <= response.status_code < 300) from None
            finally:
                # Closes the connection unless the body was read to its end.
                response.close()
        return response.status_code, response.reason, response.headers, body

    def _record(self, method, path, sent):
        """Note a request that may change something once it has gone out (see ``sent``)."""
        if sent and method != "GET":
            self.sent.append("%s %s" % (method, path))

    def _transport_error(self, method, shown, exc, limit, sent, accepted=False):
        timed_out = limit.expired or isinstance(exc, requests.exceptions.Timeout)
        reason = self._describe(exc, timed_out)
        if accepted and method != "GET":  # for a read it changes nothing: the read is simply retried
            reason = "the API answered with a 2xx status, then the answer broke: " + reason
        return ApifyTransportError(method, shown, reason, timeout=timed_out, sent=sent, accepted=accepted)

    def _describe(self, exc, timed_out):
        """What went wrong on the wire, naming the host, never a header; URLs as shown_url() shows them, redacted."""
        where = self.session.netloc
        if timed_out:
            return "no complete answer from %s within timeout=%g s (the limit for the whole request)" % (where, self.timeout)
        text = self.redact(without_url_secrets(str(exc)))
        if isinstance(exc, requests.exceptions.SSLError):
            return "TLS with %s failed (%s). Check the CA bundle (REQUESTS_CA_BUNDLE, SSL_CERT_FILE) or validate_certs" % (where, shorten(text))
        if isinstance(exc, requests.exceptions.ProxyError):
            return "the proxy for %s failed (%s). Check https_proxy, http_proxy and no_proxy" % (where, shorten(text))
        if isinstance(exc, requests.exceptions.InvalidURL):  # api_url is checked: a proxy's URL; its text may quote a password
            return (
                "a proxy URL for %s cannot be parsed (requests: %s; the URL is not shown, it may hold a password). Check https_proxy, "
                "http_proxy and all_proxy: a user name or password holding #, ?, / or @ must be percent-encoded" % (where, type(exc).__name__)
            )
        if "refused" in text.lower():
            return "%s refused the connection" % where
        return "%s: %s: %s" % (where, type(exc).__name__, shorten(text))

    def _transport_hint(self, attempts, idempotent, sent, waited=0.0):
        if attempts > 1:
            # The retries are silent (a refused connection takes about 25 s with retries=5): say how long they waited.
            tried = "after %d attempts, %.1f s of backoff between them (retries=%d)" % (attempts, waited, self.retries)
        elif idempotent:
            tried = "with retries=0"
        elif sent:
            tried = "once (not sent again blindly: it may have acted)"
        else:
            tried = "before the request was sent"
        return (
            "This happened %s. Check api_url (or APIFY_API_BASE_URL), that the API is reachable from this host, and any proxy (https_proxy, no_proxy)." % tried
        )

    # -- what the answer says, once it is whole -----------------------------------

    def _believe(self, method, shown, status, headers, body, check):
        try:
            document = {} if status == 204 and not body else self._decode(method, shown, status, headers, body)
            return check(document) if check is not None else document
        except ApifyResponseError:
            self.session.reset()  # whatever came on that connection may not be the answer to this request
            raise

    def _decode(self, method, path, status, headers, body):
        return decode(method, path, status, headers, body, self.redact)

    def _error_from(self, method, path, status, reason, headers, body):
        if 300 <= status < 400:
            return ApifyResponseError(
                method,
                path,
                status=status,
                reason="HTTP %s redirect to %r was not followed: the token is only sent to api_url. "
                "Set api_url to the address the API really answers on." % (status, shorten(self.redact(shown_url(headers.get("Location", ""))), 200)),
            )
        error_type = error_message = None
        try:
            document = json.loads(body.decode("utf-8"))
            error = document.get("error") if isinstance(document, dict) else None
            if isinstance(error, dict):
                error_type = self._short_text(error.get("type"))
                error_message = self._short_text(error.get("message"))
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly nested JSON
            pass
        return ApifyApiError(status, method, path, error_type=error_type, error_message=error_message, reason=self._short_text(reason))

    def _short_text(self, value, limit=500):
        """An error field as redacted, bounded text; None when absent.

        Redacted before it is cut, or a token across the cut would survive in part.
        """
        if value is None:
            return None
        try:
            text = value if isinstance(value, str) else json.dumps(value)
        except (TypeError, ValueError, RecursionError):
            text = type(value).__name__
        return shorten(self.redact(text), limit)
