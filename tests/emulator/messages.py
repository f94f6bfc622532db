# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Transport-neutral request and response values shared by every layer.

The HTTP handler turns the wire request into a :class:`Request`, the emulator
answers with a :class:`Response`, and the handler writes it out. Errors raised
anywhere as :class:`ApiError` become the spec's ``{"error": {...}}`` body.
"""

import json
from dataclasses import dataclass, field
from typing import Any, Optional

JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class Request:
    """An HTTP request as the emulator sees it."""

    method: str
    target: str  # the raw request-line target, query string included
    path: str  # percent-decoded path without the query string
    query: dict  # query parameters; the last value wins for repeated names
    headers: dict  # header name -> value as received
    body: bytes = b""

    def header(self, name: str) -> Optional[str]:
        """Case-insensitive header lookup."""
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None

    def json(self) -> Any:
        """The body parsed as JSON (an empty body is ``{}``)."""
        if not self.body.strip():
            return {}
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise ApiError(400, "invalid-input", f"Request body is not valid JSON: {exc}") from None


@dataclass
class Response:
    """An answer to write, or (``drop=True``) a connection to close without one."""

    status: Optional[int] = 200
    body: Any = None  # a JSON value, used unless ``raw`` is set
    raw: Optional[bytes] = None  # a body sent verbatim
    content_type: str = JSON_TYPE
    headers: dict = field(default_factory=dict)
    performed: bool = False  # the API operation ran and succeeded
    drop: bool = False

    def payload(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return json.dumps(self.body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class ApiError(Exception):
    """An error answer in the spec's shape: ``{"error": {"type", "message"}}``."""

    def __init__(self, status: int, error_type: str, message: str):
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message

    def response(self) -> Response:
        return error_response(self.status, self.error_type, self.message)


def error_response(status: int, error_type: str, message: str) -> Response:
    return Response(status, {"error": {"type": error_type, "message": message}})


def data_response(data: Any, status: int = 200, performed: bool = False) -> Response:
    return Response(status, {"data": data}, performed=performed)
