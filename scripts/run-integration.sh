#!/usr/bin/env bash
# Copyright: (c) 2025, apify.platform maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Run ansible-test integration in the laid-out collection against the Apify API emulator.
#
#   scripts/run-integration.sh COLLECTION_DIR [ansible-test integration args...]
#
# Starts `python -m tests.emulator --port 0 --port-file F --token T --quiet` from
# COLLECTION_DIR, waits for the port file, writes tests/integration/integration_config.yml
# (ansible-test loads it as vars_files into the play of every role target), runs
# ansible-test and always stops the emulator, returning ansible-test's exit code.
# ansible-test passes only a fixed set of environment variables to the tests, so the
# emulator is handed to them through that file, never through the environment.
# If STATUS_FILE is set, "skipped ..." is written there when there is nothing to run.
set -euo pipefail

collection=${1:?usage: run-integration.sh COLLECTION_DIR [ansible-test args...]}
shift
python=${PYTHON:-python3}
cd "$collection"

config=tests/integration/integration_config.yml
workdir=$(mktemp -d "${TMPDIR:-/tmp}/apify-emulator.XXXXXX")
emulator_pid=

# shellcheck disable=SC2329  # invoked through the EXIT trap below
stop_emulator() {
    if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill "$emulator_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$emulator_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
        echo "run-integration: emulator stopped"
    fi
    rm -rf "$workdir"
}
trap stop_emulator EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

targets_dir=tests/integration/targets
if [[ ! -d "$targets_dir" ]] || [[ -z "$(ls -A "$targets_dir")" ]]; then
    echo "run-integration: no integration targets in $targets_dir: nothing to run"
    [[ -z "${STATUS_FILE:-}" ]] || echo 'skipped (no integration targets)' >"$STATUS_FILE"
    exit 0
fi

rm -f "$config"
if [[ -f tests/emulator/__main__.py ]]; then
    token=$("$python" -c 'import secrets; print(secrets.token_hex(16))')
    port_file="$workdir/port"
    "$python" -m tests.emulator --port 0 --port-file "$port_file" --token "$token" --quiet \
        >"$workdir/emulator.log" 2>&1 &
    emulator_pid=$!
    for _ in $(seq 300); do  # up to 30 s
        [[ -s "$port_file" ]] && break
        if ! kill -0 "$emulator_pid" 2>/dev/null; then
            echo "run-integration: the emulator exited before listening:" >&2
            cat "$workdir/emulator.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    if [[ ! -s "$port_file" ]]; then
        echo "run-integration: the emulator wrote no port file within 30 s" >&2
        cat "$workdir/emulator.log" >&2
        exit 1
    fi
    port=$(tr -dc '0-9' <"$port_file")
    printf 'apify_emulator_url: http://127.0.0.1:%s\napify_emulator_token: %s\n' "$port" "$token" >"$config"
    echo "run-integration: emulator pid $emulator_pid listening on 127.0.0.1:$port"
else
    echo "run-integration: WARNING: tests/emulator/__main__.py not found; running without the emulator" >&2
fi

rc=0
ansible-test integration "$@" || rc=$?
if [[ $rc -ne 0 && -s "$workdir/emulator.log" ]]; then
    echo "run-integration: emulator log (last 50 lines):" >&2
    tail -n 50 "$workdir/emulator.log" >&2
fi
exit "$rc"
