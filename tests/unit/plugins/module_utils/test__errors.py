# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apify.platform.plugins.module_utils._errors import (
    ApifyActionUncertainError,
    ApifyApiError,
    ApifyConfigError,
    ApifyError,
    ApifyRebootUncertainError,
    ApifyResponseError,
    ApifyRunStateError,
    ApifyTransportError,
)

PATH = "/v2/actor-runs/3KH8gEpp4d8uQSe8T/reboot"


def test_base_error_message_str_and_dict():
    err = ApifyError("Something broke.")
    assert isinstance(err, Exception)
    assert str(err) == "Something broke."
    assert err.message == "Something broke."
    assert err.changed is False
    assert err.kind == "error"
    assert err.to_dict() == {"kind": "error", "message": "Something broke."}


def test_append_adds_a_sentence_to_message_str_and_dict():
    err = ApifyConfigError("First.")
    err.append("Second.")
    assert str(err) == "First. Second."
    assert err.to_dict() == {"kind": "configuration", "message": "First. Second."}


def test_changed_is_per_instance():
    one, two = ApifyError("a"), ApifyError("b")
    one.changed = True
    assert two.changed is False
    assert ApifyError.changed is False


@pytest.mark.parametrize(
    "cls, kind",
    [
        (ApifyError, "error"),
        (ApifyConfigError, "configuration"),
        (ApifyActionUncertainError, "uncertain"),
        (ApifyRunStateError, "run_state"),
    ],
)
def test_message_only_errors_kind(cls, kind):
    err = cls("m")
    assert isinstance(err, ApifyError)
    assert err.kind == kind
    assert err.to_dict() == {"kind": kind, "message": "m"}


@pytest.mark.parametrize(
    "status, hint",
    [
        (400, "The API rejected the request as invalid."),
        (401, "The API token was not accepted: check the token option or the APIFY_TOKEN environment variable."),
        (403, "The token is valid but has no permission for this resource"),
        (404, "It does not exist, or the token's account cannot see it: check the ID."),
        (405, "check that api_url points at the Apify API root"),
        (429, "rate limit was still exceeded after the retries allowed by the retries option"),
        (500, "The Apify API had a server error; it was retried where that is safe. Try again later."),
        (502, "The Apify API had a server error"),
        (503, "The Apify API had a server error"),
        (504, "The Apify API had a server error"),
    ],
)
def test_api_error_hint_by_status(status, hint):
    err = ApifyApiError(status, "POST", PATH, error_type="t", error_message="m")
    assert str(err).startswith("Apify API answered HTTP %d (t: m) to POST %s. " % (status, PATH))
    assert hint in str(err)
    assert isinstance(err, ApifyError)


def test_api_error_without_hint_ends_after_path():
    err = ApifyApiError(418, "GET", "/x")
    assert str(err) == "Apify API answered HTTP 418 to GET /x."


@pytest.mark.parametrize(
    "error_type, error_message, reason, detail",
    [
        ("record-not-found", "Actor run was not found", "Not Found", " (record-not-found: Actor run was not found)"),
        ("record-not-found", None, None, " (record-not-found: no message)"),
        (None, "Actor run was not found", None, " (unknown-error: Actor run was not found)"),
        (None, None, "Not Found", " (Not Found)"),
        (None, None, None, ""),
        ("", "", "", ""),
    ],
)
def test_api_error_detail(error_type, error_message, reason, detail):
    err = ApifyApiError(404, "GET", "/v2/actor-runs/abc", error_type=error_type, error_message=error_message, reason=reason)
    assert str(err).startswith("Apify API answered HTTP 404%s to GET /v2/actor-runs/abc." % detail)


def test_api_error_attributes_and_dict():
    err = ApifyApiError(404, "GET", "/v2/actor-runs/abc", error_type="record-not-found", error_message="Actor run was not found", reason="Not Found")
    assert (err.status, err.method, err.path) == (404, "GET", "/v2/actor-runs/abc")
    assert (err.error_type, err.error_message) == ("record-not-found", "Actor run was not found")
    assert err.kind == "api"
    assert err.changed is False
    assert err.to_dict() == {
        "kind": "api",
        "status": 404,
        "type": "record-not-found",
        "message": "Actor run was not found",
        "method": "GET",
        "path": "/v2/actor-runs/abc",
    }


@pytest.mark.parametrize("timeout, word", [(True, "timed out"), (False, "failed")])
def test_transport_error(timeout, word):
    err = ApifyTransportError("POST", PATH, "ReadTimeout: boom", timeout=timeout)
    assert str(err) == "POST %s %s: ReadTimeout: boom" % (PATH, word)
    assert err.timeout is timeout
    assert err.reason == "ReadTimeout: boom"
    assert err.to_dict() == {"kind": "transport", "timeout": timeout, "message": str(err), "method": "POST", "path": PATH}


def test_transport_error_defaults_to_not_timeout():
    assert ApifyTransportError("GET", "/x", "r").timeout is False


def test_transport_error_is_sent_unless_told_otherwise():
    # Only a connection never made proves the request was not sent.
    assert ApifyTransportError("POST", "/x", "r").sent is True
    err = ApifyTransportError("POST", "/x", "r", sent=False)
    assert err.sent is False
    assert "sent" not in err.to_dict()


def test_changed_and_rebooted_default_to_not_set():
    err = ApifyError("m")
    assert (err.changed, err.done) == (False, None)


def test_response_error_with_json_path():
    err = ApifyResponseError("GET", "/v2/x", "data.id: 5 is not of type 'string'", status=200, json_path="data.id")
    assert str(err) == "Unexpected answer from the Apify API to GET /v2/x: data.id: 5 is not of type 'string'"
    assert err.to_dict() == {"kind": "response", "status": 200, "message": str(err), "json_path": "data.id", "method": "GET", "path": "/v2/x"}


def test_response_error_without_json_path_or_status():
    err = ApifyResponseError("POST", "/v2/x", "the body is not JSON")
    assert str(err) == "Unexpected answer from the Apify API to POST /v2/x: the body is not JSON"
    assert err.status is None
    assert err.json_path is None
    assert err.reason == "the body is not JSON"


def test_the_uncertain_error_keeps_its_1_0_0_name_and_kind():
    # Every action raises ApifyActionUncertainError; the old name is the same class, and the kind
    # that results show is unchanged.
    assert ApifyRebootUncertainError is ApifyActionUncertainError
    assert ApifyActionUncertainError("m").to_dict() == {"kind": "uncertain", "message": "m"}


def test_run_state_error_keeps_run():
    run = {"id": "abc", "status": "FAILED"}
    err = ApifyRunStateError("Run abc ended.", run=run)
    assert err.run is run
    assert ApifyRunStateError("x").run is None
    assert err.to_dict() == {"kind": "run_state", "message": "Run abc ended."}


def test_errors_can_be_raised_and_caught_as_base():
    with pytest.raises(ApifyError) as info:
        raise ApifyTransportError("GET", "/x", "ConnectionError: refused")
    assert info.value.kind == "transport"
