# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Actor-run endpoints the collection uses, each answer validated.

Functions take an ``ApifyClient`` and return plain dicts: the ``data`` of the
answer. They raise the typed errors of ``_errors.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyResponseError
from ansible_collections.apify.platform.plugins.module_utils._options import RUN_ID_RE, shown
from ansible_collections.apify.platform.plugins.module_utils._schemas import (
    DATASET_RESPONSE,
    LIST_OF_RUNS_RESPONSE,
    REQUEST_QUEUE_RESPONSE,
    RUN_RESPONSE,
    validate,
)

# A run's default storages: the path under the run, its schema, and the run's field naming its ID.
STORAGES = {
    "request-queue": (REQUEST_QUEUE_RESPONSE, "defaultRequestQueueId"),
    "dataset": (DATASET_RESPONSE, "defaultDatasetId"),
}

# The API's own ceiling for one page of a list.
MAX_PAGE = 1000
# Pages one listing may take: 100,000 runs, far more than any account runs at once.
MAX_PAGES = 100


def path_segment(value):
    """Quote one path segment so that nothing in it can change the path."""
    return quote(str(value), safe="")


def run_path(run_id, action=None):
    path = "/v2/actor-runs/%s" % path_segment(run_id)
    return path + "/" + action if action else path


def about_run(run_id, method, path, redact, shown_id=None):
    """A ``check`` for the client: the answer is a valid run, and the run asked for.

    ``shown_id`` (the client's) quotes the answer's ID in the message only if it passes
    the run ID check; without it the ID is not quoted.
    """

    def check(document):
        validate(document, RUN_RESPONSE, method, path, redact)
        answered = document["data"]["id"]
        if answered != run_id:
            raise ApifyResponseError(
                method,
                path,
                json_path="data.id",
                accepted=True,
                reason="the answer is about another run (%s), not %s; it was not believed, and nothing was sent on the strength of it"
                % (shown_id(answered) if shown_id else "not quoted", run_id),
            )
        return document

    return check


def get_run(client, run_id):
    """GET /v2/actor-runs/{runId}: the run as it is now."""
    path = run_path(run_id)
    return client.get(path, check=about_run(run_id, "GET", path, client.redact, client.shown_id))["data"]


def post_action(client, run_id, action, params=None, expect=None):
    """POST /v2/actor-runs/{runId}/{action}: one attempt (the client retries only a 429).

    ``expect(run)`` may refuse the answer's run (ApifyResponseError), as the
    ID check does; the client then drops its connections like for any answer
    not to be believed.
    """
    path = run_path(run_id, action)
    about = about_run(run_id, "POST", path, client.redact, client.shown_id)

    def check(document):
        about(document)
        if expect is not None:
            expect(document["data"])
        return document

    return client.post(path, params=params, check=check)["data"]


def get_run_storage(client, run, kind):
    """GET /v2/actor-runs/{runId}/request-queue or /dataset: the run's default storage.

    The answer must be the storage the run names (``defaultRequestQueueId`` or
    ``defaultDatasetId``), when the run names one.
    """
    schema, id_field = STORAGES[kind]
    path = run_path(run["id"], kind)
    expected = run.get(id_field)

    def check(document):
        validate(document, schema, "GET", path, client.redact)
        answered = document["data"]["id"]
        if isinstance(expected, str) and answered != expected:
            raise ApifyResponseError(
                "GET",
                path,
                json_path="data.id",
                accepted=True,
                reason="the answer is about storage %s, not the run's %s %s; it was not believed" % (client.shown_id(answered), id_field, expected),
            )
        return document

    return client.get(path, check=check)["data"]


def list_path(actor_id=None, task_id=None):
    if actor_id:
        return "/v2/actors/%s/runs" % path_segment(actor_id)
    if task_id:
        return "/v2/actor-tasks/%s/runs" % path_segment(task_id)
    return "/v2/actor-runs"


def list_runs(client, actor_id=None, task_id=None, statuses=None, limit=None, offset=0, desc=False):
    """List runs, following pages until ``limit`` items (None: all) or the end.

    Returns ``(items, total)`` where ``total`` is the API's count of matching runs.
    A run listed twice (runs move between pages while they are read) is kept
    once. A page that does not start where asked, or adds no run not seen
    before, ends the listing with an error rather than a loop; so does a
    listing longer than ``MAX_PAGES`` pages.
    """
    path = list_path(actor_id, task_id)
    items = []
    seen = set()
    total = 0
    pages = 0
    listed = 0  # items on the pages read so far, repeats included: where the next page starts
    while limit is None or len(items) < limit:
        if pages == MAX_PAGES:
            raise _listing_error(
                path, "it has more than %d pages of %d runs, the limit for one listing; narrow it with status, limit or offset" % (MAX_PAGES, MAX_PAGE)
            )
        page_size = MAX_PAGE if limit is None else min(MAX_PAGE, limit - len(items))
        asked = offset + listed
        params = {"offset": asked, "limit": page_size}
        if statuses:
            params["status"] = ",".join(statuses)
        if desc:
            params["desc"] = "true"
        data = client.get(path, params=params, check=lambda document: validate(document, LIST_OF_RUNS_RESPONSE, "GET", path, client.redact))["data"]
        pages += 1
        listed += len(data["items"])
        if data["offset"] != asked:
            raise _listing_error(path, "page %d starts at offset %d, not at %d as asked; the listing does not advance" % (pages, data["offset"], asked))
        total = data["total"]
        page = data["items"]
        fresh = []
        for item in page:
            if item["id"] not in seen:
                seen.add(item["id"])
                fresh.append(item)
        items.extend(fresh if limit is None else fresh[: limit - len(items)])
        if not page or len(page) < page_size or asked + len(page) >= total:
            break
        if not fresh:
            raise _listing_error(path, "page %d repeats runs of earlier pages only; the listing does not advance" % pages)
    return items, total


def _listing_error(path, reason):
    return ApifyResponseError("GET", path, accepted=True, reason=reason + ".")


def listed_run_ids(items, path, redact):
    """The IDs of listed runs, checked as a user's would be: ``(good_ids, errors)``.

    An ID from a listing builds request paths just like one from the user, so
    it passes the same check; ``errors`` holds ``(value, ApifyResponseError)``
    for each that does not (the value redacted and cut to 64 characters), and
    the good ones go on.
    """
    good, errors = [], []
    for item in items:
        run_id = item["id"]
        if RUN_ID_RE.fullmatch(run_id):
            good.append(run_id)
        else:
            errors.append(
                (
                    redact(run_id)[:64],
                    ApifyResponseError(
                        "GET",
                        path,
                        json_path="data.items[].id",
                        accepted=True,
                        reason="the listing names a run ID that is not one, %s (run IDs are letters and digits); nothing was sent for it"
                        % shown(redact(run_id)),
                    ),
                )
            )
    return good, errors
