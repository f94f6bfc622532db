# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The request log: one entry per /v2 request, for tests to assert on.

An entry is created when a request arrives and completed (status, fault,
performed) just before the answer is written, so a client that reads the log
right after getting its answer always sees its own request complete. The
Authorization header's value never enters the log.
"""

import threading
import time
from typing import Optional

from .messages import Request


def classify_auth(request: Request, token: str) -> str:
    """How the request authenticated: bearer-valid, bearer-invalid, none or other (another scheme)."""
    value = request.header("Authorization")
    if value is None:
        return "none"
    scheme, dummy, credentials = value.strip().partition(" ")
    if scheme.lower() != "bearer":
        return "other"
    return "bearer-valid" if credentials.strip() == token else "bearer-invalid"


class RequestLog:
    """Thread-safe, append-only until cleared."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: list = []
        self._seq = 0

    def start(self, request: Request, authorization: str) -> dict:
        headers = {name: ("<redacted>" if name.lower() == "authorization" else value) for name, value in request.headers.items()}
        with self._lock:
            self._seq += 1
            entry = {
                "seq": self._seq,
                "time": time.time(),
                "method": request.method,
                "path": request.path,
                "target": request.target,
                "query": dict(request.query),
                "authorization": authorization,
                "token_in_query": "token" in request.query,
                "user_agent": request.header("User-Agent"),
                "headers": headers,
                "status": None,
                "fault": None,
                "performed": False,
            }
            self._entries.append(entry)
        return entry

    def finish(self, entry: dict, status: Optional[int], fault: Optional[str], performed: bool) -> None:
        with self._lock:
            entry.update(status=status, fault=fault, performed=performed)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def query(self, method: Optional[str] = None, path_contains: Optional[str] = None) -> list:
        """Copies of the entries, oldest first, optionally filtered."""
        with self._lock:
            return [
                dict(entry)
                for entry in self._entries
                if (method is None or entry["method"] == method.upper()) and (path_contains is None or path_contains in entry["path"])
            ]
