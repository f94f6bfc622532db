# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Actor-run endpoints the collection uses, each answer validated.

Functions take an ``ApifyClient`` and return plain dicts: the ``data`` of the
answer. They raise the typed errors of ``_errors.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.apify.platform.plugins.module_utils._client import path_segment
from ansible_collections.apify.platform.plugins.module_utils._schemas import (
    LIST_OF_RUNS_RESPONSE,
    RUN_RESPONSE,
    validate,
)

# The API's own ceiling for one page of a list.
MAX_PAGE = 1000


def run_path(run_id, action=None):
    path = "/v2/actor-runs/%s" % path_segment(run_id)
    return path + "/" + action if action else path


def get_run(client, run_id):
    """GET /v2/actor-runs/{runId}: the run as it is now."""
    path = run_path(run_id)
    return validate(client.get(path), RUN_RESPONSE, "GET", path, client.redact)["data"]


def post_reboot(client, run_id):
    """POST /v2/actor-runs/{runId}/reboot: one attempt (the client retries only a 429)."""
    path = run_path(run_id, "reboot")
    return validate(client.post(path), RUN_RESPONSE, "POST", path, client.redact)["data"]


def list_path(actor_id=None, task_id=None):
    if actor_id:
        return "/v2/actors/%s/runs" % path_segment(actor_id)
    if task_id:
        return "/v2/actor-tasks/%s/runs" % path_segment(task_id)
    return "/v2/actor-runs"


def list_runs(client, actor_id=None, task_id=None, statuses=None, limit=None, offset=0, desc=False):
    """List runs, following pages until ``limit`` items (None: all) or the end.

    Returns ``(items, total)`` where ``total`` is the API's count of matching runs.
    """
    path = list_path(actor_id, task_id)
    items = []
    total = 0
    while limit is None or len(items) < limit:
        page_size = MAX_PAGE if limit is None else min(MAX_PAGE, limit - len(items))
        params = {"offset": offset + len(items), "limit": page_size}
        if statuses:
            params["status"] = ",".join(statuses)
        if desc:
            params["desc"] = "true"
        data = validate(client.get(path, params=params), LIST_OF_RUNS_RESPONSE, "GET", path, client.redact)["data"]
        total = data["total"]
        page = data["items"]
        items.extend(page)
        # A short page is the last one; so is an empty one (guards against a
        # server that ignores offset and would make us loop forever).
        if not page or len(page) < page_size or offset + len(items) >= total:
            break
    return items, total
