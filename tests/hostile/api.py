# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The well-behaved part: a few runs and the three endpoints the collection uses, as the real API shapes them.

* ``GET /v2/actor-runs/{id}`` -> ``{"data": Run}`` (no token needed);
* ``POST /v2/actor-runs/{id}/reboot`` -> ``{"data": Run}`` with ``stats.rebootCount`` + 1, only
  for a RUNNING run (else 400 ``run-not-running``);
* ``GET /v2/actors/{actorId}/runs`` (and ``/v2/acts/...``) -> ``{"data": ListOfRuns}``, with
  ``status``, ``offset``, ``limit`` (at most 1000) and ``desc``.

Scenarios (``scenarios.py``) start from these answers and spoil them.
"""

import threading

RUN_A, RUN_B, RUN_C, RUN_D = ("A" * 17, "B" * 17, "C" * 17, "D" * 17)
RUN_DONE = "E" * 17  # SUCCEEDED: left alone
# A RUNNING run of another Actor that no playbook ever names: any request about it is a finding.
VICTIM = "VICTIMVICTIMVICTI"
ACTOR = "HostileActor00001"
VICTIM_ACTOR = "VictimActor000001"
USER = "HostileUser000001"
STARTED = "2026-01-0%dT08:00:00.000Z"
MAX_PAGE = 1000


class Api:
    """Runs by ID, each ``{"status", "rebootCount", "actId", "seq"}``; thread-safe."""

    def __init__(self, token, reboot_counts=None):
        self.token = token
        self.lock = threading.Lock()
        self.runs = {}
        for seq, (run_id, status, act_id) in enumerate(
            [(RUN_A, "RUNNING", ACTOR), (RUN_B, "RUNNING", ACTOR), (RUN_C, "RUNNING", ACTOR), (RUN_D, "RUNNING", ACTOR)]
            + [(RUN_DONE, "SUCCEEDED", ACTOR), (VICTIM, "RUNNING", VICTIM_ACTOR)]
        ):
            count = (reboot_counts or {}).get(run_id, 0)
            self.runs[run_id] = {"status": status, "rebootCount": count, "actId": act_id, "seq": seq}

    def authorized(self, request):
        return request.header("authorization") == "Bearer %s" % self.token

    # -- the objects, as the API writes them ------------------------------------

    def run_object(self, run_id, reboot_count=None):
        """A full ``Run``; ``reboot_count`` overrides the stored counter (for answers that lie)."""
        state = self.runs[run_id]
        finished = state["status"] in ("SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED")
        tail = run_id[2:]  # storage and build IDs derived from the run's: 17 characters too
        return {
            "id": run_id,
            "actId": state["actId"],
            "userId": USER,
            "actorTaskId": None,
            "status": state["status"],
            "statusMessage": "Actor is running" if state["status"] == "RUNNING" else "Actor finished",
            "startedAt": STARTED % (1 + state["seq"]),
            "finishedAt": STARTED.replace("08:", "09:") % (1 + state["seq"]) if finished else None,
            "buildId": "BU" + tail,
            "buildNumber": "0.0.1",
            "exitCode": 0 if finished else None,
            "meta": {"origin": "API"},
            "stats": {
                "rebootCount": state["rebootCount"] if reboot_count is None else reboot_count,
                "restartCount": 0,
                "resurrectCount": 0,
                "memCurrentBytes": 104857600,
                "memMaxBytes": 209715200,
                "runTimeSecs": 3600.5,
                "computeUnits": 0.25,
            },
            "options": {"build": "latest", "timeoutSecs": 86400, "memoryMbytes": 1024, "diskMbytes": 2048},
            "defaultDatasetId": "DS" + tail,
            "defaultRequestQueueId": "RQ" + tail,
            "defaultKeyValueStoreId": "KV" + tail,
            "containerUrl": "https://%s.runs.apify.net" % run_id.lower(),
        }

    def short_object(self, run_id):
        """A list item (``RunShort``)."""
        run = self.run_object(run_id)
        return {key: run[key] for key in ("id", "actId", "actorTaskId", "status", "startedAt", "finishedAt", "buildId", "buildNumber", "meta")}

    # -- the endpoints ------------------------------------------------------------

    def handle(self, request):
        """``(status, document)`` for a request, as a well-behaved API answers it."""
        parts = request.path.split("/")
        if is_run_read(request):
            return self.get_run(parts[3])
        if len(parts) == 5 and parts[:3] == ["", "v2", "actor-runs"] and parts[4] == "reboot" and request.method == "POST":
            return self.reboot(request, parts[3])
        if is_list(request):
            if not self.authorized(request):
                return error(401, "token-not-provided", "Authentication token was not provided")
            return 200, {"data": self.listing(parts[3], request.query)}
        return error(404, "page-not-found", "We have bad news: there is no API endpoint at this URL.")

    def get_run(self, run_id):
        with self.lock:
            if run_id not in self.runs:
                return error(404, "record-not-found", "Actor run was not found")
            return 200, {"data": self.run_object(run_id)}

    def reboot(self, request, run_id):
        if not self.authorized(request):
            return error(401, "token-not-provided", "Authentication token was not provided")
        with self.lock:
            state = self.runs.get(run_id)
            if state is None:
                return error(404, "record-not-found", "Actor run was not found")
            if state["status"] != "RUNNING":
                return error(400, "run-not-running", "Only running Actor runs can be rebooted (run ID: %s, status: %s)." % (run_id, state["status"]))
            state["rebootCount"] += 1
            return 200, {"data": self.run_object(run_id)}

    def listing(self, actor_id, query, items=None):
        """The ``data`` of a list answer; ``items`` (RunShort objects) replaces the actor's own runs."""
        if items is None:
            statuses = [s for s in query.get("status", "").split(",") if s]
            with self.lock:
                chosen = sorted((s["seq"], run_id) for run_id, s in self.runs.items() if s["actId"] == actor_id and (not statuses or s["status"] in statuses))
                items = [self.short_object(run_id) for dummy, run_id in chosen]
        if query.get("desc") in ("1", "true"):
            items.reverse()
        offset = max(0, int(query.get("offset") or 0))
        limit = min(MAX_PAGE, max(1, int(query.get("limit") or MAX_PAGE)))
        page = items[offset : offset + limit]
        return {"total": len(items), "offset": offset, "limit": limit, "count": len(page), "desc": query.get("desc") in ("1", "true"), "items": page}


def is_run_read(request):
    """``GET /v2/actor-runs/{id}``."""
    parts = request.path.split("/")
    return request.method == "GET" and len(parts) == 4 and parts[:3] == ["", "v2", "actor-runs"]


def is_list(request):
    """``GET /v2/actors/{id}/runs`` or ``/v2/acts/{id}/runs``."""
    parts = request.path.split("/")
    return request.method == "GET" and len(parts) == 5 and parts[:2] == ["", "v2"] and parts[2] in ("actors", "acts") and parts[4] == "runs"


def error(status, error_type, message):
    return status, {"error": {"type": error_type, "message": message}}
