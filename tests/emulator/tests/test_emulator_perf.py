# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Speed: keep-alive requests must not pay Nagle/delayed-ACK stalls, and answers stay small and framed."""

import socket
import time


def test_keep_alive_requests_are_fast(emu):
    run = emu.create()
    url = f"{emu.base_url}/v2/actor-runs/{run['id']}"
    emu.http.get(url)  # open the connection
    started = time.perf_counter()
    for dummy in range(200):
        assert emu.http.get(url).status_code == 200
    average_ms = (time.perf_counter() - started) / 200 * 1000
    assert average_ms < 5, f"{average_ms:.2f} ms per request"


def test_keep_alive_posts_are_fast(emu):
    run = emu.create()
    url = f"{emu.base_url}/v2/actor-runs/{run['id']}/reboot"
    started = time.perf_counter()
    for dummy in range(100):
        emu.api("POST", url.replace(emu.base_url, ""))
    average_ms = (time.perf_counter() - started) / 100 * 1000
    assert average_ms < 5, f"{average_ms:.2f} ms per request"
    assert emu.run(run["id"])["stats"]["rebootCount"] == 100


def test_one_connection_serves_many_requests_with_content_length(emu):
    """Raw HTTP/1.1 on one socket: every answer (errors included) is framed by Content-Length."""
    run = emu.create()
    host, port = emu.base_url.rsplit("//", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        stream = sock.makefile("rb")
        for path in (f"/v2/actor-runs/{run['id']}", "/v2/actor-runs", "/v2/nowhere", f"/v2/actor-runs/{run['id']}"):
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            status_line = stream.readline()
            headers = {}
            for line in iter(stream.readline, b"\r\n"):
                name, dummy, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            assert status_line.startswith(b"HTTP/1.1 "), status_line
            assert body.startswith(b"{")
