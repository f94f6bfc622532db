# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP/1.1 to the one host of ``api_url``, on the standard library.

One concern: move a request and its answer over a pool of keep-alive
connections, through a proxy when the environment names one. It knows nothing
of Apify, retries or JSON: ``_client.py`` does.

Why not requests: a module process starts once per task, and requests with
urllib3 costs about 0.05 s of imports and 0.7 ms of CPU per request more than
``http.client`` (``benchmarks/PROFILE.md``), on a path that is all imports and
requests. What requests gave beyond that is done here in a few lines:

* keep-alive: idle connections are kept (at most ``pool_size``), checked for a
  close by the server before reuse, and dropped after any error;
* TLS with the system's CA store (``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` are
  honoured by OpenSSL); ``validate_certs=False`` turns checks off;
* proxies from ``https_proxy`` or ``http_proxy`` (else ``all_proxy``) and
  ``no_proxy``, upper case too, reached with ``CONNECT``, so TLS runs end to end and the proxy never
  sees the token; ``user:password@`` in the proxy URL becomes
  ``Proxy-Authorization``;
* redirects are never followed, and no ``~/.netrc`` is ever read.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import http.client as http_client
import os
import select
import socket
import threading
from urllib.parse import unquote, urlencode, urlsplit

try:
    import ssl
except ImportError:  # pragma: no cover - a Python without TLS: only http:// works
    ssl = None


class HttpError(Exception):
    """No usable answer: the connection failed, broke, or timed out.

    ``timeout`` tells a timeout from the rest. The text names the host, never
    the request's headers.
    """

    def __init__(self, message, timeout=False):
        super().__init__(message)
        self.timeout = timeout


class HttpResponse:
    """A whole answer: status, reason, headers (lower-case names) and the body."""

    __slots__ = ("status", "reason", "headers", "body")

    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)


def _proxy_settings(environ):
    """The ``*_proxy`` variables as ``{scheme: url, "no": hosts}``.

    As in urllib: upper-case names are read first, then lower-case ones, which
    win; an empty lower-case variable removes the upper-case one.
    """
    found = {}
    for name in sorted(environ, key=lambda name: name != name.upper()):
        lower = name.lower()
        if not lower.endswith("_proxy"):
            continue
        key = lower[: -len("_proxy")]
        if environ[name]:
            found[key] = environ[name]
        elif name == lower:
            found.pop(key, None)
    return found


def proxy_for(scheme, host, environ=None):
    """``(host, port, auth)`` of the proxy for ``scheme://host`` from the environment, or None.

    ``<scheme>_proxy`` is used, else ``all_proxy``; ``no_proxy`` names hosts to
    reach directly. ``auth`` is a ``Proxy-Authorization`` value or None. Raises
    ValueError for a proxy this transport cannot use: only an ``http://`` proxy
    can be asked to CONNECT without TLS to the proxy itself.
    """
    settings = _proxy_settings(os.environ if environ is None else environ)
    name = scheme if settings.get(scheme) else "all"
    url = settings.get(name)
    if not url:
        return None
    # Imported only when a proxy is set: urllib.request costs a few hundredths of a second.
    # pylint: disable-next=import-outside-toplevel
    from urllib.request import proxy_bypass_environment

    if proxy_bypass_environment(host, settings):
        return None
    parts = urlsplit(url if "://" in url else "http://" + url)
    # The value itself is never shown: it may hold the proxy's password.
    if parts.scheme != "http":
        raise ValueError(
            "the %s_proxy environment variable names a proxy with the scheme %s; use an http:// proxy (it is asked to CONNECT)." % (name, parts.scheme)
        )
    if not parts.hostname:
        raise ValueError("the %s_proxy environment variable has no host name." % name)
    try:
        port = parts.port or 80
    except ValueError:
        raise ValueError("the %s_proxy environment variable has a port that is not a number from 0 to 65535." % name) from None
    auth = None
    if parts.username is not None:
        pair = "%s:%s" % (unquote(parts.username), unquote(parts.password or ""))
        auth = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return parts.hostname, port, auth


def _dropped(connection):
    """True when an idle keep-alive connection was closed by the server (or has stray bytes)."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True


class HttpTransport:
    """Requests to ``scheme://host:port`` on up to ``pool_size`` kept-alive connections; thread-safe."""

    def __init__(self, base_url, timeout, validate_certs=True, pool_size=1, environ=None):
        parts = urlsplit(base_url)
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if self.scheme == "https" else 80)
        self.timeout = timeout
        self.pool_size = max(1, pool_size)
        self._idle = []
        self._lock = threading.Lock()
        self._context = None
        if self.scheme == "https":
            if ssl is None:  # pragma: no cover
                raise ValueError("this Python has no ssl module, so https:// cannot be used")
            self._context = ssl.create_default_context()
            if not validate_certs:
                self._context.check_hostname = False
                self._context.verify_mode = ssl.CERT_NONE
        self.proxy = proxy_for(self.scheme, self.host, environ)

    @property
    def where(self):
        """The address as shown in messages."""
        shown = "%s:%s" % (self.host, self.port)
        if self.proxy:
            shown += " (through the proxy %s:%s)" % self.proxy[:2]
        return shown

    def _connect(self):
        if self.proxy:
            host, port = self.proxy[:2]
        else:
            host, port = self.host, self.port
        if self._context is not None:
            connection = http_client.HTTPSConnection(host, port, timeout=self.timeout, context=self._context)
        else:
            connection = http_client.HTTPConnection(host, port, timeout=self.timeout)
        if self.proxy:
            headers = {"Proxy-Authorization": self.proxy[2]} if self.proxy[2] else None
            connection.set_tunnel(self.host, self.port, headers=headers)
        return connection

    def _checkout(self):
        with self._lock:
            while self._idle:
                connection = self._idle.pop()
                if not _dropped(connection):
                    return connection
                connection.close()
        return self._connect()

    def _checkin(self, connection):
        with self._lock:
            if len(self._idle) < self.pool_size:
                self._idle.append(connection)
                return
        connection.close()

    def request(self, method, path, params=None, headers=None):
        """Send one request and read the whole answer: an HttpResponse, or HttpError."""
        target = path + ("?" + urlencode(params) if params else "")
        connection = self._checkout()
        try:
            connection.request(method, target, headers=headers or {})
            answer = connection.getresponse()
            body = answer.read()
        except socket.timeout:
            connection.close()
            raise HttpError("no answer from %s within %g s" % (self.where, self.timeout), timeout=True) from None
        except (OSError, http_client.HTTPException, UnicodeError) as exc:  # UnicodeError: a host name IDNA refuses
            connection.close()
            raise HttpError("%s: %s: %s" % (self.where, type(exc).__name__, exc)) from None
        response = HttpResponse(answer.status, answer.reason, {k.lower(): v for k, v in answer.getheaders()}, body)
        if answer.will_close:
            connection.close()
        else:
            self._checkin(connection)
        return response

    def close(self):
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
