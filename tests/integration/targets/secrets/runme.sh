#!/usr/bin/env bash
# The token never shows: ansible-playbook -vvvv runs secrets.yml (the API echoing the token in
# error bodies, redirects to a second server, the token from module_defaults, from APIFY_TOKEN
# and with stray whitespace); then its whole stdout and stderr are searched for the token and
# for either half of it, and the second server's log must be empty (no redirect was followed).
#
# The emulator's URL and token (apify_emulator_url, apify_emulator_token): ../setup_runme/config.sh
# (runme_config). No `set -x`: it would print the token itself.
set -euo pipefail

# shellcheck source=../setup_runme/config.sh
source ../setup_runme/config.sh
extra=() config=  # set by runme_config
runme_config secrets "$@"

python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python}
token=$("$python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["apify_emulator_token"])' "$config")
[[ ${#token} -ge 16 ]] || { echo "secrets: the emulator token is too short to search for" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/apify-secrets.XXXXXX")
listener_pid=
# shellcheck disable=SC2329  # invoked through the EXIT trap
cleanup() {
    [[ -z "$listener_pid" ]] || kill "$listener_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$python" listener.py "$work/listener.port" "$work/listener.log" &
listener_pid=$!
for _ in $(seq 100); do [[ -s "$work/listener.port" ]] && break; sleep 0.1; done
[[ -s "$work/listener.port" ]] || { echo "secrets: the second server did not start" >&2; exit 1; }
listener_port=$(cat "$work/listener.port")

rc=0
# APIFY_TOKEN in the environment of ansible-playbook itself, as AWX's credential injects it.
APIFY_TOKEN=$token ANSIBLE_NOCOLOR=1 ansible-playbook -vvvv -i "${INVENTORY_PATH:-localhost,}" secrets.yml "${extra[@]}" \
    -e "listener_port=$listener_port" >"$work/stdout" 2>"$work/stderr" || rc=$?

# What the playbook said, without the token (a leak must not leak again into the test log).
mask() { sed -e "s/${token}/<THE TOKEN>/g" -e "s/${token:0:16}/<TOKEN HEAD>/g" -e "s/${token: -16}/<TOKEN TAIL>/g"; }
grep -E '^(TASK|ok:|changed:|failed:|fatal:|skipping:|PLAY RECAP|testhost|localhost) ' "$work/stdout" | mask || true
echo "secrets: ansible-playbook -vvvv exited $rc; stdout $(wc -l <"$work/stdout") lines, stderr $(wc -l <"$work/stderr") lines"
if [[ $rc -ne 0 ]]; then
    tail -n 60 "$work/stdout" | mask
    tail -n 30 "$work/stderr" | mask
    exit "$rc"
fi

failed=0
for part in "$token" "${token:0:16}" "${token: -16}"; do
    for stream in stdout stderr; do
        if grep -qF -- "$part" "$work/$stream"; then
            echo "secrets: FAILED: (part of) the token appears in the playbook's $stream:" >&2
            grep -nF -- "$part" "$work/$stream" | mask | head -n 20 >&2
            failed=1
        fi
    done
done
# Not vacuous: the echo faults were answered and the -vvvv output holds the masked echoes.
for expected in 'Bearer ********' 'redirect to' 'was not followed' 'was rebooted (reboot count 0 -> 1)'; do
    if ! grep -qF -- "$expected" "$work/stdout"; then
        echo "secrets: FAILED: expected to see '$expected' in the -vvvv output" >&2
        failed=1
    fi
done
if [[ -s "$work/listener.log" ]]; then
    echo "secrets: FAILED: the second server got requests (a redirect was followed):" >&2
    mask <"$work/listener.log" >&2
    failed=1
fi
[[ $failed -eq 0 ]] && echo "secrets: the token appears nowhere in $(($(wc -c <"$work/stdout") + $(wc -c <"$work/stderr"))) bytes of -vvvv output; the second server saw nothing"
exit "$failed"
