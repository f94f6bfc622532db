# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The benchmark's plumbing: the emulator process, its control API, and measuring one command.

Measuring a command (``measure()``):

* wall time: ``time.perf_counter()`` from just before the process is started to
  just after it has been reaped;
* peak memory of the whole process tree, sampled by a thread (psutil): the
  largest sum of PSS (proportional set size: a page shared by N processes
  counts 1/N in each, so the sum is what the tree really holds) over the process
  and all its descendants; and the largest sum of RSS, an upper bound that
  counts the pages a forked worker shares with its controller twice;
* the largest single process: ``os.wait4()`` returns the rusage of the child and
  of every descendant it reaped, whose ``ru_maxrss`` is the peak RSS of the
  largest of them (exact, not sampled; a lower bound for the tree);
* CPU time (user + system) of the whole tree, from the same rusage; and of the
  Ansible module processes alone (python running an ``AnsiballZ_*.py``), sampled
  with the tree (the last sample is at most SAMPLE_INTERVAL before the process ends).
"""

import json
import os
import subprocess
import threading
import time
import urllib.request

import psutil

SAMPLE_INTERVAL = 0.01
PSS_INTERVAL = 0.2
PSS_STEP = 2**20


class Emulator:
    """The Apify API emulator (tests/emulator) as a child process, and its control API."""

    def __init__(self, python, root, workdir, token, latency_ms):
        self.token = token
        self.latency_ms = latency_ms
        port_file = os.path.join(workdir, "emulator.port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self._log = open(os.path.join(workdir, "emulator.log"), "wb")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with  # stopped in stop()
            [python, "-m", "tests.emulator", "--port", "0", "--port-file", port_file, "--token", token, "--latency-ms", str(latency_ms), "--quiet"],
            cwd=root,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while not (os.path.exists(port_file) and os.path.getsize(port_file)):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the emulator did not start; see %s" % self._log.name)
            time.sleep(0.05)
        with open(port_file, encoding="utf-8") as handle:
            self.url = "http://127.0.0.1:%d" % int(handle.read())

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + "/_emulator/" + path, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read().decode("utf-8"))["data"]

    def fresh_runs(self, count, latency_ms):
        """Forget everything, set the latency, create ``count`` RUNNING runs; return their IDs."""
        self.control("POST", "reset", {})
        self.control("POST", "config", {"latency_ms": latency_ms})
        if not count:
            return []
        return self.control("POST", "runs", {"count": count, "template": {"status": "RUNNING"}})

    def check_rebooted(self, run_ids):
        """What the emulator saw since fresh_runs(): requests by kind, runs rebooted exactly once."""
        wanted = set(run_ids)
        runs = [run for run in self.control("GET", "runs") if run["id"] in wanted]
        log = self.control("GET", "log")
        return {
            "runs": len(run_ids),
            "rebooted_once": sum(1 for run in runs if run["stats"].get("rebootCount") == 1 and run["status"] == "RUNNING"),
            "gets": sum(1 for entry in log if entry["method"] == "GET"),
            "reboots": sum(1 for entry in log if entry["method"] == "POST" and entry["path"].endswith("/reboot")),
            "errors": sum(1 for entry in log if (entry["status"] or 599) >= 400),
            "first_request_at": min((entry["time"] for entry in log), default=None),
            "last_request_at": max((entry["time"] for entry in log), default=None),
        }


class _TreeSampler(threading.Thread):
    """Keeps the largest sums of RSS and of PSS over a process and its descendants.

    RSS (cheap to read) is summed every SAMPLE_INTERVAL. PSS costs ~1.5 ms per process to read
    (smaps_rollup), too much to read that often on two cores while the contender runs, so it is
    summed whenever the RSS sum reaches a new high (by PSS_STEP at least) and every PSS_INTERVAL.
    """

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak_rss = self.peak_pss = 0
        self.peak_processes = 0
        self.samples = self.pss_samples = 0
        self.done = threading.Event()
        # module pid -> [first seen, last seen (time.time(), to compare with the emulator's log),
        # its CPU time (user + system) at the last sample]
        self.seen = {}

    def _processes(self):
        try:
            return [self.root] + self.root.children(recursive=True)
        except psutil.Error:
            return []

    @staticmethod
    def _sum(processes, read):
        total, count = 0, 0
        for process in processes:
            try:
                total += read(process)
                count += 1
            except psutil.Error:
                pass
        return total, count

    def _note(self, processes):
        """Track Ansible module processes (python running an AnsiballZ_*.py file): when first and
        last seen. A pid's command line is read until it is one (``sh -c`` may exec python)."""
        now = time.time()
        for process in processes:
            entry = self.seen.get(process.pid)
            if entry is None:
                try:
                    argv = process.cmdline()
                except psutil.Error:
                    continue
                if not _is_module(argv):
                    continue
                entry = self.seen[process.pid] = [now, now, 0.0]
            entry[1] = now
            try:
                times = process.cpu_times()
                entry[2] = times.user + times.system
            except psutil.Error:
                pass

    def module_lifetimes(self):
        """(start, end) of each module process seen, in time.time() seconds."""
        return sorted(tuple(entry[:2]) for entry in self.seen.values())

    def module_cpu(self):
        """CPU seconds of the module processes, each as last sampled (at most SAMPLE_INTERVAL before it ended)."""
        return sum(entry[2] for entry in self.seen.values())

    def run(self):
        last_pss_at, last_pss_rss = 0.0, 0
        while not self.done.is_set():
            processes = self._processes()
            self._note(processes)
            rss, count = self._sum(processes, lambda p: p.memory_info().rss)
            if rss > self.peak_rss:
                self.peak_rss, self.peak_processes = rss, count
            now = time.monotonic()
            if rss >= last_pss_rss + PSS_STEP or now - last_pss_at >= PSS_INTERVAL:
                pss = self._sum(processes, lambda p: p.memory_full_info().pss)[0]
                self.peak_pss = max(self.peak_pss, pss)
                last_pss_at, last_pss_rss = now, max(rss, last_pss_rss)
                self.pss_samples += 1
            self.samples += 1
            self.done.wait(SAMPLE_INTERVAL)


def _is_module(argv):
    return bool(argv) and os.path.basename(argv[0]).startswith("python") and any(os.path.basename(arg).startswith("AnsiballZ_") for arg in argv[1:])


def measure(argv, env, cwd, log_path):
    """Run ``argv`` to the end; return its exit code, wall time, CPU time and peak memory."""
    with open(log_path, "wb") as log:
        started_at = time.time()
        start = time.perf_counter()
        process = subprocess.Popen(
            argv,
            env=env,
            cwd=cwd,
            stdout=log,  # pylint: disable=consider-using-with
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        sampler = _TreeSampler(process.pid)
        sampler.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "rc": process.returncode,
        "started_at": started_at,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "tree_pss_peak_mb": sampler.peak_pss / 2**20,
        "tree_rss_peak_mb": sampler.peak_rss / 2**20,
        "tree_rss_processes": sampler.peak_processes,
        "largest_process_rss_mb": usage.ru_maxrss / 1024,
        "samples": sampler.samples,
        "pss_samples": sampler.pss_samples,
        "module_processes": sampler.module_lifetimes(),
        "module_cpu_s": sampler.module_cpu(),
    }
