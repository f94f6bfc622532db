# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Validation of the run specs the control API takes (POST and PATCH /_emulator/runs).

A spec uses the API's names (``actId``, ``rebootCount``...); :func:`parse_spec`
checks it strictly, so a typo in a test fails loudly, and maps it to
:class:`~.runs.RunRecord` attribute names.
"""

import re
from typing import Optional

from .messages import ApiError
from .progress import parse_progress
from .runs import STATUSES, parse_iso

_ID_RE = re.compile(r"[A-Za-z0-9]+")


def _invalid(message: str) -> ApiError:
    return ApiError(400, "invalid-input", message)


def _status(key: str, value) -> str:
    if value not in STATUSES:
        raise _invalid(f"'{key}' must be one of {', '.join(STATUSES)}, got {value!r}")
    return value


def _text(key: str, value) -> str:
    if not isinstance(value, str) or not value:
        raise _invalid(f"'{key}' must be a non-empty string, got {value!r}")
    return value


def _optional_text(key: str, value):
    return None if value is None else _text(key, value)


def _integer(key: str, value, low: int, high: Optional[int] = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f">= {low}"
        raise _invalid(f"'{key}' must be an integer {bounds}, got {value!r}")
    return value


def _count(key: str, value) -> int:
    return _integer(key, value, 0)


def _memory(key: str, value) -> int:
    return _integer(key, value, 128, 32768)  # the spec's RunOptions.memoryMbytes range


def _started(key: str, value) -> float:
    try:
        return parse_iso(value)
    except (TypeError, ValueError):
        raise _invalid(f"'{key}' must be an ISO 8601 time, got {value!r}") from None


def _seconds(key: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise _invalid(f"'{key}' must be a number >= 0, got {value!r}")
    return float(value)


def _after_reboot(key: str, value):
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"ready_secs", "status"}:
        raise _invalid(f"'{key}' must be null or an object with 'ready_secs' and 'status'")
    secs = _seconds(f"{key}.ready_secs", value.get("ready_secs", 0))
    return {"ready_secs": secs, "status": _status(f"{key}.status", value.get("status", "RUNNING"))}


def _run_id(key: str, value) -> str:
    if not isinstance(value, str) or not _ID_RE.fullmatch(value):
        raise _invalid(f"'{key}' must match [A-Za-z0-9]+, got {value!r}")
    return value


# Spec key -> (RunRecord attribute, validator returning the attribute's value).
_FIELDS = {
    "status": ("status", _status),
    "actId": ("act_id", _text),
    "actorName": ("actor_name", _optional_text),
    "actorTaskId": ("task_id", _optional_text),
    "taskName": ("task_name", _optional_text),
    "startedAt": ("started", _started),
    "rebootCount": ("reboot_count", _count),
    "resurrectCount": ("resurrect_count", _count),
    "memoryMbytes": ("memory_mbytes", _memory),
    "memCurrentBytes": ("mem_current_bytes", _count),
    "after_reboot": ("after_reboot", _after_reboot),
    "abort_secs": ("abort_secs", _seconds),
    "progress": ("progress", parse_progress),  # an immutable spec; the store makes each run's state
}


def parse_spec(spec, allow_id: bool) -> dict:
    """Validate a run spec and return ``{record attribute: value}`` for the keys it has.

    ``id`` is only accepted when creating (``allow_id``); PATCH cannot rename a run.
    """
    if not isinstance(spec, dict):
        raise _invalid(f"A run spec must be a JSON object, got {spec!r}")
    fields = dict(_FIELDS, id=("id", _run_id)) if allow_id else _FIELDS
    unknown = set(spec) - set(fields)
    if unknown:
        raise _invalid(f"Unknown run spec keys: {', '.join(sorted(unknown))}")
    return {fields[key][0]: fields[key][1](key, value) for key, value in spec.items()}
