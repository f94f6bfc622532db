# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The control API under /_emulator/: set up runs, faults and settings; read the log.

No authentication, JSON in and out, answers shaped ``{"data": ...}`` and
errors like the API's. See README.md for the reference.
"""

import re

from .messages import ApiError, Request, Response, data_response
from .specs import parse_spec

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
    return data_response({"latency_ms": emulator.latency_ms, "chaos": emulator.faults.chaos_config()})


def _set_config(emulator, request: Request) -> Response:
    body = request.json()
    if not isinstance(body, dict) or set(body) - {"latency_ms", "chaos"}:
        raise ApiError(400, "invalid-input", "Config takes 'latency_ms' and/or 'chaos'")
    latency = body.get("latency_ms", emulator.latency_ms)
    if isinstance(latency, bool) or not isinstance(latency, (int, float)) or latency < 0:
        raise ApiError(400, "invalid-input", f"'latency_ms' must be a number >= 0, got {latency!r}")
    if "chaos" in body:
        emulator.faults.set_chaos(body["chaos"])  # validates before anything changes
    emulator.latency_ms = latency
    return _get_config(emulator, request)


_ROUTES = (
    (re.compile(r"/_emulator/reset"), {"POST": _reset}),
    (re.compile(r"/_emulator/runs"), {"GET": _list_runs, "POST": _create_runs}),
    (re.compile(r"/_emulator/runs/(?P<run_id>[^/]+)"), {"GET": _get_run, "PATCH": _patch_run}),
    (re.compile(r"/_emulator/runs/(?P<run_id>[^/]+)/progress"), {"GET": _get_progress}),
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
