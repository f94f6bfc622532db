# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fuzzing the response handling: ApifyClient -> _runs -> _rebooter over generated answers.

A fake ``HttpTransport`` answers every request with a body hypothesis draws: valid
runs and lists (hypothesis-jsonschema, from the collection's own schemas), realistic runs
with fields deleted, retyped, nulled, made huge or non-ASCII, and bodies that are not JSON
at all (truncated, empty, HTML, invalid UTF-8), under any status and Content-Type, or a
transport exception instead of an answer.

Properties:

* nothing but an ApifyError subclass ever escapes, and its message is non-empty, bounded,
  names the method and path, and never holds the token;
* a result is correct: a run read is the ``data`` of an answer, a list has every item;
* the reboot is never sent again unless, after the failed request, the run was read
  RUNNING with an unchanged reboot counter (429s excepted: the API did not act); and
  ``rebooted`` is true only if a reboot answer was accepted or the counter moved.

Deterministic (derandomize=True, no example database) and bounded (about 10 s in all).
Needs hypothesis: it runs in `make proof` (.venvs/proof) and is skipped by `make units`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is a test-only dependency: `make proof` runs this")
hypothesis_jsonschema = pytest.importorskip("hypothesis_jsonschema", reason="a test-only dependency of `make proof`")

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.apify.platform.plugins.module_utils import _schemas  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.apify.platform.plugins.module_utils._client import ApifyClient  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyError  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.apify.platform.plugins.module_utils._http import (  # noqa: E402  pylint: disable=wrong-import-position
    HttpError,
    HttpResponse,
)
from ansible_collections.apify.platform.plugins.module_utils._rebooter import (  # noqa: E402  pylint: disable=wrong-import-position
    Rebooter,
    RebootOptions,
)
from ansible_collections.apify.platform.plugins.module_utils._runs import (  # noqa: E402  pylint: disable=wrong-import-position
    get_run,
    list_runs,
    post_reboot,
)

API_URL = "https://api.apify.example"
TOKEN = "apify_api_FuzzT0ken0123456789abcdef"
RUN_ID = "FuzzRun0000000001"
RUN_PATH = "/v2/actor-runs/" + RUN_ID
REBOOT_PATH = RUN_PATH + "/reboot"
LIST_PATH = "/v2/actors/FuzzActor00000001/runs"
MAX_REQUESTS = 40  # then the fake network is down: every request fails, so every loop ends
FUZZ = settings(
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def base_run(status="RUNNING", reboot_count=0):
    """A run as the API writes it (the fields of the published example that matter)."""
    return {
        "id": RUN_ID,
        "actId": "FuzzActor00000001",
        "userId": "FuzzUser000000001",
        "actorTaskId": None,
        "startedAt": "2026-01-01T10:00:00.000Z",
        "finishedAt": None,
        "status": status,
        "statusMessage": "Actor is running",
        "isStatusMessageTerminal": False,
        "meta": {"origin": "API"},
        "stats": {
            "rebootCount": reboot_count,
            "restartCount": 0,
            "resurrectCount": 0,
            "memMaxBytes": 404713472,
            "memCurrentBytes": 0,
            "runTimeSecs": 248.472,
            "computeUnits": 0.13804,
        },
        "options": {"build": "latest", "timeoutSecs": 300, "memoryMbytes": 1024, "diskMbytes": 2048},
        "buildId": "7sT5jcggjjA9fNcxF",
        "generalAccess": "RESTRICTED",
        "defaultKeyValueStoreId": "eJNzqsbPiopwJcgGQ",
        "defaultDatasetId": "wmKPijuyDnPZAPRMk",
        "defaultRequestQueueId": "FL35cSF7jrxr3BY39",
    }


# --- strategies --------------------------------------------------------------------------

ODD_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "\u00e9\u00e8\u4e2d\u6587\U0001f600", "\x00\x1f", TOKEN, "Bearer " + TOKEN, "null", "NaN"]),
    st.integers(min_value=1000, max_value=200000).map(lambda n: "x" * n),
)
WRONG_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    ODD_TEXT,
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
RUN_FIELDS = [
    "id",
    "actId",
    "status",
    "startedAt",
    "finishedAt",
    "buildId",
    "actorTaskId",
    "statusMessage",
    "stats",
    "options",
    "stats.rebootCount",
    "stats.runTimeSecs",
    "stats.memMaxBytes",
    "options.build",
    "options.timeoutSecs",
    "options.memoryMbytes",
    "meta",
]


def set_path(document, dotted, value, delete=False):
    *parents, last = dotted.split(".")
    node = document
    for key in parents:
        if not isinstance(node.get(key), dict):
            return document
        node = node[key]
    if delete:
        node.pop(last, None)
    else:
        node[last] = value
    return document


@st.composite
def mutated_run(draw):
    run = base_run(draw(st.sampled_from(["RUNNING", "RUNNING", "READY", "SUCCEEDED", "ABORTING", "weird"])), draw(st.integers(min_value=0, max_value=3)))
    for dummy in range(draw(st.integers(min_value=0, max_value=3))):
        field = draw(st.sampled_from(RUN_FIELDS))
        if draw(st.booleans()):
            set_path(run, field, None, delete=True)
        else:
            set_path(run, field, draw(WRONG_VALUES))
    return run


@st.composite
def list_page(draw):
    items = draw(st.lists(st.one_of(st.builds(base_run), mutated_run()), max_size=4))
    page = {"total": len(items), "offset": 0, "limit": 1000, "count": len(items), "desc": False, "items": items}
    for dummy in range(draw(st.integers(min_value=0, max_value=2))):
        key = draw(st.sampled_from(["total", "offset", "limit", "count", "items", "desc"]))
        if draw(st.booleans()):
            page.pop(key, None)
        else:
            page[key] = draw(WRONG_VALUES)
    return page


def json_bytes(value):
    return json.dumps(value, allow_nan=True, ensure_ascii=False).encode("utf-8", "surrogatepass")


@st.composite
def truncated(draw, documents):
    whole = json_bytes(draw(documents))
    return whole[: draw(st.integers(min_value=0, max_value=max(0, len(whole) - 1)))]


VALID_RUN = hypothesis_jsonschema.from_schema(_schemas.RUN_RESPONSE)
VALID_LIST = hypothesis_jsonschema.from_schema(_schemas.LIST_OF_RUNS_RESPONSE)

BODIES = st.one_of(
    VALID_RUN.map(json_bytes),
    mutated_run().map(lambda run: json_bytes({"data": run})),
    list_page().map(lambda page: json_bytes({"data": page})),
    VALID_LIST.map(json_bytes),
    st.sampled_from(
        [
            {},
            {"data": None},
            {"data": []},
            {"data": "x"},
            [],
            None,
            17,
            "text",
            {"error": None},
            {"error": {"type": 1, "message": None}},
            {"error": {"type": "x", "message": "Bearer " + TOKEN}},
            {"error": "boom"},
            {"data": {"items": None}},
        ]
    ).map(json_bytes),
    st.dictionaries(st.text(max_size=8), WRONG_VALUES, max_size=4).map(lambda d: json_bytes({"data": d})),
    truncated(st.builds(lambda: {"data": base_run()})),
    st.sampled_from(
        [
            b"",
            b" ",
            b"<html><body>502 Bad Gateway</body></html>",
            b"\xff\xfe\x00garbage",
            b"NaN",
            b"[1, 2",
            b'{"data":',
            b"\x00",
            ('{"data": "%s"}' % ("\u00e9" * 5000)).encode("utf-8"),
            ("<h1>%s</h1>" % TOKEN).encode("ascii"),
            b"1" * 5000,
        ]
    ),
    st.binary(max_size=64),
)
STATUSES = st.sampled_from([200, 200, 200, 201, 204, 301, 302, 307, 400, 401, 403, 404, 405, 418, 429, 500, 502, 503, 504])
CONTENT_TYPES = st.sampled_from(["application/json", "application/json; charset=utf-8", "text/html", "text/plain", "application/octet-stream", None])
RETRY_AFTER = st.one_of(st.none(), st.sampled_from(["0", "1", "2.5", "-1", "1e400", "nan", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", "31", "100000"]))
# What HttpTransport raises, worded as it words it (one quotes the token: the client must redact it).
TRANSPORT_ERRORS = st.sampled_from(
    [
        HttpError("api.apify.example:443: ConnectionRefusedError: [Errno 111] Connection refused"),
        HttpError("no answer from api.apify.example:443 within 30 s", timeout=True),
        HttpError("no answer from api.apify.example:443 (through the proxy proxy.example:3128) within 1 s", timeout=True),
        HttpError("api.apify.example:443: RemoteDisconnected: Remote end closed connection without response"),
        HttpError("api.apify.example:443: IncompleteRead: IncompleteRead(12 bytes read, 88 more expected)"),
        HttpError("api.apify.example:443: SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
        HttpError("api.apify.example:443: ConnectionResetError: [Errno 104] Connection reset by peer"),
        HttpError("api.apify.example:443: OSError: Tunnel connection failed: 407 Proxy Authentication Required"),
        HttpError("api.apify.example:443: LineTooLong: got more than 65536 bytes when reading header line"),
        HttpError("api.apify.example:443: OSError: echoed Bearer " + TOKEN),
    ]
)


@st.composite
def answers(draw):
    """One answer: ("exc", exception) or ("resp", status, body bytes, content type, Retry-After)."""
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return ("exc", draw(TRANSPORT_ERRORS))
    return ("resp", draw(STATUSES), draw(BODIES), draw(CONTENT_TYPES), draw(RETRY_AFTER))


@st.composite
def plausible_answers(draw):
    """What the API mostly says: a good run, or a transient failure; so the reboot paths are reached."""
    kind = draw(st.integers(min_value=0, max_value=3))
    if kind < 2:
        run = base_run(draw(st.sampled_from(["RUNNING", "RUNNING", "RUNNING", "READY", "SUCCEEDED"])), draw(st.integers(min_value=0, max_value=2)))
        return ("resp", 200, json_bytes({"data": run}), "application/json", None)
    if kind == 2:
        status = draw(st.sampled_from([400, 429, 500, 502, 503, 504]))
        return ("resp", status, json_bytes({"error": {"type": "x", "message": "m"}}), "application/json", None)
    return ("exc", draw(TRANSPORT_ERRORS))


@st.composite
def plausible_pages(draw):
    """A good page of runs (short, so it is the last), or a transient failure."""
    if draw(st.booleans()):
        items = [base_run() for dummy in range(draw(st.integers(min_value=0, max_value=2)))]
        page = {"total": len(items), "offset": 0, "limit": 1000, "count": len(items), "desc": False, "items": items}
        return ("resp", 200, json_bytes({"data": page}), "application/json", None)
    return draw(plausible_answers())


# --- the fake network ----------------------------------------------------------------------


class FakeClock:
    def __init__(self):
        self.t = 0.0

    def now(self):
        return self.t

    def sleep(self, seconds):
        assert seconds >= 0
        self.t += seconds


class FuzzTransport:
    """An ``HttpTransport`` stand-in: answers each request with what ``draw`` gives; records every exchange."""

    def __init__(self, draw_answer):
        self.draw_answer = draw_answer
        self.exchanges = []

    def request(self, method, path, params=None, headers=None):
        assert path.startswith("/") and "?" not in path and "://" not in path
        assert TOKEN not in path and TOKEN not in repr(params) and "token" not in repr(params).lower()
        assert headers["Authorization"] == "Bearer " + TOKEN
        assert [name for name, value in headers.items() if TOKEN in value] == ["Authorization"]
        if len(self.exchanges) >= MAX_REQUESTS:
            answer = ("exc", HttpError("api.apify.example:443: OSError: the fake network is down"))
        else:
            answer = self.draw_answer()
        self.exchanges.append((method, path, answer))
        if answer[0] == "exc":
            raise answer[1]
        dummy, status, body, content_type, retry_after = answer
        response_headers = {}
        if content_type:
            response_headers["content-type"] = content_type
        if retry_after is not None:
            response_headers["retry-after"] = retry_after
        if 300 <= status < 400:
            response_headers["location"] = "https://elsewhere.example/?token=" + TOKEN
        return HttpResponse(status, "Reason %d" % status, response_headers, body)


def make_client(data, strategy=None, **kwargs):
    clock = FakeClock()
    strategy = answers() if strategy is None else strategy
    transport = FuzzTransport(lambda: data.draw(strategy))
    client = ApifyClient(API_URL, token=TOKEN, timeout=1.0, retries=kwargs.pop("retries", 2), sleep=clock.sleep, rand=lambda: 0.5, transport=transport)
    return client, transport, clock


def check_error(exc, method, path):
    """The failure is clear: an ApifyError whose message names the request and hides the token."""
    assert isinstance(exc, ApifyError), "%s escaped: %r" % (type(exc).__name__, exc)
    message = str(exc)
    assert message.strip() and message == exc.message
    assert "%s %s" % (method, path) in message, message[:500]
    assert len(message) < 4000, len(message)
    assert TOKEN not in message
    json.dumps(exc.to_dict())  # the module returns it: it must serialise


def parse(answer):
    """The decoded body of an answer, or None."""
    if answer[0] != "resp":
        return None
    try:
        return json.loads(answer[2].decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def valid(body, schema):
    try:
        _schemas.validate(body, schema, "GET", "/check")
    except ApifyError:
        return False
    return True


# What the runs reached, per test: proof that the fuzzing gets past the first request.
OUTCOMES = collections.defaultdict(collections.Counter)


def outcome(test, exc=None, result=None):
    if exc is not None:
        OUTCOMES[test][type(exc).__name__] += 1
    elif result is not None and isinstance(result, dict) and "rebooted" in result:
        OUTCOMES[test]["rebooted" if result["rebooted"] else "left alone"] += 1
    else:
        OUTCOMES[test]["result"] += 1


# --- the properties ------------------------------------------------------------------------


@FUZZ
@given(st.data())
def test_get_run(data):
    client, transport, dummy = make_client(data)
    try:
        run = get_run(client, RUN_ID)
    except Exception as exc:  # pylint: disable=broad-except
        check_error(exc, "GET", RUN_PATH)
        outcome("get_run", exc)
        return
    outcome("get_run", result=run)
    last = transport.exchanges[-1][2]
    assert last[0] == "resp" and 200 <= last[1] < 300
    assert run == parse(last)["data"] and valid({"data": run}, _schemas.RUN_RESPONSE)


@FUZZ
@given(st.data())
def test_post_reboot(data):
    client, transport, dummy = make_client(data)
    try:
        run = post_reboot(client, RUN_ID)
    except Exception as exc:  # pylint: disable=broad-except
        check_error(exc, "POST", REBOOT_PATH)
        outcome("post_reboot", exc)
        # A POST is repeated only after a 429: the API did not act on it.
        for method, dummy2, answer in transport.exchanges[:-1]:
            assert method == "POST" and answer[0] == "resp" and answer[1] == 429
        return
    outcome("post_reboot", result=run)
    assert all(answer[1] == 429 for dummy2, dummy3, answer in transport.exchanges[:-1])
    assert run == parse(transport.exchanges[-1][2])["data"]


@FUZZ
@given(st.data(), st.sampled_from([None, 1, 3]))
def test_list_runs(data, limit):
    client, transport, dummy = make_client(data, st.one_of(plausible_pages(), answers()))
    try:
        items, total = list_runs(client, actor_id="FuzzActor00000001", statuses=["RUNNING"], limit=limit)
    except Exception as exc:  # pylint: disable=broad-except
        check_error(exc, "GET", LIST_PATH)
        outcome("list_runs", exc)
        return
    outcome("list_runs", result=items)
    pages = [parse(answer)["data"] for method, dummy2, answer in transport.exchanges if answer[0] == "resp" and 200 <= answer[1] < 300]
    assert items == [item for page in pages for item in page["items"]]
    assert total == pages[-1]["total"]
    assert all(valid({"data": page}, _schemas.LIST_OF_RUNS_RESPONSE) for page in pages)


@FUZZ
@given(st.data(), st.sampled_from([None, 0, 2]))
def test_reboot(data, max_reboot_count):
    client, transport, clock = make_client(data, st.one_of(plausible_answers(), answers()))
    rebooter = Rebooter(client, RebootOptions(max_reboot_count=max_reboot_count), sleep=clock.sleep, now=clock.now)
    posted = False
    try:
        result = rebooter.reboot(RUN_ID)
    except Exception as exc:  # pylint: disable=broad-except
        posted = any(exchange[0] == "POST" for exchange in transport.exchanges)
        # The failing request is named: the read's or the reboot's (after a 400 to the reboot, the
        # run is read again, and a failure of that read is what is reported).
        check_error(exc, "POST" if posted and REBOOT_PATH in str(exc) else "GET", REBOOT_PATH if posted and REBOOT_PATH in str(exc) else RUN_PATH)
        outcome("reboot", exc)
        result = None
    else:
        outcome("reboot", result=result)
    check_reboot_safety(transport.exchanges, result)


def check_reboot_safety(exchanges, result):
    """Never a blind second reboot; ``rebooted`` only on evidence."""
    runs_read = []  # valid runs read by GET, in order, with the index of the exchange
    accepted = False
    counter_moved = False
    before = None
    last_post_failed_safely = True
    for index, (method, path, answer) in enumerate(exchanges):
        body = parse(answer)
        ok = answer[0] == "resp" and 200 <= answer[1] < 300 and valid(body, _schemas.RUN_RESPONSE)
        if method == "GET":
            assert path == RUN_PATH
            if ok:
                runs_read.append((index, body["data"]))
                if before is None:
                    before = body["data"]
                elif _count(body["data"]) is not None and _count(before) is not None and _count(body["data"]) > _count(before):
                    counter_moved = True
                if body["data"].get("status") == "RUNNING" and _count(before) is not None and _count(body["data"]) == _count(before):
                    last_post_failed_safely = True
            continue
        assert method == "POST" and path == REBOOT_PATH
        assert before is not None and before.get("status") == "RUNNING", "a reboot was sent for a run not read RUNNING"
        assert last_post_failed_safely, "a reboot was sent again without reading the run RUNNING with the same counter"
        assert not accepted, "a reboot was sent after one was accepted"
        if answer[0] == "resp" and 200 <= answer[1] < 300:
            accepted = True
        # After a 429 the API did not act: the client may ask again at once.
        last_post_failed_safely = answer[0] == "resp" and answer[1] == 429
    if result is not None:
        assert result["run_id"] == RUN_ID and isinstance(result["msg"], str) and result["msg"]
        assert isinstance(result["run"], dict)
        if result["rebooted"]:
            assert accepted or counter_moved, "rebooted=True without an accepted reboot or a moved counter"
        else:
            assert not accepted


def _count(run):
    value = (run.get("stats") or {}).get("rebootCount")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def test_the_fuzzing_reached_every_outcome():
    """Run after the tests above (file order): each saw successes and failures; all four error kinds were met."""
    if not OUTCOMES:
        pytest.skip("run with the other tests of this file")
    print(dict((test, dict(counts)) for test, counts in OUTCOMES.items()))
    for test in ("get_run", "post_reboot", "list_runs"):
        assert "result" in OUTCOMES[test] and len(set(OUTCOMES[test]) - {"result"}) >= 2, (test, OUTCOMES[test])
    assert {"rebooted", "left alone"} <= set(OUTCOMES["reboot"]) and len(set(OUTCOMES["reboot"])) >= 4, OUTCOMES["reboot"]
    seen = set().union(*OUTCOMES.values())
    assert {"ApifyApiError", "ApifyResponseError", "ApifyTransportError"} <= seen, seen


# --- known bug, pinned ---------------------------------------------------------------------


# Found by fuzzing: a counter that went down once counted as "not rebooted" and was re-sent.
def test_a_counter_that_went_down_is_not_a_reason_to_reboot_again():
    script = iter(
        [
            ("resp", 200, json_bytes({"data": base_run("RUNNING", 1)}), "application/json", None),
            ("resp", 500, json_bytes({"error": {"type": "internal-server-error", "message": "m"}}), "application/json", None),
            ("resp", 200, json_bytes({"data": base_run("RUNNING", 0)}), "application/json", None),
        ]
        + [("resp", 200, json_bytes({"data": base_run("RUNNING", 2)}), "application/json", None)] * 10
    )
    clock = FakeClock()
    transport = FuzzTransport(lambda: next(script))
    client = ApifyClient(API_URL, token=TOKEN, timeout=1.0, retries=2, sleep=clock.sleep, rand=lambda: 0.5, transport=transport)
    try:
        result = Rebooter(client, RebootOptions(), sleep=clock.sleep, now=clock.now).reboot(RUN_ID)
    except ApifyError:
        result = None
    check_reboot_safety(transport.exchanges, result)


# Found by fuzzing: json.loads raises RecursionError, not ValueError, on absurdly nested JSON.
@pytest.mark.parametrize("status", [200, 500])
def test_deeply_nested_json_is_a_clear_failure(status):
    answers_given = iter([("resp", status, b"[" * 100000, "application/json", None)] * 10)
    transport = FuzzTransport(lambda: next(answers_given))
    clock = FakeClock()
    client = ApifyClient(API_URL, token=TOKEN, timeout=1.0, retries=0, sleep=clock.sleep, transport=transport)
    try:
        get_run(client, RUN_ID)
    except ApifyError as exc:
        check_error(exc, "GET", RUN_PATH)


# Found by fuzzing: a schema error quoted the offending value, token and all.
def test_a_schema_error_never_quotes_the_token():
    body = base_run()
    body["stats"]["rebootCount"] = "Bearer " + TOKEN
    script = iter([("resp", 200, json_bytes({"data": body}), "application/json", None)])
    clock = FakeClock()
    client = ApifyClient(API_URL, token=TOKEN, timeout=1.0, retries=0, sleep=clock.sleep, transport=FuzzTransport(lambda: next(script)))
    with pytest.raises(ApifyError) as caught:
        get_run(client, RUN_ID)
    check_error(caught.value, "GET", RUN_PATH)
