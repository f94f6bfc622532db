# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ApifyModule: what every module of the collection shares.

The connection options (with their environment fallbacks and ``no_log``), the
checks for missing libraries, building the client from checked options, and
the one place where the collection's typed errors become ``fail_json``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.apify.platform.plugins.module_utils._client import ApifyClient
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyConfigError, ApifyError
from ansible_collections.apify.platform.plugins.module_utils._options import (
    check_not_negative,
    check_positive,
    clean_token,
    normalize_api_url,
)
from ansible_collections.apify.platform.plugins.module_utils._schemas import (
    HAS_JSONSCHEMA,
    JSONSCHEMA_IMPORT_ERROR,
)

DEFAULT_API_URL = "https://api.apify.com"
MAX_RETRIES = 20

CONNECTION_ARGUMENT_SPEC = dict(
    token=dict(type="str", no_log=True, fallback=(env_fallback, ["APIFY_TOKEN"])),
    api_url=dict(type="str", default=DEFAULT_API_URL, fallback=(env_fallback, ["APIFY_API_BASE_URL"])),
    timeout=dict(type="float", default=30.0),
    validate_certs=dict(type="bool", default=True),
    retries=dict(type="int", default=5),
)


class ApifyModule(AnsibleModule):
    """An AnsibleModule with the connection options and error handling of the collection."""

    def __init__(self, argument_spec, **kwargs):
        self._started = time.monotonic()
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        super().__init__(argument_spec=spec, **kwargs)
        if not HAS_JSONSCHEMA:
            self.fail_json(msg=missing_required_lib("jsonschema"), exception=str(JSONSCHEMA_IMPORT_ERROR))

    def client(self, token_required=True, pool_size=1):
        """An ApifyClient from the checked connection options (ApifyConfigError if unusable)."""
        params = self.params
        token = clean_token(params["token"], token_required)
        if token:
            self.no_log_values.add(token)  # the stripped form too, not only what was typed
        retries = check_not_negative(params["retries"], "retries")
        if retries > MAX_RETRIES:
            raise ApifyConfigError("retries must be at most %d (got %d)." % (MAX_RETRIES, retries))
        try:
            return ApifyClient(
                normalize_api_url(params["api_url"]),
                token=token,
                timeout=check_positive(params["timeout"], "timeout"),
                validate_certs=params["validate_certs"],
                retries=retries,
                pool_size=pool_size,
            )
        except ValueError as exc:  # a proxy setting the transport cannot use
            raise ApifyConfigError(str(exc)) from None

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
            extra = {}
            if getattr(exc, "run", None) is not None:
                extra["run"] = exc.run
            self.fail_json(msg=exc.message, error=exc.to_dict(), changed=exc.changed, elapsed=self.elapsed(), **extra)
        for warning in result.pop("warnings", None) or []:
            self.warn(warning)
        result["elapsed"] = self.elapsed()
        if result.pop("failed", False):
            self.fail_json(**result)
        self.exit_json(**result)
