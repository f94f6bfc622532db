# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fuzzing the response handling: ApifyClient -> _runs -> _rebooter over generated answers.

The unit tests' scripted HTTP fake (``tests/unit/scripted_http.py``: a requests adapter)
answers every request with a body hypothesis draws: valid runs and lists
(hypothesis-jsonschema, from the collection's own schemas), realistic runs with fields
deleted, retyped, nulled, made huge or non-ASCII, runs of another ID, and bodies that are
not JSON at all (truncated, empty, HTML, invalid UTF-8, too deep, declared too large),
under any status (interim 1xx included) and Content-Type, or a requests exception instead
of an answer (refused, timed out, dropped, TLS, proxy).

Properties:

* nothing but an ApifyError subclass ever escapes, and its message is non-empty, bounded,
  names the method and path, and never holds the token;
* a result is correct: a run read is the ``data`` of an answer, a list has every item;
* the reboot is never sent again unless the request before it never reached the API (no
  connection, or a 429); never after anything else (5xx, 1xx, a broken connection, any
  2xx or 3xx answer), whatever the run read afterwards shows (issue 17);
* ``changed`` is true exactly when a reboot request reached the API and was not refused
  with a 4xx; ``rebooted`` is true only if a reboot answer was believed or the counter moved.

Deterministic (derandomize=True, no example database) and bounded (about 10 s in all).
Needs hypothesis (a test-only package): it runs in `make proof`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json

import hypothesis_jsonschema
import pytest
import requests
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.apify.platform.plugins.module_utils import _schemas
from ansible_collections.apify.platform.plugins.module_utils._answers import MAX_ANSWER_BYTES
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyError
from ansible_collections.apify.platform.plugins.module_utils._procedure import Procedure, ProcedureOptions
from ansible_collections.apify.platform.plugins.module_utils._run_actions import Reboot
from ansible_collections.apify.platform.plugins.module_utils._runs import (
    get_run,
    list_runs,
    post_action,
)
from ansible_collections.apify.platform.tests.unit.scripted_http import Fake, Reply

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


def about_the_run(document):
    """A valid run answer made about the run asked for (another run's is refused: see below)."""
    document["data"]["id"] = RUN_ID
    return document


BODIES = st.one_of(
    VALID_RUN.map(about_the_run).map(json_bytes),
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
            b'{"data": ' + b"[" * 40 + b"]" * 40 + b"}",
        ]
    ),
    st.builds(lambda: json_bytes({"data": base_run()})).map(lambda body: body.replace(RUN_ID.encode(), b"OtherRun000000001")),
    st.binary(max_size=64),
)
STATUSES = st.sampled_from([100, 103, 200, 200, 200, 201, 204, 301, 302, 307, 400, 401, 403, 404, 405, 418, 429, 500, 502, 503, 504])
CONTENT_TYPES = st.sampled_from(["application/json", "application/json; charset=utf-8", "text/html", "text/plain", "application/octet-stream", None])
RETRY_AFTER = st.one_of(st.none(), st.sampled_from(["0", "1", "2.5", "-1", "1e400", "nan", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", "31", "100000"]))
# What requests raises (one quotes the token: the client must redact it).
TRANSPORT_ERRORS = st.sampled_from(
    [
        Fake.refused(),
        Fake.connect_timeout(1),
        Fake.read_timeout(1),
        Fake.dropped(),
        Fake.reset_by_peer(),
        Fake.tls_failure(),
        Fake.proxy_failure(),
        requests.exceptions.ConnectionError("echoed Bearer " + TOKEN),
    ]
)
# Content-Length: the body's own, none (streamed), or more than an answer may be.
DECLARED = st.sampled_from([True, True, True, False, MAX_ANSWER_BYTES + 1])
# Failures after which the request cannot have reached the API: a failed connect, a refused proxy
# tunnel, a refused certificate, no SOCKS library (what _session.never_sent() is unit-tested for).
NEVER_SENT = (requests.exceptions.ConnectTimeout, requests.exceptions.ProxyError, requests.exceptions.InvalidSchema)


def never_sent(exc):
    text = repr(exc.args)
    return isinstance(exc, NEVER_SENT) or "NewConnectionError" in text or "SSLCertVerificationError" in text


@st.composite
def answers(draw):
    """One answer: ("exc", exception) or ("resp", status, body bytes, content type, Retry-After, Content-Length)."""
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return ("exc", draw(TRANSPORT_ERRORS))
    return ("resp", draw(STATUSES), draw(BODIES), draw(CONTENT_TYPES), draw(RETRY_AFTER), draw(DECLARED))


@st.composite
def plausible_answers(draw):
    """What the API mostly says: a good run, or a transient failure; so the reboot paths are reached."""
    kind = draw(st.integers(min_value=0, max_value=3))
    if kind < 2:
        run = base_run(draw(st.sampled_from(["RUNNING", "RUNNING", "RUNNING", "READY", "SUCCEEDED"])), draw(st.integers(min_value=0, max_value=2)))
        return ("resp", 200, json_bytes({"data": run}), "application/json", None, True)
    if kind == 2:
        status = draw(st.sampled_from([103, 400, 429, 500, 502, 503, 504]))
        return ("resp", status, json_bytes({"error": {"type": "x", "message": "m"}}), "application/json", None, True)
    return ("exc", draw(TRANSPORT_ERRORS))


@st.composite
def plausible_pages(draw):
    """A good page of runs (short, so it is the last), or a transient failure."""
    if draw(st.booleans()):
        items = [base_run() for dummy in range(draw(st.integers(min_value=0, max_value=2)))]
        page = {"total": len(items), "offset": 0, "limit": 1000, "count": len(items), "desc": False, "items": items}
        return ("resp", 200, json_bytes({"data": page}), "application/json", None, True)
    return draw(plausible_answers())


# --- the fake network ----------------------------------------------------------------------

ROUTES = [("GET", RUN_PATH), ("POST", REBOOT_PATH), ("GET", LIST_PATH)]


def make_client(draw_answer, retries=2):
    """A client on the scripted fake, whose every answer is ``draw_answer()``; and the exchanges, and the clock.

    Each exchange is recorded as ``(method, path, answer)``. After MAX_REQUESTS the network
    is down: nothing connects, so every loop ends.
    """
    fake = Fake()
    exchanges = []

    def outcome(call):
        assert TOKEN not in call.url and "token" not in call.url.lower()
        assert call.authorization == "Bearer " + TOKEN
        assert [name for name, value in call.headers.items() if TOKEN in value] == ["Authorization"]
        answer = ("exc", Fake.refused()) if len(exchanges) >= MAX_REQUESTS else draw_answer()
        exchanges.append((call.method, call.path, answer))
        if answer[0] == "exc":
            return answer[1]
        dummy, status, body, content_type, retry_after, declared = answer
        headers = {"Content-Type": content_type}
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        if 300 <= status < 400:
            headers["Location"] = "https://elsewhere.example/?token=" + TOKEN
        return Reply(status, raw=body, headers=headers, content_length=declared)

    for method, path in ROUTES:
        fake.script(method, path, outcome)
    client = fake.client(token=TOKEN, timeout=1.0, retries=retries, rand=lambda: 0.5)
    return client, exchanges, fake.clock


def drawing(data, strategy=None):
    strategy = answers() if strategy is None else strategy
    return lambda: data.draw(strategy)


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
    client, exchanges, dummy = make_client(drawing(data))
    try:
        run = get_run(client, RUN_ID)
    except Exception as exc:  # pylint: disable=broad-except
        check_error(exc, "GET", RUN_PATH)
        outcome("get_run", exc)
        return
    outcome("get_run", result=run)
    last = exchanges[-1][2]
    assert last[0] == "resp" and 200 <= last[1] < 300
    assert run == parse(last)["data"] and valid({"data": run}, _schemas.RUN_RESPONSE)
    assert run["id"] == RUN_ID


@FUZZ
@given(st.data())
def test_post_reboot(data):
    client, exchanges, dummy = make_client(drawing(data, st.one_of(answers(), plausible_answers())))
    try:
        run = post_action(client, RUN_ID, "reboot")
    except Exception as exc:  # pylint: disable=broad-except
        check_error(exc, "POST", REBOOT_PATH)
        outcome("post_reboot", exc)
        # A POST is repeated only after a 429: the API did not act on it.
        for method, dummy2, answer in exchanges[:-1]:
            assert method == "POST" and answer[0] == "resp" and answer[1] == 429
        return
    outcome("post_reboot", result=run)
    assert all(answer[1] == 429 for dummy2, dummy3, answer in exchanges[:-1])
    assert run == parse(exchanges[-1][2])["data"]
    assert run["id"] == RUN_ID


@FUZZ
@given(st.data(), st.sampled_from([None, 1, 3]))
def test_list_runs(data, limit):
    client, exchanges, dummy = make_client(drawing(data, st.one_of(plausible_pages(), answers())))
    try:
        items, total = list_runs(client, actor_id="FuzzActor00000001", statuses=["RUNNING"], limit=limit)
    except Exception as exc:  # pylint: disable=broad-except
        check_error(exc, "GET", LIST_PATH)
        outcome("list_runs", exc)
        return
    outcome("list_runs", result=items)
    # A 204 may not carry content: urllib3 refuses its body, so the client reads it as a broken answer and retries.
    pages = [parse(answer)["data"] for method, dummy2, answer in exchanges if answer[0] == "resp" and 200 <= answer[1] < 300 and answer[1] != 204]
    # The runs listed, in the API's order, a run listed again on a later page not repeated; all
    # of them, or the first ``limit``. (Repeats within one page: see test__runs.py.)
    listed = [item["id"] for page in pages for item in page["items"]]
    got = [item["id"] for item in items]
    assert all(item in [listed_item for page in pages for listed_item in page["items"]] for item in items)
    assert _unique(got) == _unique(listed)[: len(_unique(got))]
    if limit is None:
        assert _unique(got) == _unique(listed)
    else:
        assert len(items) <= limit
    assert total == pages[-1]["total"]
    assert all(valid({"data": page}, _schemas.LIST_OF_RUNS_RESPONSE) for page in pages)


@FUZZ
@given(st.data(), st.sampled_from([None, 0, 2]))
def test_reboot(data, max_reboot_count):
    client, exchanges, clock = make_client(drawing(data, st.one_of(plausible_answers(), answers())))
    procedure = Procedure(client, Reboot(max_reboot_count=max_reboot_count), ProcedureOptions(), sleep=clock.sleep, now=clock.now)
    posted = False
    error = None
    try:
        result = procedure.run(RUN_ID)
    except Exception as exc:  # pylint: disable=broad-except
        posted = any(exchange[0] == "POST" for exchange in exchanges)
        # The failing request is named: the read's or the reboot's (after a 400 to the reboot, the
        # run is read again, and a failure of that read is what is reported).
        check_error(exc, "POST" if posted and REBOOT_PATH in str(exc) else "GET", REBOOT_PATH if posted and REBOOT_PATH in str(exc) else RUN_PATH)
        outcome("reboot", exc)
        result, error = None, exc
    else:
        outcome("reboot", result=result)
    check_reboot_safety(exchanges, result, error)


def _post_kind(answer):
    """What a reboot request's outcome says: whether it reached the API, and what may follow it."""
    if answer[0] == "exc":
        return "never-sent" if never_sent(answer[1]) else "no-answer"
    status = answer[1]
    if status == 429:
        return "429"
    if 400 <= status < 500:
        return "refused"
    if 200 <= status < 400:
        return "answered"  # believed or not, an answer: never asked again
    return "no-answer"  # 1xx, 5xx


def check_reboot_safety(exchanges, result, error=None):
    """Never a blind second reboot; ``changed`` when a request reached the API; ``rebooted`` only on evidence."""
    before = None
    believed = False
    counter_moved = False
    may_post = True  # whether one more reboot request is allowed now
    answered = False
    arrived = 0
    for method, path, answer in exchanges:
        body = parse(answer)
        # A 204 may not carry content: urllib3 refuses its body, so the client never sees the run in it.
        ok = answer[0] == "resp" and 200 <= answer[1] < 300 and answer[1] != 204 and valid(body, _schemas.RUN_RESPONSE) and body["data"].get("id") == RUN_ID
        if method == "GET":
            assert path == RUN_PATH
            if ok:
                run = body["data"]
                if before is None:
                    before = run
                    continue
                if _count(run) is not None and _count(before) is not None and _count(run) > _count(before):
                    counter_moved = True
            continue
        assert method == "POST" and path == REBOOT_PATH
        assert before is not None and before.get("status") == "RUNNING", "a reboot was sent for a run not read RUNNING"
        assert may_post, "a reboot was sent again after a request that reached the API"
        assert not answered, "a reboot was sent after the API answered one"
        kind = _post_kind(answer)
        may_post = kind in ("never-sent", "429")
        if kind in ("no-answer", "answered"):
            arrived += 1
        if kind == "answered":
            answered = True
            believed = believed or (ok and not (_count(body["data"]) is not None and _count(before) is not None and _count(body["data"]) < _count(before)))
    changed = result["changed"] if result is not None else error.changed
    assert changed is (arrived > 0), "changed=%s after %d request(s) that reached the API" % (changed, arrived)
    if result is not None:
        assert result["run_id"] == RUN_ID and isinstance(result["msg"], str) and result["msg"]
        assert isinstance(result["run"], dict) and result["run"].get("id") == RUN_ID
        if result["rebooted"]:
            assert believed or counter_moved, "rebooted=True without a believed reboot answer or a moved counter"
        else:
            assert not believed


def _unique(values):
    return list(dict.fromkeys(values))


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
            ("resp", 200, json_bytes({"data": base_run("RUNNING", 1)}), "application/json", None, True),
            ("resp", 500, json_bytes({"error": {"type": "internal-server-error", "message": "m"}}), "application/json", None, True),
            ("resp", 200, json_bytes({"data": base_run("RUNNING", 0)}), "application/json", None, True),
        ]
        + [("resp", 200, json_bytes({"data": base_run("RUNNING", 2)}), "application/json", None, True)] * 10
    )
    client, exchanges, clock = make_client(lambda: next(script))
    error = result = None
    try:
        result = Procedure(client, Reboot(), ProcedureOptions(), sleep=clock.sleep, now=clock.now).run(RUN_ID)
    except ApifyError as exc:
        error = exc
    check_reboot_safety(exchanges, result, error)


# Found by fuzzing: json.loads raises RecursionError, not ValueError, on absurdly nested JSON.
@pytest.mark.parametrize("status", [200, 500])
def test_deeply_nested_json_is_a_clear_failure(status):
    answers_given = iter([("resp", status, b"[" * 100000, "application/json", None, True)] * 10)
    client, dummy, dummy2 = make_client(lambda: next(answers_given), retries=0)
    try:
        get_run(client, RUN_ID)
    except ApifyError as exc:
        check_error(exc, "GET", RUN_PATH)


# Found by fuzzing: a schema error quoted the offending value, token and all.
def test_a_schema_error_never_quotes_the_token():
    body = base_run()
    body["stats"]["rebootCount"] = "Bearer " + TOKEN
    script = iter([("resp", 200, json_bytes({"data": body}), "application/json", None, True)])
    client, dummy, dummy2 = make_client(lambda: next(script), retries=0)
    with pytest.raises(ApifyError) as caught:
        get_run(client, RUN_ID)
    check_error(caught.value, "GET", RUN_PATH)
