# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import requests
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


# -- session set-up --------------------------------------------------------------------------


def test_session_headers_with_token(fake):
    client = fake.client(validate_certs=True)
    headers = fake.session.headers
    assert headers["Authorization"] == "Bearer " + fake.TOKEN
    assert headers["User-Agent"] == "apify.platform-ansible-collection/" + COLLECTION_VERSION
    assert headers["Accept"] == "application/json"
    assert fake.session.verify is True
    assert fake.session.trust_env is False
    assert client.has_token is True
    assert client.timeout == 30.0
    assert client.retries == 5


def test_session_without_token_sends_no_authorization(fake):
    client = fake.client(token=None, validate_certs=False)
    assert "Authorization" not in fake.session.headers
    assert client.has_token is False
    assert fake.session.verify is False
    fake.session.script("GET", PATH, fake.ok(fake.run()))
    client.get(PATH)
    assert "Authorization" not in fake.session.calls[0].headers


def test_empty_token_sends_no_authorization(fake):
    client = fake.client(token="")
    assert "Authorization" not in fake.session.headers
    assert client.has_token is False


def test_adapters_never_retry_by_themselves(fake):
    fake.client(pool_size=7)
    assert sorted(fake.session.adapters) == ["http://", "https://"]
    for adapter in fake.session.adapters.values():
        assert adapter.max_retries.total == 0
        assert adapter._pool_maxsize == 7


def test_pool_size_is_at_least_one(fake):
    fake.client(pool_size=0)
    assert fake.session.adapters["https://"]._pool_maxsize == 1


def test_real_session_is_created_when_none_given():
    client = ApifyClient("https://api.apify.example", token="t")
    try:
        assert isinstance(client.session, requests.Session)
        assert client.session.headers["Authorization"] == "Bearer t"
        assert client.session.trust_env is False
    finally:
        client.session.close()


# -- one request -------------------------------------------------------------------------------


def test_get_sends_one_exact_request(fake):
    client = fake.client(timeout=12.5)
    fake.session.script("GET", PATH, fake.ok({"id": "x"}))
    assert client.get(PATH) == {"data": {"id": "x"}}
    (call,) = fake.session.calls
    assert call.method == "GET"
    assert call.url == fake.API_URL + PATH
    assert call.params is None
    assert call.timeout == 12.5
    assert call.allow_redirects is False
    assert call.headers["Authorization"] == "Bearer " + fake.TOKEN
    assert call.headers["User-Agent"] == USER_AGENT
    assert fake.clock.sleeps == []


def test_get_passes_params(fake):
    client = fake.client()
    fake.session.script("GET", "/v2/actor-runs", fake.ok({"items": []}))
    client.get("/v2/actor-runs", params={"limit": 10, "status": "RUNNING,READY"})
    assert fake.session.calls[0].params == {"limit": 10, "status": "RUNNING,READY"}


def test_post_sends_one_exact_request(fake):
    client = fake.client()
    fake.session.script("POST", PATH + "/reboot", fake.ok(fake.run()))
    assert client.post(PATH + "/reboot")["data"]["id"] == fake.RUN_ID
    assert fake.session.methods == ["POST"]
    call = fake.session.calls[0]
    assert call.url == fake.API_URL + PATH + "/reboot"
    assert call.allow_redirects is False


def test_token_is_never_in_url_or_params(fake):
    client = fake.client(retries=2)
    fake.session.script("GET", "/v2/actor-runs", fake.error(500), fake.ok({}))
    fake.session.script("POST", PATH + "/reboot", fake.error(429), fake.ok({}))
    client.get("/v2/actor-runs", params={"limit": 1, "offset": 0})
    client.post(PATH + "/reboot")
    assert len(fake.session.calls) == 4
    for call in fake.session.calls:
        assert fake.TOKEN not in call.url
        assert "token" not in call.url.lower()
        assert fake.TOKEN not in repr(call.params)
        assert call.headers["Authorization"] == "Bearer " + fake.TOKEN


@pytest.mark.parametrize("status", [200, 201])
def test_2xx_json_is_decoded(fake, status):
    client = fake.client()
    fake.session.script("GET", PATH, fake.response(status, {"data": {"a": [1, "\u00fc"]}}))
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
    fake.session.script("GET", PATH, fake.response(200, raw=raw, headers={"Content-Type": content_type}))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    err = info.value
    assert err.status == 200
    assert (err.method, err.path) == ("GET", PATH)
    size = len(raw if isinstance(raw, bytes) else raw.encode("utf-8"))
    assert "the body is not JSON (Content-Type %s, %d bytes" % (content_type, size) in str(err)
    assert len(fake.session.calls) == 1  # an answer, even a bad one, is not retried


def test_non_json_body_without_content_type(fake):
    client = fake.client()
    response = fake.response(200, raw="plain")
    del response.headers["Content-Type"]
    fake.session.script("GET", PATH, response)
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "Content-Type missing, 5 bytes, starting 'plain'" in str(info.value)


def test_non_json_snippet_is_short(fake):
    client = fake.client()
    fake.session.script("GET", PATH, fake.response(200, raw="<p>" + "z" * 5000))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "5003 bytes" in str(info.value)
    assert "z" * 78 not in str(info.value)
    assert "z" * 77 in str(info.value)


# -- retries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_get_retried_on_429_and_5xx(fake, status):
    client = fake.client()
    fake.session.script("GET", PATH, fake.error(status), fake.error(status), fake.ok({"ok": 1}))
    assert client.get(PATH) == {"data": {"ok": 1}}
    assert fake.session.methods == ["GET"] * 3
    assert fake.clock.sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    "exc, timeout",
    [
        (requests.exceptions.ConnectionError("Connection refused"), False),
        (requests.exceptions.ReadTimeout("Read timed out."), True),
        (requests.exceptions.ConnectTimeout("connect timed out"), True),
        (requests.exceptions.ChunkedEncodingError("Connection broken"), False),
        (requests.exceptions.SSLError("certificate verify failed"), False),
    ],
)
def test_get_retried_on_transport_errors(fake, exc, timeout):
    client = fake.client()
    fake.session.script("GET", PATH, exc, fake.ok({"ok": 1}))
    assert client.get(PATH) == {"data": {"ok": 1}}
    assert len(fake.session.calls) == 2
    assert fake.clock.sleeps == [0.5]


@pytest.mark.parametrize(
    "exc, timeout, word",
    [
        (requests.exceptions.ConnectionError("Connection refused"), False, "failed"),
        (requests.exceptions.ReadTimeout("Read timed out."), True, "timed out"),
    ],
)
def test_get_transport_error_after_retries(fake, exc, timeout, word):
    client = fake.client(retries=2)
    fake.session.script("GET", PATH, fake.Repeat(exc))
    with pytest.raises(ApifyTransportError) as info:
        client.get(PATH)
    assert len(fake.session.calls) == 3
    assert info.value.timeout is timeout
    assert str(info.value) == "GET %s %s: %s: %s" % (PATH, word, type(exc).__name__, exc)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 422])
def test_get_not_retried_on_other_4xx(fake, status):
    client = fake.client()
    fake.session.script("GET", PATH, fake.error(status, "x", "y"))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    assert info.value.status == status
    assert len(fake.session.calls) == 1
    assert fake.clock.sleeps == []


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_post_not_retried_on_5xx(fake, status):
    client = fake.client()
    fake.session.script("POST", PATH, fake.error(status))
    with pytest.raises(ApifyApiError) as info:
        client.post(PATH)
    assert info.value.status == status
    assert fake.session.methods == ["POST"]
    assert fake.clock.sleeps == []


@pytest.mark.parametrize(
    "exc, timeout",
    [
        (requests.exceptions.ReadTimeout("Read timed out. (read timeout=30)"), True),
        (requests.exceptions.ConnectionError("Connection aborted."), False),
    ],
)
def test_post_not_retried_on_transport_errors(fake, exc, timeout):
    client = fake.client()
    fake.session.script("POST", PATH, exc)
    with pytest.raises(ApifyTransportError) as info:
        client.post(PATH)
    assert info.value.timeout is timeout
    assert info.value.method == "POST"
    assert fake.session.methods == ["POST"]
    assert fake.clock.sleeps == []


def test_post_retried_on_429(fake):
    client = fake.client()
    fake.session.script("POST", PATH, fake.error(429, "rate-limit-exceeded"), fake.ok({"id": "x"}))
    assert client.post(PATH) == {"data": {"id": "x"}}
    assert fake.session.methods == ["POST", "POST"]
    assert fake.clock.sleeps == [0.5]


def test_post_429_after_retries_is_an_api_error(fake):
    client = fake.client(retries=3)
    fake.session.script("POST", PATH, fake.Repeat(fake.error(429, "rate-limit-exceeded", "Too many")))
    with pytest.raises(ApifyApiError) as info:
        client.post(PATH)
    assert fake.session.methods == ["POST"] * 4
    assert info.value.status == 429
    assert "rate limit was still exceeded" in str(info.value)


@pytest.mark.parametrize("retries", [0, 1, 2, 5])
def test_retries_bounds_the_tries(fake, retries):
    client = fake.client(retries=retries)
    fake.session.script("GET", PATH, fake.Repeat(fake.error(503)))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    assert info.value.status == 503
    assert len(fake.session.calls) == retries + 1
    assert fake.clock.sleeps == [0.5 * 2**i for i in range(retries)]


def test_backoff_doubles_with_jitter(fake):
    client = fake.client(retries=4, rand=lambda: 0.5)
    fake.session.script("GET", PATH, fake.Repeat(fake.error(500)))
    with pytest.raises(ApifyApiError):
        client.get(PATH)
    assert fake.clock.sleeps == [0.75, 1.5, 3.0, 6.0]
    # each try is sent after the previous sleep, at the fake time
    times = [c.at - fake.clock.start for c in fake.session.calls]
    assert times == [0, 0.75, 2.25, 5.25, 11.25]


def test_delay_above_cap_ends_retries(fake):
    client = fake.client(retries=20, rand=lambda: 0.99)
    fake.session.script("GET", PATH, fake.Repeat(fake.error(502)))
    with pytest.raises(ApifyApiError):
        client.get(PATH)
    # 0.5 * 2**5 * 1.99 = 31.84 > 30: the sixth retry is never slept for
    assert len(fake.session.calls) == 6
    assert len(fake.clock.sleeps) == 5
    assert max(fake.clock.sleeps) <= BACKOFF_CAP


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
    fake.session.script("GET", PATH, fake.error(429, headers={"Retry-After": header}), fake.ok({}))
    client.get(PATH)
    assert fake.clock.sleeps == expected_sleeps
    assert len(fake.session.calls) == 2


@pytest.mark.parametrize("header", ["31", "30.5", "3600"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_retry_after_above_cap_ends_retries(fake, header, method):
    client = fake.client()
    fake.session.script(method, PATH, fake.error(429, "rate-limit-exceeded", headers={"Retry-After": header}))
    with pytest.raises(ApifyApiError) as info:
        client.request(method, PATH, idempotent=(method == "GET"))
    assert info.value.status == 429
    assert len(fake.session.calls) == 1
    assert fake.clock.sleeps == []


def test_retry_after_on_503_is_honoured_too(fake):
    client = fake.client()
    fake.session.script("GET", PATH, fake.error(503, headers={"retry-after": "4"}), fake.ok({}))
    client.get(PATH)
    assert fake.clock.sleeps == [4.0]


# -- redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_redirects_are_not_followed(fake, status, method):
    client = fake.client()
    fake.session.script(method, PATH, fake.response(status, raw="", headers={"Location": "https://evil.example/x"}))
    with pytest.raises(ApifyResponseError) as info:
        client.request(method, PATH, idempotent=(method == "GET"))
    message = str(info.value)
    assert "HTTP %d redirect to 'https://evil.example/x' was not followed" % status in message
    assert "the token is only sent to api_url" in message
    assert info.value.status == status
    assert len(fake.session.calls) == 1
    assert fake.session.calls[0].allow_redirects is False


def test_redirect_location_is_redacted(fake):
    client = fake.client()
    location = "https://evil.example/?token=" + fake.TOKEN
    fake.session.script("GET", PATH, fake.response(302, raw="", headers={"Location": location}))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert REDACTED in str(info.value)
    assert fake.TOKEN not in str(info.value)


def test_redirect_without_location(fake):
    client = fake.client()
    fake.session.script("GET", PATH, fake.response(302, raw=""))
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
    fake.session.script("POST", PATH + "/reboot", fake.error(status, error_type, "The message."))
    with pytest.raises(ApifyApiError) as info:
        client.post(PATH + "/reboot")
    err = info.value
    assert (err.status, err.error_type, err.error_message) == (status, error_type, "The message.")
    assert (err.method, err.path) == ("POST", PATH + "/reboot")
    assert str(err).startswith("Apify API answered HTTP %d (%s: The message.) to POST %s/reboot. " % (status, error_type, PATH))
    assert hint in str(err)


def test_error_path_shows_the_query(fake):
    client = fake.client()
    fake.session.script("GET", "/v2/actor-runs", fake.error(400, "invalid-input", "bad"))
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
    fake.session.script("GET", PATH, fake.response(502, raw=raw, reason=reason))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    err = info.value
    assert (err.error_type, err.error_message) == (expected_type, expected_message)
    assert str(err).startswith("Apify API answered HTTP 502%s to GET %s." % (detail, PATH))


def test_long_error_fields_are_bounded(fake):
    client = fake.client()
    fake.session.script("GET", PATH, fake.error(400, "t" * 2000, "m" * 2000))
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
    fake.session.script("GET", PATH, fake.error(401, "token-not-valid " + fake.TOKEN, "Token %s is not valid." % fake.TOKEN))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    err = info.value
    assert err.error_message == "Token ******** is not valid."
    assert err.error_type == "token-not-valid ********"
    for text in (str(err), repr(err.to_dict())):
        assert fake.TOKEN not in text


def test_echoed_token_in_non_json_body_is_redacted(fake):
    client = fake.client()
    fake.session.script("GET", PATH, fake.response(200, raw="Bearer " + fake.TOKEN))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert "Bearer ********" in str(info.value)
    assert_no_token(fake, str(info.value))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_token_in_exception_text_is_redacted(fake, method):
    client = fake.client(retries=0)
    fake.session.script(method, PATH, requests.exceptions.ConnectionError("HTTPSConnectionPool: Max retries exceeded with url: /x?token=%s" % fake.TOKEN))
    with pytest.raises(ApifyTransportError) as info:
        client.request(method, PATH, idempotent=(method == "GET"))
    assert "token=********" in str(info.value)
    assert fake.TOKEN not in str(info.value)
    assert fake.TOKEN not in info.value.reason


def test_token_cut_by_the_500_character_bound_is_not_leaked(fake):
    # The API echoes the token near the end of a long message: the bound cuts it
    # in two, and the piece left must not reach the user either.
    client = fake.client()
    fake.session.script("GET", PATH, fake.error(400, "invalid-input", "m" * 480 + fake.TOKEN))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    assert_no_token(fake, str(info.value))
    assert_no_token(fake, repr(info.value.to_dict()))


def test_token_cut_by_the_80_byte_snippet_is_not_leaked(fake):
    client = fake.client()
    fake.session.script("GET", PATH, fake.response(200, raw="<" * 60 + fake.TOKEN))
    with pytest.raises(ApifyResponseError) as info:
        client.get(PATH)
    assert_no_token(fake, str(info.value))


def test_token_in_reason_phrase_is_redacted(fake):
    client = fake.client(retries=0)
    fake.session.script("GET", PATH, fake.response(502, raw="", reason="Bad token " + fake.TOKEN))
    with pytest.raises(ApifyApiError) as info:
        client.get(PATH)
    assert_no_token(fake, str(info.value))


def test_module_has_requests():
    assert _client.HAS_REQUESTS is True
    assert _client.REQUESTS_IMPORT_ERROR is None
