#!/usr/bin/env bash
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# The trust boundary, against a hostile API: for each scenario, start tests/hostile (and, for
# `proxy`, tests/hostile/proxy) on loopback, run play.yml under measure.py (wall-clock guard,
# peak memory of the whole process tree), stop the servers, then let check.py judge the server's
# request log and the registered results. Every scenario runs even when one fails; the summary
# names the failures. By hand: TRUST_SCENARIOS='good drip' runs a subset, TRUST_KEEP=1 keeps the
# logs and results in $TMPDIR/apify-trust.*.
#
# ansible-test runs this as ./runme.sh [-v...] from a temporary copy of the target inside the
# collection (tests/output/.tmp/...), so the collection root, where tests/hostile lives, is found
# by walking up. The token is random per run and reaches the module only as APIFY_TOKEN; no
# `set -x`, which would print it.
set -euo pipefail

python=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}
root=$PWD
while [[ ! -f "$root/tests/hostile/server.py" || ! -f "$root/galaxy.yml" ]]; do
    [[ "$root" != / ]] || { echo "trust_boundary: no collection root with tests/hostile above $PWD" >&2; exit 1; }
    root=$(dirname "$root")
done

all=(good wrong_id_get early_hints late_bytes proxy huge_body endless_listing drip deep_nesting listing_bad_ids wrong_id_post lower_count_post token_key
    broken_2xx broken_before_answer received_not_done token_echoes stacked_gzip url_secrets)
read -r -a scenarios <<<"${TRUST_SCENARIOS:-${all[*]}}"
guard=25  # seconds; check.py wants < 20 s, so a guard kill is always a failure

plain_token=$("$python" -c 'import secrets; print(secrets.token_hex(16))')
# For token_echoes: a backslash and both quotes in the middle, which repr() and JSON escape.
odd_token=$("$python" -c 'import secrets; print(secrets.token_hex(12) + chr(92) + chr(39) + chr(34) + secrets.token_hex(12))')
# For url_secrets: https_proxy with a password that requests cannot parse (check.py knows it).
secret_proxy='http://proxyuser:Pr0xy#Secret@127.0.0.1:9'

work=$(mktemp -d "${TMPDIR:-/tmp}/apify-trust.XXXXXX")
pids=()
# shellcheck disable=SC2329  # invoked through the EXIT trap and after each scenario
stop_servers() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    pids=()
}
# shellcheck disable=SC2329  # invoked through the EXIT trap
cleanup() {
    stop_servers
    [[ -n "${TRUST_KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT

# start NAME PORT_FILE COMMAND...: run COMMAND from the collection root until PORT_FILE appears.
start() {
    local name=$1 port_file=$2
    shift 2
    (cd "$root" && exec "$@") >"$work/$name.out" 2>&1 &
    pids+=("$!")
    for _ in $(seq 100); do
        [[ -s "$port_file" ]] && return 0
        sleep 0.1
    done
    echo "trust_boundary: $name did not start:" >&2
    cat "$work/$name.out" >&2
    exit 1
}

failed=()
started=$(date +%s)
for scenario in "${scenarios[@]}"; do
    token=$plain_token
    [[ $scenario != token_echoes ]] || token=$odd_token
    dir=$work/$scenario
    mkdir -p "$dir"
    start "$scenario" "$dir/server.port" "$python" -m tests.hostile --scenario "$scenario" \
        --port-file "$dir/server.port" --log "$dir/server.log" --token "$token"
    proxy_port=9
    if [[ $scenario == proxy ]]; then
        start proxy "$dir/proxy.port" "$python" -m tests.hostile.proxy --port-file "$dir/proxy.port" --log "$dir/proxy.log"
        proxy_port=$(tr -dc 0-9 <"$dir/proxy.port")
    fi
    verbosity=()
    case $scenario in
        token_key | token_echoes | url_secrets) verbosity=(-vvvv) ;;  # the most the output can say, searched for the secrets
    esac
    proxy_env=()
    # ANSIBLE_INJECT_INVOCATION: ansible-core 2.21 returns the invocation only on request; older ones always.
    [[ $scenario != url_secrets ]] || proxy_env=("https_proxy=$secret_proxy" ANSIBLE_INJECT_INVOCATION=1)

    env "${proxy_env[@]}" APIFY_TOKEN="$token" ANSIBLE_NOCOLOR=1 "$python" measure.py "$dir/measure.json" "$guard" "$dir/stdout" "$dir/stderr" -- \
        ansible-playbook "${verbosity[@]}" -i "${INVENTORY_PATH:-localhost,}" play.yml \
        -e "scenario=$scenario" -e "api_port=$(tr -dc 0-9 <"$dir/server.port")" -e "proxy_port=$proxy_port" \
        -e "result_file=$dir/results.json"
    stop_servers  # the server drains what its clients sent before it exits: the log is then whole
    HOSTILE_TOKEN=$token "$python" check.py "$root" "$scenario" "$dir" || failed+=("$scenario")
done

echo "trust_boundary: ${#scenarios[@]} scenarios in $(($(date +%s) - started))s; failed: ${failed[*]:-none}"
[[ ${#failed[@]} -eq 0 ]]
