# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A tiny logging forward proxy on loopback: ``python -m tests.hostile.proxy --port-file F --log F``.

It logs the first request of every connection (method, target, and whether
``Authorization`` / ``Proxy-Authorization`` headers came, never their values),
then forwards: ``CONNECT host:port`` as a tunnel, an absolute-form request
(``GET http://host:port/...``) by passing the bytes on. Only loopback targets.

Forwarding, rather than refusing, keeps the test honest: a client that goes
through the proxy still succeeds, so only the proxy's log can tell.
"""

import argparse
import ipaddress
import json
import signal
import socket
import sys
import threading
from urllib.parse import urlsplit

from .server import write_port_file


def _loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _pipe(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Proxy:
    def __init__(self, log_path):
        self._log = open(log_path, "a", encoding="utf-8")  # pylint: disable=consider-using-with  # open for the proxy's life
        self._lock = threading.Lock()
        self.stopping = threading.Event()

    def log(self, entry):
        with self._lock:
            self._log.write(json.dumps(entry) + "\n")
            self._log.flush()

    def handle(self, client, number):
        try:
            self._handle(client, number)
        except OSError:
            pass  # either side went away
        finally:
            client.close()

    def _handle(self, client, number):
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 65536:
            data = client.recv(65536)
            if not data:
                return
            head += data
        request_line, dummy, rest = head.partition(b"\r\n")
        names = [line.split(b":", 1)[0].strip().lower() for line in rest.split(b"\r\n\r\n", 1)[0].split(b"\r\n")]
        parts = request_line.decode("latin-1").split()
        method, target = (parts + ["", ""])[:2]
        self.log(
            {
                "conn": number,
                "method": method,
                "target": target,
                "authorization": b"authorization" in names,
                "proxy_authorization": b"proxy-authorization" in names,
            }
        )
        if method == "CONNECT":
            host, dummy, port = target.rpartition(":")
            forward, greeting = b"", b"HTTP/1.1 200 Connection established\r\n\r\n"
        else:
            split = urlsplit(target)
            host, port = split.hostname or "", split.port or 80
            forward, greeting = head, b""
        if not _loopback(host):
            client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
        except (OSError, ValueError):
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        with upstream:
            upstream.settimeout(None)
            client.sendall(greeting)
            upstream.sendall(forward)
            back = threading.Thread(target=_pipe, args=(upstream, client), daemon=True)
            back.start()
            _pipe(client, upstream)
            back.join(5)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.hostile.proxy", description="A logging forward proxy on loopback.")
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args(argv)
    proxy = Proxy(args.log)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: proxy.stopping.set())
    write_port_file(args.port_file, listener.getsockname()[1])
    number = 0
    while not proxy.stopping.is_set():
        try:
            client = listener.accept()[0]
        except socket.timeout:
            continue
        client.settimeout(None)
        number += 1
        threading.Thread(target=proxy.handle, args=(client, number), daemon=True).start()
    listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
