# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The answer-size bound holds under every urllib3 that requirements.txt allows.

Run by the nox session ``decoding`` (``make proof``) once per urllib3: the oldest that
requests 2.25.0 allows (1.21.1), 1.26 and 2.5 (before urllib3 bounded decoding itself,
its 2.6.0) and the newest. A loopback server answers compression bombs; the client must
refuse them with its own error, its Python allocations (tracemalloc, which sees every
bytes object zlib returns) staying far below what the bomb decodes to, quickly. A good
gzip answer must still be decoded by urllib3 (not by us).

    python -m pytest tests/decoding   # with ansible_collections/apify/platform on sys.path
"""

import gzip
import json
import socket
import threading
import time
import tracemalloc
import zlib

import pytest
import requests
import urllib3

from ansible_collections.apify.platform.plugins.module_utils._answers import MAX_ANSWER_BYTES
from ansible_collections.apify.platform.plugins.module_utils._client import ApifyClient
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyError

TOKEN = "apify_api_DecodingTestToken000000000000000000"
BOMB_BYTES = 256 * 1024 * 1024  # what each bomb decodes to: 64 times the answer bound
PEAK_LIMIT = 3 * MAX_ANSWER_BYTES  # the bound, one decoded read (at most ~the bound again) and change
SECONDS_LIMIT = 3.0
RUN = {
    "data": {
        "id": "DecodingRun000001",
        "actId": "A" * 17,
        "status": "RUNNING",
        "startedAt": "2026-01-01T00:00:00.000Z",
        "buildId": "B" * 17,
        "stats": {"rebootCount": 0},
        "options": {},
        "padding": "run " * 50000,
    }
}


def _compress(data_chunks, wbits):
    """Compress an iterable of byte chunks as one zlib stream (gzip: wbits 31, zlib: 15)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join([compressor.compress(chunk) for chunk in data_chunks] + [compressor.flush()])


def _zeros(total, chunk=16 * 1024 * 1024):
    for dummy in range(total // chunk):
        yield b"\0" * chunk


def _bombs():
    gzipped = _compress(_zeros(BOMB_BYTES), 31)
    return {
        "stacked_gzip": ("gzip, gzip", _compress([gzipped], 31)),
        "gzip": ("gzip", gzipped),
        "deflate": ("deflate", _compress(_zeros(BOMB_BYTES), 15)),
        "brotli": ("br", b"\x0b\x01\x80hello\x03"),
        "unknown": ("zz-unknown", b"{}"),
    }


BOMBS = _bombs()


class Server:
    """Answers every request with one canned answer and closes the connection."""

    def __init__(self):
        self.answer = b""
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            connection, dummy = self.listener.accept()
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection):
        with connection:
            received = b""
            while b"\r\n\r\n" not in received:
                data = connection.recv(65536)
                if not data:
                    return
                received += data
            try:
                connection.sendall(self.answer)
            except OSError:
                pass  # the client hung up: what it should do with a bomb

    def set(self, coding, body):
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n" % len(body)
        if coding:
            head += "Content-Encoding: %s\r\n" % coding
        self.answer = head.encode() + b"\r\n" + body


@pytest.fixture(scope="module")
def server():
    return Server()


def _measured(call):
    tracemalloc.start()
    started = time.monotonic()
    try:
        outcome = call()
    except ApifyError as exc:
        outcome = exc
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcome, peak, seconds


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_bomb_is_refused_within_bounds(server, name):
    coding, body = BOMBS[name]
    server.set(coding, body)
    client = ApifyClient("http://127.0.0.1:%d" % server.port, token=TOKEN, timeout=5, retries=0)
    outcome, peak, seconds = _measured(lambda: client.get("/v2/actor-runs/DecodingRun000001"))
    print(
        "\ndecoding: urllib3 %s requests %s: %s (%d bytes, Content-Encoding %r): peak %.1f MiB traced, %.2f s: %s"
        % (urllib3.__version__, requests.__version__, name, len(body), coding, peak / 2**20, seconds, str(outcome)[:160])
    )
    assert isinstance(outcome, ApifyError), "the bomb was believed: %r" % (outcome,)
    assert TOKEN not in str(outcome)
    assert peak < PEAK_LIMIT, "peak %.1f MiB of Python allocations (limit %.1f MiB)" % (peak / 2**20, PEAK_LIMIT / 2**20)
    assert seconds < SECONDS_LIMIT, "%.2f s (limit %.1f s)" % (seconds, SECONDS_LIMIT)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "identity", None])
def test_a_good_coded_answer_is_decoded_by_urllib3(server, coding):
    document = json.dumps(RUN).encode()
    body = {"gzip": gzip.compress, "deflate": zlib.compress}.get(coding, bytes)(document)
    server.set(coding, body)
    client = ApifyClient("http://127.0.0.1:%d" % server.port, token=TOKEN, timeout=5, retries=0)
    assert client.get("/v2/actor-runs/DecodingRun000001") == RUN


def test_the_client_asks_only_for_what_it_believes():
    client = ApifyClient("http://127.0.0.1:9", token=TOKEN)
    assert client.headers["Accept-Encoding"] == "gzip, deflate"
