# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulated webhook endpoints (/v2/webhooks..., an Actor's and a task's webhooks, dispatches)."""

import re
from typing import Optional

from .api import MAX_LIMIT, _bool_param, _int_param, check_auth
from .messages import ApiError, Request, Response, data_response
from .webhooks import WebhookStore


def _page(request: Request) -> dict:
    query = request.query
    return {
        "offset": _int_param(query, "offset", 0, minimum=0),
        "limit": min(_int_param(query, "limit", MAX_LIMIT, minimum=1), MAX_LIMIT),
        "desc": _bool_param(query, "desc"),
    }


def _list(store: WebhookStore, request: Request, actor: Optional[str] = None, task: Optional[str] = None) -> Response:
    return data_response(store.list(actor=actor, task=task, **_page(request)), performed=True)


def _create(store: WebhookStore, request: Request) -> Response:
    hook = store.create(request.json())
    response = data_response(hook, 201, performed=True)
    response.headers["Location"] = f"/v2/webhooks/{hook['id']}"
    return response


def _one(store: WebhookStore, request: Request, hook_id: str) -> Response:
    if request.method == "GET":
        return data_response(store.get(hook_id), performed=True)
    if request.method == "PUT":
        return data_response(store.update(hook_id, request.json()), performed=True)
    store.delete(hook_id)
    return Response(204, raw=b"", performed=True)


def _dispatches(store: WebhookStore, request: Request, hook_id: Optional[str] = None) -> Response:
    return data_response(store.dispatches(hook_id, **_page(request)), performed=True)


def _dispatch(store: WebhookStore, _request: Request, dispatch_id: str) -> Response:
    return data_response(store.dispatch(dispatch_id), performed=True)


ROUTES = (
    (re.compile(r"/v2/webhooks/?"), {"GET": _list, "POST": _create}),
    (re.compile(r"/v2/webhooks/(?P<hook_id>[^/]+)/?"), {"GET": _one, "PUT": _one, "DELETE": _one}),
    (re.compile(r"/v2/webhooks/(?P<hook_id>[^/]+)/dispatches/?"), {"GET": _dispatches}),
    (re.compile(r"/v2/webhook-dispatches/?"), {"GET": _dispatches}),
    (re.compile(r"/v2/webhook-dispatches/(?P<dispatch_id>[^/]+)/?"), {"GET": _dispatch}),
    (re.compile(r"/v2/act(?:or)?s/(?P<actor>[^/]+)/webhooks/?"), {"GET": _list}),
    (re.compile(r"/v2/actor-tasks/(?P<task>[^/]+)/webhooks/?"), {"GET": _list}),
)


def serves(path: str) -> bool:
    return any(pattern.fullmatch(path) for pattern, dummy in ROUTES)


def dispatch(store: WebhookStore, token: str, request: Request) -> Response:
    """Route a webhook request (every one needs the token); API errors come back as error responses."""
    try:
        for pattern, handlers in ROUTES:
            match = pattern.fullmatch(request.path)
            if match:
                break
        else:
            raise ApiError(404, "page-not-found", "We have bad news: there is no API endpoint at this URL.")
        handler = handlers.get(request.method)
        if handler is None:
            allowed = ",".join(["OPTIONS", *handlers])
            raise ApiError(405, "method-not-allowed", f"This API end-point can only be accessed using the following HTTP methods: {allowed}")
        check_auth(request, token, True)
        return handler(store, request, **match.groupdict())
    except ApiError as error:
        return error.response()
