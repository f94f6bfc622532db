# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The command line: both ways of starting it, the port file, demo seeds, clean exit on signals."""

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[3]
DEMO_IDS = {
    "DemoRunRunning001": "RUNNING",
    "DemoRunSucceeded1": "SUCCEEDED",
    "DemoRunFailed0001": "FAILED",
    "DemoRunReady00001": "READY",
    "DemoRunStalled001": "RUNNING",
}


def _start(tmp_path, how, *extra):
    port_file = tmp_path / "port"
    command = [sys.executable, *how, "--port-file", str(port_file), *extra]
    # pylint: disable-next=consider-using-with  # the tests stop it (and _stop() waits for it)
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"emulator did not start: {process.communicate()}")
        time.sleep(0.02)
    return process, port_file, f"http://127.0.0.1:{int(port_file.read_text())}"


def _stop(process, signum):
    process.send_signal(signum)
    try:
        out, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("emulator did not exit on signal")
    assert process.returncode == 0, err
    return out


@pytest.mark.parametrize(
    "how,signum", [(["-m", "tests.emulator"], signal.SIGTERM), (["tests/emulator"], signal.SIGINT)], ids=["module-sigterm", "directory-sigint"]
)
def test_cli_serves_seeds_and_exits_cleanly(tmp_path, how, signum):
    process, port_file, base_url = _start(tmp_path, how, "--seed", "demo", "--token", "cli-token", "--quiet")
    for run_id, status in DEMO_IDS.items():
        response = requests.get(f"{base_url}/v2/actor-runs/{run_id}", timeout=5)
        assert response.json()["data"]["status"] == status
    listed = requests.get(f"{base_url}/v2/actor-runs", headers={"Authorization": "Bearer cli-token"}, timeout=5)
    assert listed.status_code == 200
    out = _stop(process, signum)
    assert f"listening on {base_url}" in out
    assert all(run_id in out for run_id in DEMO_IDS)
    assert not port_file.exists()


def test_cli_latency_and_access_log(tmp_path):
    process, dummy, base_url = _start(tmp_path, ["-m", "tests.emulator"], "--latency-ms", "120")
    started = time.perf_counter()
    assert requests.get(f"{base_url}/v2/actor-runs", timeout=5).status_code == 401
    assert time.perf_counter() - started >= 0.12
    # reset restores the command line's latency
    requests.post(f"{base_url}/_emulator/config", json={"latency_ms": 0}, timeout=5)
    requests.post(f"{base_url}/_emulator/reset", timeout=5)
    assert requests.get(f"{base_url}/_emulator/config", timeout=5).json()["data"]["latency_ms"] == 120
    process.send_signal(signal.SIGTERM)
    dummy, err = process.communicate(timeout=10)
    assert '"GET /v2/actor-runs HTTP/1.1" 401' in err  # without --quiet, an access log on stderr


def test_cli_runs_file_and_print_env(tmp_path):
    runs = tmp_path / "my-runs.yml"
    runs.write_text(
        "- {id: MyRunRunning00001, status: RUNNING, actorName: me~my-actor}\n"
        "- id: MyRunStalled00001\n  status: RUNNING\n  progress: {profile: stalled}\n"
        "- {id: MyRunDone00000001, status: SUCCEEDED, startedAt: 2026-01-02T03:04:05Z}\n"
    )
    process, dummy, base_url = _start(tmp_path, ["-m", "tests.emulator"], "--runs", str(runs), "--token", "my-token", "--print-env", "--quiet")
    listed = requests.get(f"{base_url}/v2/actors/me~my-actor/runs", headers={"Authorization": "Bearer my-token"}, timeout=5).json()["data"]
    assert [item["id"] for item in listed["items"]] == ["MyRunRunning00001"]
    done = requests.get(f"{base_url}/v2/actor-runs/MyRunDone00000001", timeout=5).json()["data"]
    assert (done["status"], done["startedAt"]) == ("SUCCEEDED", "2026-01-02T03:04:05.000Z")
    assert len(requests.get(f"{base_url}/_emulator/runs", timeout=5).json()["data"]) == 3  # the file's runs, no demo runs
    out = _stop(process, signal.SIGTERM)
    assert f"export APIFY_API_BASE_URL={base_url}\nexport APIFY_TOKEN=my-token\n" in out
    assert "MyRunStalled00001  RUNNING" in out


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[]", "expected a non-empty list of run specs"),
        ("- {status: SLEEPING}", "run 1: "),
        ("- {id: Twice000000000001}\n- {id: Twice000000000001}", "Run ID already exists: Twice000000000001"),
        ("- {colour: red}", "Unknown run spec keys: colour"),
        ("- [unclosed", "not YAML"),
    ],
)
def test_cli_bad_runs_file_exits_with_a_message(tmp_path, text, says):
    runs = tmp_path / "runs.yml"
    runs.write_text(text)
    command = [sys.executable, "-m", "tests.emulator", "--runs", str(runs), "--quiet"]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2
    assert f"emulator: {runs}: " in done.stderr and says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_cli_port_taken_exits_with_a_message():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        command = [sys.executable, "-m", "tests.emulator", "--port", str(taken.getsockname()[1]), "--quiet"]
        done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2
    assert "emulator: cannot listen on 127.0.0.1:" in done.stderr and "Traceback" not in done.stderr, done.stderr
