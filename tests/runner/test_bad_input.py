# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bad input, and bad answers, each with the exact message a user sees.

Every row of TABLE is one task of one generated playbook, run through ansible-runner
against the emulator (one RUNNING run, BadInputRun000001). The message of each row is the
one a real run printed; docs/docsite/rst/troubleshooting.rst shows the same table, and a test
here checks that the page holds every message verbatim. Afterwards the emulator must show
that nothing was rebooted and no reboot was even sent: each bad input is refused before
any request, and each bad answer comes to the read that precedes any reboot.
"""

import re
from pathlib import Path

import pytest

from tests.runner.conftest import REPO_ROOT, dump, run_playbook, task_results

RUN_ID = "BadInputRun000001"
DOC = REPO_ROOT / "docs" / "docsite" / "rst" / "troubleshooting.rst"
PAGE = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
ELSEWHERE = "https://api.elsewhere.example/v2/actor-runs/" + RUN_ID
# What a message about an answer that does not fit the schema ends with (_schemas.ADVICE).
ADVICE = (
    "This is not what the Apify API answers: check that api_url (or APIFY_API_BASE_URL) points at the API and that "
    "no proxy in between changes answers; if both are right, the API itself may have changed, so please report it"
)

# (row id, what is wrong, module args (beyond run_id, token and api_url given by the play), fault rule on
# the read, the exact message). "{run}" in args stands for the run ID; "{api}" for the emulator's URL.
TABLE = [
    (
        "token-empty",
        "empty token",
        {"token": ""},
        None,
        "The Apify API token is empty or only whitespace. Set the token option, the APIFY_TOKEN environment "
        "variable, or module_defaults for group/apify.platform.apify (in AWX: an 'Apify API' credential).",
    ),
    (
        "token-whitespace",
        "whitespace-only token",
        {"token": "   "},
        None,
        "The Apify API token is empty or only whitespace. Set the token option, the APIFY_TOKEN environment "
        "variable, or module_defaults for group/apify.platform.apify (in AWX: an 'Apify API' credential).",
    ),
    (
        "token-multiline",
        "token with a line break inside",
        {"token": "apify_api_one\napify_api_two"},
        None,
        "The Apify API token contains whitespace or control characters (a line break, perhaps from a file or "
        "a multi-line secret). Give the token alone, on one line.",
    ),
    (
        "token-missing",
        "no token at all",
        {"token": None},
        None,
        "No Apify API token was given. Set the token option, the APIFY_TOKEN environment variable, or "
        "module_defaults for group/apify.platform.apify (in AWX: an 'Apify API' credential).",
    ),
    (
        "id-console-url",
        "a Console URL for the run ID",
        {"run_id": "https://console.apify.com/actors/HDSasDasz78YcAPEB/runs/BadInputRun000001#log"},
        None,
        "run_id 'https://console.apify.com/actors/HDSasDasz78YcAPEB/runs/BadInputRun000001#log' is not an Apify run ID: "
        "it is a URL (from Apify Console?): give only the run ID in it, BadInputRun000001. Nothing was sent.",
    ),
    (
        "id-slash",
        "run ID with /",
        {"run_id": "BadInputRun000001/abort"},
        None,
        "run_id 'BadInputRun000001/abort' is not an Apify run ID: run IDs are 1 to 64 letters and digits (for example 3KH8gEpp4d8uQSe8T). Nothing was sent.",
    ),
    (
        "id-dotdot",
        "run ID ..",
        {"run_id": ".."},
        None,
        "run_id '..' is not an Apify run ID: run IDs are 1 to 64 letters and digits (for example 3KH8gEpp4d8uQSe8T). Nothing was sent.",
    ),
    (
        "id-query",
        "run ID with ?",
        {"run_id": "BadInputRun000001?x=1"},
        None,
        "run_id 'BadInputRun000001?x=1' is not an Apify run ID: run IDs are 1 to 64 letters and digits (for example 3KH8gEpp4d8uQSe8T). Nothing was sent.",
    ),
    (
        "id-percent",
        "run ID %2F",
        {"run_id": "%2F"},
        None,
        "run_id '%2F' is not an Apify run ID: run IDs are 1 to 64 letters and digits (for example 3KH8gEpp4d8uQSe8T). Nothing was sent.",
    ),
    (
        "id-space",
        "run ID with a space",
        {"run_id": "BadInput Run"},
        None,
        "run_id 'BadInput Run' is not an Apify run ID: run IDs are 1 to 64 letters and digits (for example 3KH8gEpp4d8uQSe8T). Nothing was sent.",
    ),
    (
        "id-non-ascii",
        "non-ASCII run ID",
        {"run_id": "B\u00e4dInputRun00001"},
        None,
        "run_id 'BädInputRun00001' is not an Apify run ID: run IDs are 1 to 64 letters and digits (for example 3KH8gEpp4d8uQSe8T). Nothing was sent.",
    ),
    (
        "id-long",
        "1,000-character run ID",
        {"run_id": "x" * 1000},
        None,
        "run_id '" + "x" * 119 + "...' (1000 characters) is not an Apify run ID: run "
        "IDs are 1 to 64 letters and digits (for example 3KH8gEpp4d8uQSe8T). Nothing was sent.",
    ),
    (
        "id-in-list",
        "a bad ID in run_ids",
        {"run_id": None, "run_ids": [RUN_ID, "../x"]},
        None,
        "run_ids '../x' is not an Apify run ID: run IDs are 1 to 64 letters and digits (for example 3KH8gEpp4d8uQSe8T). Nothing was sent.",
    ),
    ("url-ftp", "api_url with ftp://", {"api_url": "ftp://127.0.0.1"}, None, "api_url must use https:// (got ftp://)."),
    (
        "url-no-scheme",
        "api_url without a scheme",
        {"api_url": "api.apify.com"},
        None,
        "api_url 'api.apify.com' has no scheme: write it as https://HOST, for example https://api.apify.com.",
    ),
    (
        "url-plain-http",
        "plain http to a non-loopback host",
        {"api_url": "http://api.apify.com"},
        None,
        "api_url uses plain http:// to api.apify.com, so the token would travel in clear: use https://. "
        "Plain http is accepted only for a loopback address (localhost, 127.0.0.1, ::1).",
    ),
    (
        "url-path",
        "api_url with a path",
        {"api_url": "{api}/v2"},
        None,
        "api_url must be the API root without a path (got path '/v2'): the collection adds /v2/... itself. For example https://api.apify.com.",
    ),
    (
        "url-query",
        "api_url with a query string",
        {"api_url": "{api}?token=x"},
        None,
        "api_url '{api}?...' must not contain credentials, a query string or fragment: give the token in the token option (it never goes in a URL).",
    ),
    (
        "url-slash",
        "api_url with a trailing slash (accepted, normalised; check mode)",
        {"api_url": "{api}/", "check": True},
        None,
        "Run BadInputRun000001 is RUNNING and would be rebooted (check mode: no reboot was sent).",
    ),
    ("timeout-zero", "timeout 0", {"timeout": 0}, None, "timeout must be greater than 0 (got 0.0)."),
    ("timeout-negative", "negative timeout", {"timeout": -5}, None, "timeout must be greater than 0 (got -5.0)."),
    ("wait-timeout-zero", "wait_timeout 0", {"wait_timeout": 0}, None, "wait_timeout must be greater than 0 (got 0)."),
    ("wait-sleep-negative", "negative wait_sleep", {"wait_sleep": -1}, None, "wait_sleep must be greater than 0 (got -1)."),
    (
        "wait-timeout-below-sleep",
        "wait_timeout below wait_sleep",
        {"wait_timeout": 2, "wait_sleep": 5},
        None,
        "wait_timeout (2) must be at least wait_sleep (5).",
    ),
    ("retries-negative", "negative retries", {"retries": -1}, None, "retries must be 0 or more (got -1)."),
    ("retries-too-many", "retries above 20", {"retries": 50}, None, "retries must be at most 20 (got 50)."),
    ("max-reboot-count-negative", "negative max_reboot_count", {"max_reboot_count": -1}, None, "max_reboot_count must be 0 or more (got -1)."),
    ("concurrency-zero", "concurrency 0", {"run_id": None, "run_ids": [RUN_ID], "concurrency": 0}, None, "concurrency must be from 1 to 100 (got 0)."),
    (
        "concurrency-too-high",
        "concurrency 101",
        {"run_id": None, "run_ids": [RUN_ID], "concurrency": 101},
        None,
        "concurrency must be from 1 to 100 (got 101).",
    ),
    (
        "selectors-conflict",
        "run_id and actor_id together",
        {"actor_id": "DemoActor00000001"},
        None,
        "parameters are mutually exclusive: run_id|run_ids|actor_id|task_id",
    ),
    ("selectors-none", "no run selected", {"run_id": None}, None, "one of the following is required: run_id, run_ids, actor_id, task_id"),
    (
        "actor-id-bad",
        "actor_id with a slash",
        {"run_id": None, "actor_id": "a/b"},
        None,
        "actor_id 'a/b' is not an Apify ID: give the ID (letters and digits, for example HDSasDasz78YcAPEB) or username~name. Nothing was sent.",
    ),
    (
        "answer-html",
        "an HTML error page (HTTP 502)",
        {},
        {"kind": "status", "status": 502, "raw": PAGE, "content_type": "text/html"},
        "Apify API answered HTTP 502 (Bad Gateway) to GET /v2/actor-runs/BadInputRun000001. The Apify API "
        "had a server error; it was retried where that is safe. Try again later.",
    ),
    (
        "answer-html-200",
        "an HTML page with HTTP 200",
        {},
        {"kind": "raw", "status": 200, "raw": PAGE, "content_type": "text/html"},
        "Unexpected answer from the Apify API to GET /v2/actor-runs/BadInputRun000001: the body is not JSON "
        "(Content-Type text/html, 93 bytes, starting '<html><head><title>502 Bad "
        "Gateway</title></head><body><h1>502 Bad Gateway</h1><')",
    ),
    (
        "answer-empty",
        "an empty body with HTTP 200",
        {},
        {"kind": "raw", "status": 200, "raw": ""},
        "Unexpected answer from the Apify API to GET /v2/actor-runs/BadInputRun000001: the body is not JSON "
        "(Content-Type application/json; charset=utf-8, 0 bytes, starting '')",
    ),
    (
        "answer-truncated",
        "truncated JSON",
        {},
        {"kind": "raw", "status": 200, "raw": '{"data": {"id": "BadInputRun0'},
        "Unexpected answer from the Apify API to GET /v2/actor-runs/BadInputRun000001: the body is not JSON "
        '(Content-Type application/json; charset=utf-8, 29 bytes, starting \'{"data": {"id": "BadInputRun0\')',
    ),
    (
        "answer-empty-object",
        "HTTP 200 with {}",
        {},
        {"kind": "raw", "status": 200, "raw": "{}"},
        "Unexpected answer from the Apify API to GET /v2/actor-runs/BadInputRun000001: $: 'data' is a required property. " + ADVICE,
    ),
    (
        "answer-data-null",
        'HTTP 200 with {"data": null}',
        {},
        {"kind": "raw", "status": 200, "raw": '{"data": null}'},
        "Unexpected answer from the Apify API to GET /v2/actor-runs/BadInputRun000001: data: None is not of type 'object'. " + ADVICE,
    ),
    (
        "answer-no-status",
        "a run without status",
        {},
        {"kind": "mutate", "delete": ["data.status"]},
        "Unexpected answer from the Apify API to GET /v2/actor-runs/BadInputRun000001: data: 'status' is a required property. " + ADVICE,
    ),
    (
        "answer-redirect",
        "a redirect",
        {},
        {"kind": "redirect", "location": ELSEWHERE},
        "Unexpected answer from the Apify API to GET /v2/actor-runs/BadInputRun000001: HTTP 302 redirect to "
        "'https://api.elsewhere.example/v2/actor-runs/BadInputRun000001' was not followed: the token is only "
        "sent to api_url. Set api_url to the address the API really answers on.",
    ),
]


def module_args(args, api_url, token):
    result = {"run_id": RUN_ID, "retries": 0, "token": token}
    for key, value in args.items():
        if key == "check":
            continue
        if isinstance(value, str):
            value = value.replace("{api}", api_url)
        result[key] = value
    return {key: value for key, value in result.items() if value is not None}


def playbook(api_url, token):
    """One play: reset, the run, every fault rule at once, then one task per row.

    The rules are consumed in order, one per read, and only the rows that get past the checks
    read the run (retries 0): each of those gets its fault, or a rule that changes nothing.
    """
    control = api_url + "/_emulator"
    path = "^/v2/actor-runs/" + RUN_ID + "$"
    rules = [dict(fault or {"kind": "mutate", "set": {}}, method="GET", path=path) for row, dummy, args, fault, dummy2 in TABLE if reaches_api(row, fault)]
    tasks = [
        {"name": "reset", "ansible.builtin.uri": {"url": control + "/reset", "method": "POST"}},
        {
            "name": "run",
            "ansible.builtin.uri": {
                "url": control + "/runs",
                "method": "POST",
                "body_format": "json",
                "body": {"id": RUN_ID, "status": "RUNNING"},
                "status_code": 201,
            },
        },
        {
            "name": "faults",
            "ansible.builtin.uri": {"url": control + "/faults", "method": "POST", "body_format": "json", "status_code": 201, "body": {"rules": rules}},
        },
    ]
    for row, dummy, args, dummy2, dummy3 in TABLE:
        tasks.append(
            {"name": row, "apify.platform.apify_run_reboot": module_args(args, api_url, token), "ignore_errors": True, "check_mode": bool(args.get("check"))}
        )
    return [
        {
            "name": "bad input",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": tasks,
            "module_defaults": {"group/apify.platform.apify": {"api_url": api_url, "timeout": 5}},
        }
    ]


def reaches_api(row, fault):
    """The rows whose input passes every check, so the module reads the run once."""
    return bool(fault) or row == "url-slash"


@pytest.fixture(scope="module")
def outcome(emulator, collections_path, tmp_path_factory):
    private_data_dir = tmp_path_factory.mktemp("bad-input")
    (private_data_dir / "project").mkdir()
    # The token is given to each task (not through APIFY_TOKEN), so a row can leave it out.
    runner = run_playbook(private_data_dir, playbook(emulator.base_url, emulator.token), {}, collections_path)
    results = task_results(runner)
    return results, emulator.log(), emulator.run(RUN_ID)


@pytest.mark.parametrize("row, what, args, fault, message", TABLE, ids=[row[0] for row in TABLE])
def test_each_bad_input_gets_its_message(outcome, emulator, row, what, args, fault, message):
    results = outcome[0]
    message = message.replace("{api}", emulator.base_url)  # a message may show api_url (without its secrets)
    result = results[row]
    if row == "url-slash":
        assert not result["failed"] and result["changed"], dump(result)  # accepted: a read, no reboot (check mode)
    else:
        assert result["failed"] and not result["changed"], dump(result)
    assert "Traceback" not in dump(result) and "MODULE FAILURE" not in dump(result)
    assert result["msg"] == message, "%s (%s): %r" % (row, what, result["msg"])
    assert fault is None or "error" in result


def test_nothing_was_rebooted_and_no_reboot_was_sent(outcome):
    dummy, log, run = outcome
    assert run["stats"]["rebootCount"] == 0 and run["status"] == "RUNNING"
    assert [entry for entry in log if entry["method"] != "GET"] == []
    # Only the rows that get past the checks reach the API: one read each (retries 0).
    reached = [row for row, dummy2, args, fault, dummy3 in TABLE if reaches_api(row, fault)]
    assert len(log) == len(reached)
    assert all(entry["path"] == "/v2/actor-runs/" + RUN_ID for entry in log)
    assert all(entry["authorization"] == "bearer-valid" for entry in log)


def literals(text):
    """The text of every inline literal of an RST document, whitespace collapsed."""
    docutils_core = pytest.importorskip("docutils.core")
    from docutils import nodes  # pylint: disable=import-outside-toplevel
    from docutils.parsers.rst import roles  # pylint: disable=import-outside-toplevel

    def sphinx_ref(name, rawtext, text, lineno, inliner, options=None, content=None):  # pylint: disable=unused-argument,too-many-arguments
        return [nodes.inline(rawtext, text)], []  # Sphinx's :ref: role, which plain docutils does not know

    roles.register_local_role("ref", sphinx_ref)
    document = docutils_core.publish_doctree(text, settings_overrides={"report_level": 2, "halt_level": 2})
    return {" ".join(node.astext().split()) for node in document.findall(nodes.literal)}


def test_the_troubleshooting_page_shows_every_message():
    if not DOC.is_file():
        pytest.skip("%s is not there" % DOC)
    shown = literals(DOC.read_text(encoding="utf-8"))
    missing = [row for row, dummy, dummy2, dummy3, message in TABLE if " ".join(message.split()) not in shown]
    assert not missing, "rows whose message the page does not show verbatim: %s" % missing


def test_every_row_is_in_the_page_table():
    if not DOC.is_file():
        pytest.skip("%s is not there" % DOC)
    text = DOC.read_text(encoding="utf-8")
    assert all(re.search(re.escape(what), text) for dummy, what, dummy2, dummy3, dummy4 in TABLE)
    assert Path(DOC).name == "troubleshooting.rst"
