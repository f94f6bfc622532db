# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The behaviours, one per scenario: the well-behaved API, then each way of spoiling it.

``serve(connection, request)`` writes the answer (or whatever it likes) and
returns whether the connection stays open. Every class keeps the API's state
honest (a reboot that is answered with a lie still happened on the server),
so the server's log and state are the truth the tests judge by.
"""

import json
import threading
import time
import zlib

from .api import ACTOR, RUN_A, RUN_B, RUN_C, RUN_D, VICTIM, Api, is_list, is_run_read
from .server import http_answer, json_answer

# Ids that must never reach a request path (scenario listing_bad_ids).
BAD_LISTED_IDS = ("..", ".", "a%2Fb", "a/b")


class Good:
    """The control: answers as the real API does."""

    reboot_counts = None

    def __init__(self, token):
        self.api = Api(token, self.reboot_counts)
        self.token = token
        self.stopping = threading.Event()

    def serve(self, connection, request):
        status, document = self.answer(request)
        return connection.send(json_answer(status, document))

    def answer(self, request):
        """``(status, document)``; subclasses spoil it."""
        return self.api.handle(request)


class WrongIdGet(Good):
    """GET of any run answers a valid run object about VICTIM (RUNNING)."""

    def answer(self, request):
        status, document = self.api.handle(request)
        if status == 200 and is_run_read(request):
            document = {"data": self.api.run_object(VICTIM)}
        return status, document


class EarlyHints(Good):
    """Every answer comes after an interim ``103 Early Hints``, the final answer a little later.

    A client that takes the 103 for the answer leaves the real one on the
    connection, to be read as the answer to its next request.
    """

    def serve(self, connection, request):
        connection.send(b"HTTP/1.1 103 Early Hints\r\nLink: </hostile.css>; rel=preload; as=style\r\n\r\n")
        self.stopping.wait(0.1)
        return super().serve(connection, request)


class LateBytes(Good):
    """A slow API (0.15 s an answer); 0.2 s after each answer, a whole fake 200 about VICTIM follows.

    The fake lands while the client's next request on the kept-alive
    connection is still waiting for its real answer.
    """

    def serve(self, connection, request):
        self.stopping.wait(0.15)
        kept = super().serve(connection, request)
        fake = json_answer(200, {"data": self.api.run_object(VICTIM)})
        timer = threading.Timer(0.2, connection.send, [fake])
        timer.daemon = True
        timer.start()
        return kept


class HugeBody(Good):
    """GET of a run answers ~200 MB of valid JSON, declared by Content-Length and streamed."""

    size = 200 * 1024 * 1024
    chunk = b"x" * (1 << 20)

    def serve(self, connection, request):
        run_id = request.path.rsplit("/", 1)[-1]
        if not is_run_read(request) or run_id not in self.api.runs:
            return super().serve(connection, request)
        answer = json.dumps({"data": self.api.run_object(run_id)}).encode()
        head, tail = answer[:-2] + b', "padding": "', b'"}}'  # still a valid run answer, once whole
        body_size = len(head) + self.size + len(tail)
        if not connection.send(http_answer(200, length=body_size) + head):
            return False
        for dummy in range(self.size // len(self.chunk)):
            if self.stopping.is_set() or not connection.send(self.chunk):
                return False
        return connection.send(tail)


class EndlessListing(Good):
    """Every list page: offset 0 whatever was asked, total 1,000,000,000, 1000 RUNNING items."""

    def __init__(self, token):
        super().__init__(token)
        items = [dict(self.api.short_object(RUN_A), id="E%016d" % n) for n in range(1000)]
        self.page = {"total": 1000000000, "offset": 0, "limit": 1000, "count": 1000, "desc": False, "items": items}

    def answer(self, request):
        if is_list(request) and self.api.authorized(request):
            return 200, {"data": self.page}
        return super().answer(request)


class Drip(Good):
    """Answers one byte a second, for as long as the client listens (a run answer is ~1 KB: ~20 minutes)."""

    def serve(self, connection, request):
        status, document = self.answer(request)
        for byte in json_answer(status, document):
            if not connection.send(bytes([byte])) or self.stopping.wait(1.0):
                return False
        return True


class DeepNesting(Good):
    """GET of a run answers a field nobody reads, ``meta.x.x...``, nested 500 levels deep."""

    def answer(self, request):
        status, document = self.api.handle(request)
        if status == 200 and is_run_read(request):
            nested = {}
            for dummy in range(500):
                nested = {"x": nested}
            document["data"]["meta"] = nested
        return status, document


class ListingBadIds(Good):
    """The Actor's listing names IDs made to escape a path segment, and one good RUNNING run."""

    def answer(self, request):
        if is_list(request) and self.api.authorized(request):
            good = self.api.short_object(RUN_A)
            items = [dict(good, id=bad) for bad in BAD_LISTED_IDS[:2]] + [good] + [dict(good, id=bad) for bad in BAD_LISTED_IDS[2:]]
            return 200, {"data": self.api.listing(ACTOR, request.query, items)}
        return self.api.handle(request)


class WrongIdPost(Good):
    """The reboot happens, but its answer is VICTIM's run object (with a plausible counter)."""

    def answer(self, request):
        status, document = self.api.handle(request)
        if request.method == "POST" and status == 200:
            victim = self.api.run_object(VICTIM)
            victim["stats"]["rebootCount"] += 1
            document = {"data": victim}
        return status, document


class LowerCountPost(Good):
    """Run A starts at rebootCount 3; its reboot happens (4) but the answer says 2."""

    reboot_counts = {RUN_A: 3}

    def answer(self, request):
        status, document = self.api.handle(request)
        if request.method == "POST" and status == 200:
            document["data"]["stats"]["rebootCount"] = 2
        return status, document


class TokenKey(Good):
    """Every run object carries the token as a key (``stats.<token>``) and as values."""

    def answer(self, request):
        status, document = self.api.handle(request)
        if status == 200 and isinstance(document["data"].get("stats"), dict):
            document["data"]["stats"][self.token] = 1
            document["data"]["statusMessage"] = "Bearer %s" % self.token
            document["data"]["meta"] = {"origin": "API", self.token: self.token}
        return status, document


class Lagging(Good):
    """The API's state lags its answers: a reboot shows in reads of the run only ``lag`` s after it happened."""

    lag = 0.4

    def __init__(self, token):
        super().__init__(token)
        self.visible_at = {}

    def act(self, request):
        """Perform the POST as the API does; ``(status, document)`` of the honest answer."""
        status, document = self.api.handle(request)
        if status == 200:
            self.visible_at[request.path.split("/")[3]] = time.monotonic() + self.lag
        return status, document

    def answer(self, request):
        status, document = self.api.handle(request)
        if status == 200 and is_run_read(request) and time.monotonic() < self.visible_at.get(request.path.split("/")[3], 0):
            document["data"]["stats"]["rebootCount"] -= 1
        return status, document


class Broken2xx(Lagging):
    """Each reboot happens, is answered 200, and the answer breaks; the state lags 0.4 s.

    A: the body is cut short (connection closed); B: reset (RST) mid-body; C: ``Content-Encoding:
    gzip`` over bytes that are not gzip; D: a body that is not JSON.
    """

    def serve(self, connection, request):
        if request.method != "POST":
            return super().serve(connection, request)
        status, document = self.act(request)
        body = json.dumps(document).encode("utf-8")
        run_id = request.path.split("/")[3]
        if status != 200:
            return connection.send(json_answer(status, document))
        if run_id == RUN_D:
            return connection.send(http_answer(200, b"<html>Rebooted.</html>", content_type="text/html"))
        if run_id == RUN_C:
            return connection.send(http_answer(200, b"\x1f\x8b\x08\x00 this is not gzip", headers={"Content-Encoding": "gzip"}))
        connection.send(http_answer(200, body[: len(body) // 2], length=len(body)))
        connection.reset = run_id == RUN_B
        return False


class BrokenBeforeAnswer(Lagging):
    """The state lags 0.4 s. A: the reboot happens, then a reset (RST) before any status line;
    B: the reboot happens, answered 500; C: no reboot, answered 500."""

    def serve(self, connection, request):
        run_id = request.path.split("/")[3] if request.method == "POST" else None
        if run_id == RUN_A:
            self.act(request)
            connection.reset = True
            return False
        if run_id == RUN_B:
            self.act(request)
        if run_id in (RUN_B, RUN_C):
            return connection.send(json_answer(500, {"error": {"type": "internal-server-error", "message": "Internal server error"}}))
        return super().serve(connection, request)


class ReceivedNotDone(Good):
    """A: the reboot is answered with a redirect (nothing done); B: B finishes on its own just
    before its reboot arrives, and the answer is 200 with the finished run, as the real abort does."""

    def serve(self, connection, request):
        run_id = request.path.split("/")[3] if request.method == "POST" else None
        if run_id == RUN_A:
            return connection.send(http_answer(307, b"", headers={"Location": "http://127.0.0.1:9/v2/actor-runs/%s/reboot" % RUN_A}))
        if run_id == RUN_B:
            with self.api.lock:
                self.api.runs[RUN_B]["status"] = "SUCCEEDED"
            return connection.send(json_answer(200, {"data": self.api.run_object(RUN_B)}))
        return super().serve(connection, request)


class TokenEchoes(Good):
    """Run with a token holding a backslash and both quotes (runme.sh): the reads echo it.

    Run A's answer puts ``Bearer <token>`` where a count belongs (a schema error, whose message
    repr()-escapes the value); run B's answer is about "run" ``<token>[:20]``, a truncated echo
    of the token as an ID. Both answers are refused; neither may show the token, escaped or cut.
    """

    def answer(self, request):
        status, document = self.api.handle(request)
        if status == 200 and is_run_read(request):
            if request.path.endswith(RUN_A):
                document["data"]["stats"]["rebootCount"] = "Bearer %s" % self.token
            elif request.path.endswith(RUN_B):
                document["data"]["id"] = self.token[:20]
        return status, document


def _gzip(chunks):
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join([compressor.compress(chunk) for chunk in chunks] + [compressor.flush()])


class StackedGzip(Good):
    """GET of a run answers ``Content-Encoding: gzip, gzip``: well under 2 KB that decode to 512 MiB.

    urllib3 before 2.6.0 decodes any number of stacked codings, each whole, before the
    client's size bound sees a byte (the issue saw 1,788 bytes take a module to 2 GB).
    """

    decoded = 512 * 1024 * 1024

    def __init__(self, token):
        super().__init__(token)
        zeros = b"\0" * (16 * 1024 * 1024)
        # The inner coding as gzip members one after the other (a gzip stream may hold several): fast to make.
        self.bomb = _gzip([_gzip([zeros]) * (self.decoded // len(zeros))])

    def serve(self, connection, request):
        if not is_run_read(request):
            return super().serve(connection, request)
        return connection.send(http_answer(200, self.bomb, headers={"Content-Encoding": "gzip, gzip"}))


SCENARIOS = {
    "good": Good,
    "proxy": Good,  # the API behaves; the proxy (proxy.py) is the trap
    "wrong_id_get": WrongIdGet,
    "early_hints": EarlyHints,
    "late_bytes": LateBytes,
    "huge_body": HugeBody,
    "endless_listing": EndlessListing,
    "drip": Drip,
    "deep_nesting": DeepNesting,
    "listing_bad_ids": ListingBadIds,
    "wrong_id_post": WrongIdPost,
    "lower_count_post": LowerCountPost,
    "token_key": TokenKey,
    "broken_2xx": Broken2xx,
    "broken_before_answer": BrokenBeforeAnswer,
    "received_not_done": ReceivedNotDone,
    "token_echoes": TokenEchoes,
    "stacked_gzip": StackedGzip,
    "url_secrets": Good,  # the API behaves; the secrets are in api_url and https_proxy (runme.sh, play.yml)
}
