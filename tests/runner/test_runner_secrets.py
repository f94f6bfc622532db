# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""examples/reboot_run.yml through ansible-runner, with the AWX credential type's environment.

The credential type (extensions/awx/credential_types/apify_api.yml) is read from its YAML and
its injectors' env templates are rendered with Jinja2 from the inputs ``token`` and
``api_url``, as AWX renders them; ansible_runner.run() gets that environment (as AWX passes
it, env files suppressed) and runs the example at verbosity 4. Then the emulator must show the
run rebooted once, and the token must be nowhere: not in any artifact, stdout, stderr, event
or return value, even when the API echoes it back in an error.

One exception, asserted and reported: ansible-runner itself writes artifacts/<ident>/command,
a JSON record of the command *and the whole environment it was given*, whatever
suppress_env_files says. That file holds the token because AWX-style credentials are
environment variables; it is written with mode 0600, and it is not the collection's doing.
Every other file is clean.
"""

import os
import stat
from pathlib import Path

import jinja2.sandbox
import pytest
import yaml

from tests.runner.conftest import REPO_ROOT, dump, run_playbook, task_results

CREDENTIAL_TYPE = REPO_ROOT / "extensions" / "awx" / "credential_types" / "apify_api.yml"
EXAMPLE = REPO_ROOT / "examples" / "reboot_run.yml"
RUN_ID = "RunnerRunRunning1"


def injected_env(token, api_url):
    """The environment the credential type injects for these inputs, rendered like AWX does."""
    credential_type = yaml.safe_load(CREDENTIAL_TYPE.read_text(encoding="utf-8"))
    fields = {field["id"] for field in credential_type["inputs"]["fields"]}
    assert {"token", "api_url"} <= fields and "token" in credential_type["inputs"]["required"]
    secret = [field["id"] for field in credential_type["inputs"]["fields"] if field.get("secret")]
    assert secret == ["token"]
    environment = jinja2.sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    inputs = {"token": token, "api_url": api_url}
    return {name: environment.from_string(template).render(**inputs) for name, template in credential_type["injectors"]["env"].items()}


def test_the_injectors_render_as_expected():
    env = injected_env("apify_api_x", "http://127.0.0.1:1")
    assert env == {"APIFY_TOKEN": "apify_api_x", "APIFY_API_BASE_URL": "http://127.0.0.1:1"}
    # An empty API URL falls back to the real API.
    assert injected_env("apify_api_x", "")["APIFY_API_BASE_URL"] == "https://api.apify.com"


def leaks(runner, private_data_dir, token):
    """Every place the token shows up: artifact files (relative paths), stdout, events."""
    found = []
    artifacts = Path(private_data_dir) / "artifacts"
    for path in sorted(artifacts.rglob("*")):
        if path.is_file() and token in path.read_text(encoding="utf-8", errors="replace"):
            found.append(str(path.relative_to(private_data_dir)))
    for path in sorted(Path(private_data_dir).rglob("*")):
        if path.is_file() and artifacts not in path.parents and token in path.read_text(encoding="utf-8", errors="replace"):
            found.append(str(path.relative_to(private_data_dir)))
    with runner.stdout as stdout:
        if token in stdout.read():
            found.append("runner.stdout")
    if token in dump(list(runner.events)):
        found.append("runner.events")
    return found


def expected_leaks(runner):
    """ansible-runner's own record of the environment (see the module docstring)."""
    return ["artifacts/%s/command" % runner.config.ident]


def check_command_file(private_data_dir, runner):
    command = Path(private_data_dir) / expected_leaks(runner)[0]
    assert stat.S_IMODE(os.stat(str(command)).st_mode) == 0o600
    assert not (Path(private_data_dir) / "env").exists(), "suppress_env_files=True wrote env files"


def start(emulator):
    emulator.control("POST", "reset")
    emulator.control("POST", "runs", {"id": RUN_ID, "status": "RUNNING"})


def test_the_example_reboots_the_run_and_the_token_appears_nowhere(emulator, collections_path, private_data_dir):
    start(emulator)
    runner = run_playbook(
        private_data_dir, EXAMPLE, injected_env(emulator.token, emulator.base_url), collections_path, extravars={"apify_run_id": RUN_ID}, verbosity=4
    )
    results = task_results(runner)
    assert (runner.status, runner.rc) == ("successful", 0), dump(results)
    reboot = results["Reboot the run if it is RUNNING"]
    assert reboot["changed"] and reboot["rebooted"] and reboot["run"]["stats"]["rebootCount"] == 1
    assert reboot["msg"] == "Run %s was rebooted (reboot count 0 -> 1)." % RUN_ID
    assert reboot["invocation"]["module_args"]["token"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert results["Report"]["msg"] == reboot["msg"]
    # The emulator's truth: rebooted once, the token only ever in the Authorization header.
    assert emulator.run(RUN_ID)["stats"]["rebootCount"] == 1
    log = emulator.log()
    assert [entry["method"] for entry in log] == ["GET", "POST"]
    assert all(entry["authorization"] == "bearer-valid" and not entry["token_in_query"] for entry in log)
    assert not [entry for entry in log if emulator.token in entry["target"]]
    assert leaks(runner, private_data_dir, emulator.token) == expected_leaks(runner)
    check_command_file(private_data_dir, runner)


@pytest.mark.parametrize(
    "rule, says",
    [
        ({"kind": "echo_token", "method": "GET"}, "Invalid request: Authorization: Bearer ********"),
        ({"kind": "echo_token", "method": "POST", "status": 401}, "Invalid request: Authorization: Bearer ********"),
        (
            {"kind": "redirect", "method": "POST", "status": 307, "location": "http://127.0.0.1:9/v2/x?token=%(token)s"},
            "HTTP 307 redirect to 'http://127.0.0.1:9/v2/x?...' was not followed",
        ),
    ],
)
def test_the_token_stays_hidden_when_the_api_echoes_it(emulator, collections_path, private_data_dir, rule, says):
    start(emulator)
    rule = dict(rule, **({"location": rule["location"] % {"token": emulator.token}} if "location" in rule else {}))
    emulator.control("POST", "faults", {"rules": [rule]})
    runner = run_playbook(
        private_data_dir, EXAMPLE, injected_env(emulator.token, emulator.base_url), collections_path, extravars={"apify_run_id": RUN_ID}, verbosity=4
    )
    results = task_results(runner)
    assert runner.status == "failed", dump(results)
    failed = results["Reboot the run if it is RUNNING"]
    assert failed["failed"] and says in failed["msg"], failed["msg"]
    assert emulator.run(RUN_ID)["stats"]["rebootCount"] == 0
    assert [entry["fault"] for entry in emulator.log() if entry["fault"]] == [rule["kind"]]
    assert leaks(runner, private_data_dir, emulator.token) == expected_leaks(runner)
    check_command_file(private_data_dir, runner)
