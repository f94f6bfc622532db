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
      - A loopback O(api_url) (V(localhost), C(127.0.0.0/8), V(::1)) is always reached directly, never through a proxy.
        Other names, also those ending in C(.localhost), are not taken for loopback, since the resolver decides where they go.
      - If not set, the environment variable E(APIFY_API_BASE_URL) is used.
    type: str
    default: https://api.apify.com
  timeout:
    description:
      - Seconds allowed for each HTTP request as a whole, from connecting to the last byte of the answer
        (not per read, so a server that sends its answer slowly is cut off too). Must be greater than 0.
      - Each retry (see O(retries)) gets the full time again.
    type: float
    default: 30
  validate_certs:
    description:
      - Whether to check the API's TLS certificate. Leave V(true) except against a test server.
      - Certificates are checked against the CA bundle named by the first of E(REQUESTS_CA_BUNDLE),
        E(CURL_CA_BUNDLE), E(SSL_CERT_FILE) and E(SSL_CERT_DIR) that is set, otherwise against the
        bundle that C(requests) uses by default (C(certifi)'s).
      - V(false) is never overridden by those variables.
    type: bool
    default: true
  retries:
    description:
      - How many times a request is retried after a transient failure, from 0 to 20.
      - Reads (C(GET)) are retried on HTTP 429, 5xx, timeouts and connection errors; a reboot
        (C(POST)) is retried on HTTP 429 only. Backoff starts at 0.5 seconds, doubles, has a
        random factor up to 2, and stops growing at 30 seconds; a C(Retry-After) is honoured, and one over
        30 seconds ends the retries.
      - The retries are silent. With the default V(5), a read that keeps failing at once (nothing listens at
        O(api_url), say) waits 15.5 to 31 seconds in all (about 25) before the task fails; every attempt may also
        take up to O(timeout). The failure message says how many attempts were made and how long their backoff took.
    type: int
    default: 5
requirements:
  - requests >= 2.25.0
  - jsonschema >= 4.0.0
notes:
  - HTTP goes through C(requests), with a pool of keep-alive connections. Proxies come from the environment
    as C(requests) reads them (E(https_proxy), E(http_proxy), E(all_proxy), E(no_proxy), upper or lower case);
    an C(https://) O(api_url) is reached through an C(http://) proxy with C(CONNECT), so TLS runs end to end
    and the proxy never sees the token. SOCKS proxies need C(requests[socks]) (PySocks). A loopback O(api_url)
    never uses a proxy.
  - The token is sent only in the C(Authorization) header; C(~/.netrc) is never read. Redirects are never followed.
  - Every API answer is checked before it is believed - it is about the run asked for, it is at most 4 MiB,
    its JSON is nested at most 32 levels deep, and it fits a JSON Schema of the fields the module uses;
    an answer that does not pass fails the task (or that run, among many) with the reason and any JSON path,
    and nothing is sent on its strength.
"""
