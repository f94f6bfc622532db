# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A run's default request queue and dataset as the spec's ``RequestQueue`` and ``Dataset``.

Each render is a read: it lets the run's progress profile act first (see
``progress.py``), so the caller must hold the store's lock.
"""

from .messages import ApiError
from .runs import ACTIVE, DEFAULT_USER_ID, RunRecord, iso

_CONSOLE = "https://console.apify.com/storage"


def _common(record: RunRecord, storage_id: str, modified, now: float) -> dict:
    """The fields every default storage shares: who owns it and when it was touched."""
    modified = record.started if modified is None else modified
    return {
        "id": storage_id,
        "name": None,  # default storages are unnamed
        "userId": DEFAULT_USER_ID,
        "actId": record.act_id,
        "actRunId": record.id,
        "createdAt": iso(min(record.started, modified)),
        "modifiedAt": iso(modified),
        "accessedAt": iso(max(now, modified)),
    }


def request_queue(record: RunRecord, now: float) -> dict:
    """The run's default request queue (spec ``RequestQueue``); 404 if the run has none."""
    queue = record.progress.read_queue(now, record.status in ACTIVE)
    if queue is None:
        raise ApiError(404, "record-not-found", "Request queue was not found")
    return {
        **_common(record, record.queue_id, queue.modified, now),
        "totalRequestCount": queue.total,
        "handledRequestCount": queue.handled,
        "pendingRequestCount": queue.pending,
        # Every container of the run is a client of its own: a reboot or resurrect adds one.
        "hadMultipleClients": record.reboot_count + record.resurrect_count > 0,
        "consoleUrl": f"{_CONSOLE}/request-queues/{record.queue_id}",
        "stats": {
            "deleteCount": 0,
            "headItemReadCount": queue.reads,
            "readCount": queue.reads + queue.handled,
            "storageBytes": queue.total * 320,
            "writeCount": queue.total + queue.handled,
        },
        "generalAccess": "FOLLOW_USER_SETTING",
    }


def dataset(record: RunRecord, now: float) -> dict:
    """The run's default dataset (spec ``Dataset``); 404 if the run has none."""
    state = record.progress.read_dataset(now, record.status in ACTIVE)
    if state is None:
        raise ApiError(404, "record-not-found", "Dataset was not found")
    return {
        **_common(record, record.dataset_id, state.modified, now),
        "itemCount": state.items,
        "cleanItemCount": state.clean,
        "consoleUrl": f"{_CONSOLE}/datasets/{record.dataset_id}",
        "stats": {"readCount": state.reads, "writeCount": state.items, "storageBytes": state.items * 1200},
        "generalAccess": "FOLLOW_USER_SETTING",
    }


RENDERERS = {"request-queue": request_queue, "dataset": dataset}
