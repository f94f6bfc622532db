# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulated Apify API (/v2): routing, authentication, the run endpoints and runs' default storages."""

import math
import re
from typing import Optional

from .messages import ApiError, Request, Response, data_response
from .reqlog import classify_auth
from .runs import STATUSES
from .state import RunStore

MAX_LIMIT = 1000


def _get_run(store: RunStore, _request: Request, run_id: str) -> Response:
    return data_response(store.get(run_id), performed=True)


def _get_storage(store: RunStore, _request: Request, run_id: str, storage: str) -> Response:
    return data_response(store.storage(run_id, storage), performed=True)


def _run_action(store: RunStore, request: Request, run_id: str, action: str) -> Response:
    if action == "abort":
        return data_response(store.abort(run_id, gracefully=_bool_param(request.query, "gracefully")), performed=True)
    if action == "resurrect":
        return data_response(store.resurrect(run_id, _resurrect_options(request.query)), performed=True)
    return data_response(store.reboot(run_id), performed=True)


def _resurrect_options(query: dict) -> dict:
    """The resurrect endpoint's query parameters as record attributes; a bad value is 400 ``invalid-input`` (*guess*)."""
    options = {}
    if query.get("build", "") != "":
        options["build"] = query["build"]
    for name, attr, cast, minimum in (
        ("timeout", "timeout_secs", int, 0),
        ("memory", "memory_mbytes", int, 128),
        ("maxItems", "max_items", int, 0),
        ("maxTotalChargeUsd", "max_total_charge_usd", float, 0),
    ):
        if query.get(name, "") != "":
            options[attr] = _number_param(query, name, cast, minimum)
    memory = options.get("memory_mbytes")
    if memory is not None and (memory > 32768 or memory & (memory - 1)):
        raise ApiError(400, "invalid-input", f"Parameter 'memory' must be a power of 2 from 128 to 32768, got {query['memory']!r}")
    if query.get("restartOnError", "") != "":
        options["restart_on_error"] = _bool_param(query, "restartOnError")
    return options


def _number_param(query: dict, name: str, cast, minimum: float):
    """A number (the spec's ``number``); ``cast`` int refuses a fraction."""
    text = query[name]
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value < minimum or (cast is int and not value.is_integer()):
        raise ApiError(400, "invalid-input", f"Parameter '{name}' must be a number >= {minimum}, got {text!r}")
    return cast(value)


def _list_runs(store: RunStore, request: Request, actor: Optional[str] = None, task: Optional[str] = None) -> Response:
    query = request.query
    desc = _bool_param(query, "desc")
    statuses = None
    if query.get("status"):
        statuses = {status.strip() for status in query["status"].split(",") if status.strip()}
        unknown = statuses - set(STATUSES)
        if unknown:
            raise ApiError(400, "invalid-input", f"Parameter 'status' has unknown values: {', '.join(sorted(unknown))}")
    page = store.list_runs(
        act=actor,
        task=task,
        statuses=statuses,
        offset=_int_param(query, "offset", 0, minimum=0),
        limit=min(_int_param(query, "limit", MAX_LIMIT, minimum=1), MAX_LIMIT),
        desc=desc,
    )
    return data_response(page, performed=True)


def _bool_param(query: dict, name: str) -> bool:
    """``true``/``1`` (any case) is True; ``false``/``0``/empty/absent is False; else 400 (*guess*)."""
    text = query.get(name, "false").lower()
    if text not in ("true", "1", "false", "0", ""):
        raise ApiError(400, "invalid-input", f"Parameter '{name}' must be a boolean, got {text!r}")
    return text in ("true", "1")


def _int_param(query: dict, name: str, default: int, minimum: int) -> int:
    text = query.get(name)
    if text is None or text == "":
        return default
    if not (text.isascii() and text.isdigit()) or int(text) < minimum:
        raise ApiError(400, "invalid-input", f"Parameter '{name}' must be an integer >= {minimum}, got {text!r}")
    return int(text)


# (path pattern, {method: handler}, token required). Named groups become handler arguments.
_ROUTES = (
    (re.compile(r"/v2/actor-runs/?"), {"GET": _list_runs}, True),
    (re.compile(r"/v2/actor-runs/(?P<run_id>[^/]+)/?"), {"GET": _get_run}, False),
    (re.compile(r"/v2/actor-runs/(?P<run_id>[^/]+)/(?P<action>reboot|abort|resurrect)/?"), {"POST": _run_action}, True),
    # A run's default storages: like the run itself, readable with its ID alone.
    (re.compile(r"/v2/actor-runs/(?P<run_id>[^/]+)/(?P<storage>request-queue|dataset)/?"), {"GET": _get_storage}, False),
    # /v2/acts/ is the deprecated spelling of /v2/actors/, still served by Apify.
    (re.compile(r"/v2/act(?:or)?s/(?P<actor>[^/]+)/runs/?"), {"GET": _list_runs}, True),
    (re.compile(r"/v2/actor-tasks/(?P<task>[^/]+)/runs/?"), {"GET": _list_runs}, True),
)


def run_id_of(path: str):
    """The run ID in a /v2/actor-runs/{runId}... path, or None."""
    match = re.match(r"/v2/actor-runs/([^/]+)", path)
    return match.group(1) if match else None


def check_auth(request: Request, token: str, required: bool) -> None:
    """Raise 401 for a wrong token (header or ``?token=``), or for none when one is required.

    A present Authorization header is what counts; the query parameter is only
    looked at without one, as the real API also accepts it (our client must not use it).
    """
    if request.header("Authorization") is not None:
        valid = classify_auth(request, token) == "bearer-valid"
    elif "token" in request.query:
        valid = request.query["token"] == token
    elif required:
        raise ApiError(401, "token-not-valid", "Authentication token was not provided.")
    else:
        return
    if not valid:
        raise ApiError(401, "token-not-valid", "Authentication token is not valid.")


def dispatch(store: RunStore, token: str, request: Request) -> Response:
    """Route a /v2 request and run its handler; API errors come back as error responses."""
    try:
        for pattern, handlers, token_required in _ROUTES:
            match = pattern.fullmatch(request.path)
            if match:
                break
        else:
            raise ApiError(404, "page-not-found", "We have bad news: there is no API endpoint at this URL.")
        handler = handlers.get(request.method)
        if handler is None:
            allowed = ",".join(["OPTIONS", *handlers])
            raise ApiError(405, "method-not-allowed", f"This API end-point can only be accessed using the following HTTP methods: {allowed}")
        check_auth(request, token, token_required)
        return handler(store, request, **match.groupdict())
    except ApiError as error:
        return error.response()
