# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The run store: all runs and their lifecycle (reboot, abort, resurrect, lists).

Thread-safe: every public method of :class:`RunStore` holds the store's lock.
Time-dependent states (the READY window after a reboot, see ``after_reboot``;
ABORTING after a graceful abort, see ``abort_secs``) are settled lazily:
whenever a record is read, it first catches up with the clock. A list renders
only its page and never copies the whole store.

Events: when a run is created, finishes (however: an API call, the control API, a
fault, a window that ends) or is resurrected, ``listener(event_type, render)`` is called
(if set); ``render()`` gives the run as the API would answer it then. The webhook store
makes its dispatches (and renders the run only if a webhook exists).
"""

import functools
import threading
import time
from operator import attrgetter
from typing import Optional

from .messages import ApiError
from .progress import DEFAULT_SPEC, default_started, new_progress
from .runs import ABORTABLE, DEFAULT_ACT_ID, DEFAULT_ACTOR_NAME, TERMINAL, RunRecord, new_id
from .storages import RENDERERS

# A run's finished status -> the event it fires (tests/emulator/webhooks.py has every type).
FINISH_EVENTS = {"SUCCEEDED": "ACTOR.RUN.SUCCEEDED", "FAILED": "ACTOR.RUN.FAILED", "TIMED-OUT": "ACTOR.RUN.TIMED_OUT", "ABORTED": "ACTOR.RUN.ABORTED"}


class RunStore:
    """All runs, keyed by ID. Thread-safe: every public method holds the lock."""

    def __init__(self):
        self._lock = threading.Lock()
        self._runs: dict = {}
        self._seq = 0
        self._order: Optional[list] = None  # records sorted by (startedAt, seq); None when stale
        self.listener = None  # listener(event_type, render): see the module's docstring

    def reset(self) -> None:
        with self._lock:
            self._runs.clear()
            self._order = None

    # --- control side ---------------------------------------------------------------------

    def create(self, specs: list) -> list:
        """Create runs from parsed specs (see :func:`.specs.parse_spec`), all or none; return their IDs."""
        now = time.time()
        with self._lock:
            records = [self._build(values, now) for values in specs]
            ids = [record.id for record in records]
            seen = set()
            for run_id in ids:
                if run_id in seen or run_id in self._runs:
                    raise ApiError(400, "invalid-input", f"Run ID already exists: {run_id}")
                seen.add(run_id)
            self._runs.update(zip(ids, records))
            self._order = None
            if self.listener is not None:
                for record in records:
                    self.listener("ACTOR.RUN.CREATED", functools.partial(record.to_full, now))
            return ids

    def update(self, run_id: str, values: dict) -> dict:
        """Apply parsed spec values (PATCH) and return the full run."""
        now = time.time()
        with self._lock:
            record = self._get(run_id, now)
            status = values.get("status")
            for attr, value in values.items():
                if attr == "progress":
                    record.progress = new_progress(value, now)  # replaces the whole model
                elif attr != "status":
                    setattr(record, attr, value)
            if "started" in values:
                self._order = None
            if status is not None:
                before = record.status
                record.set_status(status, now)
                self._changed(record, before, now)
            return record.to_full(now)

    def progress(self, run_id: str) -> dict:
        """The run's progress model, without reading (so without advancing) anything."""
        now = time.time()
        with self._lock:
            record = self._get(run_id, now)
            return record.progress.describe(record.started)

    def dump(self) -> list:
        now = time.time()
        with self._lock:
            return [self._settled(record, now).to_full(now) for record in self._runs.values()]

    def _build(self, values: dict, now: float) -> RunRecord:
        values = dict(values)  # a bulk template is shared by many runs
        self._seq += 1
        status = values.pop("status", "RUNNING")
        terminal = status in TERMINAL
        progress = values.pop("progress", DEFAULT_SPEC)
        # A finished run gets a plausible one-minute history unless told otherwise; a stalled
        # (or moving, or untouched) one has run long enough to tell.
        started = values.pop("started", None)
        if started is None:
            started = default_started(progress, now)
        if started is None:
            started = now - 60 if terminal else now
        record = RunRecord(
            id=values.pop("id", None) or new_id(),
            act_id=values.pop("act_id", DEFAULT_ACT_ID),
            actor_name=values.pop("actor_name", None),
            task_id=values.pop("task_id", None),
            task_name=values.pop("task_name", None),
            status=status,
            started=started,
            finished=max(now, started) if terminal else None,
            seq=self._seq,
            progress=new_progress(progress, now),
        )
        if record.act_id == DEFAULT_ACT_ID and record.actor_name is None:
            record.actor_name = DEFAULT_ACTOR_NAME
        for attr, value in values.items():
            setattr(record, attr, value)
        return record

    # --- API side ---------------------------------------------------------------------------

    def get(self, run_id: str) -> dict:
        now = time.time()
        with self._lock:
            return self._get(run_id, now).to_full(now)

    def storage(self, run_id: str, kind: str) -> dict:
        """A read of the run's default ``request-queue`` or ``dataset`` (404 if it has none)."""
        now = time.time()
        with self._lock:
            return RENDERERS[kind](self._get(run_id, now), now)

    def reboot(self, run_id: str) -> dict:
        now = time.time()
        with self._lock:
            record = self._get(run_id, now)
            if record.status != "RUNNING":
                raise ApiError(400, "run-not-running", f"Only running Actor runs can be rebooted (run ID: {run_id}, status: {record.status}).")
            record.reboot_count += 1
            if record.after_reboot:
                record.enter_window("READY", record.after_reboot["ready_secs"], record.after_reboot["status"], now)
                self._changed(record, "RUNNING", now)  # a window of 0 s ends at once
            return record.to_full(now)

    def abort(self, run_id: str, gracefully: bool = False) -> dict:
        """Abort a READY, RUNNING or TIMING-OUT run; any other run is answered unchanged.

        The spec: "For runs with status FINISHED, FAILED, ABORTING and TIMED-OUT this call
        does nothing", and it answers the run as it is (200). ``gracefully`` keeps the run
        ABORTING for its ``abort_secs`` (0: ABORTED at once); without it the run is ABORTED at once.
        """
        now = time.time()
        with self._lock:
            record = self._get(run_id, now)
            if record.status in ABORTABLE:
                before = record.status
                if gracefully:
                    record.enter_window("ABORTING", record.abort_secs, "ABORTED", now)
                else:
                    record.set_status("ABORTED", now)
                self._changed(record, before, now)
            return record.to_full(now)

    def resurrect(self, run_id: str, options: Optional[dict] = None) -> dict:
        """Start a finished run again: RUNNING (or READY for ``after_reboot``'s window, as a
        migrated container boots), ``resurrectCount`` + 1, and the run options given
        (``build``, ``timeout_secs``, ``memory_mbytes``, ``max_items``, ``max_total_charge_usd``,
        ``restart_on_error``: attributes of the record); the others stay as they were."""
        now = time.time()
        with self._lock:
            record = self._get(run_id, now)
            if record.status not in TERMINAL:
                raise ApiError(400, "run-not-finished", f"Only finished Actor runs can be resurrected (run ID: {run_id}, status: {record.status}).")
            for attr, value in (options or {}).items():
                setattr(record, attr, value)
            record.resurrect_count += 1
            if record.after_reboot:
                record.enter_window("READY", record.after_reboot["ready_secs"], record.after_reboot["status"], now)
            else:
                record.set_status("RUNNING", now)
            if self.listener is not None:
                self.listener("ACTOR.RUN.RESURRECTED", functools.partial(record.to_full, now))
            return record.to_full(now)

    def force_finish(self, run_id: str, status: str) -> None:
        """Fault hook: the run finishes on its own (ignored for unknown runs)."""
        now = time.time()
        with self._lock:
            record = self._runs.get(run_id)
            if record is not None:
                before = record.status
                record.set_status(status, now)
                self._changed(record, before, now)

    def platform_reboot(self, run_id: str) -> None:
        """Fault hook: the platform reboots (migrates) the run by itself (ignored for unknown runs)."""
        with self._lock:
            record = self._runs.get(run_id)
            if record is not None:
                record.reboot_count += 1

    def list_runs(
        self, *, act: Optional[str] = None, task: Optional[str] = None, statuses: Optional[set] = None, offset: int = 0, limit: int = 1000, desc: bool = False
    ) -> dict:
        """One page of runs as the spec's ``ListOfRuns``, sorted by startedAt."""
        now = time.time()
        with self._lock:
            if self._order is None:
                self._order = sorted(self._runs.values(), key=attrgetter("started", "seq"))
            selected = [
                record
                for record in (reversed(self._order) if desc else self._order)
                if (act is None or act in (record.act_id, record.actor_name))
                and (task is None or task in (record.task_id, record.task_name))
                and (statuses is None or self._settled(record, now).status in statuses)
            ]
            self._check_known(act, task)
            items = [self._settled(record, now).to_short(now) for record in selected[offset : offset + limit]]
        return {"total": len(selected), "offset": offset, "limit": limit, "desc": desc, "count": len(items), "items": items}

    def _check_known(self, act: Optional[str], task: Optional[str]) -> None:
        """404 ``record-not-found`` (the spec's NotFound) for an Actor or task that no run names.

        The emulator has no Actors or tasks of its own: one is known by the runs that name it.
        """
        if act is not None and not any(act in (record.act_id, record.actor_name) for record in self._runs.values()):
            raise ApiError(404, "record-not-found", "Actor was not found")
        if task is not None and not any(task in (record.task_id, record.task_name) for record in self._runs.values()):
            raise ApiError(404, "record-not-found", "Actor task was not found")

    def _get(self, run_id: str, now: float) -> RunRecord:
        record = self._runs.get(run_id)
        if record is None:
            raise ApiError(404, "record-not-found", "Actor run was not found")
        return self._settled(record, now)

    def _settled(self, record: RunRecord, now: float) -> RunRecord:
        before = record.status
        record.settle(now)
        self._changed(record, before, now)
        return record

    def _changed(self, record: RunRecord, before: str, now: float) -> None:
        """Tell the listener that a run finished (a finished status that it did not have before)."""
        event = FINISH_EVENTS.get(record.status)
        if self.listener is not None and event is not None and record.status != before:
            self.listener(event, functools.partial(record.to_full, now))
