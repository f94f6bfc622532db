# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Checks of what the user typed, made before any request is sent.

Each function returns the cleaned value or raises ApifyConfigError with a
message that says what is wrong and how to fix it. Messages never repeat the
token, and repeat other values only in a shortened, quoted form.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import math
import re
from urllib.parse import urlsplit

from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyConfigError

# Matched with fullmatch(): "$" would let a trailing newline through.
# Run IDs are 17 letters and digits; the spec declares no pattern, so allow any length up to 64.
RUN_ID_RE = re.compile(r"[A-Za-z0-9]{1,64}")
# Actor and task IDs, or the "username~name" form the API also accepts.
RESOURCE_ID_RE = re.compile(r"[A-Za-z0-9]{1,64}|[A-Za-z0-9._-]{1,64}~[A-Za-z0-9._-]{1,128}")

# Apify allows 60 requests/s per run and 250,000/min (about 4,000/s) per account.
# One worker handles one run at a time, so a run never sees more than one request
# in flight from us; 100 workers at a real round trip of ~50 ms stay near 2,000/s.
MAX_CONCURRENCY = 100

TOKEN_HELP = (
    "Set the token option, the APIFY_TOKEN environment variable, or module_defaults for group/apify.platform.apify (in AWX: an 'Apify API' credential)."
)


def shown(value, limit=40):
    """A user value, quoted and shortened, for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "...' (%d characters)" % len(value)


def check_run_id(value, option="run_id"):
    if not isinstance(value, str) or not RUN_ID_RE.fullmatch(value):
        hint = "run IDs are 1 to 64 letters and digits (for example 3KH8gEpp4d8uQSe8T)"
        segment = _last_segment(value)
        if segment:
            hint = "it is a URL (from Apify Console?): give only the run ID in it, %s" % segment
        raise ApifyConfigError("%s %s is not an Apify run ID: %s. Nothing was sent." % (option, shown(value, limit=120), hint))
    return value


def _last_segment(value):
    """The run ID in a URL such as https://console.apify.com/actors/<actor>/runs/<run>, or None."""
    if not isinstance(value, str) or not ("://" in value or value.startswith("console.apify.com/")):
        return None
    segments = [segment for segment in urlsplit(value.strip()).path.split("/") if segment]
    if "runs" in segments[:-1]:
        candidate = segments[segments.index("runs") + 1]
    else:
        candidate = segments[-1] if segments else ""
    # Apify's run IDs are 17 characters: anything else in a URL is a guess not worth making.
    return candidate if len(candidate) == 17 and RUN_ID_RE.fullmatch(candidate) else None


def check_resource_id(value, option):
    if not isinstance(value, str) or not RESOURCE_ID_RE.fullmatch(value):
        raise ApifyConfigError(
            "%s %s is not an Apify ID: give the ID (letters and digits, for example "
            "HDSasDasz78YcAPEB) or username~name. Nothing was sent." % (option, shown(value))
        )
    return value


def clean_token(token, required):
    """The token without surrounding whitespace; None when absent and not required."""
    if token is None:
        if required:
            raise ApifyConfigError("No Apify API token was given. " + TOKEN_HELP)
        return None
    token = token.strip()
    if not token:
        raise ApifyConfigError("The Apify API token is empty or only whitespace. " + TOKEN_HELP)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in token):
        raise ApifyConfigError(
            "The Apify API token contains whitespace or control characters (a line break, perhaps "
            "from a file or a multi-line secret). Give the token alone, on one line."
        )
    if any(ord(ch) > 126 for ch in token):
        raise ApifyConfigError("The Apify API token contains non-ASCII characters; Apify tokens never do.")
    return token


def is_loopback(host):
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1), and only those.

    Strict on purpose: it decides where plain http may carry the token, and which
    hosts are never reached through a proxy. (``*.localhost`` names are left out:
    only the resolver decides where they go.)
    """
    if not host:
        return False
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_api_url(url):
    """``https://api.apify.com/`` -> ``https://api.apify.com``; refuse anything unsafe."""
    if not isinstance(url, str) or not url.strip():
        raise ApifyConfigError("api_url is empty: leave it out to use https://api.apify.com.")
    url = url.strip()
    if "://" not in url:
        raise ApifyConfigError("api_url %s has no scheme: write it as https://HOST, for example https://api.apify.com." % shown(url.split("?")[0]))
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise ApifyConfigError("api_url is not a valid URL: %s." % exc)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ApifyConfigError("api_url must use https:// (got %s://)." % shown(scheme)[1:-1])
    if not host:
        raise ApifyConfigError("api_url has no host name: write it as https://HOST.")
    if parts.username or parts.password:
        raise ApifyConfigError("api_url must not contain credentials: give the token in the token option.")
    if parts.query or parts.fragment:
        raise ApifyConfigError("api_url must not have a query string or fragment (the token never goes in a URL).")
    if parts.path not in ("", "/"):
        raise ApifyConfigError(
            "api_url must be the API root without a path (got path %s): the collection adds "
            "/v2/... itself. For example https://api.apify.com." % shown(parts.path)
        )
    if scheme == "http" and not is_loopback(host):
        raise ApifyConfigError(
            "api_url uses plain http:// to %s, so the token would travel in clear: use https://. "
            "Plain http is accepted only for a loopback address (localhost, 127.0.0.1, ::1)." % host
        )
    netloc = "[%s]" % host if ":" in host else host
    if port is not None:
        netloc += ":%d" % port
    return "%s://%s" % (scheme, netloc)


def check_positive(value, option):
    if value is None or value <= 0:
        raise ApifyConfigError("%s must be greater than 0 (got %s)." % (option, value))
    return value


def check_not_negative(value, option):
    if value is not None and value < 0:
        raise ApifyConfigError("%s must be 0 or more (got %s)." % (option, value))
    return value


def check_concurrency(value):
    if value is None or not 1 <= value <= MAX_CONCURRENCY:
        raise ApifyConfigError("concurrency must be from 1 to %d (got %s)." % (MAX_CONCURRENCY, value))
    return value


# A build tag (latest, beta) or number (0.1.234), as the API's build parameter takes it.
BUILD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def check_build(value, option="build"):
    if value is not None and not (isinstance(value, str) and BUILD_RE.fullmatch(value)):
        raise ApifyConfigError("%s %s is not a build tag or number (for example latest or 0.1.234). Nothing was sent." % (option, shown(value)))
    return value


def check_memory_mbytes(value, option="memory"):
    """Megabytes, a power of 2 from 128 to 32768, as Apify takes a run's memory."""
    if value is not None and (not 128 <= value <= 32768 or value & (value - 1)):
        raise ApifyConfigError("%s must be a power of 2 from 128 to 32768 megabytes, for example 1024 (got %s). Nothing was sent." % (option, value))
    return value


def check_usd(value, option):
    """An amount of US dollars: a finite number greater than 0."""
    if value is not None and not (value > 0 and math.isfinite(value)):
        raise ApifyConfigError("%s must be an amount of US dollars greater than 0 (got %s). Nothing was sent." % (option, value))
    return value
