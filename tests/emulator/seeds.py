# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixed, well-known runs for demos (``--seed demo``)."""

from .specs import parse_spec
from .state import RunStore

DEMO_TASK_ID = "DemoTask000000001"

# (run spec, what the run is for)
DEMO_RUNS = (
    (
        {"id": "DemoRunRunning001", "status": "RUNNING", "progress": {"profile": "active"}, "after_reboot": {"ready_secs": 3, "status": "RUNNING"}},
        "running and making progress: a reboot succeeds, READY for 3 s, then RUNNING again",
    ),
    (
        {"id": "DemoRunSucceeded1", "status": "SUCCEEDED", "actorTaskId": DEMO_TASK_ID, "taskName": "demo-user~demo-task"},
        "finished: a reboot is skipped (API answers 400)",
    ),
    ({"id": "DemoRunFailed0001", "status": "FAILED"}, "failed: a reboot is skipped, a resurrect brings it back (RUNNING)"),
    ({"id": "DemoRunReady00001", "status": "READY"}, "starting: a reboot is skipped"),
    (
        {"id": "DemoRunDiesOnBoot", "status": "RUNNING", "after_reboot": {"ready_secs": 2, "status": "FAILED"}},
        "running, but READY for 2 s after a reboot and then FAILED",
    ),
    (
        {"id": "DemoRunStalled001", "status": "RUNNING", "progress": {"profile": "stalled", "statusMessage": "Crawled 120/200 pages"}},
        "running for 3 h, but no progress for the last 2 h (80 requests pending, CPU 0.5 %)",
    ),
)


def seed_demo(store: RunStore) -> list:
    """Create the demo runs; return ``(id, status, description)`` for each."""
    store.create([parse_spec(spec, allow_id=True) for spec, dummy in DEMO_RUNS])
    return [(spec["id"], spec["status"], description) for spec, description in DEMO_RUNS]
