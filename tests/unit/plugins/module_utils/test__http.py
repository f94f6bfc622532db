# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""HttpTransport against real servers on 127.0.0.1.

Each test starts a ``ThreadingHTTPServer`` (HTTP/1.1, keep-alive) that records
every connection it accepts, every connection that ends, and every request as it
arrived; some tests put a small ``CONNECT`` proxy in front of it. Nothing leaves
the loopback interface and nothing sleeps: slow answers wait on events that the
test sets, and the only timeouts are fractions of a second.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime
import ipaddress
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from ansible_collections.apify.platform.plugins.module_utils import _http
from ansible_collections.apify.platform.plugins.module_utils._client import ApifyClient
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyTransportError
from ansible_collections.apify.platform.plugins.module_utils._http import HttpError, HttpResponse, HttpTransport, proxy_for

TOKEN = "apify_api_L00pbackT0ken0123456789abcdef"
HEADERS = {"Authorization": "Bearer " + TOKEN, "User-Agent": "apify.platform-ansible-collection/test", "Accept": "application/json"}
WAIT = 5.0  # the longest any event is waited for; only reached when a test fails


def wait_until(condition, what):
    """Wait (on the server's condition variable, never sleeping) until ``condition()`` holds."""
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        threading.Event().wait(0.005)


# --- the loopback server ---------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """Answers by route: the request as JSON by default; see ROUTES for the others."""

    protocol_version = "HTTP/1.1"
    timeout = WAIT  # an idle keep-alive connection is dropped by the server after this
    disable_nagle_algorithm = True  # headers and body go in separate writes: no delayed-ACK stalls

    def setup(self):
        super().setup()
        self.number = self.server.accepted(self.client_address)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def do_GET(self):
        self.answer()

    def do_POST(self):
        self.answer()

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        record = {
            "connection": self.number,
            "peer_port": self.client_address[1],
            "method": self.command,
            "target": self.path,
            "headers": [[name, value] for name, value in self.headers.items()],
            "body": self.rfile.read(length).decode("latin-1") if length else "",
        }
        self.server.record(record)
        route = ROUTES.get(urlsplit(self.path).path, echo)
        route(self, record)

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def echo(handler, record):
    handler.send(200, json.dumps(record).encode("utf-8"), [("Content-Type", "application/json"), ("X-Custom-Thing", "Value")])


def close_after(handler, record):
    handler.send(200, b"{}", [("Connection", "close")])


def drop_when_idle(handler, record):
    # A keep-alive answer, then the server closes the connection anyway (an idle timeout).
    handler.send(200, b"{}")
    handler.close_connection = True


def slow(handler, record):
    if handler.server.release.wait(WAIT):
        handler.send(200, b"{}")


def hold(handler, record):
    handler.server.barrier.wait(WAIT)
    handler.send(200, b"{}")


def redirect(handler, record):
    handler.send(302, b"moved", [("Location", "http://127.0.0.1:%d/v2/elsewhere" % handler.server.server_address[1])])


def chunked(handler, record):
    handler.send_response(200)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    for piece in (b'{"data": ', b'"in two chunks"}'):
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
    handler.wfile.write(b"0\r\n\r\n")


ROUTES = {
    "/close": close_after,
    "/drop-when-idle": drop_when_idle,
    "/slow": slow,
    "/hold": hold,
    "/redirect": redirect,
    "/chunked": chunked,
}


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context=None):
        super().__init__(("127.0.0.1", 0), Handler)
        if context is not None:
            self.socket = context.wrap_socket(self.socket, server_side=True)
        self.port = self.server_address[1]
        self.lock = threading.Lock()
        self.connections = []  # peer address of every accepted connection
        self.closed = 0  # connections that ended
        self.requests = []
        self.release = threading.Event()
        self.barrier = None

    def accepted(self, address):
        with self.lock:
            self.connections.append(address)
            return len(self.connections)

    def record(self, record):
        with self.lock:
            self.requests.append(record)

    def shutdown_request(self, request):
        super().shutdown_request(request)
        with self.lock:
            self.closed += 1

    def handle_error(self, request, client_address):
        pass  # a client that went away (a timeout test): not worth a traceback

    def targets(self):
        return [r["target"] for r in self.requests]


def start(server):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server


@pytest.fixture
def server():
    running = start(LoopbackServer())
    yield running
    running.release.set()
    running.shutdown()
    running.server_close()


@pytest.fixture
def transports():
    """``make(url, **kwargs)`` builds an HttpTransport that is closed after the test."""
    made = []

    def make(url, timeout=WAIT, **kwargs):
        transport = HttpTransport(url, timeout, **kwargs)
        made.append(transport)
        return transport

    yield make
    for transport in made:
        transport.close()


def url_of(server):
    return "http://127.0.0.1:%d" % server.port


def received(response):
    """The request as the echo route saw it, headers as a dict."""
    record = json.loads(response.body.decode("utf-8"))
    record["headers"] = dict(record["headers"])
    return record


def closed_port():
    """A loopback port nothing listens on."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


# --- requests and answers ----------------------------------------------------------------------


def test_get_arrives_as_sent(server, transports):
    transport = transports(url_of(server))
    response = transport.request("GET", "/v2/echo", params={"limit": 10, "status": "RUNNING,READY", "q": "a b&c/\u00fc"}, headers=HEADERS)
    assert isinstance(response, HttpResponse)
    assert (response.status, response.reason) == (200, "OK")
    seen = received(response)
    assert seen["method"] == "GET"
    assert seen["target"] == "/v2/echo?limit=10&status=RUNNING%2CREADY&q=a+b%26c%2F%C3%BC"
    for name, value in HEADERS.items():
        assert seen["headers"][name] == value
    assert seen["headers"]["Host"] == "127.0.0.1:%d" % server.port
    assert "Content-Length" not in seen["headers"]  # a GET has no body
    assert "Proxy-Authorization" not in seen["headers"]
    assert seen["body"] == ""


def test_post_arrives_as_sent_with_content_length_zero(server, transports):
    transport = transports(url_of(server))
    response = transport.request("POST", "/v2/actor-runs/X/reboot", params={"a": "1"}, headers=HEADERS)
    seen = received(response)
    assert (seen["method"], seen["target"]) == ("POST", "/v2/actor-runs/X/reboot?a=1")
    assert seen["headers"]["Content-Length"] == "0"
    assert seen["headers"]["Authorization"] == "Bearer " + TOKEN
    assert seen["body"] == ""


def test_without_params_or_headers(server, transports):
    transport = transports(url_of(server))
    seen = received(transport.request("GET", "/v2/plain"))
    assert seen["target"] == "/v2/plain"
    assert "Authorization" not in seen["headers"]


def test_answer_headers_are_lower_case_and_body_is_bytes(server, transports):
    response = transports(url_of(server)).request("GET", "/v2/echo", headers=HEADERS)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-custom-thing"] == "Value"
    assert all(name == name.lower() for name in response.headers)
    assert response.header("X-CUSTOM-THING") == "Value"
    assert response.header("Retry-After") is None
    assert response.header("Retry-After", "d") == "d"
    assert isinstance(response.body, bytes)
    assert int(response.header("Content-Length")) == len(response.body)


def test_chunked_answer_is_read_whole_and_the_connection_kept(server, transports):
    transport = transports(url_of(server))
    assert transport.request("GET", "/chunked").body == b'{"data": "in two chunks"}'
    transport.request("GET", "/v2/echo")
    assert len(server.connections) == 1


def test_redirect_is_returned_not_followed(server, transports):
    transport = transports(url_of(server))
    response = transport.request("GET", "/redirect", headers=HEADERS)
    assert response.status == 302
    assert response.header("Location") == "http://127.0.0.1:%d/v2/elsewhere" % server.port
    assert response.body == b"moved"
    assert server.targets() == ["/redirect"]


# --- keep-alive and the pool -----------------------------------------------------------------


def test_sequential_requests_share_one_connection(server, transports):
    transport = transports(url_of(server))
    first = received(transport.request("GET", "/v2/one", headers=HEADERS))
    second = received(transport.request("POST", "/v2/two", headers=HEADERS))
    third = received(transport.request("GET", "/v2/three", headers=HEADERS))
    assert len(server.connections) == 1
    assert first["connection"] == second["connection"] == third["connection"] == 1


def test_pool_keeps_at_most_pool_size_idle_connections(server, transports):
    transport = transports(url_of(server), pool_size=2)
    server.barrier = threading.Barrier(5)  # the server answers when all five are in: five connections at once
    results = []
    threads = [threading.Thread(target=lambda: results.append(transport.request("GET", "/hold").status)) for dummy in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert results == [200] * 5
    assert len(server.connections) == 5
    wait_until(lambda: server.closed == 3, "the three connections beyond pool_size to be closed")
    assert len(transport._idle) == 2  # pylint: disable=protected-access
    # The two kept are used again: no new connection.
    transport.request("GET", "/v2/again")
    transport.request("GET", "/v2/again")
    assert len(server.connections) == 5
    assert server.closed == 3


def test_close_ends_idle_connections(server, transports):
    transport = transports(url_of(server))
    transport.request("GET", "/v2/echo")
    assert server.closed == 0
    transport.close()
    wait_until(lambda: server.closed == 1, "the idle connection to be closed")
    transport.request("GET", "/v2/echo")  # still usable: a new connection
    assert len(server.connections) == 2


def test_connection_dropped_by_the_server_while_idle_is_replaced(server, transports):
    transport = transports(url_of(server))
    assert transport.request("GET", "/drop-when-idle", headers=HEADERS).status == 200
    wait_until(lambda: server.closed == 1, "the server to drop the connection")
    response = transport.request("POST", "/v2/actor-runs/X/reboot", headers=HEADERS)  # a POST: not retried, must not fail
    assert response.status == 200
    assert received(response)["connection"] == 2
    assert len(server.connections) == 2


def test_a_dropped_connection_would_fail_without_the_check(server, transports, monkeypatch):
    # Proves the test above tests something: reusing the dropped connection blindly fails.
    monkeypatch.setattr(_http, "_dropped", lambda connection: False)
    transport = transports(url_of(server))
    transport.request("GET", "/drop-when-idle")
    wait_until(lambda: server.closed == 1, "the server to drop the connection")
    with pytest.raises(HttpError) as info:
        transport.request("GET", "/v2/echo")
    assert info.value.timeout is False
    assert info.value.args[0].startswith("127.0.0.1:%d: " % server.port)


def test_connection_close_answers_are_not_reused(server, transports):
    transport = transports(url_of(server))
    first = transport.request("GET", "/close")
    assert first.header("Connection") == "close"
    transport.request("GET", "/close")
    assert len(server.connections) == 2
    assert transport._idle == []  # pylint: disable=protected-access


def test_many_threads_share_the_pool(server, transports):
    transport = transports(url_of(server), pool_size=8)
    failures = []

    def work(worker):
        for number in range(25):
            try:
                tag = "%d-%d" % (worker, number)
                response = transport.request("GET", "/v2/echo", params={"tag": tag}, headers=HEADERS)
                assert response.status == 200
                assert received(response)["target"] == "/v2/echo?tag=" + tag  # each thread gets its own answer
            except Exception as exc:  # pylint: disable=broad-except
                failures.append(repr(exc))

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * WAIT)
    assert failures == []
    assert len(server.requests) == 200
    # A thread holds one connection at a time and the pool keeps all eight: never more than eight.
    assert 1 <= len(server.connections) <= 8


def test_many_threads_with_a_small_pool(server, transports):
    transport = transports(url_of(server), pool_size=2)
    failures = []

    def work():
        for dummy in range(10):
            try:
                assert transport.request("GET", "/v2/echo").status == 200
            except Exception as exc:  # pylint: disable=broad-except
                failures.append(repr(exc))

    threads = [threading.Thread(target=work) for dummy in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * WAIT)
    assert failures == []
    assert len(server.requests) == 60
    assert len(transport._idle) <= 2  # pylint: disable=protected-access


# --- failures ------------------------------------------------------------------------------


def test_timeout_is_an_http_error_naming_host_and_timeout(server, transports):
    transport = transports(url_of(server), timeout=0.2)
    started = time.monotonic()
    with pytest.raises(HttpError) as info:
        transport.request("GET", "/slow", headers=HEADERS)
    assert time.monotonic() - started < 2
    assert info.value.timeout is True
    assert str(info.value) == "no answer from 127.0.0.1:%d within 0.2 s" % server.port
    assert TOKEN not in str(info.value)
    # The timed-out connection is not put back: the next request gets a new one.
    server.release.set()
    assert transport.request("GET", "/v2/echo").status == 200
    assert len(server.connections) == 2


def test_refused_connection_is_an_http_error(transports):
    port = closed_port()
    transport = transports("http://127.0.0.1:%d" % port)
    with pytest.raises(HttpError) as info:
        transport.request("GET", "/v2/actor-runs/X", headers=HEADERS)
    assert info.value.timeout is False
    assert str(info.value).startswith("127.0.0.1:%d: ConnectionRefusedError: " % port)
    assert TOKEN not in str(info.value)


def test_host_name_idna_refuses_is_an_http_error(transports):
    # Nothing is looked up: encoding the 64-letter label fails before any DNS query.
    transport = transports("https://%s.example" % ("a" * 64))
    with pytest.raises(HttpError) as info:
        transport.request("GET", "/v2/actor-runs/X", headers=HEADERS)
    assert info.value.timeout is False
    message = str(info.value)
    assert message.startswith("%s.example:443: Unicode" % ("a" * 64))  # UnicodeError, UnicodeEncodeError on Python 3.13
    assert "label" in message


def test_http_error_defaults():
    assert HttpError("x").timeout is False
    assert HttpError("x", timeout=True).timeout is True
    assert str(HttpError("some text")) == "some text"


# --- through ApifyClient -------------------------------------------------------------------------


def test_client_end_to_end_sends_the_token_only_in_the_authorization_header(server):
    client = ApifyClient(url_of(server), token=TOKEN, timeout=WAIT)
    try:
        seen = client.get("/v2/echo", params={"limit": 2, "status": "RUNNING"})
        posted = client.post("/v2/actor-runs/X/reboot")
    finally:
        client.transport.close()
    for record in (seen, posted):
        headers = dict(record["headers"])
        assert headers["Authorization"] == "Bearer " + TOKEN
        assert [name for name, value in headers.items() if TOKEN in value] == ["Authorization"]
        assert TOKEN not in record["target"]
    assert seen["target"] == "/v2/echo?limit=2&status=RUNNING"
    assert dict(posted["headers"])["Content-Length"] == "0"
    assert seen["connection"] == posted["connection"]


def test_client_reads_no_netrc(server, tmp_path, monkeypatch):
    (tmp_path / ".netrc").write_text("machine 127.0.0.1 login someone password netrc-secret\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    client = ApifyClient(url_of(server), token=None, timeout=WAIT)
    try:
        seen = client.get("/v2/echo")
    finally:
        client.transport.close()
    assert "Authorization" not in dict(seen["headers"])


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_client_error_on_refused_connection_never_holds_the_token(method):
    port = closed_port()
    client = ApifyClient("http://127.0.0.1:%d" % port, token=TOKEN, timeout=WAIT, retries=0)
    with pytest.raises(ApifyTransportError) as info:
        client.request(method, "/v2/actor-runs/X", idempotent=(method == "GET"))
    message = str(info.value)
    assert message.startswith("%s /v2/actor-runs/X failed: 127.0.0.1:%d: ConnectionRefusedError: " % (method, port))
    assert info.value.timeout is False
    for text in (message, repr(info.value.to_dict()), repr(info.value.__cause__), repr(info.value.__context__)):
        assert TOKEN not in text


def test_client_error_on_timeout_names_the_host_and_the_timeout(server):
    client = ApifyClient(url_of(server), token=TOKEN, timeout=0.2, retries=0)
    try:
        with pytest.raises(ApifyTransportError) as info:
            client.get("/slow")
    finally:
        server.release.set()
        client.transport.close()
    assert str(info.value) == "GET /slow timed out: no answer from 127.0.0.1:%d within 0.2 s" % server.port
    assert info.value.timeout is True
    assert TOKEN not in repr(info.value.to_dict())


# --- proxies from the environment ----------------------------------------------------------------


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({}, None),
        ({"https_proxy": "http://proxy.example:3128"}, ("proxy.example", 3128, None)),
        ({"HTTPS_PROXY": "http://proxy.example:3128"}, ("proxy.example", 3128, None)),
        ({"HTTPS_PROXY": "http://upper.example:1", "https_proxy": "http://lower.example:2"}, ("lower.example", 2, None)),
        ({"https_proxy": "http://lower.example:2", "HTTPS_PROXY": "http://upper.example:1"}, ("lower.example", 2, None)),
        ({"https_proxy": "proxy.example:3128"}, ("proxy.example", 3128, None)),  # no scheme: http://
        ({"https_proxy": "http://proxy.example"}, ("proxy.example", 80, None)),
        ({"https_proxy": "http://proxy.example:3128/"}, ("proxy.example", 3128, None)),
        ({"https_proxy": "http://PROXY.Example:3128"}, ("proxy.example", 3128, None)),
        ({"https_proxy": ""}, None),  # set but empty: no proxy
        ({"HTTPS_PROXY": "http://upper.example:1", "https_proxy": ""}, None),  # an empty lower-case name removes it, as in urllib
        ({"https_proxy": "http://lower.example:2", "HTTPS_PROXY": ""}, ("lower.example", 2, None)),
        ({"all_proxy": "http://all.example:3128"}, ("all.example", 3128, None)),
        ({"ALL_PROXY": "http://all.example:3128"}, ("all.example", 3128, None)),
        ({"all_proxy": "http://all.example:1", "https_proxy": "http://secure.example:2"}, ("secure.example", 2, None)),
        ({"http_proxy": "http://proxy.example:3128"}, None),  # only for http://
        ({"ftp_proxy": "http://proxy.example:21"}, None),
        ({"https_proxy": "http://user:pw@proxy.example:3128"}, ("proxy.example", 3128, basic("user", "pw"))),
        ({"https_proxy": "http://us%40er:p%3Aw%2F@proxy.example:3128"}, ("proxy.example", 3128, basic("us@er", "p:w/"))),
        ({"https_proxy": "http://user@proxy.example:3128"}, ("proxy.example", 3128, basic("user", ""))),
        ({"https_proxy": "http://\u00fcser:p\u00e4ss@proxy.example:3128"}, ("proxy.example", 3128, basic("\u00fcser", "p\u00e4ss"))),
    ],
)
def test_proxy_for_reads_the_environment(environ, expected):
    assert proxy_for("https", "api.apify.com", environ) == expected


def test_proxy_for_http_uses_http_proxy():
    environ = {"http_proxy": "http://plain.example:8080", "https_proxy": "http://secure.example:3128"}
    assert proxy_for("http", "api.apify.com", environ) == ("plain.example", 8080, None)
    assert proxy_for("https", "api.apify.com", environ) == ("secure.example", 3128, None)


@pytest.mark.parametrize(
    "no_proxy, host, bypassed",
    [
        ("api.apify.com", "api.apify.com", True),
        ("apify.com", "api.apify.com", True),  # a domain covers its subdomains
        (".apify.com", "api.apify.com", True),
        ("example.com,apify.com", "api.apify.com", True),
        ("example.com, apify.com", "api.apify.com", True),
        ("*", "api.apify.com", True),
        ("*", "127.0.0.1", True),
        ("127.0.0.1", "127.0.0.1", True),
        ("localhost", "api.apify.com", False),
        ("pify.com", "api.apify.com", False),  # a suffix, but not a domain
        ("other.apify.com", "api.apify.com", False),
        ("", "api.apify.com", False),
    ],
)
@pytest.mark.parametrize("name", ["no_proxy", "NO_PROXY"])
def test_no_proxy_bypasses_the_proxy(no_proxy, host, bypassed, name):
    environ = {"https_proxy": "http://proxy.example:3128", name: no_proxy}
    expected = None if bypassed else ("proxy.example", 3128, None)
    assert proxy_for("https", host, environ) == expected


NOT_HTTP = "names a proxy with the scheme %s; use an http:// proxy (it is asked to CONNECT)."
BAD_PORT = "has a port that is not a number from 0 to 65535."


@pytest.mark.parametrize(
    "name, url, problem",
    [
        ("https_proxy", "https://proxy.example:3128", NOT_HTTP % "https"),
        ("https_proxy", "socks5://proxy.example:1080", NOT_HTTP % "socks5"),
        ("HTTPS_PROXY", "socks5h://user:pw-secret@proxy.example:1080", NOT_HTTP % "socks5h"),
        ("all_proxy", "socks5://user:pw-secret@proxy.example:1080", NOT_HTTP % "socks5"),
        ("https_proxy", "http://user:pw-secret@:3128", "has no host name."),
        ("https_proxy", "http://user:pw-secret@proxy.example:port", BAD_PORT),
        ("https_proxy", "http://user:pw-secret@proxy.example:99999", BAD_PORT),
    ],
)
def test_unusable_proxy_is_a_clear_value_error(name, url, problem):
    with pytest.raises(ValueError) as info:
        proxy_for("https", "api.apify.com", {name: url})
    shown_name = "all_proxy" if name == "all_proxy" else "https_proxy"
    assert str(info.value) == "the %s environment variable %s" % (shown_name, problem)
    assert "pw-secret" not in str(info.value)  # the value may hold the proxy's password: never shown
    with pytest.raises(ValueError):
        HttpTransport("https://api.apify.com", 1.0, environ={name: url})


def test_unusable_proxy_is_fine_when_bypassed():
    assert proxy_for("https", "api.apify.com", {"https_proxy": "socks5://p:1", "no_proxy": "apify.com"}) is None


def test_proxy_for_reads_os_environ_by_default(monkeypatch):
    assert proxy_for("https", "api.apify.com") is None
    monkeypatch.setenv("https_proxy", "http://from-env.example:3128")
    assert proxy_for("https", "api.apify.com") == ("from-env.example", 3128, None)
    assert HttpTransport("https://api.apify.com", 1.0).proxy == ("from-env.example", 3128, None)
    assert HttpTransport("https://api.apify.com", 1.0, environ={}).proxy is None  # an explicit environment wins


def test_where_names_the_proxy_but_not_its_credentials():
    transport = HttpTransport("https://api.apify.com", 1.0, environ={"https_proxy": "http://user:pw-secret@proxy.example:3128"})
    assert transport.where == "api.apify.com:443 (through the proxy proxy.example:3128)"


# --- a real CONNECT proxy ------------------------------------------------------------------------


class ConnectProxy:
    """A loopback proxy that answers CONNECT and then pipes bytes both ways; it records what it saw."""

    def __init__(self, require=None):
        self.require = require  # a Proxy-Authorization value, or None
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.heads = []  # each CONNECT request, request line and headers
        self.upstream_ports = []  # local port of each connection made to the target
        self.sockets = [self.listener]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, dummy = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.sockets.append(client)
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client):
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                client.close()
                return
            head += chunk
        head, rest = head.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = dict((name.strip().lower(), value.strip()) for name, value in (line.split(":", 1) for line in lines[1:]))
        with self.lock:
            self.heads.append({"line": lines[0], "headers": headers, "raw": head})
        method, target = lines[0].split()[:2]
        if method != "CONNECT":
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            client.close()
            return
        if self.require is not None and headers.get("proxy-authorization") != self.require:
            client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            client.close()
            return
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)), timeout=WAIT)
        with self.lock:
            self.sockets.append(upstream)
            self.upstream_ports.append(upstream.getsockname()[1])
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        if rest:
            upstream.sendall(rest)
        threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()
        self._pipe(client, upstream)

    @staticmethod
    def _pipe(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        try:
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self):
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.close()
                except OSError:
                    pass


@pytest.fixture
def proxy():
    made = []

    def make(require=None):
        running = ConnectProxy(require)
        made.append(running)
        return running

    yield make
    for running in made:
        running.close()


def test_requests_go_through_a_connect_tunnel(server, proxy, transports):
    tunnel = proxy(require=basic("user", "pw"))
    transport = transports(url_of(server), environ={"http_proxy": "http://user:pw@127.0.0.1:%d" % tunnel.port})
    assert transport.proxy == ("127.0.0.1", tunnel.port, basic("user", "pw"))
    first = received(transport.request("GET", "/v2/actor-runs/X", params={"a": "b"}, headers=HEADERS))
    second = received(transport.request("POST", "/v2/actor-runs/X/reboot", headers=HEADERS))
    # The proxy was asked once to CONNECT to the server, with the proxy's credentials...
    assert len(tunnel.heads) == 1
    (head,) = tunnel.heads
    assert head["line"] in ("CONNECT 127.0.0.1:%d HTTP/1.0" % server.port, "CONNECT 127.0.0.1:%d HTTP/1.1" % server.port)
    assert head["headers"]["proxy-authorization"] == basic("user", "pw")
    # ...and never saw the request's own headers: they went inside the tunnel.
    assert "authorization" not in head["headers"]
    assert TOKEN.encode("ascii") not in head["raw"]
    assert "user-agent" not in head["headers"] or head["headers"]["user-agent"] != HEADERS["User-Agent"]
    # The server got both requests over the one tunnelled connection, as origin-form targets.
    assert server.connections == [("127.0.0.1", tunnel.upstream_ports[0])]
    assert first["target"] == "/v2/actor-runs/X?a=b"
    assert second["target"] == "/v2/actor-runs/X/reboot"
    assert first["headers"]["Authorization"] == second["headers"]["Authorization"] == "Bearer " + TOKEN
    assert "Proxy-Authorization" not in first["headers"]
    assert first["headers"]["Host"] == "127.0.0.1:%d" % server.port


def test_proxy_without_credentials_gets_no_proxy_authorization(server, proxy, transports):
    tunnel = proxy()
    transport = transports(url_of(server), environ={"HTTP_PROXY": "127.0.0.1:%d" % tunnel.port})
    assert transport.request("GET", "/v2/echo", headers=HEADERS).status == 200
    (head,) = tunnel.heads
    assert "proxy-authorization" not in head["headers"]
    assert len(server.connections) == 1


def test_proxy_refusing_the_tunnel_is_an_http_error_without_credentials(server, proxy, transports):
    tunnel = proxy(require=basic("user", "right"))
    transport = transports(url_of(server), environ={"http_proxy": "http://user:wrong-secret@127.0.0.1:%d" % tunnel.port})
    with pytest.raises(HttpError) as info:
        transport.request("GET", "/v2/echo", headers=HEADERS)
    message = str(info.value)
    assert info.value.timeout is False
    assert message.startswith("127.0.0.1:%d (through the proxy 127.0.0.1:%d): " % (server.port, tunnel.port))
    assert "407" in message
    assert "wrong-secret" not in message and basic("user", "wrong-secret") not in message
    assert server.requests == []


def test_unreachable_proxy_is_an_http_error_naming_it(server, transports):
    port = closed_port()
    transport = transports(url_of(server), environ={"http_proxy": "http://user:pw-secret@127.0.0.1:%d" % port})
    with pytest.raises(HttpError) as info:
        transport.request("GET", "/v2/echo", headers=HEADERS)
    assert str(info.value).startswith("127.0.0.1:%d (through the proxy 127.0.0.1:%d): ConnectionRefusedError" % (server.port, port))
    assert "pw-secret" not in str(info.value)
    assert server.requests == []


def test_no_proxy_sends_the_request_directly(server, transports):
    port = closed_port()  # the proxy would fail: the request must not go there
    transport = transports(url_of(server), environ={"http_proxy": "http://127.0.0.1:%d" % port, "no_proxy": "127.0.0.1"})
    assert transport.proxy is None
    assert transport.request("GET", "/v2/echo").status == 200


# --- TLS ---------------------------------------------------------------------------------------


def make_certificates(directory):
    """A CA and a server certificate for 127.0.0.1 signed by it, as PEM files."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import ec  # pylint: disable=import-outside-toplevel
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # pylint: disable=import-outside-toplevel

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "apify.platform test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = directory / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file = directory / "server.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file = directory / "server.key"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return ca_file, cert_file, key_file


@pytest.fixture
def tls_server(tmp_path):
    ca_file, cert_file, key_file = make_certificates(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert_file), str(key_file))
    running = start(LoopbackServer(context))
    running.ca_file = ca_file
    yield running
    running.release.set()
    running.shutdown()
    running.server_close()


def test_tls_certificate_is_checked(tls_server, transports):
    transport = transports("https://127.0.0.1:%d" % tls_server.port)
    with pytest.raises(HttpError) as info:
        transport.request("GET", "/v2/echo", headers=HEADERS)
    assert info.value.timeout is False
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
    assert str(info.value).startswith("127.0.0.1:%d: SSLCertVerificationError: " % tls_server.port)
    assert tls_server.requests == []


def test_validate_certs_false_accepts_any_certificate(tls_server, transports):
    transport = transports("https://127.0.0.1:%d" % tls_server.port, validate_certs=False)
    first = received(transport.request("GET", "/v2/echo", headers=HEADERS))
    second = received(transport.request("GET", "/v2/echo", headers=HEADERS))
    assert first["headers"]["Authorization"] == "Bearer " + TOKEN
    assert first["connection"] == second["connection"] == 1  # keep-alive over TLS too


def test_ssl_cert_file_names_the_trusted_cas(tls_server, transports, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.ca_file))
    transport = transports("https://127.0.0.1:%d" % tls_server.port)
    assert transport.request("GET", "/v2/echo", headers=HEADERS).status == 200


def test_client_validate_certs_reaches_the_real_transport(tls_server):
    url = "https://127.0.0.1:%d" % tls_server.port
    with pytest.raises(ApifyTransportError) as info:
        ApifyClient(url, token=TOKEN, timeout=WAIT, retries=0).get("/v2/echo")
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
    client = ApifyClient(url, token=TOKEN, timeout=WAIT, validate_certs=False)
    try:
        assert client.get("/v2/echo")["method"] == "GET"
    finally:
        client.transport.close()
