# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apify.platform.plugins.module_utils._errors import (
    ApifyApiError,
    ApifyResponseError,
)
from ansible_collections.apify.platform.plugins.module_utils._runs import (
    MAX_PAGE,
    get_run,
    list_path,
    list_runs,
    post_reboot,
    run_path,
)

LIST = "/v2/actor-runs"


def server(fake, count, statuses=None, ignore_offset=False, page_cap=None):
    """A list endpoint over ``count`` runs that honours offset and limit."""
    runs = [fake.short_run(i) for i in range(count)]

    def answer(call):
        offset = 0 if ignore_offset else call.params["offset"]
        limit = call.params["limit"]
        if page_cap:
            limit = min(limit, page_cap)
        return fake.page(runs[offset : offset + limit], total=count, offset=offset, limit=limit)

    return runs, fake.Repeat(answer)


def params_of(fake):
    return [c.params for c in fake.transport.calls]


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
    fake.transport.script("GET", fake.RUN_PATH, fake.ok(run))
    assert get_run(client, fake.RUN_ID) == run
    (call,) = fake.transport.calls
    assert (call.method, call.path, call.params) == ("GET", fake.RUN_PATH, None)


def test_get_run_validates(fake):
    client = fake.client()
    run = fake.run()
    run["stats"]["rebootCount"] = "x"
    fake.transport.script("GET", fake.RUN_PATH, fake.ok(run))
    with pytest.raises(ApifyResponseError) as info:
        get_run(client, fake.RUN_ID)
    assert info.value.json_path == "data.stats.rebootCount"
    assert (info.value.method, info.value.path) == ("GET", fake.RUN_PATH)
    assert "data.stats.rebootCount: 'x' is not of type 'integer'" in str(info.value)


def test_get_run_404(fake):
    client = fake.client()
    fake.transport.script("GET", fake.RUN_PATH, fake.error(404, "record-not-found", "Actor run was not found"))
    with pytest.raises(ApifyApiError) as info:
        get_run(client, fake.RUN_ID)
    assert info.value.status == 404
    assert info.value.path == fake.RUN_PATH


def test_get_run_quotes_the_id(fake):
    client = fake.client()
    fake.transport.script("GET", "/v2/actor-runs/a%2Fb", fake.ok(fake.run(run_id="a/b")))
    get_run(client, "a/b")
    assert fake.transport.calls[0].path == "/v2/actor-runs/a%2Fb"


def test_post_reboot_returns_data_and_posts_once(fake):
    client = fake.client()
    run = fake.run(status="READY", reboot_count=1)
    fake.transport.script("POST", fake.REBOOT_PATH, fake.ok(run))
    assert post_reboot(client, fake.RUN_ID) == run
    (call,) = fake.transport.calls
    assert (call.method, call.path, call.params) == ("POST", fake.REBOOT_PATH, None)


def test_post_reboot_validates(fake):
    client = fake.client()
    fake.transport.script("POST", fake.REBOOT_PATH, fake.ok({"id": fake.RUN_ID}))
    with pytest.raises(ApifyResponseError) as info:
        post_reboot(client, fake.RUN_ID)
    assert (info.value.method, info.value.path, info.value.json_path) == ("POST", fake.REBOOT_PATH, "data")


# -- lists ------------------------------------------------------------------------------


def test_list_single_short_page(fake):
    client = fake.client()
    runs, answer = server(fake, 3)
    fake.transport.script("GET", LIST, answer)
    assert list_runs(client) == (runs, 3)
    assert params_of(fake) == [{"offset": 0, "limit": 1000}]


def test_list_empty(fake):
    client = fake.client()
    fake.transport.script("GET", LIST, fake.page([], total=0))
    assert list_runs(client) == ([], 0)
    assert len(fake.transport.calls) == 1


def test_list_status_and_desc(fake):
    client = fake.client()
    fake.transport.script("GET", "/v2/actors/apify~web-scraper/runs", fake.page([], total=0))
    list_runs(client, actor_id="apify~web-scraper", statuses=["RUNNING", "READY"], desc=True, limit=50)
    assert params_of(fake) == [{"offset": 0, "limit": 50, "status": "RUNNING,READY", "desc": "true"}]


def test_list_single_status_and_no_desc(fake):
    client = fake.client()
    fake.transport.script("GET", "/v2/actor-tasks/me~task/runs", fake.page([], total=0))
    list_runs(client, task_id="me~task", statuses=["RUNNING"])
    assert params_of(fake) == [{"offset": 0, "limit": 1000, "status": "RUNNING"}]


def test_list_follows_pages_up_to_limit(fake):
    client = fake.client()
    runs, answer = server(fake, 3000)
    fake.transport.script("GET", LIST, answer)
    items, total = list_runs(client, limit=2500)
    assert items == runs[:2500]
    assert total == 3000
    assert params_of(fake) == [{"offset": 0, "limit": 1000}, {"offset": 1000, "limit": 1000}, {"offset": 2000, "limit": 500}]


def test_list_all_pages_stops_at_total(fake):
    client = fake.client()
    runs, answer = server(fake, 2000)
    fake.transport.script("GET", LIST, answer)
    assert list_runs(client) == (runs, 2000)
    assert params_of(fake) == [{"offset": 0, "limit": 1000}, {"offset": 1000, "limit": 1000}]


def test_list_all_pages_with_short_last_page(fake):
    client = fake.client()
    runs, answer = server(fake, 2345)
    fake.transport.script("GET", LIST, answer)
    assert list_runs(client) == (runs, 2345)
    assert [p["offset"] for p in params_of(fake)] == [0, 1000, 2000]


def test_list_small_limit_is_the_page_size(fake):
    client = fake.client()
    runs, answer = server(fake, 100)
    fake.transport.script("GET", LIST, answer)
    assert list_runs(client, limit=5) == (runs[:5], 100)
    assert params_of(fake) == [{"offset": 0, "limit": 5}]


def test_list_limit_zero_sends_nothing(fake):
    client = fake.client()
    assert list_runs(client, limit=0) == ([], 0)
    assert fake.transport.calls == []


@pytest.mark.parametrize("limit", [None, 1, 999, 1000, 1001, 5000])
def test_list_page_size_never_above_1000(fake, limit):
    client = fake.client()
    runs, answer = server(fake, 2500)
    fake.transport.script("GET", LIST, answer)
    items, _total = list_runs(client, limit=limit)
    assert len(items) == min(2500, limit or 2500)
    assert all(0 < p["limit"] <= MAX_PAGE for p in params_of(fake))
    assert MAX_PAGE == 1000


def test_list_starts_at_offset(fake):
    client = fake.client()
    runs, answer = server(fake, 1500)
    fake.transport.script("GET", LIST, answer)
    items, total = list_runs(client, offset=700)
    assert items == runs[700:]
    assert total == 1500
    assert params_of(fake) == [{"offset": 700, "limit": 1000}]


def test_list_stops_on_a_short_page_even_if_total_says_more(fake):
    client = fake.client()
    runs, answer = server(fake, 5000, page_cap=999)
    fake.transport.script("GET", LIST, answer)
    items, total = list_runs(client)
    assert len(items) == 999
    assert total == 5000
    assert len(fake.transport.calls) == 1


def test_list_stops_on_an_empty_page(fake):
    client = fake.client()
    full = [fake.short_run(i) for i in range(1000)]
    fake.transport.script("GET", LIST, fake.page(full, total=5000), fake.page([], total=5000))
    items, total = list_runs(client)
    assert (len(items), total) == (1000, 5000)
    assert len(fake.transport.calls) == 2


def test_list_server_ignoring_offset_is_bounded(fake):
    client = fake.client()
    runs, answer = server(fake, 3000, ignore_offset=True)
    fake.transport.script("GET", LIST, answer)
    items, total = list_runs(client)
    assert len(fake.transport.calls) == 3  # stops at total, does not loop forever
    assert len(items) == 3000


def test_list_validates_each_page(fake):
    client = fake.client()
    bad = [fake.short_run(0), {"id": 5}]
    fake.transport.script("GET", LIST, fake.page(bad, total=2))
    with pytest.raises(ApifyResponseError) as info:
        list_runs(client)
    assert info.value.json_path == "data.items[1]"
    assert (info.value.method, info.value.path) == ("GET", LIST)


def test_list_error_mid_way_is_raised(fake):
    client = fake.client(retries=0)
    full = [fake.short_run(i) for i in range(1000)]
    fake.transport.script("GET", LIST, fake.page(full, total=2000), fake.error(403, "permission-denied", "no"))
    with pytest.raises(ApifyApiError) as info:
        list_runs(client)
    assert info.value.status == 403
    assert info.value.path == LIST + "?offset=1000&limit=1000"
