# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apify.platform.plugins.module_utils._connection import DEFAULT_API_URL, build_client, connection_options
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyConfigError

TOKEN = "apify_api_S3CRETt0ken0123456789"


def test_defaults_without_options_or_environment():
    assert connection_options({}, environ={}) == {"token": None, "api_url": DEFAULT_API_URL, "timeout": 30.0, "validate_certs": True, "retries": 5}


def test_environment_fills_what_is_not_given():
    environ = {"APIFY_TOKEN": TOKEN, "APIFY_API_BASE_URL": "http://127.0.0.1:1"}
    assert connection_options({"token": None}, environ)["token"] == TOKEN
    assert connection_options({}, environ)["api_url"] == "http://127.0.0.1:1"
    given = connection_options({"token": "given", "api_url": "https://api.example.com", "retries": 0}, environ)
    assert (given["token"], given["api_url"], given["retries"]) == ("given", "https://api.example.com", 0)


def test_build_client_checks_every_option():
    client, token = build_client(connection_options({"token": "  " + TOKEN + "\n", "api_url": "http://127.0.0.1:8/"}, environ={}), pool_size=3)
    assert token == TOKEN
    assert client.timeout == 30.0 and client.retries == 5
    assert build_client(connection_options({}, environ={}), token_required=False)[1] is None
    for options, message in (
        ({}, "No Apify API token"),
        ({"token": TOKEN, "retries": 21}, "retries must be at most 20"),
        ({"token": TOKEN, "retries": -1}, "retries must be 0 or more"),
        ({"token": TOKEN, "timeout": 0}, "timeout must be greater than 0"),
        ({"token": TOKEN, "api_url": "http://api.example.com"}, "plain http"),
    ):
        with pytest.raises(ApifyConfigError, match=message) as caught:
            build_client(connection_options(options, environ={}))
        assert TOKEN not in caught.value.message
