# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import inspect
import os
import ssl

import pytest
import yaml

from ansible_collections.apify.platform.plugins.module_utils import _client
from ansible_collections.apify.platform.plugins.module_utils._client import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    REDACTED,
    USER_AGENT,
    ApifyClient,
    parse_retry_after,
    path_segment,
    retry_delay,
)
from ansible_collections.apify.platform.plugins.module_utils._errors import (
    ApifyApiError,
    ApifyResponseError,
    ApifyTransportError,
)
from ansible_collections.apify.platform.plugins.module_utils._http import HttpError, HttpResponse, HttpTransport
from ansible_collections.apify.platform.plugins.module_utils._version import COLLECTION_VERSION

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


def test_headers_with_token(fake):
    client = fake.client(validate_certs=True)
    assert client.headers == {
        "Authorization": "Bearer " + fake.TOKEN,
        "User-Agent": "apify.platform-ansible-collection/" + COLLECTION_VERSION,
        "Accept": "application/json",
    }
    assert client.transport is fake.transport
    assert client.has_token is True
    assert client.timeout == 30.0
    assert client.retries == 5


def test_without_token_sends_no_authorization(fake):
    client = fake.client(token=None, validate_certs=False)
    assert "Authorization" not in client.headers
    assert client.has_token is False
    fake.transport.script("GET", PATH, fake.ok(fake.run()))
    client.get(PATH)
    assert fake.transport.calls[0].headers == {"User-Agent": USER_AGENT, "Accept": "application/json"}


def test_empty_token_sends_no_authorization(fake):
    client = fake.client(token="")
    assert "Authorization" not in client.headers
    assert client.has_token is False


def test_fake_transport_takes_the_real_call(fake):
    # The scripted stand-in must not accept anything the real transport would refuse.
    assert inspect.signature(fake.FakeTransport.request) == inspect.signature(HttpTransport.request)
    assert issubclass(fake.FakeResponse, HttpResponse)


def test_real_transport_is_created_when_none_given():
    client = ApifyClient("https://api.apify.example", token="t", timeout=7.5, pool_size=3)
    try:
        transport = client.transport
        assert isinstance(transport, HttpTransport)
        assert (transport.scheme, transport.host, transport.port) == ("https", "api.apify.example", 443)
        assert transport.timeout == 7.5
        assert transport.pool_size == 3
        assert client.headers["Authorization"] == "Bearer t"
    finally:
        client.transport.close()


@pytest.mark.parametrize("api_url, where", [("https://h.example:8443", ("h.example", 8443)), ("http://127.0.0.1:9", ("127.0.0.1", 9))])
def test_real_transport_targets_the_api_url(api_url, where):
    transport = ApifyClient(api_url).transport
    assert (transport.host, transport.port) == where
    assert transport.where == "%s:%s" % where


def test_validate_certs_reaches_the_transport():
    checked = ApifyClient("https://api.apify.example", validate_certs=True).transport._context
    assert checked.verify_mode == ssl.CERT_REQUIRED
    assert checked.check_hostname is True
    unchecked = ApifyClient("https://api.apify.example", validate_certs=False).transport._context
    assert unchecked.verify_mode == ssl.CERT_NONE
    assert unchecked.check_hostname is False


@pytest.mark.parametrize("pool_size, expected", [(7, 7), (1, 1), (0, 1), (-3, 1)])
def test_pool_size_reaches_the_transport_and_is_at_least_one(pool_size, expected):
    assert ApifyClient("https://api.apify.example", pool_size=pool_size).transport.pool_size == expected


def test_real_transport_takes_the_proxy_from_the_environment(monkeypatch):
    assert ApifyClient("https://api.apify.example").transport.proxy is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp.example:3128")
    assert ApifyClient("https://api.apify.example").transport.proxy == ("proxy.corp.example", 3128, None)
    monkeypatch.setenv("NO_PROXY", ".apify.example")
    assert ApifyClient("https://api.apify.example").transport.proxy is None


def test_unusable_proxy_is_a_value_error(monkeypatch):
    # _module.py turns it into a configuration error before anything is sent.
    monkeypatch.setenv("https_proxy", "socks5://proxy.corp.example:1080")
    with pytest.raises(ValueError, match=r"^the https_proxy environment variable names a proxy with the scheme socks5; use an http:// proxy"):
        ApifyClient("https://api.apify.example")


def test_no_requests_left():
    # The client and its transport run on the standard library alone.
    root = os.path.join(COLLECTION_ROOT, "plugins", "module_utils")
    imported = {}
    for name in ("_client.py", "_http.py"):
        with open(os.path.join(root, name)) as handle:
            tree = ast.parse(handle.read())
        imported[name] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported[name].update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported[name].add(node.module.split(".")[0])
        assert not imported[name] & {"requests", "urllib3", "httpx"}, (name, imported[name])
    assert "http" in imported["_http.py"]  # http.client
    assert not hasattr(_client, "HAS_REQUESTS")


# -- one request -------------------------------------------------------------------------------


def test_get_sends_one_exact_request(fake):
    client = fake.client(timeout=12.5)
    fake.transport.script("GET", PATH, fake.ok({"id": "x"}))
    assert client.get(PATH) == {"data": {"id": "x"}}
    (call,) = fake.transport.calls
    assert call.method == "GET"
    assert call.path == PATH
    assert call.params is None
    assert call.headers == {"Authorization": "Bearer " + fake.TOKEN, "User-Agent": USER_AGENT, "Accept": "application/json"}
    assert fake.clock.sleeps == []


def test_get_passes_params(fake):
    client = fake.client()
    fake.transport.script("GET", "/v2/actor-runs", fake.ok({"items": []}))
    client.get("/v2/actor-runs", params={"limit": 10, "status": "RUNNING,READY"})
    assert fake.transport.calls[0].path == "/v2/actor-runs"
    assert fake.transport.calls[0].params == {"limit": 10, "status": "RUNNING,READY"}


def test_post_sends_one_exact_request(fake):
    client = fake.client()
    fake.transport.script("POST", PATH + "/reboot", fake.ok(fake.run()))
    assert client.post(PATH + "/reboot")["data"]["id"] == fake.RUN_ID
    assert fake.transport.methods == ["POST"]
    call = fake.transport.calls[0]
    assert (call.path, call.params) == (PATH + "/reboot", None)
    assert call.headers["Authorization"] == "Bearer " + fake.TOKEN


def test_token_is_only_in_the_authorization_header(fake):
    client = fake.client(retries=2)
    fake.transport.script("GET", "/v2/actor-runs", fake.error(500), fake.ok({}))
    fake.transport.script("POST", PATH + "/reboot", fake.error(429), fake.ok({}))
    client.get("/v2/actor-runs", params={"limit": 1, "offset": 0})
    client.post(PATH + "/reboot")
    assert len(fake.transport.calls) == 4
    for call in fake.transport.calls:
        assert fake.TOKEN not in call.path
        assert "token" not in call.target.lower()
        assert fake.TOKEN not in repr(call.params)
        assert [name for name, value in call.headers.items() if fake.TOKEN in value] == ["Authorization"]
        assert call.headers["Authorization"] == "Bearer " + fake.TOKEN


def test_client_never_changes_its_headers_between_requests(fake):
    client = fake.client(retries=1)
    fake.transport.script("GET", PATH, fake.error(503), fake.ok({}))
    client.get(PATH)
    first, second = fake.transport.calls
    assert first.headers == second.headers == client.headers


def test_non_transport_exception_is_not_swallowed(fake):
    # Only HttpError means "no answer"; anything else is a bug and must show as one, unretried.
    client = fake.client()
    fake.transport.script("GET", PATH, fake.Repeat(KeyError("bug")))
    with pytest.raises(KeyError):
        client.get(PATH)
    assert len(fake.transport.calls) == 1
    assert fake.clock.sleeps == []


def test_answer_is_read_from_the_http_response(fake):
    # The real HttpResponse type, with a header name in odd case: looked up case-insensitively.
    client = fake.client(retries=1)
    fake.transport.script(
        "GET",
        PATH,
        HttpResponse(429, "Too Many Requests", {"retry-after": "3", "content-type": "application/json"}, b"{}"),
        HttpResponse(200, "OK", {}, b'{"data": 1}'),
    )
    assert client.get(PATH) == {"data": 1}
    assert fake.clock.sleeps == [3.0]


@pytest.mark.parametrize("status", [200, 201])
def test_2xx_json_is_decoded(fake, status):
    client = fake.client()
    fake.transport.script("GET", PATH, fake.response(status, {"data": {"a": [1, "\u00fc"]}}))
    assert client.get(PATH) == {"data": {"a": [1, "\u00fc"]}}


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
    fake.transport.script("GET", PATH, fake.response(200, raw=raw, headers={"Content-Type": content_type}))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    err = info.value
    assert err.status == 200
    assert (err.method, err.path) == ("GET", PATH)
    size = len(raw if isinstance(raw, bytes) else raw.encode("utf-8"))
    assert "the body is not JSON (Content-Type %s, %d bytes" % (content_type, size) in str(err)
    assert len(fake.transport.calls) == 1  # an answer, even a bad one, is not retried


def test_non_json_body_without_content_type(fake):
    client = fake.client()
    response = fake.response(200, raw="plain")
    del response.headers["content-type"]
    fake.transport.script("GET", PATH, response)
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "Content-Type missing, 5 bytes, starting 'plain'" in str(info.value)


def test_non_json_snippet_is_short(fake):
    client = fake.client()
    fake.transport.script("GET", PATH, fake.response(200, raw="<p>" + "z" * 5000))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "5003 bytes" in str(info.value)
    assert "z" * 78 not in str(info.value)
    assert "z" * 77 in str(info.value)


# -- retries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_get_retried_on_429_and_5xx(fake, status):
    client = fake.client()
    fake.transport.script("GET", PATH, fake.error(status), fake.error(status), fake.ok({"ok": 1}))
    assert client.get(PATH) == {"data": {"ok": 1}}
    assert fake.transport.methods == ["GET"] * 3
    assert fake.clock.sleeps == [0.5, 1.0]


# What HttpTransport raises, as it words it.
REFUSED = HttpError("api.apify.example:443: ConnectionRefusedError: [Errno 111] Connection refused")
TIMED_OUT = HttpError("no answer from api.apify.example:443 within 30 s", timeout=True)
TRANSPORT_ERRORS = [
    (REFUSED, False),
    (TIMED_OUT, True),
    (HttpError("api.apify.example:443: RemoteDisconnected: Remote end closed connection without response"), False),
    (HttpError("api.apify.example:443: IncompleteRead: IncompleteRead(10 bytes read, 90 more expected)"), False),
    (HttpError("api.apify.example:443: SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), False),
    (HttpError("api.apify.example:443 (through the proxy proxy.example:3128): OSError: Tunnel connection failed: 407 Proxy Authentication Required"), False),
]


@pytest.mark.parametrize("exc, timeout", TRANSPORT_ERRORS)
def test_get_retried_on_transport_errors(fake, exc, timeout):
    client = fake.client()
    fake.transport.script("GET", PATH, exc, fake.ok({"ok": 1}))
    assert client.get(PATH) == {"data": {"ok": 1}}
    assert len(fake.transport.calls) == 2
    assert fake.clock.sleeps == [0.5]


@pytest.mark.parametrize("exc, timeout", TRANSPORT_ERRORS)
def test_transport_error_keeps_its_kind_and_text(fake, exc, timeout):
    client = fake.client(retries=0)
    fake.transport.script("GET", PATH, exc)
    with pytest.raises(ApifyTransportError) as info:
        client.get(PATH)
    assert info.value.timeout is timeout
    assert info.value.reason == str(exc)
    assert str(info.value) == "GET %s %s: %s" % (PATH, "timed out" if timeout else "failed", exc)


@pytest.mark.parametrize("exc, timeout, word", [(REFUSED, False, "failed"), (TIMED_OUT, True, "timed out")])
def test_get_transport_error_after_retries(fake, exc, timeout, word):
    client = fake.client(retries=2)
    fake.transport.script("GET", PATH, fake.Repeat(exc))
    with pytest.raises(ApifyTransportError) as info:
        client.get(PATH)
    assert len(fake.transport.calls) == 3
    assert info.value.timeout is timeout
    assert str(info.value) == "GET %s %s: %s" % (PATH, word, exc)
    assert fake.clock.sleeps == [0.5, 1.0]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 422])
def test_get_not_retried_on_other_4xx(fake, status):
    client = fake.client()
    fake.transport.script("GET", PATH, fake.error(status, "x", "y"))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    assert info.value.status == status
    assert len(fake.transport.calls) == 1
    assert fake.clock.sleeps == []


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_post_not_retried_on_5xx(fake, status):
    client = fake.client()
    fake.transport.script("POST", PATH, fake.error(status))
    with pytest.raises(ApifyApiError) as info:
        client.post(PATH)
    assert info.value.status == status
    assert fake.transport.methods == ["POST"]
    assert fake.clock.sleeps == []


@pytest.mark.parametrize("exc, timeout", TRANSPORT_ERRORS)
def test_post_not_retried_on_transport_errors(fake, exc, timeout):
    client = fake.client()
    fake.transport.script("POST", PATH, exc)
    with pytest.raises(ApifyTransportError) as info:
        client.post(PATH)
    assert info.value.timeout is timeout
    assert info.value.method == "POST"
    assert fake.transport.methods == ["POST"]
    assert fake.clock.sleeps == []


def test_post_retried_on_429(fake):
    client = fake.client()
    fake.transport.script("POST", PATH, fake.error(429, "rate-limit-exceeded"), fake.ok({"id": "x"}))
    assert client.post(PATH) == {"data": {"id": "x"}}
    assert fake.transport.methods == ["POST", "POST"]
    assert fake.clock.sleeps == [0.5]


def test_post_429_after_retries_is_an_api_error(fake):
    client = fake.client(retries=3)
    fake.transport.script("POST", PATH, fake.Repeat(fake.error(429, "rate-limit-exceeded", "Too many")))
    with pytest.raises(ApifyApiError) as info:
        client.post(PATH)
    assert fake.transport.methods == ["POST"] * 4
    assert info.value.status == 429
    assert "rate limit was still exceeded" in str(info.value)


@pytest.mark.parametrize("retries", [0, 1, 2, 5])
def test_retries_bounds_the_tries(fake, retries):
    client = fake.client(retries=retries)
    fake.transport.script("GET", PATH, fake.Repeat(fake.error(503)))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    assert info.value.status == 503
    assert len(fake.transport.calls) == retries + 1
    assert fake.clock.sleeps == [0.5 * 2**i for i in range(retries)]


def test_backoff_doubles_with_jitter(fake):
    client = fake.client(retries=4, rand=lambda: 0.5)
    fake.transport.script("GET", PATH, fake.Repeat(fake.error(500)))
    with pytest.raises(ApifyApiError):
        client.get(PATH)
    assert fake.clock.sleeps == [0.75, 1.5, 3.0, 6.0]
    # each try is sent after the previous sleep, at the fake time
    times = [c.at - fake.clock.start for c in fake.transport.calls]
    assert times == [0, 0.75, 2.25, 5.25, 11.25]


def test_backoff_stops_growing_at_the_cap_and_every_retry_is_made(fake):
    client = fake.client(retries=20, rand=lambda: 0.99)
    fake.transport.script("GET", PATH, fake.Repeat(fake.error(502)))
    with pytest.raises(ApifyApiError):
        client.get(PATH)
    # retries=20 means 20 retries: 0.5 * 2**5 * 1.99 = 31.84 > 30, so from the sixth on each waits 30 s
    assert len(fake.transport.calls) == 21
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
    fake.transport.script("GET", PATH, fake.error(429, headers={"Retry-After": header}), fake.ok({}))
    client.get(PATH)
    assert fake.clock.sleeps == expected_sleeps
    assert len(fake.transport.calls) == 2


@pytest.mark.parametrize("header", ["31", "30.5", "3600"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_retry_after_above_cap_ends_retries(fake, header, method):
    client = fake.client()
    fake.transport.script(method, PATH, fake.error(429, "rate-limit-exceeded", headers={"Retry-After": header}))
    with pytest.raises(ApifyApiError) as info:
        client.request(method, PATH, idempotent=(method == "GET"))
    assert info.value.status == 429
    assert len(fake.transport.calls) == 1
    assert fake.clock.sleeps == []


def test_retry_after_on_503_is_honoured_too(fake):
    client = fake.client()
    fake.transport.script("GET", PATH, fake.error(503, headers={"retry-after": "4"}), fake.ok({}))
    client.get(PATH)
    assert fake.clock.sleeps == [4.0]


# -- redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_redirects_are_not_followed(fake, status, method):
    client = fake.client()
    fake.transport.script(method, PATH, fake.response(status, raw="", headers={"Location": "https://evil.example/x"}))
    with pytest.raises(ApifyResponseError) as info:
        client.request(method, PATH, idempotent=(method == "GET"))
    message = str(info.value)
    assert "HTTP %d redirect to 'https://evil.example/x' was not followed" % status in message
    assert "the token is only sent to api_url" in message
    assert info.value.status == status
    assert len(fake.transport.calls) == 1


def test_redirect_location_is_redacted(fake):
    client = fake.client()
    location = "https://evil.example/?token=" + fake.TOKEN
    fake.transport.script("GET", PATH, fake.response(302, raw="", headers={"Location": location}))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert REDACTED in str(info.value)
    assert fake.TOKEN not in str(info.value)


def test_redirect_without_location(fake):
    client = fake.client()
    fake.transport.script("GET", PATH, fake.response(302, raw=""))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "redirect to '' was not followed" in str(info.value)


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
    fake.transport.script("POST", PATH + "/reboot", fake.error(status, error_type, "The message."))
    with pytest.raises(ApifyApiError) as info:
        client.post(PATH + "/reboot")
    err = info.value
    assert (err.status, err.error_type, err.error_message) == (status, error_type, "The message.")
    assert (err.method, err.path) == ("POST", PATH + "/reboot")
    assert str(err).startswith("Apify API answered HTTP %d (%s: The message.) to POST %s/reboot. " % (status, error_type, PATH))
    assert hint in str(err)


def test_error_path_shows_the_query(fake):
    client = fake.client()
    fake.transport.script("GET", "/v2/actor-runs", fake.error(400, "invalid-input", "bad"))
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
    fake.transport.script("GET", PATH, fake.response(502, raw=raw, reason=reason))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    err = info.value
    assert (err.error_type, err.error_message) == (expected_type, expected_message)
    assert str(err).startswith("Apify API answered HTTP 502%s to GET %s." % (detail, PATH))


def test_long_error_fields_are_bounded(fake):
    client = fake.client()
    fake.transport.script("GET", PATH, fake.error(400, "t" * 2000, "m" * 2000))
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
    fake.transport.script("GET", PATH, fake.error(401, "token-not-valid " + fake.TOKEN, "Token %s is not valid." % fake.TOKEN))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    err = info.value
    assert err.error_message == "Token ******** is not valid."
    assert err.error_type == "token-not-valid ********"
    for text in (str(err), repr(err.to_dict())):
        assert fake.TOKEN not in text


def test_echoed_token_in_non_json_body_is_redacted(fake):
    client = fake.client()
    fake.transport.script("GET", PATH, fake.response(200, raw="Bearer " + fake.TOKEN))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "Bearer ********" in str(info.value)
    assert_no_token(fake, str(info.value))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_token_in_exception_text_is_redacted(fake, method):
    client = fake.client(retries=0)
    fake.transport.script(method, PATH, HttpError("api.apify.example:443: OSError: odd text quoting /x?token=%s" % fake.TOKEN))
    with pytest.raises(ApifyTransportError) as info:
        client.request(method, PATH, idempotent=(method == "GET"))
    assert "token=********" in str(info.value)
    assert fake.TOKEN not in str(info.value)
    assert fake.TOKEN not in info.value.reason


def test_token_cut_by_the_500_character_bound_is_not_leaked(fake):
    # The API echoes the token near the end of a long message: the bound cuts it
    # in two, and the piece left must not reach the user either.
    client = fake.client()
    fake.transport.script("GET", PATH, fake.error(400, "invalid-input", "m" * 480 + fake.TOKEN))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    assert_no_token(fake, str(info.value))
    assert_no_token(fake, repr(info.value.to_dict()))


def test_token_cut_by_the_80_byte_snippet_is_not_leaked(fake):
    client = fake.client()
    fake.transport.script("GET", PATH, fake.response(200, raw="<" * 60 + fake.TOKEN))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert_no_token(fake, str(info.value))


def test_token_in_reason_phrase_is_redacted(fake):
    client = fake.client(retries=0)
    fake.transport.script("GET", PATH, fake.response(502, raw="", reason="Bad token " + fake.TOKEN))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    assert_no_token(fake, str(info.value))
