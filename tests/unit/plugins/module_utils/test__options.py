# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest
import yaml

from ansible_collections.apify.platform.plugins.doc_fragments.apify import ModuleDocFragment
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyConfigError
from ansible_collections.apify.platform.plugins.module_utils._options import (
    MAX_TOKEN_CHARS,
    check_concurrency,
    check_not_negative,
    check_positive,
    check_resource_id,
    check_run_id,
    clean_token,
    is_loopback,
    normalize_api_url,
    shown,
    shown_url,
    url_secrets,
    without_url_secrets,
)

SECRET = "apify_api_S3CRETt0ken0123456789"


# -- run IDs --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["3KH8gEpp4d8uQSe8T", "a", "Z9", "A" * 64, "0123456789"])
def test_check_run_id_accepts_letters_and_digits(value):
    assert check_run_id(value) == value


BAD_RUN_IDS = [
    "",
    "a/b",
    "..",
    ".",
    "a?b",
    "a#b",
    "%2F",
    "a b",
    " 3KH8gEpp4d8uQSe8T",
    "ü",
    "3KH8gEpp4d8uQSe8Tü",
    "x" * 1000,
    "A" * 65,
    "a-b",
    "a_b",
    "a.b",
    "a~b",
    "a\tb",
    "\nabc",
    "abc\r\n",
    "abc\x00",
    "\uff21",  # FULLWIDTH LATIN CAPITAL LETTER A: a Unicode letter, not an ASCII one
    None,
    123,
    ["abc"],
]


@pytest.mark.parametrize("value", BAD_RUN_IDS, ids=lambda v: repr(v)[:20])
def test_check_run_id_refuses(value):
    with pytest.raises(ApifyConfigError) as info:
        check_run_id(value)
    message = str(info.value)
    assert message.startswith("run_id ")
    # None of these is a URL: "a/b" ends in letters, but only a URL gets the URL hint.
    assert "is not an Apify run ID: run IDs are 1 to 64 letters and digits" in message
    assert message.endswith("Nothing was sent.")
    assert len(message) < 300  # long values are shortened


@pytest.mark.parametrize(
    "value",
    [
        "https://console.apify.com/actors/HDSasDasz78YcAPEB/runs/3KH8gEpp4d8uQSe8T",
        "https://console.apify.com/actors/HDSasDasz78YcAPEB/runs/3KH8gEpp4d8uQSe8T/",
        "console.apify.com/view/runs/3KH8gEpp4d8uQSe8T#log",
        "https://console.apify.com/actors/HDSasDasz78YcAPEB/runs/3KH8gEpp4d8uQSe8T/log",
        "https://api.apify.com/v2/actor-runs/3KH8gEpp4d8uQSe8T",
    ],
)
def test_check_run_id_names_the_run_id_in_a_url(value):
    with pytest.raises(ApifyConfigError) as info:
        check_run_id(value)
    assert "it is a URL (from Apify Console?): give only the run ID in it, 3KH8gEpp4d8uQSe8T. Nothing was sent." in str(info.value)


@pytest.mark.parametrize("value", ["BadInputRun000001/abort", "../x", "https://console.apify.com/actors/x/runs/", "https://example.com/a-b"])
def test_check_run_id_gives_no_url_hint_without_a_run_id_in_a_url(value):
    with pytest.raises(ApifyConfigError) as info:
        check_run_id(value)
    assert "run IDs are 1 to 64 letters and digits" in str(info.value)


@pytest.mark.parametrize("value", ["3KH8gEpp4d8uQSe8T\n", "abc\n"], ids=repr)
def test_check_run_id_refuses_a_trailing_newline(value):
    # "$" in a Python regex also matches before a final "\n": the newline must not slip through.
    with pytest.raises(ApifyConfigError):
        check_run_id(value)


def test_check_run_id_message_names_the_option_and_shortens():
    with pytest.raises(ApifyConfigError) as info:
        check_run_id("x" * 1000, option="run_ids[3]")
    message = str(info.value)
    assert message.startswith("run_ids[3] 'xxxxxxxx")
    assert "(1000 characters)" in message
    assert "x" * 120 not in message


# -- resource IDs ----------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "HDSasDasz78YcAPEB",
        "apify~web-scraper",
        "john.doe~my_actor.v2",
        "a~b",
        "A" * 64,
        "u" * 64 + "~" + "n" * 128,
    ],
)
def test_check_resource_id_accepts_ids_and_username_name(value):
    assert check_resource_id(value, "actor_id") == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        "a/b",
        "..",
        "~name",
        "user~",
        "a~b~c",
        "user~na/me",
        "user~na me",
        "a b",
        "ü",
        "user~ü",
        "x" * 65,
        "u" * 65 + "~n",
        "u~" + "n" * 129,
        "user~name?x=1",
        "%2F",
        "user%7Ename",
        None,
        5,
    ],
    ids=lambda v: repr(v)[:20],
)
def test_check_resource_id_refuses(value):
    with pytest.raises(ApifyConfigError) as info:
        check_resource_id(value, "task_id")
    message = str(info.value)
    assert message.startswith("task_id ")
    assert "is not an Apify ID" in message and "username~name" in message
    assert message.endswith("Nothing was sent.")


def test_check_resource_id_refuses_a_trailing_newline():
    with pytest.raises(ApifyConfigError):
        check_resource_id("apify~web-scraper\n", "actor_id")


# -- tokens ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, clean",
    [
        (SECRET, SECRET),
        ("  %s  " % SECRET, SECRET),
        ("%s\n" % SECRET, SECRET),  # a file read with its final newline
        ("\t%s\r\n" % SECRET, SECRET),
        ("x", "x"),
        ("!#$%&'()*+,-./:;<=>?@[]^_`{|}~", "!#$%&'()*+,-./:;<=>?@[]^_`{|}~"),
    ],
)
def test_clean_token_strips_surrounding_whitespace(raw, clean):
    assert clean_token(raw, required=True) == clean
    assert clean_token(raw, required=False) == clean


def test_clean_token_absent():
    assert clean_token(None, required=False) is None
    with pytest.raises(ApifyConfigError) as info:
        clean_token(None, required=True)
    assert info.value.kind == "configuration" and "No Apify API token was given" in str(info.value)  # the words: tests/runner


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("", "empty or only whitespace"),
        ("   ", "empty or only whitespace"),
        ("\n", "empty or only whitespace"),
        ("\t\r\n ", "empty or only whitespace"),
        (SECRET + "\n" + SECRET, "whitespace or control characters"),
        (SECRET + "\nsecond-line", "whitespace or control characters"),
        (SECRET[:10] + " " + SECRET[10:], "whitespace or control characters"),
        (SECRET[:10] + "\t" + SECRET[10:], "whitespace or control characters"),
        (SECRET[:10] + "\x00" + SECRET[10:], "whitespace or control characters"),
        (SECRET[:10] + "\x1b" + SECRET[10:], "whitespace or control characters"),
        (SECRET[:10] + "\x7f" + SECRET[10:], "whitespace or control characters"),
        (SECRET[:10] + "\u2028" + SECRET[10:], "whitespace or control characters"),
        (SECRET[:10] + "\u00a0" + SECRET[10:], "whitespace or control characters"),
        (SECRET[:10] + "\u00fc" + SECRET[10:], "non-ASCII"),
        (SECRET[:10] + "\u20ac" + SECRET[10:], "non-ASCII"),
        (SECRET[:10] + "\u0430" + SECRET[10:], "non-ASCII"),  # Cyrillic a
        (SECRET[:10] + "\u200b" + SECRET[10:], "non-ASCII"),  # zero-width space
        (SECRET[:10] + "\x80" + SECRET[10:], "non-ASCII"),
    ],
    ids=lambda v: repr(v)[:24],
)
@pytest.mark.parametrize("required", [True, False])
def test_clean_token_refuses_without_repeating_it(raw, fragment, required):
    with pytest.raises(ApifyConfigError) as info:
        clean_token(raw, required=required)
    message = str(info.value)
    assert fragment in message
    for piece in (SECRET, SECRET[:10], SECRET[10:], "S3CRET"):
        assert piece not in message
    assert piece not in repr(info.value.to_dict())


# -- api_url ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://api.apify.com", "https://api.apify.com"),
        ("https://api.apify.com/", "https://api.apify.com"),
        ("  https://api.apify.com/  ", "https://api.apify.com"),
        ("https://api.apify.com\n", "https://api.apify.com"),
        ("HTTPS://API.Apify.COM", "https://api.apify.com"),
        ("https://api.apify.com:8443/", "https://api.apify.com:8443"),
        ("https://10.1.2.3", "https://10.1.2.3"),
        ("https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443"),
        ("http://127.0.0.1", "http://127.0.0.1"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("http://127.1.2.3:8080", "http://127.1.2.3:8080"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("http://LocalHost:3000/", "http://localhost:3000"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("http://[::1]", "http://[::1]"),
        ("HTTP://localhost", "http://localhost"),
    ],
)
def test_normalize_api_url_accepts(url, expected):
    assert normalize_api_url(url) == expected


@pytest.mark.parametrize(
    "url, fragment",
    [
        ("", "api_url is empty"),
        ("   ", "api_url is empty"),
        (None, "api_url is empty"),
        ("api.apify.com", "has no scheme"),
        ("api.apify.com/v2", "has no scheme"),
        ("//api.apify.com", "has no scheme"),
        ("ftp://api.apify.com", "must use https:// (got ftp://)"),
        ("file:///etc/passwd", "must use https:// (got file://)"),
        ("ws://localhost:8080", "must use https:// (got ws://)"),
        ("https://", "has no host name"),
        ("https:///v2", "has no host name"),
        ("https://api.apify.com/v2", "without a path (got path '/v2')"),
        ("https://api.apify.com/v2/", "without a path (got path '/v2/')"),
        ("https://api.apify.com//", "without a path"),
        ("https://api.apify.com/v2/actor-runs", "without a path"),
        ("https://api.apify.com?token=" + SECRET, "query string or fragment"),
        ("https://api.apify.com/?x=1", "query string or fragment"),
        ("https://api.apify.com#top", "query string or fragment"),
        ("https://user:" + SECRET + "@api.apify.com", "must not contain credentials"),
        ("https://" + SECRET + "@api.apify.com", "must not contain credentials"),
        ("http://api.apify.com", "uses plain http:// to api.apify.com"),
        ("http://10.0.0.1:8080", "uses plain http:// to 10.0.0.1"),
        ("http://192.168.1.10", "uses plain http://"),
        ("http://localhost.example.com", "uses plain http://"),
        ("http://127.0.0.1.nip.io", "uses plain http://"),
        ("http://0.0.0.0:8080", "uses plain http://"),
        ("https://api.apify.com:99999", "not a valid URL"),
        ("https://api.apify.com:port", "not a valid URL"),
        ("https://[::1", "not a valid URL"),
    ],
    ids=lambda v: repr(v)[:30],
)
def test_normalize_api_url_refuses(url, fragment):
    with pytest.raises(ApifyConfigError) as info:
        normalize_api_url(url)
    message = str(info.value)
    assert fragment in message
    assert SECRET not in message
    assert "S3CRET" not in message


def test_normalize_api_url_no_scheme_message_drops_the_query():
    with pytest.raises(ApifyConfigError) as info:
        normalize_api_url("api.apify.com?token=" + SECRET)
    assert "'api.apify.com?...'" in str(info.value)
    assert "S3CRET" not in str(info.value)


@pytest.mark.parametrize(
    "host, expected",
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("127.0.0.1", True),
        ("127.255.0.1", True),
        ("::1", True),
        ("10.0.0.1", False),
        ("0.0.0.0", False),
        ("::", False),
        ("api.apify.com", False),
        ("localhost.example.com", False),
        ("", False),
    ],
)
def test_is_loopback(host, expected):
    assert is_loopback(host) is expected


@pytest.mark.parametrize("host", ["api.localhost", "x.y.localhost", "localhost.", "API.LOCALHOST"])
def test_dot_localhost_names_are_not_loopback(host):
    # Issue 17 §5: the resolver decides where a *.localhost name goes (RFC 6761 asks resolvers to
    # send it to loopback, it does not make them): no plain http, and the proxy is not bypassed.
    expected = host.rstrip(".").lower() == "localhost"
    assert is_loopback(host) is expected
    if not expected:
        with pytest.raises(ApifyConfigError, match="uses plain http://"):
            normalize_api_url("http://%s:8080" % host)


def test_the_documented_loopback_hosts_are_what_is_loopback():
    """The doc fragment names exactly the hosts is_loopback() takes, and no *.localhost names."""
    lines = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]["api_url"]["description"]
    loopback = [line for line in lines if "loopback" in line]
    assert len(loopback) == 2, loopback
    for line in loopback:
        named = re.findall(r"V\(([^)]*)\)", line)
        assert named and all(is_loopback(host) for host in named), line
    claims = " ".join(loopback)
    assert "not taken for loopback" in claims and not is_loopback("api.localhost")


# -- numbers and shown() ---------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 0.001, 30.0, 10**6])
def test_check_positive_accepts(value):
    assert check_positive(value, "timeout") == value


@pytest.mark.parametrize("value", [0, -1, -0.5, None])
def test_check_positive_refuses(value):
    with pytest.raises(ApifyConfigError) as info:
        check_positive(value, "wait_sleep")
    assert info.value.kind == "configuration" and "wait_sleep must be greater than 0 (got %s)" % value in str(info.value)


@pytest.mark.parametrize("value", [0, 1, 20, None])
def test_check_not_negative_accepts(value):
    assert check_not_negative(value, "retries") == value


@pytest.mark.parametrize("value", [-1, -100])
def test_check_not_negative_refuses(value):
    with pytest.raises(ApifyConfigError) as info:
        check_not_negative(value, "max_reboot_count")
    assert info.value.kind == "configuration" and "max_reboot_count must be 0 or more (got %d)" % value in str(info.value)


def test_shown_short_and_long():
    assert shown("abc") == "'abc'"
    long_text = shown("y" * 500)
    assert long_text.startswith("'yyyy")
    assert long_text.endswith("...' (500 characters)")
    assert len(long_text) == 40 + len("...' (500 characters)")


# -- concurrency ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 2, 20, 100])
def test_check_concurrency_accepts(value):
    assert check_concurrency(value) == value


@pytest.mark.parametrize("value", [0, -1, 101, 1000, None])
def test_check_concurrency_refuses(value):
    with pytest.raises(ApifyConfigError) as info:
        check_concurrency(value)
    assert info.value.kind == "configuration" and "concurrency must be from 1 to 100 (got %s)" % value in str(info.value)


# -- URLs as messages may show them (issue 17) ------------------------------------------------------


@pytest.mark.parametrize(
    "url, shown, secrets",
    [
        ("https://api.apify.com", "https://api.apify.com", []),
        ("https://user:pa55word@api.apify.com", "https://api.apify.com", ["user:pa55word", "pa55word"]),
        ("user:pa55word@api.apify.com", "api.apify.com", ["user:pa55word", "pa55word"]),
        ("https://onlyuser@api.apify.com/", "https://api.apify.com/", ["onlyuser"]),
        ("http://proxyuser:p#ss/w@rd@127.0.0.1:3128", "http://127.0.0.1:3128", ["proxyuser:p#ss/w@rd", "proxyuser:p", "p#ss/w@rd", "p"]),
        ("https://h.example/x?token=abc&y=1#top", "https://h.example/x?...", ["token=abc&y=1#top"]),
        ("https://h.example/x#top", "https://h.example/x", []),
        ("", "", []),
    ],
)
def test_shown_url_and_what_it_strips(url, shown, secrets):
    assert shown_url(url) == shown
    assert url_secrets(url) == [s for s in secrets if s]


def test_shown_url_of_a_non_string():
    assert shown_url(None) == "None"
    assert url_secrets(None) == []


def test_without_url_secrets_rewrites_every_url_in_a_text():
    text = "Failed to parse: http://u:s3cr3t#x@127.0.0.1:3128, then https://h.example/?token=t0k3n and /v2/x?offset=0"
    assert without_url_secrets(text) == "Failed to parse: http://127.0.0.1:3128, then https://h.example/?... and /v2/x?offset=0"
    assert without_url_secrets(None) is None


@pytest.mark.parametrize(
    "url",
    [
        "user:" + SECRET + "@api.apify.com",
        "https://user:" + SECRET + "@api.apify.com",
        "https://user:" + SECRET + "@api.apify.com:notaport",
        "https://user:S3CRET#x@api.apify.com",
        "https://api.apify.com:S3CRET@",
    ],
)
def test_normalize_api_url_never_echoes_userinfo(url):
    with pytest.raises(ApifyConfigError) as info:
        normalize_api_url(url)
    assert "S3CRET" not in str(info.value) and "user" not in str(info.value)


# -- the token's length (issue 17) -------------------------------------------------------------------


def test_clean_token_accepts_up_to_the_bound_and_odd_printable_characters():
    assert clean_token("a" * MAX_TOKEN_CHARS, True) == "a" * MAX_TOKEN_CHARS
    odd = "apify_api_Odd\\Token'With\"Quotes"
    assert clean_token(odd, True) == odd


def test_clean_token_refuses_a_longer_one_without_repeating_it():
    token = "apify_api_" + "Z" * MAX_TOKEN_CHARS
    with pytest.raises(ApifyConfigError) as info:
        clean_token(token, True)
    assert "is %d characters long" % len(token) in str(info.value)
    assert "at most %d" % MAX_TOKEN_CHARS in str(info.value)
    assert "ZZZZ" not in str(info.value) and "apify_api_" not in str(info.value)
