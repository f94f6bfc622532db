# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The selector options (``_selection.py``), as apify_run_info and the acting modules read them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyConfigError
from ansible_collections.apify.platform.plugins.module_utils._selection import SELECTOR_SPEC, SELECTORS, selection


def params(**given):
    return dict(dict.fromkeys(SELECTORS), **given)


def test_one_run():
    chosen = selection(params(run_id="3KH8gEpp4d8uQSe8T"))
    assert (chosen.run_id, chosen.run_ids, chosen.listing) == ("3KH8gEpp4d8uQSe8T", None, False)


def test_several_runs_distinct_in_order():
    chosen = selection(params(run_ids=["B", "A", "B"]))
    assert (chosen.run_id, chosen.run_ids, chosen.listing) == (None, ["B", "A"], False)


@pytest.mark.parametrize("given, actor_id, task_id", [({}, None, None), ({"actor_id": "me~scraper"}, "me~scraper", None), ({"task_id": "T1"}, None, "T1")])
def test_a_listing(given, actor_id, task_id):
    chosen = selection(params(**given))
    assert (chosen.listing, chosen.actor_id, chosen.task_id) == (True, actor_id, task_id)


@pytest.mark.parametrize(
    "given, names",
    [({"run_id": "a/b"}, "run_id"), ({"run_ids": ["ok", "../x"]}, "run_ids"), ({"actor_id": "a b"}, "actor_id"), ({"task_id": "x/y"}, "task_id")],
)
def test_a_bad_value_names_its_option(given, names):
    with pytest.raises(ApifyConfigError) as info:
        selection(params(**given))
    assert info.value.message.startswith(names + " ")


def test_a_module_without_listing_selectors_is_read_too():
    # apify_run_resurrect has no actor_id or task_id in its params at all.
    assert selection({"run_id": "R1", "run_ids": None}).run_id == "R1"
    assert set(SELECTOR_SPEC) == set(SELECTORS)
