# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connection options and the ApifyClient built from them, for any caller.

A module reads its options from ``AnsibleModule.params`` (``_module.py``); the
event source reads them from its rulebook arguments. Both hand a mapping to
``connection_options()`` (defaults and the environment fallbacks the modules
document) and the result to ``build_client()`` (every check, then the
client), so there is one way to turn options into a client. Nothing here
imports Ansible's module layer.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.apify.platform.plugins.module_utils._client import ApifyClient
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyConfigError
from ansible_collections.apify.platform.plugins.module_utils._options import (
    check_not_negative,
    check_positive,
    clean_token,
    normalize_api_url,
)

DEFAULT_API_URL = "https://api.apify.com"
MAX_RETRIES = 20

# option -> (default, environment variable read when the option is not given)
CONNECTION_OPTIONS = {
    "token": (None, "APIFY_TOKEN"),
    "api_url": (DEFAULT_API_URL, "APIFY_API_BASE_URL"),
    "timeout": (30.0, None),
    "validate_certs": (True, None),
    "retries": (5, None),
}


def connection_options(given, environ=None):
    """The connection options from ``given`` (a mapping), with defaults and environment fallbacks.

    An option that is absent or None takes its environment variable, then its
    default: the order ``AnsibleModule`` applies to the modules' argument spec.
    """
    environ = os.environ if environ is None else environ
    options = {}
    for name, (default, variable) in CONNECTION_OPTIONS.items():
        value = given.get(name)
        if value is None and variable:
            value = environ.get(variable)
        options[name] = default if value is None else value
    return options


def build_client(options, token_required=True, pool_size=1):
    """``(client, token)``: an ApifyClient from checked options (ApifyConfigError if unusable).

    ``token`` is the cleaned token (None without one), for the caller's own
    masking (``no_log_values`` in a module).
    """
    token = clean_token(options["token"], token_required)
    retries = check_not_negative(options["retries"], "retries")
    if retries > MAX_RETRIES:
        raise ApifyConfigError("retries must be at most %d (got %d)." % (MAX_RETRIES, retries))
    client = ApifyClient(
        normalize_api_url(options["api_url"]),
        token=token,
        timeout=check_positive(options["timeout"], "timeout"),
        validate_certs=options["validate_certs"],
        retries=retries,
        pool_size=pool_size,
    )
    return client, token
