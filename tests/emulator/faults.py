# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fault rules: parsing, matching and consumption, plus seeded random "chaos".

A rule is JSON such as ``{"kind": "status", "status": 503, "method": "POST",
"path": "/reboot$", "times": 2}``. :meth:`FaultBook.take` returns the first
rule that matches a request and still has uses left, consuming one use; when
no rule matches, chaos (if configured) may draw a random fault. What each kind
does to the request is up to the caller (see ``emulator.py``).
"""

import copy
import random
import re
import threading
from dataclasses import dataclass
from typing import Optional

from .messages import JSON_TYPE, ApiError
from .runs import STATUSES

_NUMBER = (int, float)

# Kind -> {parameter: (accepted types, default)}; a default of ``_REQUIRED`` must be given.
_REQUIRED = object()
KINDS = {
    "status": {"status": (int, 500), "retry_after": ((int, float, str), None), "body": (object, None), "raw": (str, None), "content_type": (str, JSON_TYPE)},
    "status_after": {"status": (int, 502)},
    "drop": {},
    "drop_after": {},
    "latency": {"ms": (_NUMBER, 3000)},
    "raw": {"status": (int, 200), "raw": (str, ""), "content_type": (str, JSON_TYPE), "perform": (bool, False)},
    "mutate": {"set": (dict, {}), "delete": (list, [])},
    "finish_before": {"status": (str, "SUCCEEDED")},
    "reboot_before": {},
    "redirect": {"status": (int, 302), "location": (str, _REQUIRED)},
    "echo_token": {"status": (int, 400)},
}
_MATCH_KEYS = {"kind", "method", "path", "times", "probability", "latency_ms"}

# What chaos draws from unless told otherwise: the failures a client must survive.
DEFAULT_CHAOS_KINDS = [
    {"kind": "status", "status": 429},
    {"kind": "status", "status": 429, "retry_after": 1},
    {"kind": "status", "status": 500},
    {"kind": "status", "status": 502},
    {"kind": "status", "status": 503},
    {"kind": "drop"},
    {"kind": "drop_after"},
    {"kind": "status_after", "status": 502},
    {"kind": "latency", "ms": 3000},
]


def _invalid(message: str) -> ApiError:
    return ApiError(400, "invalid-input", message)


@dataclass
class FaultRule:
    """A parsed rule: what to match, how often, and the fault (``kind`` + ``params``)."""

    kind: str
    params: dict  # the kind's parameters, defaults filled in
    spec: dict  # the rule as given, echoed back by GET /_emulator/faults
    method: Optional[str] = None
    path: Optional[re.Pattern] = None
    times: Optional[int] = 1  # None: unlimited
    probability: float = 1.0
    latency_ms: float = 0
    applied: int = 0

    @property
    def remaining(self) -> Optional[int]:
        return None if self.times is None else self.times - self.applied

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (self.path is None or self.path.search(path) is not None)

    def describe(self) -> dict:
        return dict(self.spec, applied=self.applied, remaining=self.remaining)


def _number(spec: dict, name: str, default: float, high: float = float("inf")) -> float:
    value = spec.get(name, default)
    if isinstance(value, bool) or not isinstance(value, _NUMBER) or not 0 <= value <= high:
        raise _invalid(f"'{name}' must be a number in [0, {high}], got {value!r}")
    return value


def _parse_filter(spec: dict) -> tuple:
    """The optional ``method`` (any case) and ``path`` (a regex for ``re.search``) of a rule or of chaos."""
    method = spec.get("method")
    if method is not None and not isinstance(method, str):
        raise _invalid(f"'method' must be a string, got {method!r}")
    try:
        path = re.compile(spec["path"]) if spec.get("path") is not None else None
    except (re.error, TypeError) as exc:
        raise _invalid(f"'path' is not a valid regular expression: {exc}") from None
    return (method.upper() if method else None), path


def parse_rule(spec, default_times: Optional[int] = 1) -> FaultRule:
    """Validate one rule (a dict, or just a kind name) and fill in the defaults."""
    if isinstance(spec, str):
        spec = {"kind": spec}
    if not isinstance(spec, dict) or spec.get("kind") not in KINDS:
        raise _invalid(f"A fault rule needs 'kind', one of {', '.join(KINDS)}; got {spec!r}")
    kind, known = spec["kind"], KINDS[spec["kind"]]
    unknown = set(spec) - _MATCH_KEYS - set(known)
    if unknown:
        raise _invalid(f"Unknown keys for a '{kind}' rule: {', '.join(sorted(unknown))}")
    params = {}
    for name, (types, default) in known.items():
        value = spec.get(name, default)
        if value is _REQUIRED:
            raise _invalid(f"A '{kind}' rule needs '{name}'")
        if value is not None and (not isinstance(value, types) or (isinstance(value, bool) and types is not bool)):
            raise _invalid(f"'{name}' of a '{kind}' rule has the wrong type: {value!r}")
        params[name] = value
    _check_values(kind, params)
    rule = FaultRule(kind=kind, params=params, spec=spec, times=spec.get("times", default_times))
    rule.method, rule.path = _parse_filter(spec)
    rule.probability = _number(spec, "probability", 1.0, high=1)
    rule.latency_ms = _number(spec, "latency_ms", 0)
    if rule.times is not None and (isinstance(rule.times, bool) or not isinstance(rule.times, int) or rule.times < 0):
        raise _invalid(f"'times' must be an integer >= 0 or null, got {rule.times!r}")
    return rule


def _check_values(kind: str, params: dict) -> None:
    """The checks that types alone do not make."""
    if isinstance(params.get("status"), int) and not 100 <= params["status"] <= 599:
        raise _invalid(f"'status' of a '{kind}' rule must be an HTTP status, got {params['status']}")
    if kind == "finish_before" and params["status"] not in STATUSES:
        raise _invalid(f"'status' of a 'finish_before' rule must be a run status, got {params['status']!r}")
    if kind == "mutate" and not all(isinstance(path, str) for path in params["delete"]):
        raise _invalid("'delete' of a 'mutate' rule must list dotted paths (strings)")


class Chaos:
    """Random faults: each matching request gets, with ``probability``, one of ``kinds`` at random.

    The random generator is seeded, so a single client sending the same
    requests sees the same faults on every run.
    """

    def __init__(self, config):
        if not isinstance(config, dict) or set(config) - {"probability", "seed", "kinds", "method", "path"}:
            raise _invalid("'chaos' must be null or an object with probability, seed, kinds, method, path")
        self.config = config
        self.probability = _number(config, "probability", 0.3, high=1)
        kinds = config.get("kinds") or DEFAULT_CHAOS_KINDS
        if not isinstance(kinds, list):
            raise _invalid("'chaos.kinds' must be a list of rules or kind names")
        self.kinds = [parse_rule(kind, default_times=None) for kind in kinds]
        self.method, self.path = _parse_filter(config)
        self.rng = random.Random(config.get("seed"))

    def draw(self, method: str, path: str) -> Optional[FaultRule]:
        if (self.method is not None and self.method != method) or (self.path is not None and not self.path.search(path)):
            return None
        if self.rng.random() >= self.probability:
            return None
        return self.rng.choice(self.kinds)


class FaultBook:
    """The active rules and chaos settings. Thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rules: list = []
        self._chaos: Optional[Chaos] = None
        self._rng = random.Random()  # for rules with probability < 1

    def add(self, specs) -> list:
        """Append rules (all or none) and return their descriptions."""
        if not isinstance(specs, list):
            raise _invalid("'rules' must be a list of fault rules")
        rules = [parse_rule(spec) for spec in specs]
        with self._lock:
            self._rules.extend(rules)
        return [rule.describe() for rule in rules]

    def clear(self) -> None:
        """Drop all rules (chaos is a setting: stop it with ``set_chaos(None)``)."""
        with self._lock:
            self._rules.clear()

    def set_chaos(self, config) -> None:
        chaos = None if config is None else Chaos(config)
        with self._lock:
            self._chaos = chaos

    def chaos_config(self) -> Optional[dict]:
        with self._lock:
            return self._chaos.config if self._chaos else None

    def describe(self) -> list:
        with self._lock:
            return [rule.describe() for rule in self._rules]

    def take(self, method: str, path: str) -> Optional[FaultRule]:
        """The fault to apply to this request, if any; consumes one use of the rule."""
        with self._lock:
            for rule in self._rules:
                if rule.remaining == 0 or not rule.matches(method, path):
                    continue
                if rule.probability < 1 and self._rng.random() >= rule.probability:
                    continue
                rule.applied += 1
                return rule
            return self._chaos.draw(method, path) if self._chaos else None


def mutate(body, set_paths: dict, delete_paths: list):
    """Apply a ``mutate`` rule to a JSON body: assign then delete dotted paths.

    Path segments index dicts by key and lists by position (``data.items.0.id``).
    Missing intermediate objects are created on assignment; deleting a missing
    path does nothing. Assigning to the empty path replaces the whole body.
    """
    for dotted, value in set_paths.items():
        value = copy.deepcopy(value)  # the rule's own value must never be altered by a later path
        if dotted == "":
            body = value
            continue
        parent, key = _walk(body, dotted, create=True)
        if parent is not None:
            parent[key] = value
    for dotted in delete_paths:
        parent, key = _walk(body, dotted, create=False)
        if parent is not None:
            del parent[key]
    return body


def _walk(node, dotted: str, create: bool) -> tuple:
    """The container holding the last segment of ``dotted`` and the key or index into it.

    Returns ``(None, None)`` when the path cannot be reached (or, without
    ``create``, when its last segment does not exist).
    """
    *parents, last = dotted.split(".")
    for segment in parents:
        key = _key(node, segment)
        if key is None:
            return None, None
        if isinstance(node, dict) and not isinstance(node.get(key), (dict, list)):
            if not create:
                return None, None
            node[key] = {}
        node = node[key]
    key = _key(node, last)
    if key is None or (not create and isinstance(node, dict) and key not in node):
        return None, None
    return node, key


def _key(node, segment: str):
    """``segment`` as a dict key or a valid list index into ``node``; None if it is neither."""
    if isinstance(node, dict):
        return segment
    if isinstance(node, list) and segment.lstrip("-").isdigit() and -len(node) <= int(segment) < len(node):
        return int(segment)
    return None
