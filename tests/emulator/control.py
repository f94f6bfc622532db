# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The control API under /_emulator/: set up runs, faults and settings; read the log.

No authentication, JSON in and out, answers shaped ``{"data": ...}`` and
errors like the API's. See README.md for the reference.
"""

import re

from .delivery import parse_settings
from .messages import ApiError, Request, Response, data_response
from .specs import parse_spec
from .webhooks import EVENT_TYPES

MAX_BULK = 1_000_000


def _reset(emulator, _request: Request) -> Response:
    emulator.reset()
    return data_response({})


def _create_runs(emulator, request: Request) -> Response:
    """One spec -> the full run; ``{"runs": [...]}`` or ``{"count": N, "template": {...}}`` -> the new IDs."""
    body = request.json()
    if isinstance(body, dict) and "runs" in body:
        if set(body) != {"runs"} or not isinstance(body["runs"], list):
            raise ApiError(400, "invalid-input", "'runs' must be a list of run specs and come alone")
        return data_response(emulator.store.create([parse_spec(spec, allow_id=True) for spec in body["runs"]]), 201)
    if isinstance(body, dict) and "count" in body:
        count = body["count"]
        if set(body) - {"count", "template"} or isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_BULK:
            raise ApiError(400, "invalid-input", f"'count' must be an integer in [0, {MAX_BULK}], with only 'template'")
        template = parse_spec(body.get("template", {}), allow_id=False)
        return data_response(emulator.store.create([template] * count), 201)
    (run_id,) = emulator.store.create([parse_spec(body, allow_id=True)])
    return data_response(emulator.store.get(run_id), 201)


def _list_runs(emulator, _request: Request) -> Response:
    return data_response(emulator.store.dump())


def _get_run(emulator, _request: Request, run_id: str) -> Response:
    return data_response(emulator.store.get(run_id))


def _patch_run(emulator, request: Request, run_id: str) -> Response:
    return data_response(emulator.store.update(run_id, parse_spec(request.json(), allow_id=False)))


def _get_progress(emulator, _request: Request, run_id: str) -> Response:
    return data_response(emulator.store.progress(run_id))


def _add_faults(emulator, request: Request) -> Response:
    body = request.json()
    if not isinstance(body, dict) or set(body) != {"rules"}:
        raise ApiError(400, "invalid-input", 'Expected {"rules": [rule, ...]}')
    return data_response(emulator.faults.add(body["rules"]), 201)


def _list_faults(emulator, _request: Request) -> Response:
    return data_response(emulator.faults.describe())


def _clear_faults(emulator, _request: Request) -> Response:
    emulator.faults.clear()
    return data_response({})


def _get_log(emulator, request: Request) -> Response:
    return data_response(emulator.log.query(request.query.get("method"), request.query.get("path_contains")))


def _clear_log(emulator, _request: Request) -> Response:
    emulator.log.clear()
    return data_response({})


def _get_config(emulator, _request: Request) -> Response:
    return data_response({"latency_ms": emulator.latency_ms, "chaos": emulator.faults.chaos_config(), "webhooks": dict(emulator.delivery.settings)})


def _set_config(emulator, request: Request) -> Response:
    body = request.json()
    if not isinstance(body, dict) or set(body) - {"latency_ms", "chaos", "webhooks"}:
        raise ApiError(400, "invalid-input", "Config takes 'latency_ms', 'chaos' and/or 'webhooks'")
    latency = body.get("latency_ms", emulator.latency_ms)
    if isinstance(latency, bool) or not isinstance(latency, (int, float)) or latency < 0:
        raise ApiError(400, "invalid-input", f"'latency_ms' must be a number >= 0, got {latency!r}")
    settings = emulator.delivery.settings
    if "webhooks" in body:
        try:
            settings = parse_settings(body["webhooks"], settings)
        except ValueError as error:
            raise ApiError(400, "invalid-input", str(error)) from None
    if "chaos" in body:
        emulator.faults.set_chaos(body["chaos"])  # validates before anything changes
    emulator.latency_ms = latency
    emulator.delivery.settings = settings
    return _get_config(emulator, request)


def _fire_event(emulator, request: Request, run_id: str) -> Response:
    """``{"eventType": T}``: the run fires that event now (its webhooks' dispatches); their IDs."""
    body = request.json()
    if not isinstance(body, dict) or set(body) != {"eventType"} or body["eventType"] not in EVENT_TYPES:
        raise ApiError(400, "invalid-input", f'Expected {{"eventType": one of {", ".join(EVENT_TYPES)}}}')
    run = emulator.store.get(run_id)
    return data_response(emulator.webhooks.fire(body["eventType"], lambda: run), 201)


def _list_webhooks(emulator, _request: Request) -> Response:
    return data_response(emulator.webhooks.dump())


def _list_dispatches(emulator, request: Request) -> Response:
    """Every dispatch with its calls, oldest first; ``?wait=true`` first waits until no delivery is running."""
    if request.query.get("wait") in ("true", "1") and not emulator.delivery.wait_idle():
        raise ApiError(400, "invalid-input", "Deliveries still running after 10 s")
    return data_response(emulator.webhooks.dispatches(None)["items"])


def _redeliver(emulator, _request: Request, dispatch_id: str) -> Response:
    return data_response(emulator.webhooks.redeliver(dispatch_id), 201)


_ROUTES = (
    (re.compile(r"/_emulator/reset"), {"POST": _reset}),
    (re.compile(r"/_emulator/runs"), {"GET": _list_runs, "POST": _create_runs}),
    (re.compile(r"/_emulator/runs/(?P<run_id>[^/]+)"), {"GET": _get_run, "PATCH": _patch_run}),
    (re.compile(r"/_emulator/runs/(?P<run_id>[^/]+)/progress"), {"GET": _get_progress}),
    (re.compile(r"/_emulator/runs/(?P<run_id>[^/]+)/events"), {"POST": _fire_event}),
    (re.compile(r"/_emulator/webhooks"), {"GET": _list_webhooks}),
    (re.compile(r"/_emulator/webhook-dispatches"), {"GET": _list_dispatches}),
    (re.compile(r"/_emulator/webhook-dispatches/(?P<dispatch_id>[^/]+)/redeliver"), {"POST": _redeliver}),
    (re.compile(r"/_emulator/faults"), {"GET": _list_faults, "POST": _add_faults, "DELETE": _clear_faults}),
    (re.compile(r"/_emulator/log"), {"GET": _get_log, "DELETE": _clear_log}),
    (re.compile(r"/_emulator/config"), {"GET": _get_config, "POST": _set_config}),
)


def dispatch(emulator, request: Request) -> Response:
    """Route a control request; raises :class:`ApiError` for bad ones."""
    path = request.path.rstrip("/")
    for pattern, handlers in _ROUTES:
        match = pattern.fullmatch(path)
        if match:
            break
    else:
        raise ApiError(404, "page-not-found", f"No control endpoint at {request.path}")
    handler = handlers.get(request.method)
    if handler is None:
        raise ApiError(405, "method-not-allowed", f"{request.path} accepts only {', '.join(handlers)}")
    return handler(emulator, request, **match.groupdict())
