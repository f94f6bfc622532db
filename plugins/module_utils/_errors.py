# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Typed errors shared by every layer below the modules.

Nothing here knows about Ansible. Each error renders a message a person can act
on (``str(err)``) and a plain dict (``err.to_dict()``) that modules return as
``error``. Only the module layer (``_module.py``) turns them into ``fail_json``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def shorten(text, limit=300):
    """``text`` cut to ``limit`` characters, marked with "..." when cut. Redact before cutting."""
    return text if len(text) <= limit else text[:limit] + "..."


class ApifyError(Exception):
    """Base class: anything that should fail a task with a clear message."""

    kind = "error"
    # Set by the caller when the failure came after a request that may have acted went out.
    changed = False
    # Set by the caller when that request is known not to have done its action (None: as changed).
    done = None

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message

    def append(self, text):
        """Add a sentence to the message (context the raising layer did not have)."""
        separator = " " if self.message.endswith((".", "!", "?")) else ". "
        self.message = "%s%s%s" % (self.message, separator, text)

    def to_dict(self):
        return {"kind": self.kind, "message": self.message}


class ApifyConfigError(ApifyError):
    """An option is unusable; raised before any request is made."""

    kind = "configuration"


# Hints appended to API errors, by HTTP status: what the user should do next.
_STATUS_HINTS = {
    400: "The API rejected the request as invalid.",
    401: "The API token was not accepted: check the token option or the APIFY_TOKEN environment variable.",
    403: "The token is valid but has no permission for this resource: use a token of the account that owns it.",
    404: "It does not exist, or the token's account cannot see it: check the ID.",
    405: "The API does not allow this method here: check that api_url points at the Apify API root.",
    429: "The API's rate limit was still exceeded after the retries allowed by the retries option.",
}


class ApifyApiError(ApifyError):
    """The API answered with an HTTP error status."""

    kind = "api"

    def __init__(self, status, method, path, error_type=None, error_message=None, reason=None):
        self.status = status
        self.method = method
        self.path = path
        self.error_type = error_type
        self.error_message = error_message
        detail = ""
        if error_type or error_message:
            detail = " (%s: %s)" % (error_type or "unknown-error", error_message or "no message")
        elif reason:
            detail = " (%s)" % reason
        hint = _STATUS_HINTS.get(status)
        if hint is None and status >= 500:
            hint = "The Apify API had a server error; it was retried where that is safe. Try again later."
        message = "Apify API answered HTTP %s%s to %s %s." % (status, detail, method, path)
        if hint:
            message += " " + hint
        super().__init__(message)

    def to_dict(self):
        return {
            "kind": self.kind,
            "status": self.status,
            "type": self.error_type,
            "message": self.error_message,
            "method": self.method,
            "path": self.path,
        }


class ApifyTransportError(ApifyError):
    """No HTTP answer: a timeout, a refused or dropped connection, a TLS failure."""

    kind = "transport"

    def __init__(self, method, path, reason, timeout=False, sent=True, accepted=False):
        self.method = method
        self.path = path
        self.reason = reason
        self.timeout = timeout
        # False only when no connection was ever made: the request cannot have acted.
        self.sent = sent
        # A 2xx status line had arrived before the answer broke: the API took the request.
        self.accepted = accepted
        what = "timed out" if timeout else "failed"
        super().__init__("%s %s %s: %s" % (method, path, what, reason))

    def to_dict(self):
        return {"kind": self.kind, "timeout": self.timeout, "message": self.message, "method": self.method, "path": self.path}


class ApifyResponseError(ApifyError):
    """The API answered, but not with what the Apify API promises.

    Raised for bodies that are not JSON, redirects we refuse to follow, and
    answers that fail schema validation (``json_path`` then names the field).
    ``accepted`` is true when the answer's status was 2xx: the API says it acted.
    """

    kind = "response"

    def __init__(self, method, path, reason, status=None, json_path=None, accepted=False):
        self.method = method
        self.path = path
        self.reason = reason
        self.status = status
        self.json_path = json_path
        self.accepted = accepted
        super().__init__("Unexpected answer from the Apify API to %s %s: %s" % (method, path, reason))

    def to_dict(self):
        return {"kind": self.kind, "status": self.status, "message": self.message, "json_path": self.json_path, "method": self.method, "path": self.path}


class ApifyActionUncertainError(ApifyError):
    """An action's request (reboot, abort, resurrect) got no clear answer and the run's state cannot tell us."""

    kind = "uncertain"


# The name of 1.0.0, when reboot was the only action; the same class.
ApifyRebootUncertainError = ApifyActionUncertainError


class ApifyRunStateError(ApifyError):
    """The run is in a state the task was told to fail on (not running, ended while waiting)."""

    kind = "run_state"

    def __init__(self, message, run=None):
        super().__init__(message)
        self.run = run
