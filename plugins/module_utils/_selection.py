# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which runs a task means: the selector options, their argument spec, their checked values.

``apify_run_info`` and the acting modules (``_acting.py``) choose runs the
same way: one ``run_id``, a list of ``run_ids``, or the runs of an
``actor_id`` or ``task_id`` (exactly one of them). Each value is checked here,
before any request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apify.platform.plugins.module_utils._batch import unique
from ansible_collections.apify.platform.plugins.module_utils._options import check_resource_id, check_run_id

RUN_SELECTORS = ("run_id", "run_ids")
SELECTORS = RUN_SELECTORS + ("actor_id", "task_id")

RUN_SELECTOR_SPEC = dict(run_id=dict(type="str"), run_ids=dict(type="list", elements="str"))
SELECTOR_SPEC = dict(RUN_SELECTOR_SPEC, actor_id=dict(type="str"), task_id=dict(type="str"))


class Selection:
    """The checked selector: ``run_id``, or ``run_ids`` (distinct, in order), or a listing of
    ``actor_id`` and/or ``task_id`` (``listing`` is then True)."""

    def __init__(self, run_id=None, run_ids=None, actor_id=None, task_id=None):
        self.run_id = run_id
        self.run_ids = run_ids
        self.actor_id = actor_id
        self.task_id = task_id
        self.listing = run_id is None and run_ids is None


def selection(params):
    """The selector options of a module's ``params``, checked (ApifyConfigError names the bad one)."""
    if params.get("run_id") is not None:
        return Selection(run_id=check_run_id(params["run_id"]))
    if params.get("run_ids") is not None:
        return Selection(run_ids=unique(check_run_id(run_id, "run_ids") for run_id in params["run_ids"]))
    return Selection(
        actor_id=params.get("actor_id") and check_resource_id(params["actor_id"], "actor_id"),
        task_id=params.get("task_id") and check_resource_id(params["task_id"], "task_id"),
    )
