# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A run record and its rendering as the spec's ``Run`` and ``RunShort`` objects.

A record keeps what changes (status, times, counters) and its IDs; the JSON
objects are built on demand, with statistics derived from the run time.
"""

import functools
import random
import string
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional

STATUSES = ("READY", "RUNNING", "SUCCEEDED", "FAILED", "TIMING-OUT", "TIMED-OUT", "ABORTING", "ABORTED")
TERMINAL = frozenset(("SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED"))
ABORTABLE = frozenset(("READY", "RUNNING", "TIMING-OUT"))
# Statuses in which the container is up and using memory and CPU.
ACTIVE = frozenset(("RUNNING", "TIMING-OUT", "ABORTING"))

DEFAULT_ACT_ID = "DemoActor00000001"
DEFAULT_ACTOR_NAME = "demo-user~demo-actor"
DEFAULT_USER_ID = "DemoUser000000001"
DEFAULT_MEMORY_MBYTES = 1024

STATUS_MESSAGES = {
    "READY": "Starting the Actor run",
    "RUNNING": "Actor is running",
    "SUCCEEDED": "Actor finished successfully (exit code 0)",
    "FAILED": "Actor failed with exit code 1",
    "TIMING-OUT": "Actor run is timing out",
    "TIMED-OUT": "Actor run timed out",
    "ABORTING": "Actor run is being aborted",
    "ABORTED": "Actor run was aborted",
}

EXIT_CODES = {"SUCCEEDED": 0, "FAILED": 1}

_ID_CHARS = string.ascii_letters + string.digits
_rng = random.Random()
_COMPUTE_UNIT_USD = 0.4


def new_id() -> str:
    """A random ID shaped like Apify's: 17 characters from [A-Za-z0-9]."""
    return "".join(_rng.choices(_ID_CHARS, k=17))


@functools.lru_cache(maxsize=1 << 16)  # list pages format the same start times over and over
def iso(ts: Optional[float]) -> Optional[str]:
    """Epoch seconds as ISO 8601 UTC with milliseconds and ``Z``, as the API writes them."""
    if ts is None:
        return None
    moment = datetime.fromtimestamp(ts, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> float:
    """ISO 8601 text to epoch seconds; a time without an offset is taken as UTC."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


@dataclass(slots=True)
class RunRecord:
    """One run's mutable state and fixed IDs."""

    id: str
    act_id: str
    actor_name: Optional[str]
    task_id: Optional[str]
    task_name: Optional[str]
    status: str
    started: float
    finished: Optional[float]
    seq: int  # creation order: breaks startedAt ties when sorting
    reboot_count: int = 0
    resurrect_count: int = 0
    memory_mbytes: int = DEFAULT_MEMORY_MBYTES
    build: str = "latest"
    timeout_secs: int = 3600
    max_items: Optional[int] = None
    max_total_charge_usd: Optional[float] = None
    restart_on_error: Optional[bool] = None  # not in the run object; kept for tests (a resurrect may set it)
    mem_current_bytes: Optional[int] = None  # None: 40 % of the memory limit
    after_reboot: Optional[dict] = None  # {"ready_secs": float, "status": str}
    abort_secs: float = 0.0  # how long a graceful abort stays ABORTING
    pending_until: Optional[float] = None  # end of a timed window: READY after a reboot, ABORTING after a graceful abort
    pending_status: Optional[str] = None  # status reached when that window ends
    build_id: str = field(default_factory=new_id)
    kv_id: str = field(default_factory=new_id)
    dataset_id: str = field(default_factory=new_id)
    queue_id: str = field(default_factory=new_id)
    progress: Any = None  # a progress.Progress: the default storages' state and CPU

    def settle(self, now: float) -> None:
        """Catch up with the clock: leave a timed window (READY after a reboot, ABORTING) once it is over."""
        if self.pending_until is not None and now >= self.pending_until:
            self.set_status(self.pending_status, self.pending_until)

    def enter_window(self, status: str, secs: float, then: str, now: float) -> None:
        """Be ``status`` for ``secs`` seconds, then ``then`` (settled lazily; zero seconds ends at once)."""
        self.set_status(status, now)
        self.pending_until = now + secs
        self.pending_status = then
        self.settle(now)

    def set_status(self, status: str, now: float) -> None:
        """Move to ``status``; terminal statuses get ``finished``, the others lose it."""
        self.status = status
        self.pending_until = self.pending_status = None
        if status in TERMINAL:
            self.finished = self.finished if self.finished is not None else now
        else:
            self.finished = None

    def _options(self) -> dict:
        """The run's ``options`` (spec ``RunOptions``); ``maxItems`` and ``maxTotalChargeUsd`` only once set."""
        options = {"build": self.build, "timeoutSecs": self.timeout_secs, "memoryMbytes": self.memory_mbytes, "diskMbytes": self.memory_mbytes * 2}
        if self.max_items is not None:
            options["maxItems"] = self.max_items
        if self.max_total_charge_usd is not None:
            options["maxTotalChargeUsd"] = self.max_total_charge_usd
        return options

    def to_short(self, now: float) -> dict:
        """The list item (spec ``RunShort``)."""
        return {
            "id": self.id,
            "actId": self.act_id,
            "userId": DEFAULT_USER_ID,
            "actorTaskId": self.task_id,
            "status": self.status,
            "startedAt": iso(self.started),
            "finishedAt": iso(self.finished),
            "buildId": self.build_id,
            "buildNumber": "0.0.36",
            "meta": {"origin": "API"},
            "usageTotalUsd": self._usage_usd(self._seconds(now)),
            "defaultKeyValueStoreId": self.kv_id,
            "defaultDatasetId": self.dataset_id,
            "defaultRequestQueueId": self.queue_id,
        }

    def to_full(self, now: float) -> dict:
        """The complete run (spec ``Run``) with statistics derived from the run time."""
        seconds = self._seconds(now)
        memory = self.memory_mbytes * 1024 * 1024
        active = self.status in ACTIVE
        current = self.mem_current_bytes if self.mem_current_bytes is not None else int(memory * 0.4)
        peak = max(current, int(memory * 0.55))
        compute_units = self._compute_units(seconds)
        return {
            "id": self.id,
            "actId": self.act_id,
            "userId": DEFAULT_USER_ID,
            "actorTaskId": self.task_id,
            "startedAt": iso(self.started),
            "finishedAt": iso(self.finished),
            "status": self.status,
            "statusMessage": self._status_message(),
            "isStatusMessageTerminal": self.status in TERMINAL,
            "meta": {"origin": "API", "clientIp": "127.0.0.1", "userAgent": "ApifyClient/2.0.0 (linux; Python/3.11.7)"},
            "stats": {
                "inputBodyLen": 240,
                "migrationCount": 0,
                "rebootCount": self.reboot_count,
                "restartCount": 0,
                "resurrectCount": self.resurrect_count,
                "memAvgBytes": round(peak * 0.8, 1),
                "memMaxBytes": peak,
                "memCurrentBytes": current if active else 0,
                "cpuAvgUsage": 33.75,
                "cpuMaxUsage": 169.65,
                "cpuCurrentUsage": (self.progress.cpu if self.progress else 21.4) if active else 0,
                "netRxBytes": int(seconds * 41_000),
                "netTxBytes": int(seconds * 1_900),
                "durationMillis": int(seconds * 1000),
                "runTimeSecs": round(seconds, 3),
                "metamorph": 0,
                "computeUnits": compute_units,
            },
            "options": self._options(),
            "buildId": self.build_id,
            "buildNumber": "0.0.36",
            "exitCode": EXIT_CODES.get(self.status),
            "generalAccess": "FOLLOW_USER_SETTING",
            "defaultKeyValueStoreId": self.kv_id,
            "defaultDatasetId": self.dataset_id,
            "defaultRequestQueueId": self.queue_id,
            "storageIds": {
                "datasets": {"default": self.dataset_id},
                "keyValueStores": {"default": self.kv_id},
                "requestQueues": {"default": self.queue_id},
            },
            "containerUrl": f"https://{self.id.lower()}.runs.apify.net",
            "isContainerServerReady": self.status == "RUNNING",
            "gitBranchName": "main",
            "usage": {"ACTOR_COMPUTE_UNITS": compute_units, "DATASET_WRITES": int(seconds), "KEY_VALUE_STORE_READS": 2},
            "usageTotalUsd": self._usage_usd(seconds),
            "usageUsd": {"ACTOR_COMPUTE_UNITS": self._usage_usd(seconds)},
            "platformUsageBillingModel": "USER",
        }

    def _status_message(self) -> str:
        """The progress's message while RUNNING, if it has one; else the status's own."""
        if self.status == "RUNNING" and self.progress is not None and self.progress.status_message:
            return self.progress.status_message
        return STATUS_MESSAGES[self.status]

    def _seconds(self, now: float) -> float:
        end = self.finished if self.finished is not None else now
        return max(0.0, end - self.started)

    def _compute_units(self, seconds: float) -> float:
        # One compute unit is 1 GB of memory for one hour.
        return round(self.memory_mbytes / 1024 * seconds / 3600, 5)

    def _usage_usd(self, seconds: float) -> float:
        return round(self._compute_units(seconds) * _COMPUTE_UNIT_USD, 5)
