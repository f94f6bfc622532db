# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ApifyModule: what every module of the collection shares.

The connection options (with their environment fallbacks and ``no_log``), the
checks for missing libraries, building the client from checked options, and
the one place where results leave: the collection's typed errors become
``fail_json``, anything unexpected becomes a clear failure instead of a
traceback (``changed`` if a request that may have acted went out), and the
token is masked in keys as well as values (Ansible's ``no_log`` masks values).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.apify.platform.plugins.module_utils._connection import DEFAULT_API_URL, build_client
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyError, shorten
from ansible_collections.apify.platform.plugins.module_utils._options import proxy_urls, url_secrets
from ansible_collections.apify.platform.plugins.module_utils._redaction import REDACTED
from ansible_collections.apify.platform.plugins.module_utils._schemas import (
    HAS_JSONSCHEMA,
    JSONSCHEMA_IMPORT_ERROR,
)
from ansible_collections.apify.platform.plugins.module_utils._session import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
)

CONNECTION_ARGUMENT_SPEC = dict(
    token=dict(type="str", no_log=True, fallback=(env_fallback, ["APIFY_TOKEN"])),
    api_url=dict(type="str", default=DEFAULT_API_URL, fallback=(env_fallback, ["APIFY_API_BASE_URL"])),
    timeout=dict(type="float", default=30.0),
    validate_certs=dict(type="bool", default=True),
    retries=dict(type="int", default=5),
)


class LongestFirst(set):
    """A set of ``no_log`` values that hands them out longest first.

    Ansible masks ``no_log`` values one after another (``remove_values``), in the
    order the set yields them. When one value holds another (``user:password`` and
    ``password``), the shorter one masked first leaves the rest of the longer one in
    plain sight (``user:********``), and a set's order changes with PYTHONHASHSEED.
    Longest first, every value is masked whole whatever the hash seed. (ansible-core
    2.21 sorts them so itself; 2.16 masks in the set's order.)
    """

    def __iter__(self):
        return iter(sorted(set.__iter__(self), key=len, reverse=True))


class ApifyModule(AnsibleModule):
    """An AnsibleModule with the connection options and error handling of the collection."""

    def __init__(self, argument_spec, **kwargs):
        self._started = time.monotonic()
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        super().__init__(argument_spec=spec, **kwargs)
        self._clients = []
        self._token = None
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=str(REQUESTS_IMPORT_ERROR))
        if not HAS_JSONSCHEMA:
            self.fail_json(msg=missing_required_lib("jsonschema"), exception=str(JSONSCHEMA_IMPORT_ERROR))

    def _load_params(self):
        """Read the parameters, then hide the URLs' secrets at once.

        AnsibleModule calls this before it validates the parameters and logs the
        invocation: a validation failure (an unknown option next to an ``api_url``
        with a password) prints the invocation too, so the secrets are registered
        before anything can be printed or logged.
        """
        super()._load_params()
        self.no_log_values = LongestFirst(self.no_log_values)
        api_url = self.params.get("api_url") if isinstance(self.params, dict) else None
        self.hide_url_secrets(api_url, os.environ.get("APIFY_API_BASE_URL"), *proxy_urls(os.environ))

    def client(self, token_required=True, pool_size=1):
        """An ApifyClient from the checked connection options (ApifyConfigError if unusable)."""
        client, token = build_client(self.params, token_required, pool_size)
        if token:
            self.no_log_values.add(token)  # the stripped form too, not only what was typed
            self._token = token
        self._clients.append(client)
        return client

    def hide_url_secrets(self, *urls):
        """Register what ``shown_url()`` strips (user names, passwords, queries) as ``no_log`` values.

        Messages show URLs without them already; this masks them in the invocation
        (``-vvv``) and anywhere else Ansible prints, should a URL that does not parse
        slip through whole.
        """
        for url in urls:
            self.no_log_values.update(url_secrets(url))

    def sent_changes(self):
        """Whether any request that may change something went out (see ApifyClient.sent)."""
        return any(client.sent for client in self._clients)

    def elapsed(self):
        return round(time.monotonic() - self._started, 3)

    def run(self, work):
        """Call ``work()`` and exit with the dict it returns, or fail with its ApifyError.

        ``work`` returns the module result (``changed`` included); ``elapsed``
        is added here. Warnings in a ``warnings`` list are shown by Ansible. A
        result with ``failed`` true (a batch in which some runs failed) fails
        the task with everything it holds.
        """
        try:
            result = work()
        except ApifyError as exc:
            result = {"failed": True, "msg": exc.message, "error": exc.to_dict(), "changed": exc.changed}
            if getattr(exc, "run", None) is not None:
                result["run"] = exc.run
        except Exception as exc:  # pylint: disable=broad-exception-caught  # never a traceback: see the docstring
            changed = self.sent_changes()
            what = "%s: %s" % (type(exc).__name__, shorten(str(exc)))
            result = {
                "failed": True,
                "changed": changed,
                "msg": "Internal error in the apify.platform collection (%s); please report it. %s"
                % (what, "A request that may have changed a run had been sent." if changed else "No request that changes anything was sent."),
                "error": {"kind": "internal", "message": what},
            }
        for warning in result.pop("warnings", None) or []:
            self.warn(self._masked(warning))
        result = self._masked(result)
        result["elapsed"] = self.elapsed()
        if result.pop("failed", False):
            self.fail_json(**result)
        self.exit_json(**result)

    def _masked(self, data):
        return mask_secret(data, self._token) if self._token else data


def mask_secret(data, secret):
    """``data`` with ``secret`` replaced in every string, dictionary keys included.

    Recursive: answers are bounded in depth by the client (``MAX_JSON_DEPTH``, ``_answers.py``).
    """
    if isinstance(data, str):
        return data.replace(secret, REDACTED) if secret in data else data
    if isinstance(data, dict):
        return {mask_secret(key, secret): mask_secret(value, secret) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [mask_secret(value, secret) for value in data]
    return data
