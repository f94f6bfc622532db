# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What an answer from the API is allowed to be: bounded in size, coding and JSON nesting.

One concern: read an answer's body within its bounds and decode it as JSON,
or raise ApifyResponseError naming the bound. Retries and the request loop are
``_client.py``'s; this file only reads and decodes what ``_client`` hands it.

* Size: at most ``MAX_ANSWER_BYTES``, whether declared (``Content-Length``) or
  read, ``CHUNK_BYTES`` at a time (``CODED_CHUNK_BYTES`` for a coded answer).
* Content coding: at most one, of ``CODINGS``; anything else is not read.
* JSON nesting: at most ``MAX_JSON_DEPTH`` levels (``nesting_exceeds``).

An answer refused here leaves the connection's state unclear: the caller's
``reset`` drops every idle connection. Texts quoted from an answer pass
through the caller's ``redact`` first.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyResponseError, shorten

# Bounds on one answer. A run is a few KiB and a page of 1,000 listed runs about 1 MiB.
MAX_ANSWER_BYTES = 4 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
# Content codings asked for and believed: the ones urllib3 decodes with zlib. One at most:
# urllib3 before 2.6.0 decodes any number stacked (``gzip, gzip``: 1.8 KB became 2 GB, its
# CVE-2025-66418), so an answer coded otherwise is refused before a byte of it is read.
CODINGS = ("gzip", "x-gzip", "deflate")
# What is read at a time from a coded answer. urllib3 before 2.6.0 (its CVE-2025-66471) decodes
# each raw read whole, and deflate expands at most ~1,032 times: 4 KiB read stay below about
# 4 MiB decoded, so MAX_ANSWER_BYTES bounds memory under every urllib3 that requests allows
# (from 2.6.0 urllib3 bounds the decoded size of each read itself).
CODED_CHUNK_BYTES = 4 * 1024
# An Apify run nests about 5 levels deep; deeper answers are refused before anything
# (validation, Ansible's own handling of the result) recurses through them.
MAX_JSON_DEPTH = 32


def read_bounded(method, shown, response, redact, reset):
    """The whole body of ``response`` (a streamed requests Response), within the size and coding bounds."""
    declared = response.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > MAX_ANSWER_BYTES:
        raise _too_large(method, shown, response.status_code, "it declares %s bytes" % declared.strip(), reset)
    codings = [c.strip().lower() for c in response.headers.get("Content-Encoding", "").split(",") if c.strip()]
    if len(codings) > 1 or (codings and codings[0] not in CODINGS + ("identity",)):
        reset()
        raise ApifyResponseError(
            method,
            shown,
            status=response.status_code,
            accepted=response.status_code < 300,
            reason="the answer is content-coded as %r; only one of %s is accepted (the Apify API uses at most one). "
            "It was not read, and the connection was closed. Check api_url and any proxy in between."
            % (shorten(redact(", ".join(codings)), 80), ", ".join(CODINGS)),
        )
    chunks = []
    size = 0
    for chunk in response.iter_content(CHUNK_BYTES if codings in ([], ["identity"]) else CODED_CHUNK_BYTES):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise _too_large(method, shown, response.status_code, "it went on past that", reset)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(method, shown, status, detail, reset):
    reset()
    return ApifyResponseError(
        method,
        shown,
        status=status,
        accepted=status < 300,
        reason="the answer is larger than the limit of %d MiB for one answer (%s); it was not read, and the "
        "connection was closed. An Apify API answer is at most about 1 MiB: check api_url and any proxy in between."
        % (MAX_ANSWER_BYTES // (1024 * 1024), detail),
    )


def decode(method, path, status, headers, body, redact):
    """The JSON document in ``body`` (bytes), at most ``MAX_JSON_DEPTH`` deep, or ApifyResponseError."""
    try:
        document = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly nested JSON
        # Redact before cutting, or a token across the cut would survive in part.
        snippet = redact(body.decode("utf-8", "replace"))[:80]
        raise ApifyResponseError(
            method,
            path,
            status=status,
            accepted=True,
            reason="the body is not JSON (Content-Type %s, %d bytes, starting %r)" % (headers.get("Content-Type", "missing"), len(body), snippet),
        ) from None
    if nesting_exceeds(document, MAX_JSON_DEPTH):
        raise ApifyResponseError(
            method,
            path,
            status=status,
            accepted=True,
            reason="the JSON is nested more than %d levels deep, the limit for an answer (an Apify run is about 5 deep)" % MAX_JSON_DEPTH,
        )
    return document


def nesting_exceeds(document, limit):
    """True when lists and objects in ``document`` nest deeper than ``limit`` (no recursion)."""
    stack = [(document, 1)] if isinstance(document, (dict, list)) else []
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
