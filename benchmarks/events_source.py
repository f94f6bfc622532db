# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One event source in its own process, as ansible-rulebook runs it, with a consumer that drains
the queue at once: `python events_source.py SOURCE.py ARGS_JSON`. It prints `ready` once the
source listens, and on SIGTERM one JSON line: how many events it got and when each arrived
(time.monotonic(), comparable across processes on Linux), and the CPU seconds the process spent
serving (time.process_time() from `ready` to the end)."""

import asyncio
import json
import runpy
import signal
import socket
import sys
import time


class DrainedQueue:
    """What ansible-rulebook hands a source: put() here is consumed at once."""

    def __init__(self):
        self.arrivals = []

    async def put(self, event):
        self.arrivals.append(time.monotonic())


async def run(path, args):
    queue = DrainedQueue()
    source = asyncio.ensure_future(runpy.run_path(path)["main"](queue, args))
    while True:
        if source.done():
            source.result()
        try:
            with socket.create_connection(("127.0.0.1", args["port"]), timeout=0.2):
                break
        except OSError:
            await asyncio.sleep(0.05)
    cpu_at_ready = time.process_time()
    print("ready", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    source.cancel()
    cpu = time.process_time() - cpu_at_ready
    print(json.dumps({"events": len(queue.arrivals), "arrivals": queue.arrivals, "cpu_s": cpu}), flush=True)


if __name__ == "__main__":
    asyncio.run(run(sys.argv[1], json.loads(sys.argv[2])))
