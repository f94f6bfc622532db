# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ``requests.Session`` the client talks through, set up for one API host.

One concern: how bytes get to ``api_url`` and back. It knows nothing of Apify,
retries or JSON (``_client.py`` does).

* The token goes only into the ``Authorization`` header, set by an ``AuthBase``
  so that ``~/.netrc`` can never replace it (requests reads netrc only for a
  session without ``auth``); without a token a no-op ``AuthBase`` keeps netrc
  out as well.
* ``trust_env`` stays on, so proxies (``https_proxy``, ``no_proxy``, ...) and CA
  bundles (``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``, and ``SSL_CERT_FILE`` or
  ``SSL_CERT_DIR``) from the environment work as requests users expect; but a
  loopback ``api_url`` is never sent through a proxy, and
  ``validate_certs=false`` is never overridden by a CA bundle variable.
* One pool of at most ``pool_size`` kept-alive connections; urllib3 checks an
  idle connection before reuse and drops it if the server closed it or sent
  bytes nobody asked for. ``reset()`` drops every idle connection: the client
  calls it when an answer left a connection's state unclear.
* Every pool, direct or through a proxy, honours ``_deadline.deadline()``,
  which bounds a whole request, connect to last byte (``ApifyAdapter``).
  Redirects are never followed (``allow_redirects=False`` in the client).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import queue
import ssl
from urllib.parse import urlsplit

try:
    import requests
    from requests.adapters import HTTPAdapter
    from requests.auth import AuthBase
    from requests.sessions import merge_setting
    from requests.structures import CaseInsensitiveDict
    from urllib3.exceptions import ClosedPoolError, NewConnectionError, ProxyError as Urllib3ProxyError, SSLError as Urllib3SSLError

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by sanity's import test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc
    requests = None
    HTTPAdapter = AuthBase = object
    merge_setting = CaseInsensitiveDict = None
    ClosedPoolError = NewConnectionError = Urllib3ProxyError = Urllib3SSLError = None

from ansible_collections.apify.platform.plugins.module_utils._deadline import with_deadlines
from ansible_collections.apify.platform.plugins.module_utils._options import is_loopback

# Variables naming a CA bundle, in the order requests (then OpenSSL) reads them.
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")


class BearerAuth(AuthBase):
    """``Authorization: Bearer <token>`` on every request; with no token, nothing (and no netrc)."""

    def __init__(self, token=None):
        self._header = "Bearer %s" % token if token else None

    def __call__(self, request):
        if self._header:
            request.headers["Authorization"] = self._header
        return request

    def __repr__(self):
        return "BearerAuth(%s)" % ("token set" if self._header else "no token")


def never_sent(exc):
    """True when a requests exception means the request cannot have left.

    No connection was made, the proxy refused the tunnel, a proxy URL did not
    parse, the server's certificate was refused, the SOCKS library is missing,
    or the pool was closed before it handed out a connection: in each case no
    byte of the request itself went out.
    """
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL)):
        return True
    first = exc.args[0] if exc.args else None
    if isinstance(first, ClosedPoolError):  # raised by the pool's _get_conn, before any connection is used
        return True
    reason = getattr(first, "reason", None)
    if isinstance(reason, (NewConnectionError, Urllib3ProxyError)):
        return True
    return isinstance(reason, Urllib3SSLError) and bool(reason.args) and isinstance(reason.args[0], ssl.SSLCertVerificationError)


def is_ca_bundle_error(exc):
    """True for the OSError requests raises when a CA bundle (or client certificate) path does not exist.

    requests checks those paths before it takes a connection: nothing was sent.
    """
    return isinstance(exc, OSError) and str(exc).startswith(("Could not find a suitable TLS CA certificate bundle", "Could not find the TLS "))


class ApifyAdapter(HTTPAdapter):
    """requests' HTTPAdapter whose pools (direct and through proxies) honour ``deadline()``."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        with_deadlines(self.poolmanager)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        return with_deadlines(super().proxy_manager_for(proxy, **proxy_kwargs))


def _no_redirect_target(_response):
    return None


def verify_setting(validate_certs, environ=None):
    """What requests' ``verify`` gets: False, a CA bundle path from the environment, or True."""
    if not validate_certs:
        return False
    environ = os.environ if environ is None else environ
    for name in CA_BUNDLE_VARIABLES:
        if environ.get(name):
            return environ[name]
    return True


class Session:
    """A ``requests.Session`` for one ``api_url`` and the settings each request needs."""

    def __init__(self, api_url, token=None, validate_certs=True, pool_size=1, session=None, environ=None):
        self.api_url = api_url
        parts = urlsplit(api_url)
        self.host = parts.hostname
        self.netloc = parts.netloc  # for messages: api_url never holds credentials (_options)
        self.verify = verify_setting(validate_certs, environ)
        self.direct = is_loopback(self.host)
        self.requests = session or requests.Session()
        self._settings = None  # proxies, CA bundle: from the environment, at the first request
        self.requests.auth = BearerAuth(token)
        # Even with allow_redirects=False requests reads a redirect's whole body (to find the
        # next hop for Response.next); with no target it leaves the body to the client's bounds.
        self.requests.get_redirect_target = _no_redirect_target
        if session is None:
            adapter = ApifyAdapter(pool_connections=1, pool_maxsize=max(1, pool_size), max_retries=0)
            self.requests.mount("https://", adapter)
            self.requests.mount("http://", adapter)

    def proxies(self):
        """Per request (requests changes the dict it is given): None for every scheme on loopback."""
        return {"http": None, "https": None, "all": None} if self.direct else {}

    def send(self, method, path, params, headers, timeout, data=None):
        """Start one request (``data``: the body's bytes); the answer's body is left to read (``stream=True``).

        What ``Session.request`` does, less its per-request look-ups that cannot
        change within a module run: the proxies and CA bundle from the
        environment are found once, for ``api_url`` (every request goes to its
        host), and the request is prepared with the session's headers, cookies,
        hooks and auth (the Bearer ``AuthBase``, so never netrc).
        """
        session = self.requests
        if self._settings is None:
            self._settings = session.merge_environment_settings(self.api_url, self.proxies(), True, self.verify, None)
        settings = self._settings
        prepared = requests.PreparedRequest()
        prepared.prepare(
            method=method,
            url=self.api_url + path,
            headers=merge_setting(headers, session.headers, dict_class=CaseInsensitiveDict),
            params=params,
            data=data,
            auth=session.auth,
            cookies=session.cookies,
            hooks=session.hooks,
        )
        return session.send(
            prepared,
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
            verify=settings["verify"],
            cert=settings["cert"],
            proxies=dict(settings["proxies"]),
        )

    def reset(self):
        """Drop every idle connection; the pools stay open.

        Closing the pools (``adapter.close()``) would fail the requests of
        other threads that hold one with ClosedPoolError. A connection in use
        is not touched: it goes back to its pool when its answer has been read
        whole, or is closed.
        """
        for adapter in list(self.requests.adapters.values()):
            if not isinstance(adapter, HTTPAdapter):
                adapter.close()  # an adapter of the caller's session whose pools we do not know
                continue
            for manager in [adapter.poolmanager] + list(adapter.proxy_manager.values()):
                for key in manager.pools.keys():
                    pool = manager.pools.get(key)
                    if pool is not None:
                        _drop_idle(pool)

    def close(self):
        self.requests.close()


def _drop_idle(pool):
    """Close the idle connections of a urllib3 pool and leave their places empty, for new ones."""
    idle = pool.pool
    if idle is None:  # closed
        return
    taken = []
    try:
        while True:
            taken.append(idle.get(block=False))
    except queue.Empty:
        pass
    for connection in taken:
        if connection is not None:
            connection.close()
        try:
            idle.put(None, block=False)
        except queue.Full:  # another thread returned a connection meanwhile: it has the place
            pass
