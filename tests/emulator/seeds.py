# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixed, well-known runs for demos (``--seed demo``), and runs from a file of your own (``--runs FILE``)."""

import datetime
import json

from .messages import ApiError
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


def load_runs_file(path: str) -> list:
    """The run specs in a YAML or JSON file: a list of specs, or ``{"runs": [...]}`` as ``POST /_emulator/runs`` takes.

    YAML needs PyYAML (ansible-core brings it); a ``.json`` file needs nothing. Raises ValueError with a
    message that names the file.
    """
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith(".json"):
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{path}: not JSON: {exc}") from None
    else:
        try:
            import yaml  # pylint: disable=import-outside-toplevel  # only --runs with YAML needs it
        except ImportError:
            raise ValueError(f"{path}: reading YAML needs PyYAML (ansible-core brings it); or write the runs as JSON in a .json file") from None
        try:
            document = _dates_as_text(yaml.safe_load(text))
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not YAML: {exc}") from None
    if isinstance(document, dict) and set(document) == {"runs"}:
        document = document["runs"]
    if not isinstance(document, list) or not document:
        raise ValueError(f"{path}: expected a non-empty list of run specs (or 'runs:' with one), as POST /_emulator/runs takes")
    specs = []
    for index, spec in enumerate(document):
        try:
            specs.append(parse_spec(spec, allow_id=True))
        except ApiError as exc:
            raise ValueError(f"{path}: run {index + 1}: {exc.message}") from None
    return specs


def _dates_as_text(value):
    """YAML reads an unquoted ``startedAt: 2026-01-02T03:04:05Z`` as a datetime: give it back as ISO 8601 text."""
    if isinstance(value, dict):
        return {key: _dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(item) for item in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value


def seed_file(store: RunStore, path: str) -> list:
    """Create the runs of a runs file (all or none); return ``(id, status)`` for each."""
    specs = load_runs_file(path)
    try:
        ids = store.create(specs)
    except ApiError as exc:
        raise ValueError(f"{path}: {exc.message}") from None
    return [(run["id"], run["status"]) for run in (store.get(run_id) for run_id in ids)]
