# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import json
import os

import pytest
import requests
import urllib3
import yaml

from ansible_collections.apify.platform.plugins.module_utils import _deadline
from ansible_collections.apify.platform.plugins.module_utils._answers import CHUNK_BYTES, MAX_ANSWER_BYTES, MAX_JSON_DEPTH, nesting_exceeds
from ansible_collections.apify.platform.plugins.module_utils._client import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    USER_AGENT,
    ApifyClient,
    parse_retry_after,
    retry_delay,
)
from ansible_collections.apify.platform.plugins.module_utils._errors import (
    ApifyApiError,
    ApifyConfigError,
    ApifyResponseError,
    ApifyTransportError,
)
from ansible_collections.apify.platform.plugins.module_utils._redaction import REDACTED
from ansible_collections.apify.platform.plugins.module_utils._runs import path_segment
from ansible_collections.apify.platform.plugins.module_utils._session import ApifyAdapter, BearerAuth
from ansible_collections.apify.platform.plugins.module_utils._version import COLLECTION_VERSION
from ansible_collections.apify.platform.tests.unit.scripted_http import ScriptedAdapter

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
PATH = "/v2/actor-runs/3KH8gEpp4d8uQSe8T"


def token_pieces(token, size=12):
    """Every ``size``-character piece of the token: none may reach a message."""
    return [token[i : i + size] for i in range(0, len(token) - size + 1)]


def assert_no_token(fake, text):
    for piece in token_pieces(fake.TOKEN):
        assert piece not in text, "a piece of the token (%r) leaked into %r" % (piece, text)


# -- pure helpers ------------------------------------------------------------------------


def test_constants():
    assert BACKOFF_BASE == 0.5
    assert BACKOFF_CAP == 30.0
    assert REDACTED == "********"
    assert MAX_ANSWER_BYTES == 4 * 1024 * 1024
    assert MAX_JSON_DEPTH == 32


@pytest.mark.parametrize(
    "attempt, rand, retry_after, expected",
    [
        (0, 0.0, None, 0.5),
        (1, 0.0, None, 1.0),
        (2, 0.0, None, 2.0),
        (3, 0.0, None, 4.0),
        (0, 0.5, None, 0.75),
        (2, 0.5, None, 3.0),
        (0, 0.999, None, 0.9995),
        (0, 0.0, 3.0, 3.0),  # Retry-After is a floor...
        (3, 0.0, 1.0, 4.0),  # ...never a ceiling
        (0, 0.0, 0.0, 0.5),
        (0, 0.0, 120.0, 120.0),
    ],
)
def test_retry_delay(attempt, rand, retry_after, expected):
    assert retry_delay(attempt, retry_after, rand=lambda: rand) == pytest.approx(expected)


@pytest.mark.parametrize("attempt", [0, 1, 4])
def test_retry_delay_default_jitter_is_up_to_twice(attempt):
    low = BACKOFF_BASE * 2**attempt
    for dummy in range(200):
        assert low <= retry_delay(attempt) < 2 * low


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        ("3", 3.0),
        (" 2.5 ", 2.5),
        ("0", 0.0),
        ("120", 120.0),
        ("-1", None),
        ("nan", None),
        ("inf", None),
        ("-inf", None),
        ("", None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", None),
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("3KH8gEpp4d8uQSe8T", "3KH8gEpp4d8uQSe8T"),
        ("apify~web-scraper", "apify~web-scraper"),
        ("a/b", "a%2Fb"),
        ("a?b", "a%3Fb"),
        ("a#b", "a%23b"),
        ("a b", "a%20b"),
        ("%2F", "%252F"),
        ("\u00fc", "%C3%BC"),
        ("a\nb", "a%0Ab"),
        (12, "12"),
    ],
)
def test_path_segment(value, expected):
    assert path_segment(value) == expected


def test_user_agent_names_collection_and_version():
    assert USER_AGENT == "apify.platform-ansible-collection/%s" % COLLECTION_VERSION


def test_version_matches_galaxy_yml():
    with open(os.path.join(COLLECTION_ROOT, "galaxy.yml")) as handle:
        galaxy = yaml.safe_load(handle)
    assert (galaxy["namespace"], galaxy["name"]) == ("apify", "platform")
    assert COLLECTION_VERSION == galaxy["version"]


# -- client set-up ---------------------------------------------------------------------------

# The headers requests sends for the client: its own, ours, and the token's.
SENT_HEADERS = {"User-Agent", "Accept-Encoding", "Accept", "Connection", "Authorization"}
HINT = "Check api_url (or APIFY_API_BASE_URL), that the API is reachable from this host, and any proxy (https_proxy, no_proxy)."


def test_client_settings(fake):
    client = fake.client(validate_certs=True)
    assert client.headers == {
        "User-Agent": "apify.platform-ansible-collection/" + COLLECTION_VERSION,
        "Accept": "application/json",
        "Accept-Encoding": "gzip, deflate",  # the codings it believes; requests would add br and zstd
    }
    assert isinstance(client.session.requests.auth, BearerAuth)
    assert client.timeout == 30.0
    assert client.retries == 5
    assert client.sent == []


def test_token_goes_in_the_authorization_header_of_every_request(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.ok(fake.run()))
    fake.http.script("POST", PATH + "/reboot", fake.ok(fake.run()))
    client.get(PATH)
    client.post(PATH + "/reboot")
    get, post = fake.http.calls
    assert set(get.headers) == SENT_HEADERS
    assert set(post.headers) == SENT_HEADERS | {"Content-Length"}  # an empty POST body, as requests sends it
    for call in fake.http.calls:
        assert call.authorization == "Bearer " + fake.TOKEN
        assert call.headers["User-Agent"] == USER_AGENT
        assert call.headers["Accept"] == "application/json"
    assert post.headers["Content-Length"] == "0" and post.body is None


@pytest.mark.parametrize("token", [None, ""])
def test_without_token_sends_no_authorization(fake, token):
    client = fake.client(token=token, validate_certs=False)
    fake.http.script("GET", PATH, fake.ok(fake.run()))
    client.get(PATH)
    (call,) = fake.http.calls
    assert set(call.headers) == SENT_HEADERS - {"Authorization"}


def test_without_token_netrc_is_not_read_either(fake, monkeypatch, tmp_path):
    # requests reads ~/.netrc only for a session without auth: BearerAuth keeps it out.
    netrc = tmp_path / "netrc"
    netrc.write_text("machine api.apify.example login someone password netrc-s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert requests.utils.get_netrc_auth(fake.API_URL + PATH) == ("someone", "netrc-s3cret")  # requests would use it
    for token in (None, fake.TOKEN):
        fake.http.script("GET", PATH, fake.ok(fake.run()))
        fake.client(token=token).get(PATH)
    without, with_token = fake.http.calls
    assert "Authorization" not in without.headers
    assert with_token.authorization == "Bearer " + fake.TOKEN


def test_the_fake_is_a_requests_adapter(fake):
    # The scripted stand-in sits where requests' HTTPAdapter does, and answers as it does.
    client = fake.client()
    (adapter,) = client.session.requests.adapters.values()
    assert isinstance(adapter, requests.adapters.BaseAdapter) and isinstance(adapter, ScriptedAdapter)
    fake.http.script("GET", PATH, fake.ok(fake.run()))
    client.get(PATH)
    (call,) = fake.http.calls
    assert isinstance(call.raw, urllib3.HTTPResponse)
    assert call.stream is True  # the client reads the body itself, bounded
    assert call.timeout == (30.0, 30.0)
    assert call.released and not call.closed  # read to its end: the connection could be reused


def test_real_session_is_created_when_none_given():
    client = ApifyClient("https://api.apify.example", token="t", timeout=7.5, pool_size=3)
    try:
        session = client.session
        assert isinstance(session.requests, requests.Session)
        assert (session.host, session.netloc) == ("api.apify.example", "api.apify.example")
        assert client.timeout == 7.5
        assert isinstance(session.requests.auth, BearerAuth)
        adapters = session.requests.adapters
        assert isinstance(adapters["https://"], ApifyAdapter) and adapters["http://"] is adapters["https://"]
        assert adapters["https://"]._pool_maxsize == 3  # pylint: disable=protected-access
        assert adapters["https://"].max_retries.total == 0  # the client retries, never urllib3
    finally:
        client.close()


@pytest.mark.parametrize("pool_size, expected", [(7, 7), (1, 1), (0, 1), (-3, 1)])
def test_pool_size_is_at_least_one(pool_size, expected):
    client = ApifyClient("https://api.apify.example", pool_size=pool_size)
    assert client.session.requests.adapters["https://"]._pool_maxsize == expected  # pylint: disable=protected-access


@pytest.mark.parametrize("api_url, netloc", [("https://h.example:8443", "h.example:8443"), ("http://127.0.0.1:9", "127.0.0.1:9")])
def test_session_targets_the_api_url(fake, api_url, netloc):
    client = fake.client(api_url=api_url, retries=0)
    assert client.session.netloc == netloc
    fake.http.script("GET", PATH, fake.ok(fake.run()))
    client.get(PATH)
    assert fake.http.calls[0].url == api_url + PATH


@pytest.mark.parametrize(
    "validate_certs, environ, verify",
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"REQUESTS_CA_BUNDLE": "/etc/corp-ca.pem"}, "/etc/corp-ca.pem"),
        (True, {"SSL_CERT_FILE": "/etc/other-ca.pem"}, "/etc/other-ca.pem"),
        (False, {"REQUESTS_CA_BUNDLE": "/etc/corp-ca.pem"}, False),  # validate_certs=false is never overridden
    ],
)
def test_validate_certs_reaches_requests(fake, monkeypatch, validate_certs, environ, verify):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    client = fake.client(validate_certs=validate_certs)
    fake.http.script("GET", PATH, fake.ok(fake.run()))
    client.get(PATH)
    assert fake.http.calls[0].verify == verify


@pytest.mark.parametrize(
    "api_url, environ, proxy",
    [
        ("https://api.apify.example", {}, None),
        ("https://api.apify.example", {"HTTPS_PROXY": "http://proxy.corp.example:3128"}, "http://proxy.corp.example:3128"),
        ("https://api.apify.example", {"https_proxy": "http://user:pw@proxy.corp.example:3128"}, "http://user:pw@proxy.corp.example:3128"),
        ("https://api.apify.example", {"HTTPS_PROXY": "http://proxy.corp.example:3128", "NO_PROXY": ".apify.example"}, None),
        ("https://api.apify.example", {"HTTP_PROXY": "http://proxy.corp.example:3128"}, None),  # only for http://
        ("http://127.0.0.1:8080", {"HTTP_PROXY": "http://proxy.corp.example:3128"}, None),  # loopback: never proxied
        ("http://localhost:8080", {"ALL_PROXY": "http://proxy.corp.example:3128"}, None),
    ],
)
def test_proxies_from_the_environment_reach_requests(fake, monkeypatch, api_url, environ, proxy):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    client = fake.client(api_url=api_url)
    fake.http.script("GET", PATH, fake.ok(fake.run()))
    client.get(PATH)
    proxies = fake.http.calls[0].proxies
    scheme = api_url.split(":")[0]
    assert proxies.get(scheme) == proxy
    if client.session.direct:
        assert not proxies.get("all")


def test_client_has_no_transport_of_its_own():
    # HTTP goes through requests (_session.py); the client opens no socket itself.
    with open(os.path.join(COLLECTION_ROOT, "plugins", "module_utils", "_client.py")) as handle:
        tree = ast.parse(handle.read())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"http", "socket", "ssl", "urllib3", "httpx"}, imported


# -- one request -------------------------------------------------------------------------------


def test_get_sends_one_exact_request(fake):
    client = fake.client(timeout=12.5)
    fake.http.script("GET", PATH, fake.ok({"id": "x"}))
    assert client.get(PATH) == {"data": {"id": "x"}}
    (call,) = fake.http.calls
    assert (call.method, call.url, call.path, call.params) == ("GET", fake.API_URL + PATH, PATH, None)
    assert call.timeout == (12.5, 12.5)
    assert call.authorization == "Bearer " + fake.TOKEN
    assert fake.clock.sleeps == []
    assert client.sent == []  # a GET changes nothing


def test_get_passes_params(fake):
    client = fake.client()
    fake.http.script("GET", "/v2/actor-runs", fake.ok({"items": []}))
    client.get("/v2/actor-runs", params={"limit": 10, "status": "RUNNING,READY"})
    (call,) = fake.http.calls
    assert call.path == "/v2/actor-runs"
    assert call.query == [("limit", "10"), ("status", "RUNNING,READY")]
    assert call.target == "/v2/actor-runs?limit=10&status=RUNNING%2CREADY"


def test_post_sends_one_exact_request(fake):
    client = fake.client()
    fake.http.script("POST", PATH + "/reboot", fake.ok(fake.run()))
    assert client.post(PATH + "/reboot")["data"]["id"] == fake.RUN_ID
    assert fake.http.methods == ["POST"]
    call = fake.http.calls[0]
    assert (call.path, call.params) == (PATH + "/reboot", None)
    assert call.authorization == "Bearer " + fake.TOKEN
    assert client.sent == ["POST " + PATH + "/reboot"]


def test_token_is_only_in_the_authorization_header(fake):
    client = fake.client(retries=2)
    fake.http.script("GET", "/v2/actor-runs", fake.error(500), fake.ok({}))
    fake.http.script("POST", PATH + "/reboot", fake.error(429), fake.ok({}))
    client.get("/v2/actor-runs", params={"limit": 1, "offset": 0})
    client.post(PATH + "/reboot")
    assert len(fake.http.calls) == 4
    for call in fake.http.calls:
        assert fake.TOKEN not in call.url
        assert "token" not in call.target.lower()
        assert [name for name, value in call.headers.items() if fake.TOKEN in value] == ["Authorization"]
        assert call.authorization == "Bearer " + fake.TOKEN


def test_client_never_changes_its_headers_between_requests(fake):
    client = fake.client(retries=1)
    fake.http.script("GET", PATH, fake.error(503), fake.ok({}))
    client.get(PATH)
    first, second = fake.http.calls
    assert dict(first.headers) == dict(second.headers)


def test_non_transport_exception_is_not_swallowed(fake):
    # Only a requests exception means "no answer"; anything else is a bug and must show as one, unretried.
    client = fake.client()
    fake.http.script("GET", PATH, KeyError("bug"))
    with pytest.raises(KeyError):
        client.get(PATH)
    assert len(fake.http.calls) == 1
    assert fake.clock.sleeps == []


def test_answer_headers_are_read_case_insensitively(fake):
    client = fake.client(retries=1)
    fake.http.script(
        "GET",
        PATH,
        fake.response(429, body={}, headers={"retry-after": "3"}),
        fake.response(200, raw=b'{"data": 1}', headers={"content-TYPE": "application/json"}),
    )
    assert client.get(PATH) == {"data": 1}
    assert fake.clock.sleeps == [3.0]


@pytest.mark.parametrize("status", [200, 201])
def test_2xx_json_is_decoded(fake, status):
    client = fake.client()
    fake.http.script("GET", PATH, fake.response(status, {"data": {"a": [1, "\u00fc"]}}))
    assert client.get(PATH) == {"data": {"a": [1, "\u00fc"]}}


def test_gzip_answer_is_decoded(fake):
    import gzip  # pylint: disable=import-outside-toplevel

    client = fake.client()
    fake.http.script(
        "GET", PATH, fake.response(200, raw=gzip.compress(b'{"data": {"id": "z"}}'), headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
    )
    assert client.get(PATH) == {"data": {"id": "z"}}


@pytest.mark.parametrize(
    "raw, content_type",
    [
        ("<html><body>Hello</body></html>", "text/html"),
        ("", "text/plain"),
        ("{not json", "application/json"),
        (b"\xff\xfe\x00garbage", "application/octet-stream"),
    ],
)
def test_2xx_non_json_body_is_a_response_error(fake, raw, content_type):
    client = fake.client()
    fake.http.script("GET", PATH, fake.response(200, raw=raw, headers={"Content-Type": content_type}))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    err = info.value
    assert err.status == 200
    assert (err.method, err.path) == ("GET", PATH)
    size = len(raw if isinstance(raw, bytes) else raw.encode("utf-8"))
    assert "the body is not JSON (Content-Type %s, %d bytes" % (content_type, size) in str(err)
    assert len(fake.http.calls) == 1  # an answer, even a bad one, is not retried
    assert fake.http.closes == 1  # ... nor is its connection reused


def test_non_json_body_without_content_type(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.response(200, raw="plain", headers={"Content-Type": None}))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "Content-Type missing, 5 bytes, starting 'plain'" in str(info.value)


def test_non_json_snippet_is_short(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.response(200, raw="<p>" + "z" * 5000))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "5003 bytes" in str(info.value)
    assert "z" * 78 not in str(info.value)
    assert "z" * 77 in str(info.value)


# -- what may have changed something: client.sent -----------------------------------------------


def test_sent_records_mutating_requests_that_went_out(fake):
    client = fake.client(retries=0)
    fake.http.script("POST", PATH + "/reboot", fake.error(500))
    fake.http.script("POST", PATH + "/abort", fake.read_timeout())
    fake.http.script("POST", PATH + "/resurrect", fake.refused())
    fake.http.script("GET", PATH, fake.error(500))
    for method, path in [("POST", PATH + "/reboot"), ("POST", PATH + "/abort"), ("POST", PATH + "/resurrect"), ("GET", PATH)]:
        with pytest.raises((ApifyApiError, ApifyTransportError)):
            client.request(method, path, idempotent=method == "GET")
    # A refused connection never carried the request; a GET changes nothing.
    assert client.sent == ["POST %s/reboot" % PATH, "POST %s/abort" % PATH]


# -- retries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_get_retried_on_429_and_5xx(fake, status):
    client = fake.client()
    fake.http.script("GET", PATH, fake.error(status), fake.error(status), fake.ok({"ok": 1}))
    assert client.get(PATH) == {"data": {"ok": 1}}
    assert fake.http.methods == ["GET"] * 3
    assert fake.clock.sleeps == [0.5, 1.0]


# Each failure as requests raises it: (name, build, timed out, sent, what the message says of it).
TRANSPORT_ERRORS = [
    ("refused", lambda fake: fake.refused(), False, False, "api.apify.example refused the connection"),
    (
        "connect-timeout",
        lambda fake: fake.connect_timeout(),
        True,
        False,
        "no complete answer from api.apify.example within timeout=30 s (the limit for the whole request)",
    ),
    (
        "read-timeout",
        lambda fake: fake.read_timeout(),
        True,
        True,
        "no complete answer from api.apify.example within timeout=30 s (the limit for the whole request)",
    ),
    (
        "dropped",
        lambda fake: fake.dropped(),
        False,
        True,
        "api.apify.example: ConnectionError: ('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))",
    ),
    (
        "reset",
        lambda fake: fake.reset_by_peer(),
        False,
        True,
        "api.apify.example: ConnectionError: ('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))",
    ),
    ("tls", lambda fake: fake.tls_failure(), False, True, "TLS with api.apify.example failed ("),
    ("proxy", lambda fake: fake.proxy_failure(), False, False, "the proxy for api.apify.example failed ("),
    (
        "cut",
        lambda fake: fake.response(200, raw=b'{"data": {"id"', content_length=100),
        False,
        True,
        "api.apify.example: ChunkedEncodingError: ('Connection broken: IncompleteRead(14 bytes read, 86 more expected)'",
    ),
]
TRANSPORT_IDS = [t[0] for t in TRANSPORT_ERRORS]


@pytest.mark.parametrize("name, build, timeout, sent, reason", TRANSPORT_ERRORS, ids=TRANSPORT_IDS)
def test_get_retried_on_transport_errors(fake, name, build, timeout, sent, reason):
    client = fake.client()
    fake.http.script("GET", PATH, build(fake), fake.ok({"ok": 1}))
    assert client.get(PATH) == {"data": {"ok": 1}}
    assert len(fake.http.calls) == 2
    assert fake.clock.sleeps == [0.5]


@pytest.mark.parametrize("name, build, timeout, sent, reason", TRANSPORT_ERRORS, ids=TRANSPORT_IDS)
def test_transport_error_keeps_its_kind_and_says_what_happened(fake, name, build, timeout, sent, reason):
    client = fake.client(retries=0)
    fake.http.script("GET", PATH, build(fake))
    with pytest.raises(ApifyTransportError) as info:
        client.get(PATH)
    err = info.value
    assert (err.timeout, err.sent) == (timeout, sent)
    assert err.reason.startswith(reason)
    assert str(err).startswith("GET %s %s: %s" % (PATH, "timed out" if timeout else "failed", reason))
    assert str(err).endswith("This happened with retries=0. " + HINT)
    assert "Authorization" not in str(err) and fake.TOKEN not in str(err)


@pytest.mark.parametrize("build, word", [(lambda fake: fake.refused(), "failed"), (lambda fake: fake.read_timeout(), "timed out")], ids=["refused", "timeout"])
def test_get_transport_error_after_retries(fake, build, word):
    client = fake.client(retries=2)
    fake.http.script("GET", PATH, build(fake))
    with pytest.raises(ApifyTransportError) as info:
        client.get(PATH)
    assert len(fake.http.calls) == 3
    assert str(info.value).startswith("GET %s %s: " % (PATH, word))
    assert str(info.value).endswith("This happened after 3 attempts, 1.5 s of backoff between them (retries=2). " + HINT)
    assert fake.clock.sleeps == [0.5, 1.0]


def test_refused_message_in_full(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.refused())
    with pytest.raises(ApifyTransportError) as info:
        client.get(PATH)
    assert str(
        info.value
    ) == "GET %s failed: api.apify.example refused the connection. This happened after 6 attempts, 15.5 s of backoff between them (retries=5). %s" % (
        PATH,
        HINT,
    )


def test_whole_request_deadline_is_reported_as_a_timeout(fake):
    # The deadline's timer shuts the socket down; requests then sees a broken connection.
    def cut_by_the_deadline(call):
        _deadline._local.deadline.expire()  # pylint: disable=protected-access
        return fake.dropped()

    client = fake.client(retries=0, timeout=7)
    fake.http.script("GET", PATH, cut_by_the_deadline)
    with pytest.raises(ApifyTransportError) as info:
        client.get(PATH)
    assert info.value.timeout is True
    assert info.value.reason == "no complete answer from api.apify.example within timeout=7 s (the limit for the whole request)"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unusable_ca_bundle_is_a_configuration_error_before_sending(fake, method):
    # requests checks the CA bundle path before it connects, and raises a plain OSError.
    client = fake.client()
    fake.http.script(method, PATH, OSError("Could not find a suitable TLS CA certificate bundle, invalid path: /etc/missing-ca.pem"))
    with pytest.raises(ApifyConfigError) as info:
        client.request(method, PATH, idempotent=method == "GET")
    assert str(info.value) == (
        "%s %s was not sent: Could not find a suitable TLS CA certificate bundle, invalid path: /etc/missing-ca.pem. "
        "Check REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, SSL_CERT_FILE and SSL_CERT_DIR." % (method, PATH)
    )
    assert len(fake.http.calls) == 1  # not retried
    assert client.sent == []


@pytest.mark.parametrize("error", [OSError("Bad file descriptor"), OSError(104, "Connection reset by peer"), ConnectionResetError(104, "reset")])
def test_any_other_oserror_from_send_is_a_transport_error_and_the_post_counts_as_sent(fake, error):
    # Issue 17: only requests' own CA-bundle check is "not sent"; any other OSError that escapes
    # requests may come after the request went out, so a POST is recorded as sent and not retried.
    client = fake.client()
    fake.http.script("POST", PATH, error)
    with pytest.raises(ApifyTransportError) as info:
        client.post(PATH)
    assert info.value.sent is True
    assert "CA" not in str(info.value) and "was not sent" not in str(info.value)
    assert client.sent == ["POST " + PATH]
    assert len(fake.http.calls) == 1


def test_closed_pool_error_is_never_sent_and_a_post_is_retried(fake):
    # urllib3 raises ClosedPoolError from _get_conn, before any connection is used: not sent.
    client = fake.client(retries=2)
    closed = requests.exceptions.ConnectionError(urllib3.exceptions.ClosedPoolError(None, "Pool is closed."))
    fake.http.script("POST", PATH, closed)
    with pytest.raises(ApifyTransportError) as info:
        client.post(PATH)
    assert info.value.sent is False
    assert client.sent == []
    assert "before the request was sent" in str(info.value)


@pytest.mark.parametrize(
    "status, answer, accepted",
    [
        (200, lambda fake: fake.response(200, raw=b'{"data": {"id"', content_length=900), True),
        (201, lambda fake: fake.response(201, raw=b"not gzip", headers={"Content-Encoding": "gzip"}), True),
        (500, lambda fake: fake.response(500, raw=b'{"error": {"ty', content_length=900), False),
    ],
    ids=["200-cut", "201-bad-gzip", "500-cut"],
)
def test_a_2xx_answer_that_breaks_is_accepted(fake, status, answer, accepted):
    # Issue 17: a 2xx status line means the API took the request, whatever happens to the body.
    client = fake.client()
    fake.http.script("POST", PATH, answer(fake))
    with pytest.raises(ApifyTransportError) as info:
        client.post(PATH)
    assert (info.value.sent, info.value.accepted) == (True, accepted)
    assert ("answered with a 2xx status, then the answer broke" in str(info.value)) is accepted
    assert len(fake.http.calls) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 422])
def test_get_not_retried_on_other_4xx(fake, status):
    client = fake.client()
    fake.http.script("GET", PATH, fake.error(status, "x", "y"))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    assert info.value.status == status
    assert len(fake.http.calls) == 1
    assert fake.clock.sleeps == []


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_post_not_retried_on_5xx(fake, status):
    client = fake.client()
    fake.http.script("POST", PATH, fake.error(status))
    with pytest.raises(ApifyApiError) as info:
        client.post(PATH)
    assert info.value.status == status
    assert fake.http.methods == ["POST"]
    assert fake.clock.sleeps == []


@pytest.mark.parametrize("name, build, timeout, sent, reason", TRANSPORT_ERRORS, ids=TRANSPORT_IDS)
def test_post_not_retried_on_transport_errors(fake, name, build, timeout, sent, reason):
    client = fake.client()
    fake.http.script("POST", PATH, build(fake))
    with pytest.raises(ApifyTransportError) as info:
        client.post(PATH)
    err = info.value
    assert (err.timeout, err.sent, err.method) == (timeout, sent, "POST")
    tried = "once (not sent again blindly: it may have acted)" if sent else "before the request was sent"
    assert str(err).endswith("This happened %s. %s" % (tried, HINT))
    assert fake.http.methods == ["POST"]
    assert fake.clock.sleeps == []
    assert client.sent == (["POST " + PATH] if sent else [])


def test_post_retried_on_429(fake):
    client = fake.client()
    fake.http.script("POST", PATH, fake.error(429, "rate-limit-exceeded"), fake.ok({"id": "x"}))
    assert client.post(PATH) == {"data": {"id": "x"}}
    assert fake.http.methods == ["POST", "POST"]
    assert fake.clock.sleeps == [0.5]


def test_post_429_after_retries_is_an_api_error(fake):
    client = fake.client(retries=3)
    fake.http.script("POST", PATH, fake.error(429, "rate-limit-exceeded", "Too many"))
    with pytest.raises(ApifyApiError) as info:
        client.post(PATH)
    assert fake.http.methods == ["POST"] * 4
    assert info.value.status == 429
    assert "rate limit was still exceeded" in str(info.value)


@pytest.mark.parametrize("retries", [0, 1, 2, 5])
def test_retries_bounds_the_tries(fake, retries):
    client = fake.client(retries=retries)
    fake.http.script("GET", PATH, fake.error(503))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    assert info.value.status == 503
    assert len(fake.http.calls) == retries + 1
    assert fake.clock.sleeps == [0.5 * 2**i for i in range(retries)]


def test_backoff_doubles_with_jitter(fake):
    client = fake.client(retries=4, rand=lambda: 0.5)
    fake.http.script("GET", PATH, fake.error(500))
    with pytest.raises(ApifyApiError):
        client.get(PATH)
    assert fake.clock.sleeps == [0.75, 1.5, 3.0, 6.0]
    # each try is sent after the previous sleep, at the fake time
    times = [c.at - fake.clock.start for c in fake.http.calls]
    assert times == [0, 0.75, 2.25, 5.25, 11.25]


def test_backoff_stops_growing_at_the_cap_and_every_retry_is_made(fake):
    client = fake.client(retries=20, rand=lambda: 0.99)
    fake.http.script("GET", PATH, fake.error(502))
    with pytest.raises(ApifyApiError):
        client.get(PATH)
    # retries=20 means 20 retries: 0.5 * 2**5 * 1.99 = 31.84 > 30, so from the sixth on each waits 30 s
    assert len(fake.http.calls) == 21
    assert len(fake.clock.sleeps) == 20
    assert fake.clock.sleeps[:5] == pytest.approx([0.5 * 2**n * 1.99 for n in range(5)])
    assert fake.clock.sleeps[5:] == [BACKOFF_CAP] * 15


@pytest.mark.parametrize(
    "header, expected_sleeps",
    [
        ("7", [7.0]),  # a floor above our own backoff
        ("0.1", [0.5]),  # below it: our backoff wins
        ("0", [0.5]),
        ("30", [30.0]),  # exactly the cap is still waited
        ("Wed, 21 Oct 2015 07:28:00 GMT", [0.5]),
        ("junk", [0.5]),
        ("inf", [0.5]),  # not a number of seconds: our own backoff
        ("nan", [0.5]),
    ],
)
def test_retry_after_is_a_floor(fake, header, expected_sleeps):
    client = fake.client()
    fake.http.script("GET", PATH, fake.error(429, headers={"Retry-After": header}), fake.ok({}))
    client.get(PATH)
    assert fake.clock.sleeps == expected_sleeps
    assert len(fake.http.calls) == 2


@pytest.mark.parametrize("header", ["31", "30.5", "3600"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_retry_after_above_cap_ends_retries(fake, header, method):
    client = fake.client()
    fake.http.script(method, PATH, fake.error(429, "rate-limit-exceeded", headers={"Retry-After": header}))
    with pytest.raises(ApifyApiError) as info:
        client.request(method, PATH, idempotent=(method == "GET"))
    assert info.value.status == 429
    assert len(fake.http.calls) == 1
    assert fake.clock.sleeps == []


def test_retry_after_on_503_is_honoured_too(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.error(503, headers={"retry-after": "4"}), fake.ok({}))
    client.get(PATH)
    assert fake.clock.sleeps == [4.0]


# -- interim (1xx) answers where the final one belongs ------------------------------------------


@pytest.mark.parametrize("status", [100, 102, 103, 199])
def test_get_is_retried_after_an_interim_answer(fake, status):
    client = fake.client()
    fake.http.script("GET", PATH, fake.interim(status), fake.ok({"ok": 1}))
    assert client.get(PATH) == {"data": {"ok": 1}}
    assert fake.http.methods == ["GET", "GET"]
    assert fake.http.calls[0].released  # let go of, never read as the answer
    assert fake.clock.sleeps == [0.5]


def test_interim_answer_to_a_post_is_a_transport_error_not_retried(fake):
    client = fake.client()
    fake.http.script("POST", PATH, fake.interim(103))
    with pytest.raises(ApifyTransportError) as info:
        client.post(PATH)
    err = info.value
    assert (err.sent, err.timeout, err.accepted) == (True, False, False)  # arrived, not taken: watched, never resent
    assert "interim HTTP 103 answer where the final answer belongs" in str(err)
    assert str(err).endswith("This happened once (not sent again blindly: it may have acted). " + HINT)
    assert fake.http.methods == ["POST"]
    assert client.sent == ["POST " + PATH]


# -- answers are bounded: size and nesting ------------------------------------------------------


def test_answer_declaring_more_than_the_limit_is_not_read(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.response(200, raw=b'{"data": {}}', content_length=MAX_ANSWER_BYTES + 1))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    err = info.value
    assert "larger than the limit of 4 MiB for one answer (it declares %d bytes)" % (MAX_ANSWER_BYTES + 1) in str(err)
    assert (err.status, err.accepted) == (200, True)
    (call,) = fake.http.calls
    assert call.bytes_read == 0
    assert call.closed  # dropped, not reused
    assert fake.http.closes == 1  # and every idle connection with it


@pytest.mark.parametrize("status", [200, 500])
def test_answer_streaming_past_the_limit_is_cut_off(fake, status):
    client = fake.client(retries=0)
    total = MAX_ANSWER_BYTES + 10 * CHUNK_BYTES
    fake.http.script("GET", PATH, fake.response(status, raw=b" " * total, content_length=False))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "larger than the limit of 4 MiB for one answer (it went on past that)" in str(info.value)
    assert info.value.accepted is (status < 300)
    (call,) = fake.http.calls
    assert MAX_ANSWER_BYTES < call.bytes_read <= MAX_ANSWER_BYTES + CHUNK_BYTES < total
    assert call.closed
    assert fake.http.closes == 1


def test_answer_of_exactly_the_limit_is_read(fake):
    client = fake.client()
    head, tail = b'{"data": "', b'"}'
    body = head + b"x" * (MAX_ANSWER_BYTES - len(head) - len(tail)) + tail
    assert len(body) == MAX_ANSWER_BYTES
    fake.http.script("GET", PATH, fake.response(200, raw=body, content_length=False))
    assert len(client.get(PATH)["data"]) == MAX_ANSWER_BYTES - len(head) - len(tail)
    assert fake.http.closes == 0


def nested(depth):
    """A JSON document whose lists and objects nest ``depth`` levels deep (the root is level 1)."""
    return b'{"data": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


def test_nested_helper():
    assert nesting_exceeds(json.loads(nested(MAX_JSON_DEPTH)), MAX_JSON_DEPTH) is False
    assert nesting_exceeds(json.loads(nested(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH) is True
    assert nesting_exceeds({"a": {"b": [1]}}, 3) is False and nesting_exceeds({"a": {"b": [1]}}, 2) is True
    assert nesting_exceeds("text", 0) is False


def test_nesting_at_the_limit_passes(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.response(200, raw=nested(MAX_JSON_DEPTH)))
    assert client.get(PATH) == json.loads(nested(MAX_JSON_DEPTH))


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 100000])
def test_nesting_beyond_the_limit_is_refused(fake, depth):
    client = fake.client()
    fake.http.script("GET", PATH, fake.response(200, raw=nested(depth)))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    message = str(info.value)
    if depth < 900:  # deeper still, json itself gives up (RecursionError): not JSON
        assert "the JSON is nested more than 32 levels deep, the limit for an answer" in message
    assert len(fake.http.calls) == 1
    assert fake.http.closes == 1


# -- an answer the caller's check does not believe --------------------------------------------


def test_check_failure_drops_the_connections_and_is_not_retried(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.ok({"id": "other"}))

    def check(document):
        raise ApifyResponseError("GET", PATH, accepted=True, reason="not the run asked for")

    with pytest.raises(ApifyResponseError, match="not the run asked for"):
        client.get(PATH, check=check)
    assert len(fake.http.calls) == 1
    assert fake.http.closes == 1


def test_check_result_is_returned(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.ok({"id": "x"}))
    assert client.get(PATH, check=lambda document: {"checked": document}) == {"checked": {"data": {"id": "x"}}}
    assert fake.http.closes == 0


def test_close_closes_the_session(fake):
    client = fake.client()
    client.close()
    assert fake.http.closes == 1


# -- redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_redirects_are_not_followed(fake, status, method):
    client = fake.client()
    fake.http.script(method, PATH, fake.response(status, raw="", headers={"Location": "https://evil.example/x"}))
    with pytest.raises(ApifyResponseError) as info:
        client.request(method, PATH, idempotent=(method == "GET"))
    message = str(info.value)
    assert "HTTP %d redirect to 'https://evil.example/x' was not followed" % status in message
    assert "the token is only sent to api_url" in message
    assert info.value.status == status
    assert len(fake.http.calls) == 1
    assert [call.host for call in fake.http.calls] == ["api.apify.example"]


def test_redirect_location_is_redacted(fake):
    client = fake.client()
    location = "https://evil.example/?token=" + fake.TOKEN
    fake.http.script("GET", PATH, fake.response(302, raw="", headers={"Location": location}))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "redirect to 'https://evil.example/?...' was not followed" in str(info.value)  # a query is never shown
    assert_no_token(fake, str(info.value))


def test_redirect_without_location(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.response(302, raw=""))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "redirect to '' was not followed" in str(info.value)


def test_redirect_body_is_bounded_too(fake):
    client = fake.client()
    total = MAX_ANSWER_BYTES + 10 * CHUNK_BYTES
    fake.http.script("GET", PATH, fake.response(302, raw=b" " * total, content_length=False, headers={"Location": "https://elsewhere.example/"}))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "larger than the limit of 4 MiB" in str(info.value)
    assert fake.http.calls[0].bytes_read <= MAX_ANSWER_BYTES + CHUNK_BYTES


# -- error bodies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, error_type, hint",
    [
        (400, "invalid-input", "rejected the request as invalid"),
        (401, "token-not-valid", "The API token was not accepted"),
        (403, "permission-denied", "has no permission for this resource"),
        (404, "record-not-found", "It does not exist, or the token's account cannot see it"),
        (405, "method-not-allowed", "check that api_url points at the Apify API root"),
    ],
)
def test_error_body_is_parsed(fake, status, error_type, hint):
    client = fake.client()
    fake.http.script("POST", PATH + "/reboot", fake.error(status, error_type, "The message."))
    with pytest.raises(ApifyApiError) as info:
        client.post(PATH + "/reboot")
    err = info.value
    assert (err.status, err.error_type, err.error_message) == (status, error_type, "The message.")
    assert (err.method, err.path) == ("POST", PATH + "/reboot")
    assert str(err).startswith("Apify API answered HTTP %d (%s: The message.) to POST %s/reboot. " % (status, error_type, PATH))
    assert hint in str(err)


def test_error_path_shows_the_query(fake):
    client = fake.client()
    fake.http.script("GET", "/v2/actor-runs", fake.error(400, "invalid-input", "bad"))
    with pytest.raises(ApifyApiError) as info:
        client.get("/v2/actor-runs", params={"limit": 5, "status": "RUNNING,READY"})
    assert info.value.path == "/v2/actor-runs?limit=5&status=RUNNING%2CREADY"


@pytest.mark.parametrize(
    "raw, reason, expected_type, expected_message, detail",
    [
        ("<html>502 Bad Gateway</html>", "Bad Gateway", None, None, " (Bad Gateway)"),
        ("", "", None, None, ""),
        ('["error"]', "Bad Gateway", None, None, " (Bad Gateway)"),
        ('{"error": "text only"}', "Bad Gateway", None, None, " (Bad Gateway)"),
        ('{"message": "no envelope"}', "Bad Gateway", None, None, " (Bad Gateway)"),
        ('{"error": {"type": "x"}}', "Bad Gateway", "x", None, " (x: no message)"),
        ('{"error": {"message": "m"}}', "Bad Gateway", None, "m", " (unknown-error: m)"),
        ('{"error": {"type": 5, "message": {"a": 1}}}', "Bad Gateway", "5", '{"a": 1}', ' (5: {"a": 1})'),
        (b"\xff\xfe", "Bad Gateway", None, None, " (Bad Gateway)"),
    ],
)
def test_error_body_variants(fake, raw, reason, expected_type, expected_message, detail):
    client = fake.client(retries=0)
    fake.http.script("GET", PATH, fake.response(502, raw=raw, reason=reason))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    err = info.value
    assert (err.error_type, err.error_message) == (expected_type, expected_message)
    assert str(err).startswith("Apify API answered HTTP 502%s to GET %s." % (detail, PATH))


def test_long_error_fields_are_bounded(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.error(400, "t" * 2000, "m" * 2000))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    assert info.value.error_type == "t" * 500 + "..."
    assert info.value.error_message == "m" * 500 + "..."


# -- the token never reaches a message --------------------------------------------------------


def test_redact(fake):
    client = fake.client()
    assert client.redact("a %s b %s" % (fake.TOKEN, fake.TOKEN)) == "a ******** b ********"
    assert client.redact(None) is None
    assert client.redact("") == ""
    assert fake.client(token=None).redact("x " + fake.TOKEN) == "x " + fake.TOKEN


def test_echoed_token_in_error_body_is_redacted(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.error(401, "token-not-valid " + fake.TOKEN, "Token %s is not valid." % fake.TOKEN))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    err = info.value
    assert err.error_message == "Token ******** is not valid."
    assert err.error_type == "token-not-valid ********"
    for text in (str(err), repr(err.to_dict())):
        assert fake.TOKEN not in text


def test_echoed_token_in_non_json_body_is_redacted(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.response(200, raw="Bearer " + fake.TOKEN))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "Bearer ********" in str(info.value)
    assert_no_token(fake, str(info.value))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_token_in_exception_text_is_redacted(fake, method):
    client = fake.client(retries=0)
    fake.http.script(method, PATH, requests.exceptions.ConnectionError("odd text quoting /x?token=%s" % fake.TOKEN))
    with pytest.raises(ApifyTransportError) as info:
        client.request(method, PATH, idempotent=(method == "GET"))
    assert "token=********" in str(info.value)
    assert fake.TOKEN not in str(info.value)
    assert fake.TOKEN not in info.value.reason


def test_token_cut_by_the_500_character_bound_is_not_leaked(fake):
    # The API echoes the token near the end of a long message: the bound cuts it
    # in two, and the piece left must not reach the user either.
    client = fake.client()
    fake.http.script("GET", PATH, fake.error(400, "invalid-input", "m" * 480 + fake.TOKEN))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    assert_no_token(fake, str(info.value))
    assert_no_token(fake, repr(info.value.to_dict()))


def test_token_cut_by_the_80_byte_snippet_is_not_leaked(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.response(200, raw="<" * 60 + fake.TOKEN))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert_no_token(fake, str(info.value))


def test_token_in_reason_phrase_is_redacted(fake):
    client = fake.client(retries=0)
    fake.http.script("GET", PATH, fake.response(502, raw="", reason="Bad token " + fake.TOKEN))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    assert_no_token(fake, str(info.value))


# -- secrets in messages (issue 17) ---------------------------------------------------------------

# A token a user may have: a backslash and both kinds of quotes, which repr() and JSON escape.
ODD_TOKEN = "apify_api_Odd\\Token'With\"Quotes0123456789abcdef"


def test_redact_finds_the_token_as_repr_and_json_escaped_it(fake):
    client = fake.client(token=ODD_TOKEN)
    for text in (repr("Bearer " + ODD_TOKEN), repr({"k": ODD_TOKEN}), json.dumps({"k": ODD_TOKEN}), "raw " + ODD_TOKEN, repr(ODD_TOKEN + "'")):
        redacted = client.redact(text)
        assert REDACTED in redacted, text
        for piece in token_pieces(ODD_TOKEN, 8):
            assert piece not in redacted, (piece, redacted)


@pytest.mark.parametrize("cut", [slice(0, 17), slice(0, 30), slice(10, 27), slice(-17, None)])
def test_a_cut_piece_of_the_token_as_a_whole_value_is_redacted(fake, cut):
    client = fake.client(token=ODD_TOKEN)
    assert client.redact(ODD_TOKEN[cut]) == REDACTED
    assert client.redact("short") == "short"  # shorter than 8 characters: a piece of nothing in particular


@pytest.mark.parametrize(
    "value, shown",
    [
        ("OtherRun000000001", "'OtherRun000000001'"),
        ("a/b", "(not an ID: str of 3 characters)"),
        (ODD_TOKEN[:17], "(not an ID: str of 17 characters)"),
        ("OddToken0123456789"[:17], "'OddToken012345678'"),
        (17, "(not an ID: int of 0 characters)"),
    ],
)
def test_shown_id_quotes_only_run_ids_that_are_not_token_pieces(fake, value, shown):
    alnum_token = "OddToken0123456789abcdef"
    client = fake.client(token=ODD_TOKEN if value != "OddToken012345678" else alnum_token)
    expected = shown if value != "OddToken012345678" else "(not an ID: str of 17 characters)"
    assert client.shown_id(value) == expected


def test_redirect_location_is_shown_without_userinfo_or_query(fake):
    client = fake.client()
    location = "https://user:hunter2secret@evil.example/v2/x?token=abc123query#frag"
    fake.http.script("GET", PATH, fake.response(302, raw="", headers={"Location": location}))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    message = str(info.value)
    assert "redirect to 'https://evil.example/v2/x?...' was not followed" in message
    for secret in ("user", "hunter2secret", "abc123query", "frag"):
        assert secret not in message


@pytest.mark.parametrize(
    "exc",
    [
        requests.exceptions.InvalidURL("Failed to parse: http://proxyuser:pr0xy#secret@127.0.0.1:3128"),
        requests.exceptions.InvalidURL("Failed to parse: 'proxyuser:pr0xy' is not a valid host or port"),
        requests.exceptions.InvalidProxyURL("Please check proxy URL. It is malformed and could be missing the host: http://proxyuser:pr0xy#secret@"),
        requests.exceptions.ProxyError("Cannot connect to proxy http://proxyuser:pr0xy#secret@proxy.example:3128 (refused)"),
    ],
)
def test_a_proxy_url_with_a_password_is_not_echoed(fake, exc):
    client = fake.client(retries=0)
    fake.http.script("GET", PATH, exc)
    with pytest.raises(ApifyTransportError) as info:
        client.get(PATH)
    message = str(info.value)
    assert "pr0xy" not in message and "proxyuser" not in message, message
    if isinstance(exc, requests.exceptions.InvalidURL):
        assert "a proxy URL for api.apify.example cannot be parsed (requests: %s; the URL is not shown" % type(exc).__name__ in message
        assert info.value.sent is False  # nothing can have gone out
    else:
        assert "http://proxy.example:3128" in message  # the URL is still named, as shown_url() shows it


@pytest.mark.parametrize("name", ["https_proxy", "HTTPS_PROXY", "all_proxy"])
def test_a_proxy_password_from_the_environment_is_redacted_in_any_text(fake, name):
    client = fake.client(retries=0, environ={name: "http://proxyuser:pr0xy#secret@127.0.0.1:3128", "no_proxy": "x"})
    fake.http.script("GET", PATH, requests.exceptions.ConnectionError("odd text: 'proxyuser:pr0xy' and pr0xy#secret"))
    with pytest.raises(ApifyTransportError) as info:
        client.get(PATH)
    assert "odd text: '********' and ********" in str(info.value)


def test_unusable_ca_bundle_message_has_no_url_secrets(fake):
    client = fake.client()
    fake.http.script("GET", PATH, OSError("Could not find a suitable TLS CA certificate bundle, invalid path: https://u:p4ss@x.example/ca"))
    with pytest.raises(ApifyConfigError) as info:
        client.get(PATH)
    assert "p4ss" not in str(info.value)


# -- content codings (issue 17: bounded under every urllib3 allowed) ---------------------------------


def test_only_the_codings_it_believes_are_asked_for(fake):
    client = fake.client()
    fake.http.script("GET", PATH, fake.ok({"id": "x"}))
    client.get(PATH)
    (call,) = fake.http.calls
    assert call.headers["Accept-Encoding"] == "gzip, deflate"


@pytest.mark.parametrize("coding", ["gzip, gzip", "gzip,deflate", "deflate, gzip, gzip", "br", "zstd", "compress", "gzip, br", "gzip, identity"])
@pytest.mark.parametrize("status", [200, 500])
def test_stacked_or_unknown_codings_are_refused_unread(fake, coding, status):
    client = fake.client(retries=0)
    fake.http.script("GET", PATH, fake.response(status, raw=b"\x1f\x8b" + b"\0" * 100, headers={"Content-Encoding": coding}))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "the answer is content-coded as %r" % ", ".join(c.strip() for c in coding.split(",")) in str(info.value)
    assert "It was not read, and the connection was closed" in str(info.value)
    assert info.value.accepted == (status < 300)
    (call,) = fake.http.calls
    assert call.bytes_read == 0 and call.closed


@pytest.mark.parametrize("coding", ["identity", "", "GZIP", "x-gzip"])
def test_one_known_coding_is_read(fake, coding):
    import gzip  # pylint: disable=import-outside-toplevel

    client = fake.client()
    raw = gzip.compress(b'{"data": {"id": "z"}}') if "gzip" in coding.lower() else b'{"data": {"id": "z"}}'
    fake.http.script("GET", PATH, fake.response(200, raw=raw, headers={"Content-Encoding": coding}))
    assert client.get(PATH) == {"data": {"id": "z"}}


# -- how long the retries took (issue 18) --------------------------------------------------------------


def test_refused_connection_says_how_long_the_retries_waited(fake):
    client = fake.client(retries=5)
    fake.http.script("GET", PATH, *[fake.refused()] * 6)
    with pytest.raises(ApifyTransportError) as info:
        client.get(PATH)
    assert "This happened after 6 attempts, 15.5 s of backoff between them (retries=5)." in str(info.value)
    assert sum(fake.clock.sleeps) == 15.5
