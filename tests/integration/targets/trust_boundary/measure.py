# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a command with a wall-clock guard; record its exit code, wall time and peak memory.

    python measure.py OUT.json GUARD_SECONDS STDOUT STDERR -- COMMAND...

The peak is the largest resident set of any process of the tree (ansible-playbook,
its workers, the module), from getrusage(RUSAGE_CHILDREN).ru_maxrss. This process
makes itself a child subreaper first, so that the processes of a tree killed by the
guard are reparented here and counted too: a module that hangs is exactly the case
whose memory matters.
"""

import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def descendants(root):
    """PIDs of every process below ``root``, from /proc (the workers setsid(), so no killpg)."""
    children = {}
    entries = os.listdir("/proc") if os.path.isdir("/proc") else []  # without /proc: no guard kill of the tree
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, encoding="utf-8") as handle:
                state, ppid = handle.read().rsplit(")", 1)[1].split()[:2]
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if state == "Z":
            continue  # dead already, only waiting to be reaped
        children.setdefault(int(ppid), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_tree():
    """SIGKILL everything below this process, until nothing is left (orphans come back here)."""
    for dummy in range(20):
        pids = descendants(os.getpid())
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


def reap_all(deadline):
    """Wait for every descendant reparented here; False if some outlived the deadline."""
    while True:
        try:
            pid = os.waitpid(-1, os.WNOHANG)[0]
        except ChildProcessError:
            return True
        if pid == 0:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def main():
    out, guard, stdout, stderr = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
    command = sys.argv[sys.argv.index("--") + 1 :]
    try:
        subreaper = ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except AttributeError:  # not Linux: killed trees are then not counted
        subreaper = False
    started = time.monotonic()
    with open(stdout, "wb") as out_file, open(stderr, "wb") as err_file:
        process = subprocess.Popen(command, stdout=out_file, stderr=err_file)
        try:
            rc = process.wait(timeout=guard)
            killed = False
        except subprocess.TimeoutExpired:
            kill_tree()
            rc = process.wait()
            killed = True
    wall = time.monotonic() - started
    stragglers = len(descendants(os.getpid()))  # a module left running after the playbook ended
    kill_tree()
    reaped = reap_all(time.monotonic() + 5)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = {
        "rc": rc,
        "killed": killed,
        "guard_s": guard,
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(peak_kb / 1024.0, 1),
        "subreaper": subreaper,
        "reaped": reaped,
        "stragglers": stragglers,
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
