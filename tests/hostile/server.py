# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The socket plumbing: accept, parse HTTP/1.1 requests, log them, hand them to a behaviour.

Raw sockets and not http.server, because the behaviours must write whatever
bytes they like, whenever they like: interim answers, answers nobody asked
for, bodies that never end. A behaviour gets each parsed request and the
connection, and writes to it through ``Connection.send``.

Every request is logged before it is answered, one JSON line each: what the
client really sent, which is what the tests judge.
"""

import json
import os
import socket
import struct
import tempfile
import threading
import time
from urllib.parse import parse_qsl, urlsplit

REASONS = {
    103: "Early Hints",
    200: "OK",
    307: "Temporary Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Internal Server Error",
}
MAX_LINE = 16384
MAX_HEADERS = 100
MAX_BODY = 1 << 20


class Request:
    """One request as received: ``path`` is the raw path (never unquoted), ``query`` the parsed query."""

    def __init__(self, method, target, headers, body):
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        split = urlsplit(target)  # origin-form, or absolute-form from a forwarding proxy
        self.path = split.path
        self.query = dict(parse_qsl(split.query, keep_blank_values=True))

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)


def http_answer(status, body=b"", headers=None, content_type="application/json; charset=utf-8", length=None):
    """The bytes of an answer with a Content-Length (so the connection can stay open).

    ``length`` declares a body that the caller streams after these bytes.
    """
    declared = len(body) if length is None else length
    lines = ["HTTP/1.1 %d %s" % (status, REASONS.get(status, "Unknown")), "Content-Type: " + content_type, "Content-Length: %d" % declared]
    lines += ["%s: %s" % item for item in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def json_answer(status, document, headers=None):
    return http_answer(status, json.dumps(document).encode("utf-8"), headers)


class Connection:
    """An accepted socket; writes are whole and serialized, since timers may write too."""

    def __init__(self, sock, number):
        self.sock = sock
        self.number = number
        self._lock = threading.Lock()
        # Set by a behaviour: end the connection with a TCP reset (RST), not a clean close.
        self.reset = False

    def send(self, data):
        """Write all of ``data``; False once the client has gone (not an error here)."""
        with self._lock:
            try:
                self.sock.sendall(data)
                return True
            except OSError:
                return False

    def shutdown(self):
        try:
            if self.reset:  # linger 0 and no FIN: the close sends RST, whatever is still unread
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def read_request(reader):
    """The next request from the buffered reader, or None at the end of the stream or on junk."""
    line = reader.readline(MAX_LINE)
    while line in (b"\r\n", b"\n"):  # tolerated between requests, as RFC 9112 allows
        line = reader.readline(MAX_LINE)
    parts = line.decode("latin-1").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        return None
    headers = {}
    for dummy in range(MAX_HEADERS):
        field = reader.readline(MAX_LINE).decode("latin-1")
        if field in ("\r\n", "\n", ""):
            break
        name, dummy, value = field.partition(":")
        headers[name.strip().lower()] = value.strip()
    else:
        return None
    length = int(headers.get("content-length") or 0)
    if length < 0 or length > MAX_BODY or "transfer-encoding" in headers:
        return None  # the collection never sends such bodies; do not guess where the next request starts
    return Request(parts[0], parts[1], headers, reader.read(length) if length else b"")


class RequestLog:
    """Appends one JSON line per request; never the Authorization header's value."""

    def __init__(self, path, token):
        self._handle = open(path, "a", encoding="utf-8")  # pylint: disable=consider-using-with  # open for the server's life
        self._token = token
        self._lock = threading.Lock()
        self._seq = 0
        self._started = time.monotonic()

    def write(self, request, connection):
        authorization = request.header("authorization")
        with self._lock:
            self._seq += 1
            entry = {
                "seq": self._seq,
                "t": round(time.monotonic() - self._started, 3),
                "conn": connection.number,
                "method": request.method,
                "path": request.path,
                "query": request.query,
                "auth": authorization is not None,
                "auth_ok": authorization == "Bearer %s" % self._token,
            }
            self._handle.write(json.dumps(entry) + "\n")
            self._handle.flush()

    def close(self):
        self._handle.close()


class HostileServer:
    """Listens on ``host:port`` (0: a free port); a thread per connection runs ``behaviour.serve``."""

    def __init__(self, behaviour, log, host="127.0.0.1", port=0):
        self.behaviour = behaviour
        self.log = log
        self.stopping = behaviour.stopping
        self.listener = socket.create_server((host, port))
        self.listener.settimeout(0.1)  # so serve_forever() sees stopping promptly
        self.port = self.listener.getsockname()[1]
        self._threads = []
        self._connections = []

    def serve_forever(self):
        number = 0
        while not self.stopping.is_set():
            try:
                sock = self.listener.accept()[0]
            except socket.timeout:
                continue
            sock.settimeout(None)
            # Without it, small writes under keep-alive wait for the client's delayed ACK (~40 ms).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            number += 1
            connection = Connection(sock, number)
            thread = threading.Thread(target=self._serve_connection, args=(connection,), daemon=True)
            self._connections.append(connection)
            self._threads.append(thread)
            thread.start()
        self.listener.close()

    def _serve_connection(self, connection):
        reader = connection.sock.makefile("rb")
        try:
            while True:
                request = read_request(reader)
                if request is None:
                    break
                self.log.write(request, connection)
                if not self.behaviour.serve(connection, request) or request.header("connection", "").lower() == "close":
                    break
        except (OSError, ValueError):
            pass  # the client went away, or sent junk: nothing to answer
        finally:
            reader.close()
            connection.shutdown()
            connection.sock.close()

    def drain(self, grace=2.0):
        """After stop: let connections log what their clients already sent, then cut them."""
        deadline = time.monotonic() + grace
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        for connection in self._connections:
            connection.shutdown()
        for thread in self._threads:
            thread.join(0.5)


def write_port_file(path, port):
    """Atomically: a reader polling for the file never sees it half written."""
    fd, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".hostile-port-")
    with os.fdopen(fd, "w") as handle:
        handle.write("%d\n" % port)
    os.replace(temporary, path)
