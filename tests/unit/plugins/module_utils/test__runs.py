# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apify.platform.plugins.module_utils import _runs
from ansible_collections.apify.platform.plugins.module_utils._errors import (
    ApifyApiError,
    ApifyResponseError,
)
from ansible_collections.apify.platform.plugins.module_utils._runs import (
    MAX_PAGE,
    MAX_PAGES,
    get_run,
    list_path,
    list_runs,
    listed_run_ids,
    post_action,
    run_path,
)

LIST = "/v2/actor-runs"


def server(fake, count, ignore_offset=False, page_cap=None, runs=None):
    """A list endpoint over ``count`` runs that honours offset and limit."""
    runs = [fake.short_run(i) for i in range(count)] if runs is None else runs

    def answer(call):
        offset = 0 if ignore_offset else int(call.params["offset"])
        limit = int(call.params["limit"])
        if page_cap:
            limit = min(limit, page_cap)
        return fake.page(runs[offset : offset + limit], total=len(runs), offset=offset, limit=limit)

    return runs, answer


def params_of(fake):
    """The query of each request, as sent (the values are text on the wire)."""
    return [{name: int(value) if value.isdigit() else value for name, value in c.params.items()} for c in fake.http.calls]


# -- paths ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "run_id, action, path",
    [
        ("3KH8gEpp4d8uQSe8T", None, "/v2/actor-runs/3KH8gEpp4d8uQSe8T"),
        ("3KH8gEpp4d8uQSe8T", "reboot", "/v2/actor-runs/3KH8gEpp4d8uQSe8T/reboot"),
        ("a/b", "reboot", "/v2/actor-runs/a%2Fb/reboot"),
        ("../../v2/users/me", None, "/v2/actor-runs/..%2F..%2Fv2%2Fusers%2Fme"),
        ("a?b#c", None, "/v2/actor-runs/a%3Fb%23c"),
    ],
)
def test_run_path(run_id, action, path):
    assert run_path(run_id, action) == path


@pytest.mark.parametrize(
    "actor_id, task_id, path",
    [
        (None, None, "/v2/actor-runs"),
        ("HDSasDasz78YcAPEB", None, "/v2/actors/HDSasDasz78YcAPEB/runs"),
        ("apify~web-scraper", None, "/v2/actors/apify~web-scraper/runs"),
        (None, "KJHSKHausidyaJKHs", "/v2/actor-tasks/KJHSKHausidyaJKHs/runs"),
        (None, "me~my-task", "/v2/actor-tasks/me~my-task/runs"),
        ("a/b", None, "/v2/actors/a%2Fb/runs"),
    ],
)
def test_list_path(actor_id, task_id, path):
    assert list_path(actor_id, task_id) == path


# -- one run --------------------------------------------------------------------------


def test_get_run_returns_data(fake):
    client = fake.client()
    run = fake.run(status="READY", reboot_count=2)
    fake.http.script("GET", fake.RUN_PATH, fake.ok(run))
    assert get_run(client, fake.RUN_ID) == run
    (call,) = fake.http.calls
    assert (call.method, call.path, call.params) == ("GET", fake.RUN_PATH, None)


def test_get_run_validates(fake):
    client = fake.client()
    run = fake.run()
    run["stats"]["rebootCount"] = "x"
    fake.http.script("GET", fake.RUN_PATH, fake.ok(run))
    with pytest.raises(ApifyResponseError) as info:
        get_run(client, fake.RUN_ID)
    assert info.value.json_path == "data.stats.rebootCount"
    assert (info.value.method, info.value.path) == ("GET", fake.RUN_PATH)
    assert "data.stats.rebootCount: 'x' is not of type 'integer'" in str(info.value)


def test_get_run_404(fake):
    client = fake.client()
    fake.http.script("GET", fake.RUN_PATH, fake.error(404, "record-not-found", "Actor run was not found"))
    with pytest.raises(ApifyApiError) as info:
        get_run(client, fake.RUN_ID)
    assert info.value.status == 404
    assert info.value.path == fake.RUN_PATH


def test_get_run_quotes_the_id(fake):
    client = fake.client()
    fake.http.script("GET", "/v2/actor-runs/a%2Fb", fake.ok(fake.run(run_id="a/b")))
    get_run(client, "a/b")
    assert fake.http.calls[0].path == "/v2/actor-runs/a%2Fb"


def test_post_reboot_returns_data_and_posts_once(fake):
    client = fake.client()
    run = fake.run(status="READY", reboot_count=1)
    fake.http.script("POST", fake.REBOOT_PATH, fake.ok(run))
    assert post_action(client, fake.RUN_ID, "reboot") == run
    (call,) = fake.http.calls
    assert (call.method, call.path, call.params) == ("POST", fake.REBOOT_PATH, None)


def test_post_reboot_validates(fake):
    client = fake.client()
    fake.http.script("POST", fake.REBOOT_PATH, fake.ok({"id": fake.RUN_ID}))
    with pytest.raises(ApifyResponseError) as info:
        post_action(client, fake.RUN_ID, "reboot")
    assert (info.value.method, info.value.path, info.value.json_path) == ("POST", fake.REBOOT_PATH, "data")


# -- lists ------------------------------------------------------------------------------


def test_list_single_short_page(fake):
    client = fake.client()
    runs, answer = server(fake, 3)
    fake.http.script("GET", LIST, answer)
    assert list_runs(client) == (runs, 3)
    assert params_of(fake) == [{"offset": 0, "limit": 1000}]


def test_list_empty(fake):
    client = fake.client()
    fake.http.script("GET", LIST, fake.page([], total=0))
    assert list_runs(client) == ([], 0)
    assert len(fake.http.calls) == 1


def test_list_status_and_desc(fake):
    client = fake.client()
    fake.http.script("GET", "/v2/actors/apify~web-scraper/runs", fake.page([], total=0))
    list_runs(client, actor_id="apify~web-scraper", statuses=["RUNNING", "READY"], desc=True, limit=50)
    assert params_of(fake) == [{"offset": 0, "limit": 50, "status": "RUNNING,READY", "desc": "true"}]


def test_list_single_status_and_no_desc(fake):
    client = fake.client()
    fake.http.script("GET", "/v2/actor-tasks/me~task/runs", fake.page([], total=0))
    list_runs(client, task_id="me~task", statuses=["RUNNING"])
    assert params_of(fake) == [{"offset": 0, "limit": 1000, "status": "RUNNING"}]


def test_list_follows_pages_up_to_limit(fake):
    client = fake.client()
    runs, answer = server(fake, 3000)
    fake.http.script("GET", LIST, answer)
    items, total = list_runs(client, limit=2500)
    assert items == runs[:2500]
    assert total == 3000
    assert params_of(fake) == [{"offset": 0, "limit": 1000}, {"offset": 1000, "limit": 1000}, {"offset": 2000, "limit": 500}]


def test_list_all_pages_stops_at_total(fake):
    client = fake.client()
    runs, answer = server(fake, 2000)
    fake.http.script("GET", LIST, answer)
    assert list_runs(client) == (runs, 2000)
    assert params_of(fake) == [{"offset": 0, "limit": 1000}, {"offset": 1000, "limit": 1000}]


def test_list_all_pages_with_short_last_page(fake):
    client = fake.client()
    runs, answer = server(fake, 2345)
    fake.http.script("GET", LIST, answer)
    assert list_runs(client) == (runs, 2345)
    assert [p["offset"] for p in params_of(fake)] == [0, 1000, 2000]


def test_list_small_limit_is_the_page_size(fake):
    client = fake.client()
    runs, answer = server(fake, 100)
    fake.http.script("GET", LIST, answer)
    assert list_runs(client, limit=5) == (runs[:5], 100)
    assert params_of(fake) == [{"offset": 0, "limit": 5}]


def test_list_limit_zero_sends_nothing(fake):
    client = fake.client()
    assert list_runs(client, limit=0) == ([], 0)
    assert fake.http.calls == []


@pytest.mark.parametrize("limit", [None, 1, 999, 1000, 1001, 5000])
def test_list_page_size_never_above_1000(fake, limit):
    client = fake.client()
    runs, answer = server(fake, 2500)
    fake.http.script("GET", LIST, answer)
    items, _total = list_runs(client, limit=limit)
    assert len(items) == min(2500, limit or 2500)
    assert all(0 < p["limit"] <= MAX_PAGE for p in params_of(fake))
    assert MAX_PAGE == 1000


def test_list_starts_at_offset(fake):
    client = fake.client()
    runs, answer = server(fake, 1500)
    fake.http.script("GET", LIST, answer)
    items, total = list_runs(client, offset=700)
    assert items == runs[700:]
    assert total == 1500
    assert params_of(fake) == [{"offset": 700, "limit": 1000}]


def test_list_stops_on_a_short_page_even_if_total_says_more(fake):
    client = fake.client()
    runs, answer = server(fake, 5000, page_cap=999)
    fake.http.script("GET", LIST, answer)
    items, total = list_runs(client)
    assert len(items) == 999
    assert total == 5000
    assert len(fake.http.calls) == 1


def test_list_stops_on_an_empty_page(fake):
    client = fake.client()
    full = [fake.short_run(i) for i in range(1000)]
    fake.http.script("GET", LIST, fake.page(full, total=5000), fake.page([], total=5000, offset=1000))
    items, total = list_runs(client)
    assert (len(items), total) == (1000, 5000)
    assert len(fake.http.calls) == 2


def test_list_server_ignoring_offset_is_an_error(fake):
    # The page does not start where asked: the listing cannot advance, so it ends with an error
    # (it used to go on to the total, collecting the first page over and over).
    client = fake.client()
    runs, answer = server(fake, 3000, ignore_offset=True)
    fake.http.script("GET", LIST, answer)
    with pytest.raises(ApifyResponseError) as info:
        list_runs(client)
    assert str(info.value) == (
        "Unexpected answer from the Apify API to GET /v2/actor-runs: page 2 starts at offset 0, not at 1000 as asked; the listing does not advance."
    )
    assert (info.value.accepted, info.value.status) == (True, None)
    assert len(fake.http.calls) == 2


def test_list_validates_each_page(fake):
    client = fake.client()
    bad = [fake.short_run(0), {"id": 5}]
    fake.http.script("GET", LIST, fake.page(bad, total=2))
    with pytest.raises(ApifyResponseError) as info:
        list_runs(client)
    assert info.value.json_path == "data.items[1]"
    assert (info.value.method, info.value.path) == ("GET", LIST)


def test_list_error_mid_way_is_raised(fake):
    client = fake.client(retries=0)
    full = [fake.short_run(i) for i in range(1000)]
    fake.http.script("GET", LIST, fake.page(full, total=2000), fake.error(403, "permission-denied", "no"))
    with pytest.raises(ApifyApiError) as info:
        list_runs(client)
    assert info.value.status == 403
    assert info.value.path == LIST + "?offset=1000&limit=1000"


# -- the answer is about the run asked for ---------------------------------------------------------


def test_get_run_answer_about_another_run_is_not_believed(fake):
    client = fake.client()
    fake.http.script("GET", fake.RUN_PATH, fake.ok(fake.run(run_id="OtherRun000000001")))
    with pytest.raises(ApifyResponseError) as info:
        get_run(client, fake.RUN_ID)
    err = info.value
    assert (err.method, err.path, err.json_path, err.accepted) == ("GET", fake.RUN_PATH, "data.id", True)
    assert "the answer is about another run ('OtherRun000000001'), not %s; it was not believed" % fake.RUN_ID in str(err)
    assert len(fake.http.calls) == 1  # not retried
    assert fake.http.closes == 1  # what came on that connection may not be the answer to this request


def test_other_run_id_in_an_answer_is_redacted_and_cut(fake):
    client = fake.client()
    fake.http.script("GET", fake.RUN_PATH, fake.ok(fake.run(run_id=fake.TOKEN + "x" * 100)))
    with pytest.raises(ApifyResponseError) as info:
        get_run(client, fake.RUN_ID)
    assert fake.TOKEN not in str(info.value)
    assert "the answer is about another run ((not an ID: str of %d characters))" % (len(fake.TOKEN) + 100) in str(info.value)


# A token with a backslash and both quotes: repr() (jsonschema's messages) and JSON escape it.
ODD_TOKEN = "apify_api_Odd\\Token'With\"Quotes0123456789abcdef"


@pytest.mark.parametrize("cut", [slice(0, 17), slice(0, 40), slice(-17, None), slice(None)])
def test_a_cut_echo_of_the_token_as_the_run_id_is_not_shown(fake, cut):
    client = fake.client(token=ODD_TOKEN)
    fake.http.script("GET", fake.RUN_PATH, fake.ok(fake.run(run_id=ODD_TOKEN[cut])))
    with pytest.raises(ApifyResponseError) as info:
        get_run(client, fake.RUN_ID)
    assert "the answer is about another run ((not an ID: str of %d characters))" % len(ODD_TOKEN[cut]) in str(info.value)
    for piece in [ODD_TOKEN[i : i + 8] for i in range(len(ODD_TOKEN) - 7)]:
        assert piece not in str(info.value)


@pytest.mark.parametrize(
    "field, value",
    [
        ("stats.rebootCount", "Bearer " + ODD_TOKEN),
        ("status", {"token": ODD_TOKEN}),
        ("startedAt", [ODD_TOKEN, "x"]),
        ("stats", [ODD_TOKEN]),
        ("options.build", {ODD_TOKEN: 1}),  # as a key
    ],
)
def test_the_token_echoed_in_a_schema_invalid_answer_is_not_shown_escaped(fake, field, value):
    client = fake.client(token=ODD_TOKEN)
    run = fake.run()
    parent, dummy, name = ("data." + field).rpartition(".")
    target = {"data": run}
    for part in parent.split("."):
        target = target[part]
    target[name] = value
    fake.http.script("GET", fake.RUN_PATH, fake.response(200, {"data": run}))
    with pytest.raises(ApifyResponseError) as info:
        get_run(client, fake.RUN_ID)
    message = str(info.value)
    assert "********" in message  # the token's place is marked where the value is quoted
    for piece in [ODD_TOKEN[i : i + 8] for i in range(len(ODD_TOKEN) - 7)]:
        assert piece not in message, (piece, message)


@pytest.mark.parametrize("answered", ["OtherRun000000001", "3KH8gEpp4d8uQSe8t", "3KH8gEpp4d8uQSe8T "])
def test_post_answer_about_another_run_is_not_believed(fake, answered):
    client = fake.client()
    fake.http.script("POST", fake.REBOOT_PATH, fake.ok(fake.run(run_id=answered)))
    with pytest.raises(ApifyResponseError) as info:
        post_action(client, fake.RUN_ID, "reboot")
    assert (info.value.method, info.value.path, info.value.json_path) == ("POST", fake.REBOOT_PATH, "data.id")
    assert fake.http.methods == ["POST"]
    assert fake.http.closes == 1
    assert client.sent == ["POST " + fake.REBOOT_PATH]  # it went out: the caller must find out what it did


def test_post_action_sends_its_params(fake):
    client = fake.client()
    fake.http.script("POST", fake.RUN_PATH + "/abort", fake.ok(fake.run(status="ABORTING")))
    assert post_action(client, fake.RUN_ID, "abort", {"gracefully": "true"})["status"] == "ABORTING"
    (call,) = fake.http.calls
    assert (call.path, call.params) == (fake.RUN_PATH + "/abort", {"gracefully": "true"})


# -- listings that cannot be followed end with an error, not a loop ------------------------------


def test_list_page_repeating_only_seen_runs_is_an_error(fake):
    client = fake.client()
    full = [fake.short_run(i) for i in range(1000)]
    fake.http.script("GET", LIST, fake.page(full, total=3000), fake.page(full, total=3000, offset=1000))
    with pytest.raises(ApifyResponseError) as info:
        list_runs(client)
    assert info.value.kind == "response" and "page 2 repeats runs of earlier pages only" in str(info.value)
    assert params_of(fake) == [{"offset": 0, "limit": 1000}, {"offset": 1000, "limit": 1000}]


def test_list_runs_listed_twice_are_kept_once(fake):
    # Runs move between pages while they are read: the next page starts with the last of this one.
    client = fake.client()
    runs = [fake.short_run(i) for i in range(2500)]
    pages = [runs[0:1000], runs[999:1999], runs[1998:2500]]
    fake.http.script("GET", LIST, fake.page(pages[0], 2502), fake.page(pages[1], 2502, offset=1000), fake.page(pages[2], 2502, offset=2000))
    items, total = list_runs(client)
    assert items == runs and total == 2502
    assert [p["offset"] for p in params_of(fake)] == [0, 1000, 2000]  # where the API's pages start, repeats included


def test_list_duplicates_do_not_count_toward_the_limit(fake):
    # A run started while the pages were read: everything moved down by one.
    client = fake.client()
    runs = [fake.short_run(i) for i in range(3000)]
    pages = [runs[0:1000], runs[999:1499], runs[1499:1500]]
    fake.http.script("GET", LIST, fake.page(pages[0], 3001), fake.page(pages[1], 3001, offset=1000, limit=500), fake.page(pages[2], 3001, offset=1500, limit=1))
    items, total = list_runs(client, limit=1500)
    assert items == runs[:1500] and total == 3001
    assert params_of(fake) == [{"offset": 0, "limit": 1000}, {"offset": 1000, "limit": 500}, {"offset": 1500, "limit": 1}]


def test_list_page_with_the_same_run_twice_keeps_it_once(fake):
    client = fake.client()
    run = fake.short_run(1)
    fake.http.script("GET", LIST, fake.page([run, run, fake.short_run(2)], total=3))
    assert list_runs(client) == ([run, fake.short_run(2)], 3)


def test_list_longer_than_max_pages_is_an_error(fake, monkeypatch):
    # MAX_PAGES pages of MAX_PAGE runs; with 2 runs to a page the limit is reached after 200 runs.
    monkeypatch.setattr(_runs, "MAX_PAGE", 2)
    client = fake.client()
    runs, answer = server(fake, 2 * MAX_PAGES + 5)
    fake.http.script("GET", LIST, answer)
    with pytest.raises(ApifyResponseError) as info:
        list_runs(client)
    assert MAX_PAGES == 100
    assert info.value.kind == "response" and "more than 100 pages of 2 runs" in str(info.value)
    assert len(fake.http.calls) == MAX_PAGES


def test_list_of_exactly_max_pages_is_read(fake, monkeypatch):
    monkeypatch.setattr(_runs, "MAX_PAGE", 2)
    client = fake.client()
    runs, answer = server(fake, 2 * MAX_PAGES)
    fake.http.script("GET", LIST, answer)
    assert list_runs(client) == (runs, 2 * MAX_PAGES)
    assert len(fake.http.calls) == MAX_PAGES


# -- listed IDs are checked like a user's ----------------------------------------------------------


@pytest.mark.parametrize("bad", ["..", ".", "a/b", "a%2Fb", "", "a b", "r\u00fcn", "x" * 65, "abc\n", "../../v2/users/me"])
def test_listed_run_ids_refuses_what_is_not_a_run_id(fake, bad):
    items = [fake.short_run(1), fake.short_run(2, run_id=bad), fake.short_run(3)]
    good, errors = listed_run_ids(items, LIST, str)
    assert good == [items[0]["id"], items[2]["id"]]
    ((value, error),) = errors
    assert value == bad[:64]
    assert (error.method, error.path, error.json_path, error.accepted) == ("GET", LIST, "data.items[].id", True)
    assert "the listing names a run ID that is not one, " + repr(bad)[:20] in str(error)
    assert str(error).endswith("(run IDs are letters and digits); nothing was sent for it")


def test_listed_run_ids_redacts(fake):
    client = fake.client()
    items = [fake.short_run(1, run_id="x/" + fake.TOKEN)]
    good, ((value, error),) = listed_run_ids(items, LIST, client.redact)
    assert good == []
    assert fake.TOKEN not in value and fake.TOKEN not in str(error)
    assert value == "x/********"


def test_listed_run_ids_keeps_good_ones_in_order(fake):
    items = [fake.short_run(i) for i in range(5)]
    assert listed_run_ids(items, LIST, str) == ([item["id"] for item in items], [])
