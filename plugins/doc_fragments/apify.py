# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # The connection options every module shares, documented once.
    DOCUMENTATION = r"""
options:
  token:
    description:
      - Apify API token. It is sent only in the C(Authorization) header, as a bearer token.
      - Never put it in O(api_url). Surrounding whitespace is removed; a token with whitespace,
        a line break or control characters inside is refused.
      - If not set, the environment variable E(APIFY_TOKEN) is used.
      - Set it once for every module of the collection with
        C(module_defaults) and the action group C(group/apify.platform.apify).
    type: str
  api_url:
    description:
      - Root URL of the Apify API, without a path.
      - Must use C(https://); plain C(http://) is accepted only for a loopback host
        (V(localhost), V(127.0.0.1), V(::1)), because the token would otherwise travel in clear.
      - If not set, the environment variable E(APIFY_API_BASE_URL) is used.
    type: str
    default: https://api.apify.com
  timeout:
    description:
      - Seconds to wait for each HTTP request. Must be greater than 0.
    type: float
    default: 30
  validate_certs:
    description:
      - Whether to check the API's TLS certificate. Leave V(true) except against a test server.
    type: bool
    default: true
  retries:
    description:
      - How many times a request is retried after a transient failure, from 0 to 20.
      - Reads (C(GET)) are retried on HTTP 429, 5xx, timeouts and connection errors; a reboot
        (C(POST)) is retried on HTTP 429 only. Backoff starts at 0.5 seconds, doubles, has a
        random factor up to 2, and stops growing at 30 seconds; a C(Retry-After) is honoured, and one over
        30 seconds ends the retries.
    type: int
    default: 5
requirements:
  - jsonschema
notes:
  - HTTP is the Python standard library's C(http.client), with keep-alive connections. A proxy is taken
    from the C(https_proxy) (C(http_proxy) for an C(http://) O(api_url); else C(all_proxy)) and C(no_proxy)
    environment variables, upper or lower case;
    it must be an C(http://) proxy and is asked to C(CONNECT), so TLS runs end to end and the proxy never
    sees the token. Certificates are checked against the system's CA store; C(SSL_CERT_FILE) or
    C(SSL_CERT_DIR) point to another one. Redirects are never followed.
  - Every API answer is validated with JSON Schema against the fields the module uses;
    an invalid answer fails the task with the JSON path and the reason, before anything is changed.
"""
