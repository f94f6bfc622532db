# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``_session.py`` and ``ApifyClient`` on the wire, against real servers on loopback.

Each test starts its own small HTTP/1.1 server on a raw socket (one thread per
connection, TCP_NODELAY), scripted per test: it counts the connections it
accepts and those that end, and records every request as it arrived, so the
tests are judged by what the server saw. Some tests put a logging proxy in front
(``CONNECT`` tunnels, and absolute-form requests it answers itself), or serve
TLS with certificates made here. Nothing leaves the loopback interface: the one
name that is not loopback, ``api.apify.example``, resolves to 127.0.0.1 only
inside the test process (``resolve_example`` patches ``socket.getaddrinfo``).
Every wait is bounded (``WAIT``); deadlines under test are 0.5 to 1 s.

No conftest is used: fixtures and helpers are all in this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import ipaddress
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib

import pytest
import requests
import urllib3

from ansible_collections.apify.platform.plugins.module_utils import _deadline, _session
from ansible_collections.apify.platform.plugins.module_utils._answers import MAX_ANSWER_BYTES, MAX_JSON_DEPTH
from ansible_collections.apify.platform.plugins.module_utils._client import ApifyClient
from ansible_collections.apify.platform.plugins.module_utils._deadline import deadline
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyResponseError, ApifyTransportError
from ansible_collections.apify.platform.plugins.module_utils._runs import get_run
from ansible_collections.apify.platform.plugins.module_utils._session import (
    BearerAuth,
    Session,
    is_loopback,
    verify_setting,
)

TOKEN = "apify_api_L00pbackT0ken0123456789abcdef"
WAIT = 5.0  # the longest anything is waited for; reached only when a test fails
EXAMPLE = "api.apify.example"  # resolves to 127.0.0.1 in this process only (resolve_example)
HINT = "Check api_url (or APIFY_API_BASE_URL), that the API is reachable from this host, and any proxy (https_proxy, no_proxy)."
ENVIRONMENT = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "NETRC",
)


def no_sleep(seconds):
    pass


def run_document(run_id):
    return {
        "data": {
            "id": run_id,
            "actId": "LoopActor00000001",
            "status": "RUNNING",
            "startedAt": "2026-01-01T00:00:00.000Z",
            "stats": {"rebootCount": 0},
            "options": {},
            "buildId": "LoopBuild00000001",
        }
    }


# --- the loopback server ---------------------------------------------------------------------


class Request:
    def __init__(self, connection, method, target, headers, body):
        self.connection = connection  # the number of the connection it came on, from 1
        self.method = method
        self.target = target
        self.headers = headers  # lower-case names
        self.body = body


class Connection:
    """One accepted connection, as a handler sees it."""

    def __init__(self, server, sock, number):
        self.server = server
        self.sock = sock
        self.number = number
        self.buffer = b""
        self.sent = 0  # body bytes a streaming handler got out

    def read_request(self):
        while b"\r\n\r\n" not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buffer += data
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, target = lines[0].split(" ")[:2]
        headers = {}
        for line in lines[1:]:
            name, dummy, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        while len(self.buffer) < length:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buffer += data
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return Request(self.number, method, target, headers, body)

    def send(self, data):
        self.sock.sendall(data)

    def reply(self, status=200, body=b"{}", headers=(), reason="OK"):
        self.send(answer_bytes(status, body, headers, reason))

    def until_closed(self):
        """Wait (reading nothing) until the client closes the connection; True if it did within WAIT."""
        try:
            while self.sock.recv(65536):
                pass
            return True
        except OSError:
            return False

    def pause(self, seconds):
        """Sleep, unless the server is being stopped; True when the handler should go on."""
        return not self.server.stopping.wait(seconds)

    def drip(self, data, every):
        """Send ``data`` a byte at a time; False once the client has gone."""
        for index in range(len(data)):
            if not self.pause(every):
                return False
            try:
                self.send(data[index : index + 1])
            except OSError:
                return False
        return True

    def stream(self, chunk, limit, chunked=False):
        """Send ``chunk`` until ``limit`` bytes or the client goes; counts what went out in ``sent``."""
        piece = b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk
        try:
            while self.sent < limit:
                self.send(piece)
                self.sent += len(chunk)
            if chunked:
                self.send(b"0\r\n\r\n")
        except OSError:
            pass


def answer_bytes(status=200, body=b"{}", headers=(), reason="OK", length=True):
    if not isinstance(body, bytes):
        body = json.dumps(body).encode("utf-8")
    names = [name.lower() for name, value in headers]
    lines = ["HTTP/1.1 %d %s" % (status, reason)] + ["%s: %s" % header for header in headers]
    if length and "content-length" not in names and "transfer-encoding" not in names:
        lines.append("Content-Length: %d" % len(body))
    if "content-type" not in names:
        lines.append("Content-Type: application/json")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def echo(connection, request):
    connection.reply(200, {"connection": connection.number, "method": request.method, "target": request.target, "headers": request.headers})


class Server:
    """A scripted HTTP/1.1 server on loopback.

    ``handler(connection, request)`` answers each request (``connection.reply``,
    or bytes of its own); it returns False to close the connection afterwards.
    """

    def __init__(self, handler=echo, host="127.0.0.1", tls=None):
        self.handler = handler
        self.tls = tls
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.listener = socket.socket(family, socket.SOCK_STREAM)
        self.listener.bind((host, 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.host = host
        self.condition = threading.Condition()
        self.stopping = threading.Event()
        self.accepted = 0
        self.closed = 0
        self.requests = []
        self.handshake_failures = 0
        self.sockets = []
        self.connections = []
        self.barrier = None
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self):
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "%s://%s:%d" % ("https" if self.tls else "http", host, self.port)

    def _accept(self):
        while True:
            try:
                sock, dummy = self.listener.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(WAIT)
            with self.condition:
                self.accepted += 1
                number = self.accepted
                self.sockets.append(sock)
            threading.Thread(target=self._serve, args=(sock, number), daemon=True).start()

    def _serve(self, sock, number):
        try:
            if self.tls is not None:
                try:
                    sock = self.tls.wrap_socket(sock, server_side=True)
                except (OSError, ssl.SSLError):
                    with self.condition:
                        self.handshake_failures += 1
                    return
                with self.condition:
                    self.sockets.append(sock)
            connection = Connection(self, sock, number)
            with self.condition:
                self.connections.append(connection)
            while not self.stopping.is_set():
                request = connection.read_request()
                if request is None:
                    break
                with self.condition:
                    self.requests.append(request)
                    self.condition.notify_all()
                if self.handler(connection, request) is False:
                    break
        except (OSError, ValueError, threading.BrokenBarrierError):
            pass
        finally:
            close(sock)
            with self.condition:
                self.closed += 1
                self.condition.notify_all()

    def wait_for(self, condition, what, within=WAIT):
        with self.condition:
            assert self.condition.wait_for(condition, within), "timed out waiting for " + what

    def stop(self):
        self.stopping.set()
        close(self.listener)
        with self.condition:
            sockets = list(self.sockets)
        for sock in sockets:
            close(sock)


def close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


@pytest.fixture
def serve():
    """``serve(handler, host=..., tls=...)`` starts a Server, stopped after the test."""
    started = []

    def start(handler=echo, **kwargs):
        server = Server(handler, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def clients():
    """``clients(url, **kwargs)`` makes an ApifyClient (token, retries=0, no sleeping) closed after the test."""
    made = []

    def make(url, **kwargs):
        kwargs.setdefault("token", TOKEN)
        kwargs.setdefault("timeout", WAIT)
        kwargs.setdefault("retries", 0)
        kwargs.setdefault("sleep", no_sleep)
        client = ApifyClient(url, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No proxy, CA bundle or netrc from the machine; HOME is an empty directory."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def resolve_example(monkeypatch):
    """``api.apify.example`` resolves to 127.0.0.1 in this process; every lookup of it is counted."""
    real = socket.getaddrinfo
    lookups = []

    def getaddrinfo(host, *args, **kwargs):
        if host == EXAMPLE:
            lookups.append(host)
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


def closed_port():
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def ipv6_loopback():
    try:
        probe = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        probe.bind(("::1", 0))
        probe.close()
        return True
    except OSError:
        return False


# --- the token: only ever as Bearer, never replaced by netrc -------------------------------------


@pytest.fixture
def netrc(clean_environment, monkeypatch):
    """A netrc with credentials for 127.0.0.1, where requests looks for one (HOME and NETRC)."""
    path = clean_environment / ".netrc"
    path.write_text("machine 127.0.0.1 login someone password netrc-secret\nmachine localhost login someone password netrc-secret\n")
    path.chmod(0o600)
    monkeypatch.setenv("NETRC", str(path))
    return path


def test_the_netrc_fixture_is_read_by_plain_requests(serve, netrc):
    # Proves the two tests below test something: requests on its own sends the netrc's Basic auth.
    server = serve()
    assert requests.get(server.url + "/v2/plain", timeout=WAIT).status_code == 200
    assert server.requests[0].headers["authorization"].startswith("Basic ")


def test_bearer_token_is_sent_and_netrc_never_replaces_it(serve, clients, netrc):
    server = serve()
    client = clients(server.url)
    client.get("/v2/actor-runs/X", params={"limit": 2})
    client.post("/v2/actor-runs/X/reboot")
    assert [(r.method, r.target) for r in server.requests] == [("GET", "/v2/actor-runs/X?limit=2"), ("POST", "/v2/actor-runs/X/reboot")]
    for request in server.requests:
        assert request.headers["authorization"] == "Bearer " + TOKEN
        assert [name for name, value in request.headers.items() if TOKEN in value] == ["authorization"]
        assert "netrc-secret" not in json.dumps(request.headers)
    assert server.requests[1].headers["content-length"] == "0"


def test_without_a_token_no_authorization_at_all(serve, clients, netrc):
    server = serve()
    client = clients(server.url, token=None)
    client.get("/v2/actor-runs/X")
    client.post("/v2/actor-runs/X/reboot")
    assert len(server.requests) == 2
    assert all("authorization" not in request.headers for request in server.requests)


def test_bearer_auth_never_shows_the_token():
    assert TOKEN not in repr(BearerAuth(TOKEN))
    assert repr(BearerAuth(TOKEN)) == "BearerAuth(token set)"
    assert repr(BearerAuth(None)) == "BearerAuth(no token)"


# --- keep-alive and the pool ---------------------------------------------------------------------


def test_many_requests_share_one_connection(serve, clients):
    server = serve()
    client = clients(server.url)
    for number in range(30):
        assert client.get("/v2/echo", params={"n": number})["connection"] == 1
    client.post("/v2/actor-runs/X/reboot")
    assert server.accepted == 1
    assert len(server.requests) == 31


def chunked_answer(connection, request):
    connection.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    for piece in (b'{"data": ', b'"in two chunks"}'):
        connection.send(b"%x\r\n%s\r\n" % (len(piece), piece))
    connection.send(b"0\r\n\r\n")


def test_chunked_answer_is_read_whole_and_the_connection_kept(serve, clients):
    server = serve(chunked_answer)
    client = clients(server.url)
    assert client.get("/v2/chunked") == {"data": "in two chunks"}
    assert client.get("/v2/chunked") == {"data": "in two chunks"}
    assert server.accepted == 1


def held_until_all_are_in(connection, request):
    connection.server.barrier.wait(WAIT)
    echo(connection, request)


def test_pool_keeps_at_most_pool_size_connections(serve, clients):
    server = serve(held_until_all_are_in)
    server.barrier = threading.Barrier(5)  # the server answers once all five are in: five connections at once
    client = clients(server.url, pool_size=2)
    results = []
    threads = [threading.Thread(target=lambda: results.append(client.get("/v2/held")["method"])) for dummy in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert results == ["GET"] * 5
    assert server.accepted == 5
    server.wait_for(lambda: server.closed == 3, "the three connections beyond pool_size to be closed")
    server.handler = echo
    seen = {client.get("/v2/again")["connection"] for dummy in range(4)}
    assert server.accepted == 5  # the two kept are used again
    assert len(seen) <= 2
    assert server.closed == 3


def test_threads_share_the_pool_and_each_gets_its_own_answer(serve, clients):
    server = serve()
    client = clients(server.url, pool_size=4)
    failures = []

    def work(worker):
        for number in range(25):
            try:
                tag = "%d-%d" % (worker, number)
                assert client.get("/v2/echo", params={"tag": tag})["target"] == "/v2/echo?tag=" + tag
            except Exception as exc:  # pylint: disable=broad-except
                failures.append(repr(exc))

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * WAIT)
    assert failures == []
    assert len(server.requests) == 100
    assert 1 <= server.accepted <= 4  # a thread holds one connection at a time, and the pool keeps four


def test_more_threads_than_pool_size_keep_at_most_pool_size_idle(serve, clients):
    server = serve()
    client = clients(server.url, pool_size=2)
    failures = []

    def work():
        for dummy in range(10):
            try:
                client.get("/v2/echo")
            except Exception as exc:  # pylint: disable=broad-except
                failures.append(repr(exc))

    threads = [threading.Thread(target=work) for dummy in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * WAIT)
    assert failures == []
    assert len(server.requests) == 60
    server.wait_for(lambda: server.accepted - server.closed <= 2, "at most pool_size connections to stay open")


def close_when_idle(connection, request):
    connection.reply(200, {"connection": connection.number})  # a keep-alive answer, then the server closes anyway
    return False


def test_connection_closed_by_the_server_while_idle_is_replaced(serve, clients):
    server = serve(close_when_idle)
    client = clients(server.url)
    assert client.get("/v2/echo")["connection"] == 1
    server.wait_for(lambda: server.closed == 1, "the server to close the idle connection")
    assert client.post("/v2/actor-runs/X/reboot")["connection"] == 2  # a POST: not retried, so it must not fail
    assert [r.method for r in server.requests] == ["GET", "POST"]
    assert client.sent == ["POST /v2/actor-runs/X/reboot"]


def connection_close(connection, request):
    connection.reply(200, {"connection": connection.number}, [("Connection", "close")])
    return False


def test_connection_close_answers_are_not_reused(serve, clients):
    server = serve(connection_close)
    client = clients(server.url)
    assert [client.get("/v2/echo")["connection"] for dummy in range(3)] == [1, 2, 3]
    assert server.accepted == 3


def test_session_reset_drops_idle_connections(serve):
    # The server drops an idle connection by itself only after WAIT (its socket timeout): the
    # close must be seen well before that, or it was not reset() that closed it. (With reset()
    # doing nothing, this fails in RESET_SEEN_WITHIN instead of passing after WAIT, as it once did.)
    server = serve()
    session = Session(server.url, TOKEN)
    try:
        response = session.send("GET", "/v2/one", None, {}, WAIT)
        assert response.json()["connection"] == 1  # read to the end: the connection goes back to the pool
        response.close()
        assert server.closed == 0
        session.reset()
        server.wait_for(lambda: server.closed == 1, "reset() to close the idle connection", within=RESET_SEEN_WITHIN)
        response = session.send("GET", "/v2/two", None, {}, WAIT)
        assert response.json()["connection"] == 2
        response.close()
    finally:
        session.close()


RESET_SEEN_WITHIN = 1.0  # well under WAIT, the server's own idle timeout


def test_session_reset_keeps_the_pools_open_for_other_threads(serve):
    # Issue 17 §5: reset() used to close the pools, and a worker thread that had taken a pool just
    # before (as requests' adapter does, then calls urlopen) got ClosedPoolError. Now the pool
    # stays open and only its idle connections are dropped.
    server = serve()
    session = Session(server.url, TOKEN)
    try:
        response = session.send("GET", "/v2/one", None, {}, WAIT)
        assert response.json()["connection"] == 1  # read to the end: the connection goes back to the pool
        response.close()
        assert server.closed == 0
        manager = session.requests.get_adapter(server.url).poolmanager
        (key,) = manager.pools.keys()
        pool = manager.pools[key]  # the pool the request used: what a worker holds before urlopen
        session.reset()
        server.wait_for(lambda: server.closed == 1, "reset() to close the idle connection", within=RESET_SEEN_WITHIN)
        answer = pool.urlopen("GET", "/v2/two", retries=False, preload_content=True)
        assert json.loads(answer.data)["connection"] == 2
        assert list(manager.pools.keys()) == [key] and manager.pools[key] is pool  # the same pool, still in use
    finally:
        session.close()


def test_closed_pool_error_was_never_sent():
    closed = requests.exceptions.ConnectionError(urllib3.exceptions.ClosedPoolError(None, "Pool is closed."))
    assert _session.never_sent(closed) is True
    dropped = requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))
    assert _session.never_sent(dropped) is False


# --- the whole-request deadline ------------------------------------------------------------------

JSON = json.dumps({"data": {"id": "x"}}).encode("ascii")
BODY = JSON + b" " * 20  # whitespace after JSON: the body is valid JSON at every cut past the last brace


def drip_body(connection, request):
    connection.send(answer_bytes(200, b"", [("Content-Length", str(len(BODY)))]))
    connection.drip(BODY, 0.2)
    return False


def drip_status_line(connection, request):
    connection.drip(answer_bytes(200, BODY), 0.2)
    return False


def drip_headers(connection, request):
    head = answer_bytes(200, BODY, [("X-Slow", "s" * 20)])
    connection.send(head[:17])  # the status line; the headers follow a byte at a time
    connection.drip(head[17:], 0.2)
    return False


def assert_cut_at_the_deadline(client, seconds, elapsed, info):
    error = info.value
    assert elapsed < seconds + 1.0, "the request took %.2f s with timeout=%g" % (elapsed, seconds)
    assert error.timeout is True
    assert error.sent is True
    assert str(error) == (
        "GET /v2/actor-runs/X timed out: no complete answer from %s within timeout=%g s (the limit for the whole request). "
        "This happened with retries=0. %s" % (client.session.netloc, seconds, HINT)
    )


@pytest.mark.parametrize("handler", [drip_body, drip_status_line], ids=["body", "status-line"])
def test_a_dripping_answer_is_cut_at_the_deadline(serve, clients, handler):
    server = serve(handler)
    client = clients(server.url, timeout=1)
    started = time.monotonic()
    with pytest.raises(ApifyTransportError) as info:
        client.get("/v2/actor-runs/X")
    elapsed = time.monotonic() - started
    assert elapsed >= 0.9
    assert_cut_at_the_deadline(client, 1, elapsed, info)
    server.handler = echo
    assert client.get("/v2/echo")["connection"] == 2  # the cut connection is not reused


# The JSON comes at once, then whitespace a byte at a time: cut anywhere, the body still parses.
def whitespace_after(head):
    def handler(connection, request):
        connection.send(head + JSON)
        connection.drip(b" " * 15, 0.1)
        return False

    return handler


LENGTH = [("Content-Length", str(len(JSON) + 15))]
# Answers that end the connection (http.client then lets go of the socket while the body is still read
# from it) and an answer cut between its headers (it looks complete, with an empty body): each must be
# cut at the deadline and reported as a timeout, never believed. (handler, timeout): the headers case
# gets 1 s, so that the client has surely read the status line before the cut.
CONNECTION_ENDING = {
    "connection-close": (whitespace_after(answer_bytes(200, b"", LENGTH + [("Connection", "close")])), 0.5),
    "http-1.0": (whitespace_after(answer_bytes(200, b"", LENGTH).replace(b"HTTP/1.1", b"HTTP/1.0", 1)), 0.5),
    "close-delimited": (whitespace_after(answer_bytes(200, b"", [("Connection", "close")], length=False)), 0.5),
    "headers": (drip_headers, 1),
}


@pytest.mark.parametrize("handler, timeout", list(CONNECTION_ENDING.values()), ids=list(CONNECTION_ENDING))
def test_a_dripping_answer_that_ends_the_connection_is_cut_at_the_deadline(serve, clients, handler, timeout):
    server = serve(handler)
    client = clients(server.url, timeout=timeout)
    started = time.monotonic()
    with pytest.raises(ApifyTransportError) as info:
        client.get("/v2/actor-runs/X")
    assert_cut_at_the_deadline(client, timeout, time.monotonic() - started, info)


def test_the_deadline_holds_when_the_name_lookup_takes_it_all(serve, clients, monkeypatch):
    real = socket.getaddrinfo

    def slow_lookup(host, *args, **kwargs):
        if host == EXAMPLE:
            time.sleep(0.7)  # a slow resolver: getaddrinfo has no timeout of its own
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_lookup)
    server = serve(whitespace_after(answer_bytes(200, b"", LENGTH)))
    client = clients("http://%s:%d" % (EXAMPLE, server.port), timeout=0.5)
    started = time.monotonic()
    with pytest.raises(ApifyTransportError) as info:
        client.get("/v2/actor-runs/X")
    elapsed = time.monotonic() - started
    assert info.value.timeout is True
    assert elapsed < 0.7 + 0.5, "the request took %.2f s with timeout=0.5" % elapsed


def slow_but_whole(connection, request):
    if connection.pause(0.3):
        connection.send(answer_bytes(200, b"", [("Content-Length", str(len(BODY)))]))
        connection.drip(BODY, 0.01)


def test_a_slow_answer_within_the_deadline_passes(serve, clients):
    server = serve(slow_but_whole)
    client = clients(server.url, timeout=2)
    started = time.monotonic()
    assert client.get("/v2/actor-runs/X") == {"data": {"id": "x"}}
    assert 0.3 <= time.monotonic() - started < 2
    assert client.get("/v2/actor-runs/X") == {"data": {"id": "x"}}  # each request has its own deadline
    assert server.accepted == 1


def silent(connection, request):
    connection.pause(WAIT)
    return False


def test_deadline_bounds_a_session_request_and_is_per_thread(serve):
    quiet = serve(silent)
    chatty = serve()
    slow, fast = Session(quiet.url, TOKEN), Session(chatty.url, TOKEN)
    outcome = {}

    def hang():
        started = time.monotonic()  # before the deadline starts counting, or a busy machine skews the measure
        with deadline(0.5) as limit:
            try:
                slow.send("GET", "/v2/never", None, {}, WAIT)
            except requests.exceptions.RequestException as exc:
                outcome["error"] = exc
            outcome["elapsed"] = time.monotonic() - started
            outcome["expired"] = limit.expired

    try:
        thread = threading.Thread(target=hang)
        thread.start()
        for number in range(10):  # meanwhile, another thread without a deadline is untouched
            response = fast.send("GET", "/v2/echo", {"n": number}, {}, WAIT)
            assert response.json()["connection"] == 1
            response.close()
            time.sleep(0.05)
        thread.join(WAIT)
    finally:
        slow.close()
        fast.close()
    assert isinstance(outcome["error"], requests.exceptions.ConnectionError)
    assert outcome["expired"] is True
    assert 0.45 <= outcome["elapsed"] < 1.5
    assert getattr(_deadline._local, "deadline", None) is None  # pylint: disable=protected-access


def test_a_deadline_left_in_time_never_fires():
    with deadline(0.1) as limit:
        pass
    time.sleep(0.25)
    assert limit.expired is False
    assert getattr(_deadline._local, "deadline", None) is None  # pylint: disable=protected-access


def first_fast_then_slow(connection, request):
    if len(connection.server.requests) > 1 and not connection.pause(0.4):
        return False
    return echo(connection, request)


def test_a_deadline_never_touches_a_connection_back_in_the_pool(serve):
    """The pooled connection is another thread's by the time this thread's deadline fires.

    The window between the answer's last byte (the connection goes back to the pool) and
    ``cancel()`` is short in the client; here this thread stays in the block on purpose.
    """
    server = serve(first_fast_then_slow)
    session = Session(server.url, TOKEN, pool_size=1)
    outcome = {}

    def other_request():  # no deadline of its own; its answer takes 0.4 s
        try:
            response = session.send("GET", "/v2/second", None, {}, WAIT)
            outcome["connection"] = response.json()["connection"]
        except requests.exceptions.RequestException as exc:
            outcome["error"] = exc

    try:
        with deadline(0.2):
            response = session.send("GET", "/v2/first", None, {}, WAIT)
            assert response.json()["connection"] == 1  # read to the end: the connection is back in the pool
            response.close()
            thread = threading.Thread(target=other_request)
            thread.start()
            thread.join(WAIT)
    finally:
        session.close()
    assert outcome == {"connection": 1}


# --- interim (1xx) answers -----------------------------------------------------------------------

EARLY_HINTS = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"


def early_hints_first(connection, request):
    """On the first connection: 103, then a final answer (stale by the time anyone reads it). Then: echo."""
    if connection.number == 1:
        connection.send(EARLY_HINTS + answer_bytes(200, {"stale": True, "connection": 1}))
        return None
    return echo(connection, request)


def test_interim_answer_to_a_get_is_retried_on_a_new_connection(serve, clients):
    server = serve(early_hints_first)
    client = clients(server.url, retries=1)
    answer = client.get("/v2/actor-runs/X")
    assert answer["connection"] == 2 and answer["target"] == "/v2/actor-runs/X" and "stale" not in answer
    assert server.accepted == 2
    assert [(r.connection, r.method) for r in server.requests] == [(1, "GET"), (2, "GET")]


def test_interim_answer_to_a_get_without_retries(serve, clients):
    server = serve(early_hints_first)
    client = clients(server.url)
    with pytest.raises(ApifyTransportError) as info:
        client.get("/v2/actor-runs/X")
    assert "interim HTTP" in str(info.value) and info.value.timeout is False and info.value.sent is True
    assert str(info.value) == (
        "GET /v2/actor-runs/X failed: the server sent an interim HTTP 103 answer where the final answer belongs; "
        "the connection was closed, not reused. This happened with retries=0. " + HINT
    )


def test_interim_answer_to_a_post_fails_and_the_stale_answer_is_never_read(serve, clients):
    server = serve(early_hints_first)
    client = clients(server.url, retries=3)
    with pytest.raises(ApifyTransportError) as info:
        client.post("/v2/actor-runs/X/reboot")
    assert "interim HTTP" in str(info.value) and info.value.sent is True
    assert "This happened once (not sent again blindly: it may have acted)." in str(info.value)
    assert client.sent == ["POST /v2/actor-runs/X/reboot"]
    assert [r.method for r in server.requests] == ["POST"]  # never sent again
    answer = client.get("/v2/actor-runs/X")  # the stale 200 still waits on connection 1: it must not be this answer
    assert "stale" not in answer and answer["connection"] == 2
    server.wait_for(lambda: server.closed >= 1, "the connection with the interim answer to be closed")


# --- bytes nobody asked for ----------------------------------------------------------------------


def late_bytes(connection, request):
    """The first answer, then (a moment later, when the client is idle) bytes beyond its Content-Length."""
    echo(connection, request)
    if connection.number == 1 and connection.pause(0.1):
        connection.send(answer_bytes(200, {"late": True}))
        connection.server.late_sent.set()


def test_late_bytes_on_an_idle_connection_make_it_unusable(serve, clients):
    server = serve(late_bytes)
    server.late_sent = threading.Event()
    client = clients(server.url)
    assert client.get("/v2/first")["connection"] == 1
    assert server.late_sent.wait(WAIT)
    time.sleep(0.05)  # loopback: the bytes are in the client's socket by now
    answer = client.get("/v2/second")
    assert "late" not in answer and answer["target"] == "/v2/second"
    assert answer["connection"] == 2 and server.accepted == 2


def late_bytes_with_the_answer(connection, request):
    connection.send(answer_bytes(200, {"connection": connection.number, "target": request.target}) + answer_bytes(200, {"late": True}))


def test_late_bytes_that_came_with_the_answer_are_never_the_next_answer(serve, clients):
    server = serve(late_bytes_with_the_answer)
    client = clients(server.url)
    assert client.get("/v2/first")["target"] == "/v2/first"
    assert client.get("/v2/second")["target"] == "/v2/second"
    assert client.get("/v2/third")["target"] == "/v2/third"


RUN_A, RUN_B, RUN_C = "LoopRunAAAAAAAAA1", "LoopRunBBBBBBBBB2", "LoopRunCCCCCCCCC3"


def one_answer_behind(connection, request):
    """On connection 1, every answer after the first is the one the previous request should have had.

    As if a late copy of the first answer came after the second request was sent: from
    then on the connection is out of step. Other connections answer correctly.
    """
    run_id = request.target.rsplit("/", 1)[-1]
    if connection.number == 1:
        previous = getattr(connection, "previous", run_id)
        connection.previous = run_id
        run_id = previous
    connection.reply(200, run_document(run_id))


def test_an_answer_about_another_run_is_refused_and_the_connections_dropped(serve, clients):
    server = serve(one_answer_behind)
    client = clients(server.url)
    assert get_run(client, RUN_A)["id"] == RUN_A
    with pytest.raises(ApifyResponseError) as info:
        get_run(client, RUN_B)
    assert info.value.json_path == "data.id"
    assert "the answer is about another run ('%s'), not %s" % (RUN_A, RUN_B) in str(info.value)
    server.wait_for(lambda: server.closed == 1, "the out-of-step connection to be closed")
    assert get_run(client, RUN_C)["id"] == RUN_C
    assert server.accepted == 2
    assert [(r.connection, r.target.rsplit("/", 1)[-1]) for r in server.requests] == [(1, RUN_A), (1, RUN_B), (2, RUN_C)]


def test_without_the_reset_the_next_answer_would_be_wrong_too(serve, clients, monkeypatch):
    # Proves the test above tests something: keep the connection, and the next read is out of step.
    server = serve(one_answer_behind)
    client = clients(server.url)
    monkeypatch.setattr(client.session, "reset", lambda: None)
    get_run(client, RUN_A)
    with pytest.raises(ApifyResponseError):
        get_run(client, RUN_B)
    with pytest.raises(ApifyResponseError) as info:
        get_run(client, RUN_C)
    assert "about another run ('%s')" % RUN_B in str(info.value)
    assert server.accepted == 1


# --- bounds on the answer ------------------------------------------------------------------------

HUGE = 50 * 1024 * 1024


def declares_huge(connection, request):
    connection.send(answer_bytes(200, b"", [("Content-Length", str(HUGE))]) + b'{"data": ')
    connection.server.closed_by_client = connection.until_closed()  # the body never comes
    return False


def test_a_declared_length_above_the_cap_is_refused_without_reading(serve, clients):
    server = serve(declares_huge)
    server.closed_by_client = None
    client = clients(server.url)
    started = time.monotonic()
    with pytest.raises(ApifyResponseError) as info:
        client.get("/v2/actor-runs/X")
    assert time.monotonic() - started < 1.5
    assert info.value.status == 200 and info.value.accepted is True
    assert str(info.value) == (
        "Unexpected answer from the Apify API to GET /v2/actor-runs/X: the answer is larger than the limit of 4 MiB for one answer "
        "(it declares %d bytes); it was not read, and the connection was closed. An Apify API answer is at most about 1 MiB: "
        "check api_url and any proxy in between." % HUGE
    )
    server.wait_for(lambda: server.closed == 1, "the connection to be closed")
    assert server.closed_by_client is True


def stream_chunked(connection, request):
    connection.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    connection.stream(b"[" * 65536, HUGE, chunked=True)
    connection.server.streamed = connection.sent
    return False


def stream_close_delimited(connection, request):
    connection.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    connection.stream(b" " * 65536, HUGE)
    connection.server.streamed = connection.sent
    return False


def stream_gzip_bomb(connection, request):
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip
    zeros = b"\0" * (1024 * 1024)
    body = b"".join(compressor.compress(zeros) for dummy in range(HUGE // len(zeros))) + compressor.flush()
    connection.send(answer_bytes(200, body, [("Content-Length", str(len(body))), ("Content-Encoding", "gzip")]))
    connection.server.streamed = HUGE
    return False


@pytest.mark.parametrize("handler", [stream_chunked, stream_close_delimited, stream_gzip_bomb], ids=["chunked", "close-delimited", "gzip"])
def test_an_endless_answer_is_cut_at_the_cap_in_bounded_memory(serve, clients, handler):
    server = serve(handler)
    server.streamed = None
    client = clients(server.url)
    tracemalloc.start()
    try:
        with pytest.raises(ApifyResponseError) as info:
            client.get("/v2/actor-runs/X")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "the answer is larger than the limit of 4 MiB for one answer (it went on past that)" in str(info.value)
    assert peak < 2 * MAX_ANSWER_BYTES, "peak %.1f MiB while reading" % (peak / 2**20)
    server.wait_for(lambda: server.streamed is not None, "the server to stop sending")
    assert server.streamed < HUGE or handler is stream_gzip_bomb  # the server was cut off too


def test_an_answer_just_under_the_cap_is_read(serve, clients):
    body = json.dumps({"data": {"padding": "x" * (MAX_ANSWER_BYTES - 100)}}).encode("ascii")
    assert MAX_ANSWER_BYTES - 100 < len(body) <= MAX_ANSWER_BYTES
    server = serve(lambda connection, request: connection.reply(200, body))
    assert len(clients(server.url).get("/v2/actor-runs/X")["data"]["padding"]) == MAX_ANSWER_BYTES - 100


def nested(depth):
    return ("[" * depth + "]" * depth).encode("ascii")


@pytest.mark.parametrize(
    "depth, refusal",
    [
        (MAX_JSON_DEPTH, None),
        (MAX_JSON_DEPTH + 1, "the JSON is nested more than %d levels deep" % MAX_JSON_DEPTH),
        (100000, "the body is not JSON"),  # deeper than Python's json can parse: RecursionError
    ],
)
def test_json_nesting_is_bounded(serve, clients, depth, refusal):
    server = serve(lambda connection, request: connection.reply(200, nested(depth)))
    client = clients(server.url)
    if refusal is None:
        assert isinstance(client.get("/v2/actor-runs/X"), list)
        return
    with pytest.raises(ApifyResponseError) as info:
        client.get("/v2/actor-runs/X")
    assert str(info.value).startswith("Unexpected answer from the Apify API to GET /v2/actor-runs/X: " + refusal)


def truncated(connection, request):
    connection.send(answer_bytes(200, b'{"data": {"id": ', [("Content-Length", "100")]))
    return False


def test_an_answer_cut_short_is_a_transport_error(serve, clients):
    server = serve(truncated)
    client = clients(server.url)
    with pytest.raises(ApifyTransportError) as info:
        client.get("/v2/actor-runs/X")
    assert info.value.timeout is False and info.value.sent is True
    assert str(info.value).startswith("GET /v2/actor-runs/X failed: 127.0.0.1:%d: ChunkedEncodingError: " % server.port)
    assert "IncompleteRead" in str(info.value)


# --- redirects -----------------------------------------------------------------------------------


@pytest.mark.parametrize("method, status", [("GET", 302), ("POST", 307), ("POST", 308)])
def test_a_redirect_is_not_followed(serve, clients, method, status):
    elsewhere = serve()
    location = elsewhere.url + "/v2/actor-runs/X?token=" + TOKEN
    server = serve(lambda connection, request: connection.reply(status, b"", [("Location", location)], reason="Moved"))
    client = clients(server.url)
    with pytest.raises(ApifyResponseError) as info:
        client.request(method, "/v2/actor-runs/X", idempotent=method == "GET")
    assert info.value.status == status
    assert str(info.value) == (
        "Unexpected answer from the Apify API to %s /v2/actor-runs/X: HTTP %d redirect to '%s/v2/actor-runs/X?...' "
        "was not followed: the token is only sent to api_url. Set api_url to the address the API really answers on." % (method, status, elsewhere.url)
    )
    assert len(server.requests) == 1
    assert elsewhere.accepted == 0


# --- refused and broken connections --------------------------------------------------------------


@pytest.mark.parametrize(
    "method, retries, tried",
    [("GET", 0, "with retries=0"), ("GET", 2, "after 3 attempts, 1.5 s of backoff between them (retries=2)"), ("POST", 0, "before the request was sent")],
)
def test_a_refused_connection_was_never_sent(clients, method, retries, tried):
    port = closed_port()
    client = clients("http://127.0.0.1:%d" % port, retries=retries, rand=lambda: 0.0)
    with pytest.raises(ApifyTransportError) as info:
        client.request(method, "/v2/actor-runs/X", idempotent=method == "GET")
    assert info.value.sent is False and info.value.timeout is False
    assert str(info.value) == "%s /v2/actor-runs/X failed: 127.0.0.1:%d refused the connection. This happened %s. %s" % (method, port, tried, HINT)
    assert client.sent == []


def hang_up(connection, request):
    return False  # the request arrived; no answer


def test_a_post_on_a_connection_that_breaks_after_sending_counts_as_sent(serve, clients):
    server = serve(hang_up)
    client = clients(server.url, retries=3)
    with pytest.raises(ApifyTransportError) as info:
        client.post("/v2/actor-runs/X/reboot")
    assert info.value.sent is True and info.value.timeout is False
    message = str(info.value)
    assert message.startswith("POST /v2/actor-runs/X/reboot failed: 127.0.0.1:%d: ConnectionError: " % server.port)
    assert message.endswith("This happened once (not sent again blindly: it may have acted). " + HINT)
    assert client.sent == ["POST /v2/actor-runs/X/reboot"]
    assert [r.method for r in server.requests] == ["POST"]


def test_a_get_on_a_connection_that_breaks_is_retried(serve, clients):
    server = serve(hang_up)
    client = clients(server.url, retries=2)
    with pytest.raises(ApifyTransportError) as info:
        client.get("/v2/actor-runs/X")
    assert info.value.sent is True
    assert "This happened after 3 attempts, " in str(info.value)
    assert [(r.connection, r.method) for r in server.requests] == [(1, "GET"), (2, "GET"), (3, "GET")]


# --- proxies from the environment ----------------------------------------------------------------


class Proxy:
    """A logging proxy on loopback: tunnels CONNECT, and answers absolute-form requests itself."""

    def __init__(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.heads = []  # each request the proxy received: line, headers, raw bytes
        self.sockets = [self.listener]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def lines(self):
        with self.lock:
            return [head["line"] for head in self.heads]

    def _accept(self):
        while True:
            try:
                client, dummy = self.listener.accept()
            except OSError:
                return
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            client.settimeout(WAIT)
            with self.lock:
                self.sockets.append(client)
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client):
        try:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(65536)
                if not chunk:
                    return
                head += chunk
            head, rest = head.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            headers = dict((name.strip().lower(), value.strip()) for name, dummy, value in (line.partition(":") for line in lines[1:]))
            with self.lock:
                self.heads.append({"line": lines[0], "headers": headers, "raw": head})
            method, target = lines[0].split(" ")[:2]
            if method != "CONNECT":
                client.sendall(answer_bytes(200, {"proxied": True, "target": target}, [("Connection", "close")]))
                return
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection(("127.0.0.1" if host == EXAMPLE else host, int(port)), timeout=WAIT)
            upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self.sockets.append(upstream)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()
            self._pipe(client, upstream)
        except OSError:
            pass
        finally:
            close(client)

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

    def stop(self):
        with self.lock:
            sockets = list(self.sockets)
        for sock in sockets:
            close(sock)


@pytest.fixture
def proxy():
    running = Proxy()
    yield running
    running.stop()


LOOPBACK_HOSTS = ["127.0.0.1", "localhost"] + (["::1"] if ipv6_loopback() else [])
PROXY_VARIABLES = ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]


@pytest.mark.parametrize("name", PROXY_VARIABLES)
def test_plain_requests_would_use_the_proxy_for_loopback(serve, proxy, monkeypatch, name):
    # Proves the test below tests something: requests on its own sends loopback requests to the proxy.
    server = serve()
    monkeypatch.setenv(name, proxy.url)
    assert requests.get(server.url + "/v2/echo", timeout=WAIT).json() == {"proxied": True, "target": server.url + "/v2/echo"}
    assert server.accepted == 0


@pytest.mark.parametrize("host", LOOPBACK_HOSTS)
@pytest.mark.parametrize("name", PROXY_VARIABLES)
def test_a_loopback_api_url_never_goes_through_a_proxy(serve, clients, proxy, monkeypatch, name, host):
    server = serve(host="::1" if host == "::1" else "127.0.0.1")
    monkeypatch.setenv(name, proxy.url)
    url = "http://%s:%d" % ("[::1]" if host == "::1" else host, server.port)
    client = clients(url)
    assert client.get("/v2/echo")["target"] == "/v2/echo"
    client.post("/v2/actor-runs/X/reboot")
    assert proxy.heads == []
    assert [r.method for r in server.requests] == ["GET", "POST"]
    assert client.session.proxies() == {"http": None, "https": None, "all": None}


@pytest.mark.parametrize("name", ["http_proxy", "HTTP_PROXY", "all_proxy"])
def test_a_host_that_is_not_loopback_goes_through_the_proxy(serve, clients, proxy, resolve_example, monkeypatch, name):
    server = serve()
    monkeypatch.setenv(name, proxy.url)
    client = clients("http://%s:%d" % (EXAMPLE, server.port))
    target = "http://%s:%d/v2/echo" % (EXAMPLE, server.port)
    assert client.get("/v2/echo") == {"proxied": True, "target": target}
    assert proxy.lines() == ["GET %s HTTP/1.1" % target]
    assert server.accepted == 0
    assert client.session.proxies() == {}


@pytest.mark.parametrize("name", ["no_proxy", "NO_PROXY"])
@pytest.mark.parametrize("value", [EXAMPLE, "apify.example", ".apify.example", "localhost," + EXAMPLE, "*"])
def test_no_proxy_sends_the_request_directly(serve, clients, proxy, resolve_example, monkeypatch, name, value):
    server = serve()
    monkeypatch.setenv("http_proxy", proxy.url)
    monkeypatch.setenv(name, value)
    client = clients("http://%s:%d" % (EXAMPLE, server.port))
    assert client.get("/v2/echo")["headers"]["host"] == "%s:%d" % (EXAMPLE, server.port)
    assert proxy.heads == []
    assert server.accepted == 1 and resolve_example == [EXAMPLE]


def test_the_environment_is_read_once_per_session_and_holds_for_every_request(serve, clients, proxy, resolve_example, monkeypatch):
    # Proxies and CA bundle are looked up at the first request, not at each one: every request
    # goes to api_url's host, so the answer cannot differ within a session.
    server = serve()
    monkeypatch.setenv("http_proxy", proxy.url)
    client = clients("http://%s:%d" % (EXAMPLE, server.port))
    session = client.session.requests
    lookups = []
    merge = session.merge_environment_settings
    monkeypatch.setattr(session, "merge_environment_settings", lambda *args: lookups.append(args[0]) or merge(*args))
    for _number in range(3):
        assert client.get("/v2/echo")["proxied"] is True
    client.post("/v2/actor-runs/X/reboot")
    assert lookups == ["http://%s:%d" % (EXAMPLE, server.port)]
    assert len(proxy.heads) == 4 and server.accepted == 0


def test_requests_session_defaults_still_apply(serve, clients):
    server = serve()
    clients(server.url).get("/v2/echo")
    headers = server.requests[0].headers
    assert headers["accept-encoding"] == requests.utils.default_headers()["Accept-Encoding"]
    assert headers["accept"] == "application/json" and headers["user-agent"].startswith("apify.platform-ansible-collection/")


# --- TLS, CA bundles from the environment, and a real CONNECT tunnel -----------------------------


def make_ca(directory, name):
    """A CA, and a server certificate it signed for 127.0.0.1, localhost and api.apify.example, as PEM files.

    Made with cryptography where it is installed (ansible-core needs it, but ansible-test's unit
    venv does not have it), else with the openssl command; without either, the TLS tests skip.
    """
    directory.mkdir()
    files = {"ca": directory / "ca.pem", "cert": directory / "server.pem", "key": directory / "server.key"}
    try:
        import cryptography.x509  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("neither cryptography nor the openssl command is here to make the test certificates")
        make_ca_with_openssl(directory, name, files)
    else:
        make_ca_with_cryptography(name, files)
    return files


def make_ca_with_cryptography(name, files):
    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import hashes, serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import ec  # pylint: disable=import-outside-toplevel
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # pylint: disable=import-outside-toplevel

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "apify.platform test CA " + name)])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost"), x509.DNSName(EXAMPLE)]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, EXAMPLE)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    files["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def make_ca_with_openssl(directory, name, files):
    """The same with the openssl command (1.1.1 or newer: -addext)."""
    ca_key, request, extensions = directory / "ca.key", directory / "server.csr", directory / "server.ext"
    extensions.write_text(
        "subjectAltName = IP:127.0.0.1, DNS:localhost, DNS:%s\n"
        "basicConstraints = critical, CA:FALSE\n"
        "extendedKeyUsage = serverAuth\n"
        "subjectKeyIdentifier = hash\n"
        "authorityKeyIdentifier = keyid\n" % EXAMPLE
    )
    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    commands = [
        ["openssl", "req", "-x509", *curve, "-keyout", str(ca_key), "-out", str(files["ca"]), "-days", "1"]
        + ["-subj", "/CN=apify.platform test CA " + name, "-addext", "basicConstraints = critical, CA:TRUE"]
        + ["-addext", "keyUsage = critical, keyCertSign, cRLSign", "-addext", "subjectKeyIdentifier = hash"],
        ["openssl", "req", "-new", *curve, "-keyout", str(files["key"]), "-out", str(request), "-subj", "/CN=" + EXAMPLE],
        ["openssl", "x509", "-req", "-in", str(request), "-CA", str(files["ca"]), "-CAkey", str(ca_key), "-CAcreateserial"]
        + ["-out", str(files["cert"]), "-days", "1", "-sha256", "-extfile", str(extensions)],
    ]
    for command in commands:
        subprocess.run(command, check=True, capture_output=True, timeout=WAIT * 4)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """Two unrelated CAs: ``trusted`` signed the server's certificate, ``other`` did not."""
    base = tmp_path_factory.mktemp("tls")
    return {"trusted": make_ca(base / "trusted", "trusted"), "other": make_ca(base / "other", "other")}


@pytest.fixture
def tls_server(serve, certificates):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certificates["trusted"]["cert"]), str(certificates["trusted"]["key"]))
    return serve(tls=context)


def test_an_unknown_certificate_is_refused(tls_server, clients):
    client = clients(tls_server.url)
    with pytest.raises(ApifyTransportError) as info:
        client.get("/v2/actor-runs/X")
    message = str(info.value)
    assert message.startswith("GET /v2/actor-runs/X failed: TLS with 127.0.0.1:%d failed (" % tls_server.port)
    assert "CERTIFICATE_VERIFY_FAILED" in message
    assert "). Check the CA bundle (REQUESTS_CA_BUNDLE, SSL_CERT_FILE) or validate_certs. This happened with retries=0." in message
    tls_server.wait_for(lambda: tls_server.handshake_failures == 1, "the server to see the handshake fail")
    assert tls_server.requests == []


@pytest.mark.parametrize("name", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"])
def test_a_ca_bundle_from_the_environment_is_trusted(tls_server, clients, certificates, monkeypatch, name):
    monkeypatch.setenv(name, str(certificates["trusted"]["ca"]))
    client = clients(tls_server.url)
    assert client.session.verify == str(certificates["trusted"]["ca"])
    assert client.get("/v2/echo")["headers"]["authorization"] == "Bearer " + TOKEN
    assert client.get("/v2/echo")["connection"] == 1  # keep-alive over TLS too
    assert tls_server.accepted == 1


def test_ssl_cert_dir_is_trusted(tls_server, clients, certificates, monkeypatch, tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to name the CA file by its subject hash")
    ca = str(certificates["trusted"]["ca"])
    subject_hash = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", ca], check=True, capture_output=True, text=True, timeout=WAIT).stdout.strip()
    directory = tmp_path / "certs"
    directory.mkdir()
    shutil.copy(ca, str(directory / (subject_hash + ".0")))
    monkeypatch.setenv("SSL_CERT_DIR", str(directory))
    assert clients(tls_server.url).get("/v2/echo")["method"] == "GET"


def test_a_ca_bundle_of_another_ca_is_not_enough(tls_server, clients, certificates, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates["other"]["ca"]))
    with pytest.raises(ApifyTransportError) as info:
        clients(tls_server.url).get("/v2/echo")
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
@pytest.mark.parametrize("name", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"])
def test_validate_certs_false_wins_over_a_ca_bundle(tls_server, clients, certificates, monkeypatch, name):
    monkeypatch.setenv(name, str(certificates["other"]["ca"]))
    client = clients(tls_server.url, validate_certs=False)
    assert client.session.verify is False
    assert client.get("/v2/echo")["method"] == "GET"


@pytest.mark.parametrize(
    "validate_certs, environ, expected",
    [
        (True, {}, True),
        (True, {"SSL_CERT_DIR": "/d"}, "/d"),
        (True, {"SSL_CERT_FILE": "/f", "SSL_CERT_DIR": "/d"}, "/f"),
        (True, {"CURL_CA_BUNDLE": "/c", "SSL_CERT_FILE": "/f"}, "/c"),
        (True, {"REQUESTS_CA_BUNDLE": "/r", "CURL_CA_BUNDLE": "/c", "SSL_CERT_FILE": "/f", "SSL_CERT_DIR": "/d"}, "/r"),
        (True, {"REQUESTS_CA_BUNDLE": "", "SSL_CERT_FILE": "/f"}, "/f"),
        (False, {"REQUESTS_CA_BUNDLE": "/r", "CURL_CA_BUNDLE": "/c", "SSL_CERT_FILE": "/f", "SSL_CERT_DIR": "/d"}, False),
        (False, {}, False),
    ],
)
def test_verify_setting(validate_certs, environ, expected):
    assert verify_setting(validate_certs, environ) == expected


def test_verify_setting_reads_os_environ_unless_given(monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", "/from/env.pem")
    assert verify_setting(True) == "/from/env.pem"
    assert verify_setting(True, {}) is True
    assert Session("https://api.apify.example", environ={}).verify is True


@pytest.mark.parametrize("case", ["certificate", "proxy-refused", "socks-without-pysocks"])
def test_a_post_stopped_before_any_byte_of_it_left_was_never_sent(tls_server, clients, monkeypatch, case):
    if case == "certificate":
        url = tls_server.url  # the certificate is checked in the handshake, before the request is written
    else:
        url = "https://api.apify.com"  # never reached: the proxy is refused, or cannot be used at all
        scheme = "http" if case == "proxy-refused" else "socks5"
        monkeypatch.setenv("https_proxy", "%s://127.0.0.1:%d" % (scheme, closed_port()))
    client = clients(url)
    with pytest.raises(ApifyTransportError) as info:
        client.post("/v2/actor-runs/X/reboot")
    assert tls_server.requests == []
    assert (info.value.sent, client.sent) == (False, [])
    assert str(info.value).endswith("This happened before the request was sent. " + HINT)


def test_https_through_a_connect_tunnel(tls_server, clients, proxy, certificates, resolve_example, monkeypatch):
    monkeypatch.setenv("https_proxy", proxy.url)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates["trusted"]["ca"]))
    client = clients("https://%s:%d" % (EXAMPLE, tls_server.port))
    first = client.get("/v2/actor-runs/X", params={"a": "b"})
    second = client.post("/v2/actor-runs/X/reboot")
    # The proxy was asked once to CONNECT, and never saw the requests: they went inside the tunnel.
    assert [line.rsplit(" ", 1)[0] for line in proxy.lines()] == ["CONNECT %s:%d" % (EXAMPLE, tls_server.port)]
    (head,) = proxy.heads
    assert TOKEN.encode("ascii") not in head["raw"] and "authorization" not in head["headers"]
    # The server got both over the one tunnelled connection, with the token, as origin-form targets.
    assert tls_server.accepted == 1
    assert (first["target"], second["target"]) == ("/v2/actor-runs/X?a=b", "/v2/actor-runs/X/reboot")
    assert first["headers"]["authorization"] == second["headers"]["authorization"] == "Bearer " + TOKEN
    assert first["headers"]["host"] == "%s:%d" % (EXAMPLE, tls_server.port)
    assert "proxy-authorization" not in first["headers"]


def test_the_deadline_holds_through_a_connect_tunnel(serve, clients, proxy, certificates, resolve_example, monkeypatch):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certificates["trusted"]["cert"]), str(certificates["trusted"]["key"]))
    server = serve(drip_body, tls=context)
    monkeypatch.setenv("https_proxy", proxy.url)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificates["trusted"]["ca"]))
    client = clients("https://%s:%d" % (EXAMPLE, server.port), timeout=0.5)
    started = time.monotonic()
    with pytest.raises(ApifyTransportError) as info:
        client.get("/v2/actor-runs/X")
    assert_cut_at_the_deadline(client, 0.5, time.monotonic() - started, info)
    assert len(proxy.heads) == 1


# --- is_loopback ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("foo.localhost", False),  # only the resolver decides where *.localhost goes
        ("10.0.0.1", False),
        ("::", False),
        ("example.com", False),
        ("localhost.example.com", False),
        ("notlocalhost", False),
        ("", False),
        (None, False),
    ],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_session_settings_follow_the_api_url():
    assert Session("http://localhost:8080", TOKEN).direct is True
    remote = Session("https://api.apify.com", TOKEN)
    assert remote.direct is False and remote.proxies() == {} and remote.netloc == "api.apify.com"
    assert remote.proxies() is not remote.proxies()  # a fresh dict per request: requests changes it
    assert isinstance(remote.requests.auth, BearerAuth)
    assert remote.requests.adapters["https://"].max_retries.total == 0
