# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTP plumbing: a threading HTTP/1.1 server with keep-alive around :class:`Emulator`.

In-process use (pytest)::

    server, thread, base_url = start_server(token="t")
    ...
    stop_server(server, thread)

``server.emulator`` gives direct access to the state when a test wants it.
"""

import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from .emulator import Emulator
from .messages import Request, Response, error_response

DEFAULT_TOKEN = "emulator-token"
# Errors that only mean the client went away (e.g. it timed out); never worth a traceback.
_DISCONNECTS = (ConnectionError, TimeoutError)


class Handler(BaseHTTPRequestHandler):
    """Turns each HTTP request into a :class:`Request` for the emulator and writes its answer."""

    protocol_version = "HTTP/1.1"  # keep-alive; so every answer carries Content-Length
    server_version = "apify-emulator"
    # StreamRequestHandler.setup() then sets TCP_NODELAY on each accepted socket. Without
    # it, the small writes of an answer wait for the client's delayed ACK: ~40 ms each.
    disable_nagle_algorithm = True
    timeout = 300  # seconds an idle keep-alive connection is kept

    def do_GET(self):  # pylint: disable=invalid-name  # named by BaseHTTPRequestHandler
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _serve(self) -> None:
        request = self._read_request()
        try:
            response = self.server.emulator.handle(request)
        except Exception:  # pylint: disable=broad-except  # a bug must not kill the connection silently
            traceback.print_exc()
            response = error_response(500, "internal-server-error", "Emulator bug; see its stderr.")
        if response.drop:
            self.close_connection = True  # the server closes the socket: no answer at all
            return
        self._write(response)

    def _read_request(self) -> Request:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding"):
            # Chunked bodies are not supported; close afterwards rather than misread the stream.
            self.close_connection = True
        return Request(
            method=self.command,
            target=self.path,
            path=unquote(split.path) or "/",
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers=dict(self.headers.items()),
            body=self.rfile.read(length) if length > 0 else b"",
        )

    def _write(self, response: Response) -> None:
        payload = response.payload()
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except _DISCONNECTS:
            self.close_connection = True

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin  # the base class's signature
        if not self.server.quiet:
            super().log_message(format, *args)


class EmulatorServer(ThreadingHTTPServer):
    """A thread per connection; ``emulator`` holds the shared state."""

    daemon_threads = True  # handler threads never keep the process alive

    def __init__(self, address, emulator: Emulator, quiet: bool = True):
        self.emulator = emulator
        self.quiet = quiet
        super().__init__(address, Handler)

    def handle_error(self, request, client_address):
        # Clients that disconnect mid-request are expected (timeouts, dropped faults).
        if not isinstance(sys.exc_info()[1], _DISCONNECTS):
            super().handle_error(request, client_address)


def start_server(host: str = "127.0.0.1", port: int = 0, token: str = DEFAULT_TOKEN, latency_ms: float = 0, quiet: bool = True):
    """Serve in a background thread; return ``(server, thread, base_url)``.

    ``base_url`` has no trailing slash, e.g. ``http://127.0.0.1:41234``; the API is under ``/v2``.
    """
    server = EmulatorServer((host, port), Emulator(token, latency_ms), quiet=quiet)
    # A short poll interval makes stop_server() return quickly.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="apify-emulator", daemon=True)
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    return server, thread, f"http://{bound_host}:{bound_port}"


def stop_server(server: EmulatorServer, thread: threading.Thread = None) -> None:
    """Stop serving and close the listening socket (open keep-alive connections die with their clients)."""
    server.shutdown()
    server.server_close()
    if thread is not None:
        thread.join(timeout=5)
