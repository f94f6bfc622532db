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

# Apify's API tokens are about 46 characters (apify_api_ and 36 more). The bound is generous so
# that a token format Apify may adopt tomorrow still passes, yet a value no HTTP server takes in
# one header (8 KiB is a common limit for all of them), such as a whole file pasted by mistake, is
# refused before it is sent anywhere.
MAX_TOKEN_CHARS = 512

TOKEN_HELP = (
    "Set the token option, the APIFY_TOKEN environment variable, or module_defaults for group/apify.platform.apify (in AWX: an 'Apify API' credential)."
)


def shown(value, limit=40):
    """A user value, quoted and shortened, for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "...' (%d characters)" % len(value)


# A URL in a piece of text (an exception's message, a header): up to the next whitespace.
URL_IN_TEXT_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")


def _url_parts(url):
    """``(prefix, userinfo, rest, query)`` of a URL, without parsing it (it may not parse).

    The userinfo is everything before the last ``@`` of the authority (a password may hold
    ``@``, ``#``, ``/`` or ``:``, which is why some proxy URLs do not parse); the query
    everything from the first ``?`` after it. A value without ``://`` is taken as
    ``[userinfo@]host...``, as a user may type it.
    """
    scheme, sep, rest = url.partition("://")
    prefix = scheme + sep if sep else ""
    if not sep:
        rest = url
    userinfo = ""
    at = rest.rfind("@")
    if at >= 0:
        userinfo, rest = rest[:at], rest[at + 1 :]
    rest, mark, query = rest.partition("?")
    rest = rest.split("#", 1)[0]
    return prefix, userinfo, rest, query if mark else None


def shown_url(url):
    """A URL as it may be shown in a message: no user name or password, no query, no fragment.

    The one place that decides how a URL (``api_url``, a proxy, a redirect's ``Location``)
    enters a message; a query is replaced by ``?...`` (it may hold a token).
    """
    if not isinstance(url, str):
        return shown(url)
    prefix, dummy, rest, query = _url_parts(url.strip())
    return prefix + rest + ("?..." if query is not None else "")


def url_secrets(url):
    """What ``shown_url()`` strips from ``url`` that may be secret: for ``no_log`` (AnsibleModule.no_log_values)."""
    if not isinstance(url, str) or not url.strip():
        return []
    dummy, userinfo, dummy, query = _url_parts(url.strip())
    found = []
    if userinfo:
        user, colon, password = userinfo.partition(":")
        for value in (userinfo, password if colon else user):
            # Also as a parser that stops at "#", "?" or "/" quotes it ('user:pa' of 'user:pa#ss').
            found += [value, re.split(r"[#?/]", value, maxsplit=1)[0]]
    if query:
        found.append(query)
    return list(dict.fromkeys(value for value in found if value))


def proxy_urls(environ):
    """The proxy URLs requests may read from the environment (``https_proxy``, ``ALL_PROXY``, ...)."""
    return [value for name, value in environ.items() if name.lower().endswith("_proxy") and name.lower() != "no_proxy"]


def without_url_secrets(text):
    """``text`` with every URL in it as ``shown_url()`` shows it (for exception messages)."""
    if not isinstance(text, str) or "://" not in text:
        return text
    return URL_IN_TEXT_RE.sub(lambda match: shown_url(match.group(0)), text)


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
    if len(token) > MAX_TOKEN_CHARS:
        raise ApifyConfigError(
            "The Apify API token is %d characters long; Apify tokens are about 46, and at most %d are accepted "
            "(a file or several values given as the token?). Give the token alone." % (len(token), MAX_TOKEN_CHARS)
        )
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
        raise ApifyConfigError("api_url %s has no scheme: write it as https://HOST, for example https://api.apify.com." % shown(shown_url(url)))
    if url_secrets(url):
        raise ApifyConfigError(
            "api_url %s must not contain credentials, a query string or fragment: give the token in the token option (it never goes in a URL)."
            % shown(shown_url(url), limit=120)
        )
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise ApifyConfigError("api_url %s is not a valid URL: %s." % (shown(shown_url(url), limit=120), without_url_secrets(str(exc))))
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
