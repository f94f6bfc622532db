# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``mask_secret()``: the token out of every string of a result, keys included; ``LongestFirst``.

ApifyModule's failure paths (typed errors, unexpected errors, missing libraries) are
tested through the modules: tests/unit/plugins/modules.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils.common.parameters import remove_values

from ansible_collections.apify.platform.plugins.module_utils._module import LongestFirst, mask_secret
from ansible_collections.apify.platform.plugins.module_utils._redaction import REDACTED

SECRET = "apify_api_S3CRETt0ken0123456789abcdefXYZ"


@pytest.mark.parametrize(
    "data, expected",
    [
        (SECRET, REDACTED),
        ("Bearer %s and %s" % (SECRET, SECRET), "Bearer ******** and ********"),
        ("nothing here", "nothing here"),
        ({SECRET: 1}, {REDACTED: 1}),
        ({"k": SECRET}, {"k": REDACTED}),
        ({"a": {"b": {SECRET + "-x": [SECRET, {"c": "x" + SECRET}]}}}, {"a": {"b": {REDACTED + "-x": [REDACTED, {"c": "x" + REDACTED}]}}}),
        ([SECRET, [SECRET, [SECRET]]], [REDACTED, [REDACTED, [REDACTED]]]),
        ((SECRET, "t"), [REDACTED, "t"]),
        ({"n": 1, "f": 1.5, "b": True, "z": None}, {"n": 1, "f": 1.5, "b": True, "z": None}),
        ({}, {}),
        ([], []),
    ],
)
def test_mask_secret(data, expected):
    assert mask_secret(data, SECRET) == expected


def test_mask_secret_leaves_no_piece_of_a_realistic_result():
    result = {
        "changed": True,
        "run": {"id": "3KH8gEpp4d8uQSe8T", "meta": {SECRET: {"userAgent": "token=" + SECRET}}, "stats": {"rebootCount": 1}},
        "results": [{"msg": "echoed %s" % SECRET, "error": {"message": SECRET}}],
        "warnings": ["w " + SECRET],
    }
    masked = mask_secret(result, SECRET)
    assert SECRET not in json.dumps(masked)
    assert masked["run"]["meta"] == {REDACTED: {"userAgent": "token=" + REDACTED}}
    assert masked["run"]["stats"] == {"rebootCount": 1}
    assert result["run"]["meta"] == {SECRET: {"userAgent": "token=" + SECRET}}  # the input is not changed


# -- no_log values are masked longest first, whatever the hash seed (issue 17, CI of stop 20) ------

URL_PIECES = ["apiuser:Pa55w0rd", "Pa55w0rd", "apiuser:Pa", "Pa"]  # what url_secrets() registers for apiuser:Pa55w0rd... and a cut form
INVOCATION = {"api_url": "http://apiuser:Pa55w0rd@127.0.0.1:8", "msg": "apiuser:Pa55w0rd and Pa55w0rd"}


def test_longest_first_hands_out_the_values_longest_first():
    assert list(LongestFirst(URL_PIECES)) == ["apiuser:Pa55w0rd", "apiuser:Pa", "Pa55w0rd", "Pa"]
    assert list(LongestFirst()) == []


@pytest.mark.parametrize("added_in", [URL_PIECES, sorted(URL_PIECES, key=len), sorted(URL_PIECES)])
def test_longest_first_masks_every_value_whole(added_in):
    values = LongestFirst()
    for value in added_in:
        values.add(value)
    masked = remove_values(INVOCATION, values)
    assert masked == {"api_url": "http://********@127.0.0.1:8", "msg": "******** and ********"}
