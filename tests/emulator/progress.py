# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Each run's progress as its default storages show it: profiles, overrides, reads.

A run spec's ``progress`` (see README.md) picks a profile and may override its
starting point. :func:`parse_progress` validates it into an immutable spec (a
bulk template shares one); :func:`new_progress` turns a spec into one run's
mutable :class:`Progress`. The profile decides what each read of a storage does
while the run is active: ``advance`` adds ``step`` to handled/total requests or
to items, ``touch`` sets the storage's ``modifiedAt`` to now.
"""

from dataclasses import dataclass
from types import MappingProxyType
from typing import Optional

from .messages import ApiError
from .runs import iso, parse_iso


@dataclass(frozen=True)
class Profile:
    """A profile's starting point and what reads do."""

    total: int
    handled: int
    items: int
    modified_ago: Optional[float]  # minutes before creation; None: the run's startedAt
    cpu: float
    advance: bool
    touch: bool
    started_ago: Optional[float]  # minutes: the run's default startedAt; None: the usual default


PROFILES = {
    "active": Profile(total=100, handled=40, items=40, modified_ago=0, cpu=80.0, advance=True, touch=True, started_ago=None),
    "stalled": Profile(total=200, handled=120, items=118, modified_ago=120, cpu=0.5, advance=False, touch=False, started_ago=180),
    "moving": Profile(total=200, handled=120, items=118, modified_ago=120, cpu=0.5, advance=True, touch=False, started_ago=180),
    "untouched": Profile(total=0, handled=0, items=0, modified_ago=None, cpu=0.5, advance=False, touch=False, started_ago=120),
}
DEFAULT_PROFILE = "active"
DEFAULT_STEP = 5

_QUEUE_KEYS = {"totalRequestCount", "handledRequestCount", "pendingRequestCount", "modifiedAt", "modifiedMinutesAgo"}
_DATASET_KEYS = {"itemCount", "cleanItemCount", "modifiedAt", "modifiedMinutesAgo"}
_TOP_KEYS = {"profile", "step", "cpuCurrentUsage", "statusMessage", "modifiedAt", "modifiedMinutesAgo", "requestQueue", "dataset"}


@dataclass(slots=True)
class QueueState:
    total: int
    handled: int
    pending: int
    modified: Optional[float]  # None: the run's startedAt
    reads: int = 0


@dataclass(slots=True)
class DatasetState:
    items: int
    clean: int
    modified: Optional[float]
    reads: int = 0


@dataclass(slots=True)
class Progress:
    """One run's storages (None: that storage does not exist) and CPU."""

    profile: str
    step: int
    cpu: float
    status_message: Optional[str]
    queue: Optional[QueueState]
    dataset: Optional[DatasetState]

    def read_queue(self, now: float, active: bool) -> Optional[QueueState]:
        queue = self.queue
        if queue is not None:
            rules = PROFILES[self.profile]
            if active and rules.advance:
                queue.handled += self.step
                queue.total += self.step  # as many new requests found as handled: pending stays
            if active and rules.touch:
                queue.modified = now
            queue.reads += 1
        return queue

    def read_dataset(self, now: float, active: bool) -> Optional[DatasetState]:
        dataset = self.dataset
        if dataset is not None:
            rules = PROFILES[self.profile]
            if active and rules.advance:
                dataset.items += self.step
                dataset.clean += self.step
            if active and rules.touch:
                dataset.modified = now
            dataset.reads += 1
        return dataset

    def describe(self, started: float) -> dict:
        """The model as the control API shows it (reading it changes nothing)."""
        queue, dataset = self.queue, self.dataset
        return {
            "profile": self.profile,
            "step": self.step,
            "cpuCurrentUsage": self.cpu,
            "statusMessage": self.status_message,
            "requestQueue": None
            if queue is None
            else {
                "totalRequestCount": queue.total,
                "handledRequestCount": queue.handled,
                "pendingRequestCount": queue.pending,
                "modifiedAt": iso(started if queue.modified is None else queue.modified),
                "readCount": queue.reads,
            },
            "dataset": None
            if dataset is None
            else {
                "itemCount": dataset.items,
                "cleanItemCount": dataset.clean,
                "modifiedAt": iso(started if dataset.modified is None else dataset.modified),
                "readCount": dataset.reads,
            },
        }


# --- the spec ------------------------------------------------------------------------------


def _invalid(message: str) -> ApiError:
    return ApiError(400, "invalid-input", message)


def _count(where: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _invalid(f"'{where}' must be an integer >= 0, got {value!r}")
    return value


def _number(where: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise _invalid(f"'{where}' must be a number >= 0, got {value!r}")
    return float(value)


def _object(where: str, value, keys: set) -> dict:
    if not isinstance(value, dict):
        raise _invalid(f"'{where}' must be an object, got {value!r}")
    unknown = set(value) - keys
    if unknown:
        raise _invalid(f"Unknown keys in '{where}': {', '.join(sorted(unknown))}")
    return value


def _modified(where: str, spec: dict, inherited=None):
    """``("at", epoch)``, ``("ago", minutes)`` or ``inherited`` (the outer level's, or None)."""
    if "modifiedAt" in spec and "modifiedMinutesAgo" in spec:
        raise _invalid(f"'{where}' takes 'modifiedAt' or 'modifiedMinutesAgo', not both")
    if "modifiedAt" in spec:
        try:
            return ("at", parse_iso(spec["modifiedAt"]))
        except (TypeError, ValueError):
            raise _invalid(f"'{where}.modifiedAt' must be an ISO 8601 time, got {spec['modifiedAt']!r}") from None
    if "modifiedMinutesAgo" in spec:
        return ("ago", _number(f"{where}.modifiedMinutesAgo", spec["modifiedMinutesAgo"]))
    return inherited


def _queue_spec(where: str, value, modified) -> Optional[MappingProxyType]:
    if value is None:
        return None
    spec = _object(where, value, _QUEUE_KEYS)
    counts = {key: _count(f"{where}.{key}", spec[key]) for key in ("totalRequestCount", "handledRequestCount", "pendingRequestCount") if key in spec}
    total, handled = counts.get("totalRequestCount"), counts.get("handledRequestCount")
    if total is not None and handled is not None and handled > total:
        raise _invalid(f"'{where}.handledRequestCount' ({handled}) must not exceed 'totalRequestCount' ({total})")
    return MappingProxyType(dict(counts, modified=_modified(where, spec, modified)))


def _dataset_spec(where: str, value, modified) -> Optional[MappingProxyType]:
    if value is None:
        return None
    spec = _object(where, value, _DATASET_KEYS)
    counts = {key: _count(f"{where}.{key}", spec[key]) for key in ("itemCount", "cleanItemCount") if key in spec}
    if counts.get("cleanItemCount", 0) > counts.get("itemCount", float("inf")):
        raise _invalid(f"'{where}.cleanItemCount' must not exceed 'itemCount'")
    return MappingProxyType(dict(counts, modified=_modified(where, spec, modified)))


def parse_progress(key: str, value) -> MappingProxyType:
    """Validate a run spec's ``progress``; ``null`` means: no default storages at all."""
    if value is None:
        value = {"requestQueue": None, "dataset": None}
    spec = _object(key, value, _TOP_KEYS)
    profile = spec.get("profile", DEFAULT_PROFILE)
    if profile not in PROFILES:
        raise _invalid(f"'{key}.profile' must be one of {', '.join(PROFILES)}, got {profile!r}")
    message = spec.get("statusMessage")
    if message is not None and not isinstance(message, str):
        raise _invalid(f"'{key}.statusMessage' must be a string or null, got {message!r}")
    modified = _modified(key, spec)
    return MappingProxyType(
        {
            "profile": profile,
            "step": _count(f"{key}.step", spec.get("step", DEFAULT_STEP)),
            "cpu": _number(f"{key}.cpuCurrentUsage", spec["cpuCurrentUsage"]) if "cpuCurrentUsage" in spec else PROFILES[profile].cpu,
            "status_message": message,
            # A missing storage key means: the profile's storage; null means: none.
            "queue": _queue_spec(f"{key}.requestQueue", spec.get("requestQueue", {}), modified),
            "dataset": _dataset_spec(f"{key}.dataset", spec.get("dataset", {}), modified),
        }
    )


DEFAULT_SPEC = parse_progress("progress", {})


def default_started(spec: MappingProxyType, now: float) -> Optional[float]:
    """The run's startedAt the profile implies when the run spec gives none (None: the usual)."""
    ago = PROFILES[spec["profile"]].started_ago
    return None if ago is None else now - ago * 60


def _when(modified, profile: Profile, now: float) -> Optional[float]:
    if modified is None:
        return None if profile.modified_ago is None else now - profile.modified_ago * 60
    kind, value = modified
    return value if kind == "at" else now - value * 60


def new_progress(spec: MappingProxyType, now: float) -> Progress:
    """A run's own progress state from a parsed spec; relative times count from ``now``."""
    profile = PROFILES[spec["profile"]]
    queue = dataset = None
    if spec["queue"] is not None:
        given = spec["queue"]
        total = given.get("totalRequestCount", max(profile.total, given.get("handledRequestCount", 0)))
        handled = given.get("handledRequestCount", min(profile.handled, total))
        pending = given.get("pendingRequestCount", total - handled)
        queue = QueueState(total, handled, pending, _when(given["modified"], profile, now))
    if spec["dataset"] is not None:
        given = spec["dataset"]
        items = given.get("itemCount", max(profile.items, given.get("cleanItemCount", 0)))
        dataset = DatasetState(items, given.get("cleanItemCount", items), _when(given["modified"], profile, now))
    return Progress(spec["profile"], spec["step"], spec["cpu"], spec["status_message"], queue, dataset)
