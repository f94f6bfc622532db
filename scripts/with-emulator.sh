#!/usr/bin/env bash
# Runs a command beside the Apify API emulator: the one step of `make integration` and `make demo`
# that no tool does. From a collection root (the emulator is its tests/emulator package), it starts
# `python -m tests.emulator` on a free loopback port with a fresh token, waits until it listens,
# runs COMMAND with APIFY_API_BASE_URL and APIFY_TOKEN set (with --config FILE it also writes both
# into FILE as apify_emulator_url and apify_emulator_token: ansible-test integration passes the
# environment on to no test, but loads tests/integration/integration_config.yml), prints the
# emulator's log if COMMAND failed, and always stops the emulator. The exit status is COMMAND's.
#   scripts/with-emulator.sh [--config FILE] COMMAND [ARGS...]
# Environment: PYTHON (default python3), EMULATOR_ARGS (e.g. '--seed demo'), EMULATOR_LOG=- (the
# emulator's output to the terminal instead of a temporary file).
set -euo pipefail

config=
if [[ ${1:-} == --config ]]; then config=$2; shift 2; fi
[[ $# -gt 0 ]] || { echo "usage: $0 [--config FILE] COMMAND [ARGS...]" >&2; exit 2; }
[[ -f tests/emulator/__main__.py ]] || { echo "with-emulator: no tests/emulator in $PWD" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/apify-emulator.XXXXXX")
log=${EMULATOR_LOG:-$work/emulator.log}
[[ $log != - ]] || log=/dev/stderr
token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
pid=
# shellcheck disable=SC2329  # invoked by the EXIT trap
stop() {
    if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck disable=SC2086  # EMULATOR_ARGS is a list of words
"${PYTHON:-python3}" -m tests.emulator --port 0 --port-file "$work/port" --token "$token" --quiet \
    ${EMULATOR_ARGS:-} >>"$log" 2>&1 &
pid=$!
for _ in $(seq 300); do
    [[ -s $work/port ]] && break
    kill -0 "$pid" 2>/dev/null || { echo "with-emulator: the emulator exited:" >&2; cat "$work/emulator.log" >&2 || true; exit 1; }
    sleep 0.1
done
[[ -s $work/port ]] || { echo "with-emulator: the emulator did not listen within 30 s" >&2; exit 1; }
url="http://127.0.0.1:$(tr -dc 0-9 <"$work/port")"
[[ -z $config ]] || printf 'apify_emulator_url: %s\napify_emulator_token: %s\n' "$url" "$token" >"$config"
echo "with-emulator: emulator (pid $pid) on $url"

rc=0
APIFY_API_BASE_URL=$url APIFY_TOKEN=$token "$@" || rc=$?
if [[ $rc -ne 0 && -s $work/emulator.log ]]; then
    echo "with-emulator: the emulator's log (last 50 lines):" >&2
    tail -n 50 "$work/emulator.log" >&2
fi
exit "$rc"
